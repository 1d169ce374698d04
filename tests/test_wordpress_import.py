"""Importing a WordPress export: everything it holds, once, with its old addresses."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect

from gazette.comments.models import Comment
from gazette.news.models import ArticlePage, AuthorPage, SectionPage
from gazette.wordpress.importer import import_wxr
from gazette.wordpress.models import Imported, StandardPage

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"
THEME = FIXTURES / "theme-unit-test.xml"


def snapshot() -> dict:
    """Everything an import writes, as plain values, to compare two runs."""
    return {
        "articles": sorted(
            ArticlePage.objects.values_list(
                "pk", "title", "slug", "url_path", "live", "date", "standfirst", "comments_open"
            )
        ),
        "bodies": sorted((a.pk, str(a.body.raw_data)) for a in ArticlePage.objects.all()),
        "sections": sorted(SectionPage.objects.values_list("pk", "title", "slug")),
        "authors": sorted(AuthorPage.objects.values_list("pk", "title", "slug")),
        "pages": sorted(StandardPage.objects.values_list("pk", "title", "url_path", "live")),
        "tags": sorted(Tag.objects.values_list("pk", "name")),
        "tagged": sorted(ArticlePage.tags.through.objects.values_list("content_object", "tag")),
        "comments": sorted(
            Comment.objects.values_list("pk", "article", "parent", "name", "email", "status")
        ),
        "redirects": sorted(Redirect.objects.values_list("old_path", "redirect_page")),
        "mapping": Imported.objects.count(),
    }


@pytest.fixture
def imported(site):
    return import_wxr(THEME)


def test_every_post_comes_in_with_its_status(imported):
    by_title = {a.title: a for a in ArticlePage.objects.all()}
    assert set(by_title) == {
        "Template: Sticky",
        "Template: Comments",
        "Block: Image, Gallery, Quote, Embed",
        "Classic: Caption and Gallery",
        "Draft Post",
        "Scheduled Post",
        "Private Post",
        "Protected: Password",
    }
    assert by_title["Template: Comments"].live
    assert by_title["Scheduled Post"].live  # but embargoed by its date
    assert by_title["Scheduled Post"] not in ArticlePage.objects.published()
    for title in ("Draft Post", "Private Post", "Protected: Password"):
        assert not by_title[title].live, title
    assert "Featured" in by_title["Template: Sticky"].tags.names()
    assert by_title["Template: Sticky"].standfirst == "A sticky post, first."
    assert not by_title["Block: Image, Gallery, Quote, Embed"].comments_open
    assert imported.created["posts"] == 8
    assert imported.plan.statuses == {"publish": 5, "draft": 1, "future": 1, "private": 1}
    assert imported.skipped[("nav_menu_item", "not content")] == 1
    assert any("password-protected" in note for note in imported.notes)


def test_nested_categories_become_a_section_and_tags(imported):
    article = ArticlePage.objects.get(title="Template: Comments")
    # "Grandchild Category" sits under "Child Category 01" under "Parent Category".
    assert article.section.title == "Parent Category"
    assert set(article.tags.names()) == {"content", "Grandchild Category"}
    assert {s.title for s in SectionPage.objects.all()} >= {
        "Uncategorized", "Parent Category", "Markup"
    }  # fmt: skip


def test_authors_with_the_same_display_name_stay_two_people(imported):
    chips = AuthorPage.objects.filter(title="Chip Bennett")
    assert chips.count() == 2
    assert len({c.slug for c in chips}) == 2
    block = ArticlePage.objects.get(title="Block: Image, Gallery, Quote, Embed")
    comments = ArticlePage.objects.get(title="Template: Comments")
    assert block.byline[0].author_id != comments.byline[0].author_id


def test_comments_keep_threads_statuses_and_dates(imported):
    article = ArticlePage.objects.get(title="Template: Comments")
    comments = {c.body[:7]: c for c in Comment.objects.filter(article=article)}
    level1, level2, level3 = comments["Parent "], comments["Level 2"], comments["Level 3"]
    assert level2.parent_id == level1.pk
    assert level3.parent_id == level2.pk
    assert level1.body == "Parent comment, level 1."
    assert level1.created_at.isoformat() == "2012-09-03T17:18:04+00:00"
    statuses = {c.name: c.status for c in comments.values()}
    assert statuses["Waiting Reader"] == Comment.Status.PENDING
    assert statuses["Cheap Pills"] == Comment.Status.SPAM
    assert statuses["Binned"] == Comment.Status.TRASH
    orphan = next(c for c in comments.values() if c.name == "Orphan")
    assert orphan.parent_id is None and orphan.status == Comment.Status.APPROVED
    assert "Some Blog" not in statuses  # the pingback
    assert imported.skipped[("comments", "pingbacks")] == 1
    assert imported.created["comments"] == 7
    assert level1.email == "john.doe.secret@example.net"
    assert level1.ip_network == "203.0.113.0/24"


def test_commenters_emails_are_never_shown(imported, client):
    article = ArticlePage.objects.get(title="Template: Comments")
    page = client.get(article.url)
    assert page.status_code == 200
    assert "Parent comment" in page.content.decode()
    assert "secret@example.net" not in page.content.decode()


def test_pages_become_standard_pages_with_their_hierarchy(imported, client):
    about = StandardPage.objects.get(title="About The Tests")
    child = StandardPage.objects.get(title="Page Image Alignment")
    assert child.get_parent().pk == about.pk
    response = client.get("/about/")
    assert response.status_code == 200
    assert "A page about the tests." in response.content.decode()


def test_running_the_import_again_changes_nothing(imported):
    before = snapshot()
    again = import_wxr(THEME)
    assert snapshot() == before
    assert not again.created["posts"] and not again.created["comments"]
    assert again.unchanged["posts"] == 8
    assert again.unchanged["comments"] == 7
    assert again.skipped[("comments", "pingbacks")] == 1


def test_a_changed_post_is_updated_not_duplicated(imported, tmp_path):
    changed = tmp_path / "changed.xml"
    changed.write_text(THEME.read_text().replace("This is a sticky post.", "Sticky, edited."))
    report = import_wxr(changed)
    assert report.updated["posts"] == 1
    assert ArticlePage.objects.filter(title="Template: Sticky").count() == 1
    assert "Sticky, edited." in str(ArticlePage.objects.get(title="Template: Sticky").body.raw_data)


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_older_wxr_versions_import(site, version):
    report = import_wxr(FIXTURES / f"wxr-{version}.xml")
    article = ArticlePage.objects.get(title=f"Hello from WXR {version}")
    assert article.live and article.section.title == "News"
    assert list(article.tags.names()) == ["first"]
    assert Comment.objects.get(article=article).name == "Mr WordPress"
    assert report.plan.channel.version == version


def test_the_command_prints_a_summary(site, capsys):
    call_command("import", "wordpress", str(THEME))
    out = capsys.readouterr().out
    assert "WXR 1.2 from https://wpthemetestdata.example.com" in out
    assert "8 post" in out and "Imported:" in out and "Skipped 1 comments: pingbacks" in out


def test_dry_run_writes_nothing(site, capsys):
    call_command("import", "wordpress", str(THEME), "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    assert not ArticlePage.objects.exists() and not Imported.objects.exists()


def test_users_made_on_request_cannot_log_in(site):
    from django.contrib.auth.models import User

    import_wxr(THEME, users=True)
    user = User.objects.get(username="chipbennett")
    assert user.email == "chip@example.com" and not user.has_usable_password()
    assert not user.is_staff


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_elsewhere(site):
    plain: list[str] = []
    import_wxr(THEME, write=plain.append, tty=False)
    text = "".join(plain)
    assert "\r" not in text
    assert "Checking theme-unit-test.xml" in text
    assert "Items: 13 in" in text  # every item of the file (13), counted
    bar: list[str] = []
    import_wxr(THEME, write=bar.append, tty=True)
    assert "\rItems: 13 in" in "".join(bar)
