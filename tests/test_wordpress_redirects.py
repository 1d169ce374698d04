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
