"""Fragments kept rendered between requests (gazette/cache/fragments.py): the same page as
without them, fewer queries, and never stale: each write that purges a page's tags makes
its fragments render again, with the page cache off (these tests) or on (test_page_cache)."""

from __future__ import annotations

import os
import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gazette.cache import fragments, purge_now
from gazette.comments.models import Comment
from gazette.comments.moderation import comment_approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings, tmp_path):
    settings.GAZETTE_PAGE_CACHE = False
    settings.GAZETTE_PAGE_CACHE_DIR = tmp_path / "pagecache"
    settings.GAZETTE_FRAGMENT_CACHE = True
    fragments.clear()
    yield
    fragments.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def get(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def same_page(html: str) -> str:
    """The page less the comment form's signed timestamp, which changes every second."""
    return re.sub(r'name="form_token" value="[^"]*"', 'name="form_token"', html)


def publish_change(page, committed, **changes):
    revision = page.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(revision, name, value)
    committed(revision.save_revision().publish)


def test_a_kept_article_is_the_same_page_in_fewer_queries(kept, settings, make_article):
    older = make_article("The older story")
    article = make_article("The story", date=older.date + _hour())
    settings.GAZETTE_FRAGMENT_CACHE = False
    plain = get(article.url)
    settings.GAZETTE_FRAGMENT_CACHE = True
    first = get(article.url)
    with CaptureQueriesContext(connection) as queries:
        second = get(article.url)
    assert same_page(plain) == same_page(first) == same_page(second)
    assert "The older story" in second and "Jane Roe" in second
    # Left: finding the page and its view restrictions.
    assert len(queries) <= 2, [q["sql"] for q in queries]


def test_a_published_edit_shows_at_once(kept, make_article, committed):
    article = make_article("Before the edit")
    assert "Before the edit" in get(article.url)
    publish_change(article, committed, title="After the edit")
    page = get(article.url)
    assert "After the edit" in page and "Before the edit" not in page


def test_renamed_author_and_section_show_at_once(kept, make_article, author, news, committed):
    article = make_article()
    get(article.url)
    publish_change(author, committed, title="Jane Roe-Smith")
    assert "Jane Roe-Smith" in get(article.url)
    news.refresh_from_db()
    publish_change(news, committed, title="Local news")
    page = get(article.url)
    assert 'Categorized as <a href="/news/">Local news</a>' in page
    assert '<a href="/news/" aria-current="page">Local news</a>' in get("/news/")


def test_a_newer_article_appears_as_next_on_the_older_one(kept, make_article, committed):
    older = make_article("The older story")
    assert "Next article" not in get(older.url)
    with_commit = committed(make_article, "The newer story", date=older.date + _hour())
    page = get(older.url)
    assert "Next article" in page and with_commit.title in page


def test_an_approved_comment_shows_at_once(kept, make_article, committed):
    article = make_article()
    assert "1 comment" not in get(article.url)
    comment = Comment.objects.create(article=article, name="Ann", email="a@example.com", body="Hi")
    committed(comment_approve, comment=comment)
    assert "1 comment" in get(article.url)


def test_a_purge_by_another_process_is_seen_within_recheck(kept, make_article, monkeypatch):
    article = make_article("Kept title")
    get(article.url)
    key = ("article", article.pk)
    assert fragments.get(key) is not None
    # Another worker purged the page: its mark on disk is newer than the fragment, and this
    # process's own count of purges did not move.
    mark = fragments.purge_marks_root() / ".purged" / f"page:{article.pk}"
    mark.parent.mkdir(parents=True, exist_ok=True)
    mark.touch()
    future = time.time() + 1
    os.utime(mark, (future, future))
    monkeypatch.setattr(fragments, "RECHECK", 0.0)
    assert fragments.get(key) is None


def test_a_fragment_rendered_before_a_purge_is_not_kept(kept):
    started = time.time() - 1
    purge_now({"page:1"})
    fragments.put(("x",), "old", {"page:1"}, started)
    assert fragments.get(("x",)) is None
    fragments.put(("y",), "new", {"page:1"}, time.time() + 0.01)
    assert fragments.get(("y",)).html == "new"


def test_previews_are_never_kept_or_served(kept, rf):
    request = rf.get("/")
    request.is_preview = True
    request.cache_tags = {"page:1"}
    calls = []

    def render() -> str:
        calls.append(1)
        return "draft"

    assert fragments.cached(request, ("article", 1), render) == "draft"
    assert fragments.cached(request, ("article", 1), render) == "draft"
    assert len(calls) == 2 and fragments.get(("article", 1)) is None


def test_a_part_without_tags_is_not_kept(kept, rf):
    request = rf.get("/")
    assert fragments.cached(request, ("untagged",), lambda: "x") == "x"
    assert fragments.get(("untagged",)) is None


def test_the_number_kept_is_bounded(kept, settings):
    settings.GAZETTE_FRAGMENT_CACHE_ENTRIES = 3  # (changing a setting empties them)
    now = time.time() + 0.01
    for n in range(5):
        fragments.put(("n", n), str(n), {"page:1"}, now)
    assert fragments.get(("n", 0)) is None and fragments.get(("n", 1)) is None
    assert [fragments.get(("n", n)).html for n in (2, 3, 4)] == ["2", "3", "4"]


def test_a_fragment_listing_a_future_article_expires_at_its_time(kept, make_article, monkeypatch):
    from gazette.cache import expiry

    monkeypatch.setattr(expiry, "next_change", lambda: time.time() - 1)
    fragments.put(("soon",), "x", {"page:1"}, time.time() + 0.01)
    assert fragments.get(("soon",)) is None


def _hour():
    import datetime as dt

    return dt.timedelta(hours=1)


def test_pages_declare_the_same_tags_with_kept_fragments(kept, settings, make_article, world):
    """A hit declares the fragment's own tags, not those of the page that first rendered
    it: otherwise pages would be purged for content they don't show (or not at all)."""
    articles = [make_article(), make_article(section=world), make_article()]
    urls = [a.url for a in articles] + ["/", "/news/", "/world/"]

    def keys() -> list[str]:
        return [Client().get(url)["Surrogate-Key"] for url in urls]

    settings.GAZETTE_FRAGMENT_CACHE = False
    plain = keys()
    settings.GAZETTE_FRAGMENT_CACHE = True
    assert keys() == plain  # rendering and keeping
    assert keys() == plain  # served from kept fragments


def test_the_breaking_news_banner_leaves_kept_pages_when_it_expires(
    kept, make_article, committed, monkeypatch
):
    import datetime as dt
    from types import SimpleNamespace

    from django.utils import timezone

    from gazette.news.models import BreakingNews
    from tests.test_front_page import set_banner

    article = make_article()
    committed(
        set_banner, text="Polls have closed", expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert "Polls have closed" in get(article.url)
    assert "Polls have closed" in get(article.url)  # from the kept fragment
    # Two hours on: nothing purged the banner, its time simply passed.
    later = time.time() + 7200
    monkeypatch.setattr(
        fragments, "time", SimpleNamespace(time=lambda: later, monotonic=time.monotonic)
    )
    BreakingNews.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert "Polls have closed" not in get(article.url)
