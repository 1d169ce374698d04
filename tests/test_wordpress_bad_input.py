"""Bad WordPress exports: a clear message with the line, and nothing imported."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gazette.comments.models import Comment
from gazette.news.models import ArticlePage, AuthorPage, SectionPage
from gazette.wordpress import wxr
from gazette.wordpress.importer import MAX_BODY_BYTES, import_wxr
from gazette.wordpress.models import Imported

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"


def nothing_imported() -> bool:
    return not (
        ArticlePage.objects.exists()
        or Comment.objects.exists()
        or Imported.objects.exists()
        or AuthorPage.objects.exclude(slug="jane-roe").exists()
        or SectionPage.objects.exists()
    )


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("malformed.xml", "not well-formed XML (mismatched tag)", 10),
        ("truncated.xml", "not well-formed XML", 15),
        ("billion-laughs.xml", "declares a DTD or entities", 2),
        ("external-entity.xml", "declares a DTD or entities", 2),
        ("unknown-version.xml", "WXR version '2.0' is not one Gazette reads (1.0, 1.1, 1.2)", 6),
        ("missing-version.xml", "no <wp:wxr_version> before the content", 7),
        ("duplicated-ids.xml", "post ID 7 is used twice (first on line 9)", 33),
        ("unknown-encoding.xml", "not well-formed XML (unknown encoding: x-no-such-charset)", 1),
    ],
)
def test_a_bad_file_is_refused_with_its_line_and_nothing_is_written(site, name, message, line):
    with pytest.raises(wxr.WXRError) as caught:
        import_wxr(FIXTURES / name)
    assert message in caught.value.message
    assert caught.value.line == line
    assert nothing_imported()


def test_the_command_says_where_and_that_nothing_was_imported(site):
    with pytest.raises(CommandError) as caught:
        call_command("import", "wordpress", str(FIXTURES / "malformed.xml"))
    assert "line 10, column" in str(caught.value)
    assert "mismatched tag" in str(caught.value)
    assert "nothing was imported" in str(caught.value)


def test_a_missing_file_is_a_plain_error(site, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import", "wordpress", str(tmp_path / "nope.xml"))


def test_a_billion_laughs_file_is_refused_without_expanding(site):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(wxr.WXRError):
        import_wxr(FIXTURES / "billion-laughs.xml")
    # A billion "lol"s would take gigabytes; refusing the DTD takes nothing.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000


def test_an_error_at_the_end_of_a_file_leaves_nothing_from_its_start(site, tmp_path):
    good = (FIXTURES / "theme-unit-test.xml").read_text()
    bad = tmp_path / "bad-end.xml"
    bad.write_text(good.replace("</channel>", "<item></channel>"))
    with pytest.raises(wxr.WXRError) as caught:
        import_wxr(bad)
    assert caught.value.line == good[: good.index("</channel>")].count("\n") + 1
    assert nothing_imported()


def test_a_declared_latin_1_file_reads_correctly(site):
    import_wxr(FIXTURES / "latin-1.xml")
    article = ArticlePage.objects.get()
    assert article.title == "Café déjà vu"
    assert Comment.objects.get().name == "Señor Müller"


def test_a_50_mb_post_body_is_skipped_and_reported(site, tmp_path):
    source = (FIXTURES / "wxr-1.1.xml").read_text()
    big = "<p>" + "x" * (50 * 1024 * 1024) + "</p>"
    huge = tmp_path / "huge.xml"
    huge.write_text(source.replace("Welcome to WordPress. This is your first post.", big))
    report = import_wxr(huge)
    assert report.skipped[("posts", f"content larger than {MAX_BODY_BYTES // 2**20} MB")] == 1
    assert not ArticlePage.objects.exists()
    assert any("post 1 (line 9) is too large" in note for note in report.notes)


def test_import_without_a_site_is_refused(db):
    with pytest.raises(CommandError, match="gazette setup"):
        call_command("import", "wordpress", str(FIXTURES / "wxr-1.1.xml"))


def test_an_import_killed_midway_finishes_on_the_next_run(site, monkeypatch):
    from gazette.wordpress import importer as importer_module

    theme = FIXTURES / "theme-unit-test.xml"
    monkeypatch.setattr(importer_module, "BATCH_POSTS", 2)
    real_insert = importer_module.Importer.insert_posts
    calls = {"n": 0}

    def dying(self, prepared):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the operator's Ctrl-C in the middle of a batch
        return real_insert(self, prepared)

    monkeypatch.setattr(importer_module.Importer, "insert_posts", dying)
    with pytest.raises(KeyboardInterrupt):
        import_wxr(theme)
    partial = ArticlePage.objects.count()
    assert 0 < partial < 8
    monkeypatch.setattr(importer_module.Importer, "insert_posts", real_insert)
    import_wxr(theme)
    assert ArticlePage.objects.count() == 8
    assert Comment.objects.count() == 7
    assert sorted(ArticlePage.objects.values_list("title", flat=True)) == sorted(
        set(ArticlePage.objects.values_list("title", flat=True))
    )
    from wagtail.models import Page

    assert Page.find_problems() == ([], [], [], [], [])


def test_an_error_known_by_its_line_only_does_not_print_a_missing_column(site, tmp_path):
    path = tmp_path / "no-version.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n'
        "<item><wp:post_id>1</wp:post_id></item>\n"
        "</channel></rss>\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as caught:
        call_command("import", "wordpress", str(path))
    assert "line 3: no <wp:wxr_version>" in str(caught.value)
    assert "None" not in str(caught.value)
    assert nothing_imported()
