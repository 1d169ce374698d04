"""Structured data and sharing: schema.org JSON-LD (NewsArticle, BreadcrumbList, WebSite),
Open Graph and Twitter cards, canonical URLs, noindex where a page should not be indexed."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from gazette.distribution import structured_data
from tests.images import png_image

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """What a search engine or a sharing preview reads from a page's head."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.json_ld: list[dict] = []
        self._script: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = attributes.get("property") or attributes.get("name")
            if key:
                self.meta.setdefault(key, []).append(attributes.get("content", ""))
        elif tag == "link":
            self.links.append(attributes)
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._script = ""

    def handle_data(self, data):
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.json_ld.append(json.loads(self._script))
            self._script = None

    def one(self, key: str) -> str:
        (value,) = self.meta[key]
        return value

    def of_type(self, kind: str) -> dict:
        (found,) = [d for d in self.json_ld if d["@type"] == kind]
        return found

    def canonical(self) -> str | None:
        found = [link["href"] for link in self.links if link.get("rel") == "canonical"]
        assert len(found) <= 1
        return found[0] if found else None


def head(client, url: str) -> Head:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    parser = Head()
    parser.feed(html[: html.index("</head>")])
    return parser


def test_article_has_news_article_json_ld(client, make_article, news):
    article = make_article(
        "Harbour reopens",
        section=news,
        tags=["harbour", "storm"],
        standfirst="Boats are back.",
        lead_image=png_image(title="harbour"),
    )
    data = head(client, article.url).of_type("NewsArticle")
    url = "http://testserver" + article.url
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Harbour reopens"
    assert data["description"] == "Boats are back."
    assert data["url"] == url
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["datePublished"] == article.date.isoformat()
    assert data["dateModified"] >= data["datePublished"]
    assert data["author"] == [
        {"@type": "Person", "name": "Jane Roe", "url": "http://testserver/authors/jane-roe/"}
    ]
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"] == "Gazette"
    assert publisher["logo"]["url"].startswith("http://testserver/static/")
    assert data["articleSection"] == "News"
    assert sorted(data["keywords"]) == ["harbour", "storm"]
    assert data["isAccessibleForFree"] is True
    (image,) = data["image"]
    assert image.startswith("http://testserver/media/") and image.endswith(".png")
    assert "correction" not in data


def test_correction_notes_appear_as_correction(make_article, news, site):
    """The hook for correction notes: whatever the article carries as correction_notes."""
    from dataclasses import dataclass
    from datetime import datetime

    from gazette.distribution.links import site_info

    @dataclass
    class Note:
        text: str
        date: datetime

    article = make_article(section=news)
    article.correction_notes = [Note("An earlier version misspelt the mayor's name.", article.date)]
    data = structured_data.news_article(
        article, site_info(), url="http://testserver" + article.url, image_url=None
    )
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "An earlier version misspelt the mayor's name.",
            "datePublished": article.date.isoformat(),
        }
    ]


def test_article_breadcrumbs_go_home_section_article(client, make_article, news):
    article = make_article("Harbour reopens", section=news)
    crumbs = head(client, article.url).of_type("BreadcrumbList")["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Home", "http://testserver/"),
        (2, "News", "http://testserver/news/"),
        (3, "Harbour reopens", "http://testserver" + article.url),
    ]


def test_home_page_has_website_with_search_action(client, site):
    page = head(client, "/")
    website = page.of_type("WebSite")
    assert website["url"] == "http://testserver/"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    assert page.canonical() == "http://testserver/"


def test_script_in_a_headline_cannot_leave_the_json_ld(client, make_article, news):
    title = 'Breaking</script><script>alert("x")</script> & <!-- more'
    article = make_article(title, section=news, standfirst="</script>standfirst")
    html = client.get(article.url).content.decode()
    head_html = html[: html.index("</head>")]
    for script in re.findall(r'<script type="application/ld\+json">(.*?)</script>', head_html):
        assert "<" not in script and ">" not in script and "&" not in script
    page = head(client, article.url)
    assert page.of_type("NewsArticle")["headline"] == title
    assert page.of_type("NewsArticle")["description"] == "</script>standfirst"
    assert page.one("og:title") == title  # an attribute, escaped by the HTML parser's rules
    assert "<script>alert" not in html


def test_article_open_graph_and_twitter_card(client, make_article, news):
    article = make_article("Harbour reopens", section=news, standfirst="Boats are back.")
    page = head(client, article.url)
    url = "http://testserver" + article.url
    assert page.canonical() == url
    assert page.one("og:type") == "article"
    assert page.one("og:url") == url
    assert page.one("og:title") == "Harbour reopens"
    assert page.one("og:description") == "Boats are back."
    assert page.one("og:site_name") == "Gazette"
    assert page.one("article:section") == "News"
    assert page.one("twitter:card") == "summary"  # no picture: no large image card
    assert "og:image" not in page.meta

    pictured = make_article("With a picture", section=news, lead_image=png_image(title="pic"))
    page = head(client, pictured.url)
    assert page.one("twitter:card") == "summary_large_image"
    assert page.one("og:image").startswith("http://testserver/media/")
    assert page.one("twitter:image") == page.one("og:image")


def test_paginated_archives_beyond_page_one_are_noindex(client, make_article, news, settings):
    settings.GAZETTE_ARTICLES_PER_PAGE = 1
    make_article(section=news)
    make_article(section=news)
    first = head(client, "/news/")
    assert "robots" not in first.meta
    assert first.canonical() == "http://testserver/news/"
    second = head(client, "/news/?page=2")
    assert second.one("robots") == "noindex, follow"
    assert second.canonical() == "http://testserver/news/?page=2"
    assert head(client, "/?page=2").one("robots") == "noindex, follow"


def test_previews_are_noindex(make_article, news):
    article = make_article("Draft story", section=news, live=False)
    preview = article.make_preview_request()
    assert preview.status_code == 200
    assert '<meta name="robots" content="noindex, follow">' in preview.content.decode()


def test_section_tag_and_author_pages_have_canonical_and_breadcrumbs(client, make_article, news):
    make_article(section=news, tags=["harbour"])
    for url, trail in (
        ("/news/", ["Home", "News"]),
        ("/tags/harbour/", ["Home", "harbour"]),
        ("/authors/jane-roe/", ["Home", "Our journalists", "Jane Roe"]),
    ):
        page = head(client, url)
        assert page.canonical() == "http://testserver" + url
        crumbs = page.of_type("BreadcrumbList")["itemListElement"]
        assert [c["name"] for c in crumbs] == trail
        assert page.one("og:type") == "website"


def test_a_404_page_claims_no_canonical_url(client, site):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'rel="canonical"' not in response.content.decode()
