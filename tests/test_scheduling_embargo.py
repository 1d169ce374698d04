"""An embargo time hides a published article from every reader's path until it passes:
the one door (published()), its own URL, every list and the neighbours' links; cached
pages that would list it expire at that moment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gazette.news.models import ArticlePage, next_publication_time
from tests.test_page_cache import fetch, page_cache  # noqa: F401 (fixtures)


@pytest.fixture
def embargoed(make_article, author):
    older = make_article("Older story", date=timezone.now() - dt.timedelta(hours=30))
    story = make_article(
        "Budget leaked early",
        date=timezone.now() - dt.timedelta(hours=20),
        tags=["budget"],
        embargo_until=timezone.now() + dt.timedelta(hours=1),
    )
    newer = make_article("Newer story", date=timezone.now() - dt.timedelta(hours=10))
    return older, story, newer


def paths(story, author):
    return ["/", story.section_link.url, "/tags/budget/", author.url]


def test_published_door_hides_an_embargoed_article_until_its_time(embargoed, monkeypatch):
    _older, story, _newer = embargoed
    assert story.live
    assert not ArticlePage.objects.published().filter(pk=story.pk).exists()
    later = story.embargo_until + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert ArticlePage.objects.published().filter(pk=story.pk).exists()


def test_embargoed_article_is_on_no_page_and_its_url_is_404(embargoed, author, client):
    older, story, newer = embargoed
    for path in paths(story, author):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Budget leaked early" not in response.content.decode(), path
    assert client.get(story.url).status_code == 404
    # The neighbours link to each other, over it.
    assert older.title in client.get(newer.url).content.decode()
    assert story.url not in client.get(newer.url).content.decode()
    assert story.url not in client.get(older.url).content.decode()


def test_after_the_embargo_the_article_is_everywhere(embargoed, author, client, monkeypatch):
    _older, story, newer = embargoed
    later = story.embargo_until + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    for path in paths(story, author):
        assert "Budget leaked early" in client.get(path).content.decode(), path
    assert client.get(story.url).status_code == 200
    assert story.url in client.get(newer.url).content.decode()


def test_editors_preview_an_embargoed_article(embargoed, client, alice):
    _older, story, _newer = embargoed
    client.force_login(alice)
    response = client.get(f"/admin/pages/{story.pk}/view_draft/")
    assert response.status_code == 200 and "Budget leaked early" in response.content.decode()


def test_cached_lists_expire_when_the_embargo_ends(embargoed, fetch, page_cache):  # noqa: F811
    _older, story, _newer = embargoed
    assert next_publication_time() == pytest.approx(story.embargo_until.timestamp())
    home = fetch("/")
    assert "timed" in home.headers["surrogate-key"].split()
    assert fetch("/").cache == "HIT"
    entry = page_cache.get(page_cache.locate("testserver", "/", ""))
    assert entry.expires == pytest.approx(story.embargo_until.timestamp())


def test_an_embargo_in_the_past_hides_nothing(make_article, client):
    story = make_article("Old embargo", embargo_until=timezone.now() - dt.timedelta(minutes=1))
    assert ArticlePage.objects.published().filter(pk=story.pk).exists()
    assert "Old embargo" in client.get("/").content.decode()
