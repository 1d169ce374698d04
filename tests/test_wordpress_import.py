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


# -- what the real Theme Unit Test export (WordPress.com) holds, in small hand-written files --

WP = "http://wordpress.org/export/1.2/"


def write_wxr(tmp_path: Path, body: str, ns: str = WP, authors: str = "") -> Path:
    """A WXR file around `body` (terms and items), with `ns` as its wp: namespace."""
    path = tmp_path / "export.xml"
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="{ns}excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{ns}">
<channel><title>Test</title><link>https://old.example.com</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://old.example.com</wp:base_blog_url>
<wp:author><wp:author_login>ann</wp:author_login>
<wp:author_display_name>Ann Lee</wp:author_display_name></wp:author>
{authors}{body}
</channel></rss>""",
        encoding="utf-8",
    )
    return path


def item(wp_id: int, title: str, *, kind: str = "post", parent: int = 0, extra: str = "",
         content: str = "Text.", creator: str = "ann", slug: str = "") -> str:  # fmt: skip
    return f"""<item><title>{title}</title><dc:creator>{creator}</dc:creator>
<link>https://old.example.com/?p={wp_id}</link>
<content:encoded><![CDATA[{content}]]></content:encoded>
<wp:post_id>{wp_id}</wp:post_id><wp:post_date_gmt>2020-01-02 03:04:05</wp:post_date_gmt>
<wp:post_name>{slug or f"item-{wp_id}"}</wp:post_name><wp:status>publish</wp:status>
<wp:post_parent>{parent}</wp:post_parent><wp:post_type>{kind}</wp:post_type>{extra}</item>"""


def test_a_wordpress_com_export_with_https_namespaces_imports(site, tmp_path):
    # WordPress.com (and the Theme Unit Test data) write https://wordpress.org/export/1.2/.
    path = write_wxr(tmp_path, item(1, "Hello"), ns="https://wordpress.org/export/1.2/")
    report = import_wxr(path)
    assert report.created["posts"] == 1
    assert ArticlePage.objects.get().title == "Hello"
    assert AuthorPage.objects.get().title == "Ann Lee"


def test_a_menu_item_listed_once_per_menu_does_not_stop_the_import(site, tmp_path):
    menu = '<category domain="nav_menu" nicename="{0}">{0}</category>'
    body = (
        item(7, "", kind="nav_menu_item", extra=menu.format("main"))
        + item(7, "", kind="nav_menu_item", extra=menu.format("footer"))
        + item(8, "A post")
    )
    report = import_wxr(write_wxr(tmp_path, body))
    assert report.created["posts"] == 1
    assert report.plan.items["nav_menu_item"] == 2
    assert report.skipped[("nav_menu_item", "not content")] == 2


def test_a_category_listed_twice_is_counted_once_and_the_summary_reads_well(site, tmp_path):
    body = """<wp:category><wp:category_nicename>news</wp:category_nicename>
<wp:cat_name>News</wp:cat_name></wp:category>
<wp:term><wp:term_taxonomy>category</wp:term_taxonomy><wp:term_slug>news</wp:term_slug>
<wp:term_name>News</wp:term_name></wp:term>"""
    report = import_wxr(write_wxr(tmp_path, body + item(1, "One") + item(2, "Two")))
    assert report.plan.terms == {"categories": 1}
    first = report.lines()[0]
    assert first.endswith(": 2 posts, 0 comments, 1 authors, 1 categories"), first
    no_terms = import_wxr(write_wxr(tmp_path, item(3, "Three")), dry_run=True)
    assert no_terms.lines()[0].endswith(": 1 post, 0 comments, 1 authors"), no_terms.lines()


def test_pages_listed_before_their_parents_keep_their_hierarchy(site, tmp_path):
    body = (
        item(3, "Level 3", kind="page", parent=2, slug="level-3")
        + item(2, "Level 2", kind="page", parent=1, slug="level-2")
        + item(1, "Level 1", kind="page", slug="level-1")
    )
    report = import_wxr(write_wxr(tmp_path, body))
    level3 = StandardPage.objects.get(title="Level 3")
    assert level3.url_path.endswith("/level-1/level-2/level-3/")
    assert level3.get_parent().title == "Level 2"
    assert not any("parent page is missing" in note for note in report.notes)
    assert report.created["pages"] == 3


def test_page_titles_are_text_like_post_titles(site, tmp_path):
    # WordPress keeps "&" as &amp; in titles, and a title may hold inline markup.
    title = "Q&amp;amp;A &lt;em&gt;today&lt;/em&gt;"
    import_wxr(write_wxr(tmp_path, item(1, title, kind="page") + item(2, title)))
    assert StandardPage.objects.get().title == "Q&A today"
    assert ArticlePage.objects.get().title == "Q&A today"


def test_a_page_whose_parent_is_not_in_the_file_goes_under_home(site, tmp_path):
    report = import_wxr(write_wxr(tmp_path, item(3, "Orphan", kind="page", parent=99)))
    assert StandardPage.objects.get().get_parent().specific_class.__name__ == "HomePage"
    assert report.notes["pages whose parent page is missing put under home"] == 1


def test_a_creator_with_a_stray_angle_bracket_is_the_declared_author(site, tmp_path):
    report = import_wxr(write_wxr(tmp_path, item(1, "One", creator="&gt;ann")))
    assert AuthorPage.objects.count() == 1
    assert report.created["authors"] == 1
    assert ArticlePage.objects.get().byline[0].author.title == "Ann Lee"


def test_further_top_level_categories_become_tags(site, tmp_path):
    cats = "".join(
        f'<category domain="category" nicename="{slug}">{name}</category>'
        for slug, name in (("classic", "Classic"), ("media", "Media"), ("edge", "Edge Case"))
    )
    import_wxr(write_wxr(tmp_path, item(1, "Filed thrice", extra=cats)))
    article = ArticlePage.objects.get()
    assert article.section.title == "Classic"
    assert set(article.tags.names()) == {"Media", "Edge Case"}


def test_a_greek_tag_gets_a_working_tag_page(site, tmp_path, client):
    extra = '<category domain="post_tag" nicename="content-2">content περιεχόμενο</category>'
    extra2 = '<category domain="post_tag" nicename="greek">Ελληνικά</category>'
    import_wxr(write_wxr(tmp_path, item(1, "Tagged", extra=extra + extra2)))
    article = ArticlePage.objects.get()
    assert client.get(article.url).status_code == 200
    for tag in article.tags.all():
        assert tag.slug.isascii(), tag.slug
        assert client.get(f"/tags/{tag.slug}/").status_code == 200


def test_a_title_with_markup_is_imported_as_text(site, tmp_path, client):
    title = "<![CDATA[Markup: Title <em>With</em> <b>Mark<sup>up</sup></b> &amp; more]]>"
    import_wxr(write_wxr(tmp_path, item(1, title)))
    article = ArticlePage.objects.get()
    assert article.title == "Markup: Title With Markup & more"
    assert "&lt;em&gt;" not in client.get(article.url).content.decode()


def test_a_published_post_without_a_date_gets_one_and_its_page_works(site, tmp_path, client):
    no_date = item(1, "No date").replace(
        "<wp:post_date_gmt>2020-01-02 03:04:05</wp:post_date_gmt>", ""
    )
    rss_date = (
        item(2, "Feed date")
        .replace("<wp:post_date_gmt>2020-01-02 03:04:05</wp:post_date_gmt>", "")
        .replace("<title>", "<pubDate>Wed, 05 Jun 2024 16:04:48 +0000</pubDate><title>")
    )
    import_wxr(write_wxr(tmp_path, no_date + rss_date))
    feed_date = ArticlePage.objects.get(title="Feed date")
    assert feed_date.date.isoformat() == "2024-06-05T16:04:48+00:00"
    undated = ArticlePage.objects.get(title="No date")
    assert undated.date is not None
    assert client.get(undated.url).status_code == 200


def test_an_image_not_fetched_is_counted_once_however_often_it_is_shown(site, tmp_path):
    image = '<img class="wp-image-9" src="https://old.example.com/uploads/a.jpg" alt="A">'
    attachment = item(9, "A", kind="attachment").replace(
        "<wp:status>publish</wp:status>",
        "<wp:status>inherit</wp:status>"
        "<wp:attachment_url>https://old.example.com/uploads/a.jpg</wp:attachment_url>",
    )
    thumb = (
        "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
        "<wp:meta_value>9</wp:meta_value></wp:postmeta>"
    )
    body = (
        attachment
        + item(1, "One", content=image + image, extra=thumb)
        + item(2, "Two", content=image)
    )
    report = import_wxr(write_wxr(tmp_path, body))
    assert report.skipped[("images", "no --media-dir or --media-from-url given")] == 1
