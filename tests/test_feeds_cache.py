"""Feeds and sitemaps go through the full-page cache and are purged exactly: publishing,
updating, unpublishing or moving an article purges the feeds and sitemaps it appears in,
and no other."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gazette.news.markdown_import import _author
from gazette.news.publishing import sitemap_number
from tests import test_page_cache

pytestmark = pytest.mark.django_db

# The page cache tests' fixtures: a cache directory per test, requests through gazette.wsgi.
page_cache = test_page_cache.page_cache
fetch = test_page_cache.fetch
committed = test_page_cache.committed

PUBLIC = [
    "/feed/",
    "/feed/atom/",
    "/feed/json/",
    "/feed.json",
    "/feed/section/news/",
    "/feed/tag/harbour/atom/",
    "/feed/author/jane-roe/json/",
    "/sitemap.xml",
    "/sitemaps/news.xml",
    "/sitemaps/sections.xml",
    "/sitemaps/tags-1.xml",
    "/sitemaps/authors-1.xml",
    "/robots.txt",
]


@pytest.fixture
def two_beats(make_article, news, world):
    """One story in News by Jane Roe tagged harbour; one in World by Sam Poe tagged storm."""
    sam = _author("Sam Poe")
    # Dated explicitly: the factory's default dates grow older with every article made,
    # and these must stay within the news sitemap's two days.
    now = timezone.now()
    here = make_article("Harbour reopens", section=news, tags=["harbour"], date=now)
    there = make_article(
        "Storm in the east", section=world, tags=["storm"], authors=[sam], date=now
    )
    return here, there


def test_feeds_and_sitemaps_are_stored_and_then_served_without_the_database(
    fetch, two_beats, django_assert_num_queries
):
    here, _ = two_beats
    urls = [*PUBLIC, f"/sitemaps/articles-{sitemap_number(here.pk)}.xml"]
    for url in urls:
        first = fetch(url)
        assert first.status == 200 and first.cache == "MISS", url
    with django_assert_num_queries(0):
        for url in urls:
            again = fetch(url)
            assert again.cache == "HIT", url
    assert fetch("/feed/").headers["content-type"] == "application/rss+xml; charset=utf-8"


def test_publishing_an_article_purges_the_feeds_it_appears_in_and_no_other(
    fetch, two_beats, make_article, news, committed
):
    here, there = two_beats
    fetch("/feed/section/world/")
    fetch("/feed/tag/storm/")
    fetch("/feed/author/sam-poe/")
    fetch(f"/sitemaps/articles-{sitemap_number(there.pk)}.xml")
    for url in ("/feed/", "/feed/section/news/", "/feed/tag/harbour/", "/feed/author/jane-roe/"):
        fetch(url)
        fetch(url + "json/")

    draft = make_article(
        "Pier to be rebuilt", section=news, tags=["harbour"], live=False, date=timezone.now()
    )
    fetch("/sitemap.xml")
    fetch("/sitemaps/news.xml")
    committed(draft.save_revision().publish)

    for url in ("/feed/", "/feed/section/news/", "/feed/tag/harbour/", "/feed/author/jane-roe/"):
        for suffix in ("", "json/"):
            reply = fetch(url + suffix)
            assert reply.cache == "MISS" and "Pier to be rebuilt" in reply.text, url + suffix
    for url in ("/sitemap.xml", "/sitemaps/news.xml"):
        assert fetch(url).cache == "MISS", url
    assert "Pier to be rebuilt" in fetch("/sitemaps/news.xml").text
    for url in ("/feed/section/world/", "/feed/tag/storm/", "/feed/author/sam-poe/"):
        assert fetch(url).cache == "HIT", url


def test_editing_a_headline_updates_every_feed_showing_it(fetch, two_beats, committed):
    here, there = two_beats
    for url in ("/feed/", "/feed/tag/harbour/atom/", "/feed/section/world/"):
        fetch(url)
    revision = here.get_latest_revision_as_object()
    revision.title = "Harbour reopens at last"
    committed(revision.save_revision().publish)
    assert "Harbour reopens at last" in fetch("/feed/").text
    assert "Harbour reopens at last" in fetch("/feed/tag/harbour/atom/").text
    assert fetch("/feed/section/world/").cache == "HIT"


def test_unpublishing_removes_the_article_from_feeds_and_sitemaps(fetch, two_beats, committed):
    here, _ = two_beats
    articles_file = f"/sitemaps/articles-{sitemap_number(here.pk)}.xml"
    for url in ("/feed/", "/feed/author/jane-roe/", articles_file, "/sitemaps/news.xml"):
        assert here.title in fetch(url).text or here.url in fetch(url).text
    committed(here.unpublish)
    for url in ("/feed/", "/feed/author/jane-roe/"):
        assert here.title not in fetch(url).text, url
    assert here.url not in fetch(articles_file).text
    assert here.url not in fetch("/sitemaps/news.xml").text


def test_moving_an_article_purges_both_sections_feeds(fetch, two_beats, world, committed):
    here, _ = two_beats
    assert "Harbour reopens" in fetch("/feed/section/news/").text
    assert "Harbour reopens" not in fetch("/feed/section/world/").text
    committed(here.move, world, pos="last-child")
    assert "Harbour reopens" not in fetch("/feed/section/news/").text
    assert "Harbour reopens" in fetch("/feed/section/world/").text
    assert f"/world/{here.slug}/" in fetch("/feed/").text


def test_a_404_feed_is_not_stored(fetch, two_beats):
    assert fetch("/feed/section/sport/").status == 404
    assert fetch("/feed/section/sport/").cache != "HIT"
