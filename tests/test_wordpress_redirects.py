"""Old WordPress addresses answer with a permanent redirect to the imported page."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazette.news.models import ArticlePage, AuthorPage, SectionPage
from gazette.wordpress.importer import import_wxr
from gazette.wordpress.models import StandardPage

THEME = Path(__file__).parent / "fixtures" / "wordpress" / "theme-unit-test.xml"


@pytest.fixture
def imported(site):
    return import_wxr(THEME)


def article(title: str) -> ArticlePage:
    return ArticlePage.objects.get(title=title)


@pytest.mark.parametrize(
    ("old", "title"),
    [
        ("/2012/01/07/template-sticky/", "Template: Sticky"),  # dated
        ("/2012/01/03/template-comments/", "Template: Comments"),
        ("/parent/child-1/block-image/", "Block: Image, Gallery, Quote, Embed"),  # by category
        ("/?p=1241", "Template: Sticky"),  # the guid, and plain permalinks
        ("/?p=1600", "Classic: Caption and Gallery"),
    ],
)
def test_old_post_addresses_redirect_permanently(imported, client, old, title):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == article(title).url
    assert client.get(response["Location"]).status_code == 200


def test_old_page_section_and_author_addresses_redirect(imported, client):
    about = StandardPage.objects.get(title="About The Tests")
    assert client.get("/?page_id=2")["Location"] == about.url
    # The page kept its address: /about/ is served, not redirected.
    assert client.get("/about/").status_code == 200
    child = StandardPage.objects.get(title="Page Image Alignment")
    assert client.get("/about/page-image-alignment/").status_code == 200
    assert child.url == "/about/page-image-alignment/"
    section = SectionPage.objects.get(title="Markup")
    assert client.get("/category/markup/")["Location"] == section.url
    author = AuthorPage.objects.get(slug="chipbennett")
    assert client.get("/author/chipbennett/")["Location"] == author.url


def test_a_draft_or_unknown_post_id_is_not_found(imported, client):
    assert client.get("/?p=1700").status_code == 404  # a draft
    assert client.get("/?p=999999").status_code == 404
    assert client.get("/?p=abc").status_code == 404


def test_the_home_page_is_still_the_home_page(imported, client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Template: Sticky" in response.content.decode()


def test_plain_permalinks_of_a_wordpress_in_a_folder_redirect(site, client, tmp_path):
    path = tmp_path / "folder.xml"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><link>https://old.example.com/blog</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>In a folder</title><link>https://old.example.com/blog/?p=5</link>
<guid isPermaLink="false">https://old.example.com/blog/?p=5</guid>
<wp:post_id>5</wp:post_id><wp:post_name>in-a-folder</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:post_date_gmt>2024-06-05 16:04:48</wp:post_date_gmt></item>
<item><title>Pretty link, plain guid</title><link>https://old.example.com/blog/2024/pretty/</link>
<guid isPermaLink="false">https://old.example.com/blog/?p=6</guid>
<wp:post_id>6</wp:post_id><wp:post_name>pretty</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:post_date_gmt>2024-06-05 16:04:48</wp:post_date_gmt></item>
</channel></rss>""",
        encoding="utf-8",
    )
    import_wxr(path)
    for old, title in (
        ("/blog/?p=5", "In a folder"),
        ("/blog/?p=6", "Pretty link, plain guid"),
        ("/blog/2024/pretty/", "Pretty link, plain guid"),
        ("/?p=5", "In a folder"),
    ):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == article(title).url
