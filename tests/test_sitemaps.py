"""Sitemaps and robots.txt, checked by the rules of the sitemaps.org 0.9 schema and
Google's image and news extensions (the XSD files cannot be fetched here, so their
structure is written out): namespaces, element order, required children, W3C datetimes,
at most 50,000 URLs a file, absolute and escaped locations."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gazette.distribution import sitemaps
from tests.images import png_image

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
IMAGE = "{http://www.google.com/schemas/sitemap-image/1.1}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
# W3C Datetime, complete date plus hours, minutes and seconds with a time zone.
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# In the schema's order: loc, lastmod, changefreq, priority; then other namespaces.
URL_CHILDREN = [f"{SM}loc", f"{SM}lastmod", f"{SM}changefreq", f"{SM}priority"]


def parse(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return ElementTree.fromstring(response.content, forbid_dtd=True)


def check_urlset(root) -> list[str]:
    """Every rule of sitemap.xsd for a <urlset>; returns the locations."""
    assert root.tag == f"{SM}urlset"
    urls = root.findall(f"{SM}url")
    assert 1 <= len(urls) <= 50_000  # the schema wants at least one <url>
    assert len(root) == len(urls)  # nothing else at the top
    locations = []
    for url in urls:
        own = [child.tag for child in url if child.tag.startswith(SM)]
        assert own[0] == f"{SM}loc"
        assert own == sorted(own, key=URL_CHILDREN.index), own
        # The sitemap's own elements come before any extension's.
        tags = [child.tag for child in url]
        assert tags[: len(own)] == own
        loc = url.findtext(f"{SM}loc")
        assert loc.startswith("http://testserver/") and len(loc) < 2048
        assert " " not in loc and "<" not in loc
        lastmod = url.findtext(f"{SM}lastmod")
        if lastmod is not None:
            assert W3C.match(lastmod), lastmod
        for image in url.findall(f"{IMAGE}image"):
            assert image[0].tag == f"{IMAGE}loc"
            assert image.findtext(f"{IMAGE}loc").startswith("http://testserver/")
        locations.append(loc)
    assert len(set(locations)) == len(locations)
    return locations


def check_index(root) -> list[str]:
    assert root.tag == f"{SM}sitemapindex"
    entries = root.findall(f"{SM}sitemap")
    assert 1 <= len(entries) <= 50_000 and len(root) == len(entries)
    locations = []
    for entry in entries:
        assert entry[0].tag == f"{SM}loc"
        assert [c.tag for c in entry] in ([f"{SM}loc"], [f"{SM}loc", f"{SM}lastmod"])
        lastmod = entry.findtext(f"{SM}lastmod")
        if lastmod is not None:
            assert W3C.match(lastmod)
        locations.append(entry.findtext(f"{SM}loc"))
    return locations


def path(url: str) -> str:
    return url.removeprefix("http://testserver")


def test_robots_txt_points_to_the_sitemap_index(client, site):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_index_lists_valid_sitemaps_that_hold_every_published_page(
    client, make_article, news, world, settings
):
    settings.GAZETTE_SITEMAP_SIZE = 3  # several article files from a handful of articles
    articles = [
        make_article(f"Story {n}", section=news if n % 2 else world, tags=[f"t{n % 3}"])
        for n in range(8)
    ]
    draft = make_article("Draft story", live=False, tags=["secret"])
    embargoed = make_article("Embargo", date=timezone.now() + timedelta(days=1), tags=["later"])
    files = check_index(parse(client.get("/sitemap.xml")))
    article_files = [f for f in files if "/sitemaps/articles-" in f]
    assert len(article_files) >= 3
    found: list[str] = []
    for file in files:
        locations = check_urlset(parse(client.get(path(file))))
        if not file.endswith("/news.xml"):  # Google News' own list repeats recent articles
            found += locations
    assert len(found) == len(set(found))
    for article in articles:
        assert "http://testserver" + article.url in found
    assert "http://testserver" + draft.url not in found
    assert "http://testserver" + embargoed.url not in found
    assert "http://testserver/tags/secret/" not in found
    assert "http://testserver/tags/later/" not in found
    for expected in ("/", "/news/", "/world/", "/tags/t0/", "/authors/jane-roe/"):
        assert "http://testserver" + expected in found


def test_article_sitemap_gives_lastmod_and_the_lead_image(client, make_article, news):
    article = make_article("Pictured story", section=news, lead_image=png_image(title="harbour"))
    root = parse(client.get("/sitemaps/articles-1.xml"))
    check_urlset(root)
    (url,) = root.findall(f"{SM}url")
    assert url.findtext(f"{SM}loc") == "http://testserver" + article.url
    lastmod = url.findtext(f"{SM}lastmod")
    assert lastmod == article.last_published_at.replace(microsecond=0).isoformat()
    assert url.findtext(f"{IMAGE}image/{IMAGE}loc") == (
        "http://testserver" + article.lead_image.file.url
    )


def test_news_sitemap_lists_the_last_two_days_in_googles_format(client, make_article, news):
    recent = make_article('Fresh & "new" <story>', section=news, date=timezone.now())
    old = make_article("Old story", section=news, date=timezone.now() - timedelta(days=3))
    make_article("Draft", section=news, live=False)
    root = parse(client.get("/sitemaps/news.xml"))
    check_urlset(root)
    (url,) = root.findall(f"{SM}url")
    assert url.findtext(f"{SM}loc") == "http://testserver" + recent.url
    news_el = url.find(f"{NEWS}news")
    # Google's schema: publication (name, language), then publication_date, then title.
    assert [c.tag for c in news_el] == [
        f"{NEWS}publication",
        f"{NEWS}publication_date",
        f"{NEWS}title",
    ]
    publication = news_el.find(f"{NEWS}publication")
    assert [c.tag for c in publication] == [f"{NEWS}name", f"{NEWS}language"]
    assert publication.findtext(f"{NEWS}name") == "Gazette"
    assert re.match(r"^([a-z]{2,3}|zh-cn|zh-tw)$", publication.findtext(f"{NEWS}language"))
    assert W3C.match(news_el.findtext(f"{NEWS}publication_date"))
    assert news_el.findtext(f"{NEWS}title") == 'Fresh & "new" <story>'
    assert old.url not in client.get("/sitemaps/news.xml").content.decode()
    assert "/sitemaps/news.xml" in client.get("/sitemap.xml").content.decode()


def test_news_sitemap_holds_at_most_its_limit_newest_first(client, make_article, news, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 2)
    made = [
        make_article(f"Story {n}", section=news, date=timezone.now() - timedelta(hours=n))
        for n in range(3)
    ]
    locations = check_urlset(parse(client.get("/sitemaps/news.xml")))
    assert locations == ["http://testserver" + a.url for a in made[:2]]


def test_no_recent_article_means_no_news_sitemap(client, make_article, news):
    make_article("Old story", section=news, date=timezone.now() - timedelta(days=5))
    assert client.get("/sitemaps/news.xml").status_code == 404
    files = check_index(parse(client.get("/sitemap.xml")))
    assert "http://testserver/sitemaps/news.xml" not in files


def test_an_empty_site_has_a_valid_index_and_no_empty_files(client, site):
    files = check_index(parse(client.get("/sitemap.xml")))
    assert files == ["http://testserver/sitemaps/sections.xml"]
    assert check_urlset(parse(client.get("/sitemaps/sections.xml"))) == ["http://testserver/"]
    for url in ("/sitemaps/articles-1.xml", "/sitemaps/tags-1.xml", "/sitemaps/authors-1.xml"):
        assert client.get(url).status_code == 404


def test_out_of_range_and_malformed_sitemap_pages_are_404(client, make_article, news):
    make_article(section=news, tags=["harbour"])
    for url in (
        "/sitemaps/articles-0.xml",
        "/sitemaps/articles-999.xml",
        "/sitemaps/articles-99999999.xml",
        "/sitemaps/articles--1.xml",
        "/sitemaps/articles-one.xml",
        "/sitemaps/tags-50.xml",
        "/sitemaps/authors-7.xml",
        "/sitemaps/drafts-1.xml",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/sitemap.xml").status_code == 405


def test_article_sitemap_is_one_query_however_many_articles(client, make_article, news):
    def queries() -> int:
        client.get("/sitemaps/articles-1.xml")  # warm per-process lookups (the Site)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/sitemaps/articles-1.xml").status_code == 200
        return len(captured)

    make_article(section=news, lead_image=png_image(title="one"))
    assert queries() == 1
    for n in range(6):
        make_article(section=news, tags=["x"], lead_image=png_image(n, title=f"p{n}"))
    assert queries() == 1
    with CaptureQueriesContext(connection) as captured:
        client.get("/sitemap.xml")
    assert len(captured) <= 6  # one grouped query per kind, whatever the site's size


def test_authors_sitemap_lists_every_author_dated_by_their_newest_article(
    client, make_article, news, author
):
    article = make_article(section=news, date=timezone.now())
    root = parse(client.get("/sitemaps/authors-1.xml"))
    (url,) = root.findall(f"{SM}url")
    assert url.findtext(f"{SM}loc") == "http://testserver/authors/jane-roe/"
    dates = [d for d in (article.last_published_at, author.last_published_at) if d]
    assert url.findtext(f"{SM}lastmod") == max(dates).replace(microsecond=0).isoformat()
