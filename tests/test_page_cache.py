"""The full-page cache: hits, exact invalidation, and the cache flaws it must not have.

Requests go through the real WSGI application (gazette.wsgi), whose wrapper answers hits
before Django, exactly as under granian."""

from __future__ import annotations

import gzip
import io
import sys
import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone

from gazette.cache import get_store
from gazette.cache.store import RECHECK, PageStore
from gazette.comments.models import Comment
from gazette.comments.moderation import comment_approve

pytestmark = pytest.mark.django_db


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    @property
    def cache(self) -> str | None:
        return self.headers.get("x-cache")


@pytest.fixture
def page_cache(settings, tmp_path):
    settings.GAZETTE_PAGE_CACHE = True
    settings.GAZETTE_PAGE_CACHE_DIR = tmp_path / "pagecache"
    # Pages re-rendered after a purge use kept fragments as in production: every purge test
    # here checks them too (changing a setting empties them, so each test starts clean).
    settings.GAZETTE_FRAGMENT_CACHE = True
    settings.ALLOWED_HOSTS = ["testserver", "news.example.com"]
    return get_store()


@pytest.fixture
def fetch(page_cache, django_capture_on_commit_callbacks):
    from gazette.wsgi import application

    def fetch(
        url: str,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        host: str = "testserver",
    ) -> Reply:
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": host,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        got: dict = {}

        def start_response(status, response_headers, exc_info=None):
            got["status"] = int(status.split()[0])
            got["headers"] = {k.lower(): v for k, v in response_headers}

        # As Django's test client does: keep the test's database connection (and its
        # transaction) open across the request.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            chunks = application(environ, start_response)
            body = b"".join(chunks)
            if hasattr(chunks, "close"):
                chunks.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
        return Reply(got["status"], got["headers"], body)

    return fetch


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write as if its transaction committed: purges happen on commit."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


# Hits ----------------------------------------------------------------------------------


def test_second_request_is_a_hit_served_without_the_database(
    fetch, make_article, django_assert_num_queries
):
    article = make_article("Harbour reopens")
    first = fetch(article.url)
    assert first.status == 200 and first.cache == "MISS"
    assert f"page:{article.pk}" in first.headers["surrogate-key"].split()

    with django_assert_num_queries(0):
        second = fetch(article.url)
    assert second.cache == "HIT"
    assert second.body == first.body
    assert "Harbour reopens" in second.text
    assert second.headers["etag"] == first.headers["etag"]
    assert "stale-while-revalidate" in second.headers["cache-control"]
    assert "set-cookie" not in second.headers


def test_head_is_answered_from_the_cache_without_a_body(fetch, make_article):
    article = make_article()
    fetch(article.url)
    reply = fetch(article.url, method="HEAD")
    assert reply.status == 200 and reply.cache == "HIT" and reply.body == b""


def test_etag_and_last_modified_give_304(fetch, make_article):
    article = make_article()
    first = fetch(article.url)
    etag = first.headers["etag"]
    assert fetch(article.url, headers={"If-None-Match": etag}).status == 304
    assert fetch(article.url, headers={"If-None-Match": '"other"'}).status == 200
    since = first.headers["last-modified"]
    assert fetch(article.url, headers={"If-Modified-Since": since}).status == 304


def test_304_also_on_the_miss_that_fills_the_cache(fetch, make_article, page_cache):
    article = make_article()
    etag = fetch(article.url).headers["etag"]
    page_cache.purge([f"page:{article.pk}"])
    reply = fetch(article.url, headers={"If-None-Match": etag})
    assert reply.status == 304 and reply.body == b""


def test_bodies_are_stored_compressed_and_served_to_clients_that_accept_them(fetch, make_article):
    article = make_article("Compressed story")
    plain = fetch(article.url).body
    zipped = fetch(article.url, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == plain
    assert zipped.headers["vary"] == "Accept-Encoding"
    refused = fetch(article.url, headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers and refused.body == plain
    brotli = pytest.importorskip("brotli")
    br = fetch(article.url, headers={"Accept-Encoding": "br, gzip"})
    assert br.headers["content-encoding"] == "br"
    assert brotli.decompress(br.body) == plain


def test_paginated_lists_are_cached_per_page_and_tracking_parameters_ignored(
    fetch, make_article, settings
):
    settings.GAZETTE_ARTICLES_PER_PAGE = 2
    for i in range(5):
        make_article(f"Story {i}")
    assert fetch("/").cache == "MISS"
    assert fetch("/?utm_source=aggregator&utm_medium=social").cache == "HIT"
    assert fetch("/?page=2").cache == "MISS"
    assert fetch("/?page=2").cache == "HIT"
    assert fetch("/?page=2").text != fetch("/").text
    assert fetch("/?page=1").cache == "HIT"  # the same page as /
    # Anything else in the query is not cached: it might change the page.
    assert fetch("/?q=anything").cache is None


# Exact invalidation --------------------------------------------------------------------


def test_publishing_an_update_purges_the_article_and_its_lists_and_nothing_else(
    fetch, make_article, world, committed
):
    now_article = make_article("Original headline")
    elsewhere = make_article("Unrelated world story", section=world)
    far_away = make_article("Old story", date=timezone.now() - timedelta(days=900))
    for url in (now_article.url, elsewhere.url, far_away.url, "/", "/news/", "/world/"):
        fetch(url)

    revision = now_article.get_latest_revision_as_object()
    revision.title = "Corrected headline"
    committed(revision.save_revision().publish)

    updated = fetch(now_article.url)
    assert updated.cache == "MISS" and "Corrected headline" in updated.text
    assert "Corrected headline" in fetch("/").text
    assert "Corrected headline" in fetch("/news/").text
    # The world section lists other articles only, and the old story is nobody's
    # neighbour: both are still served from the cache.
    assert fetch("/world/").cache == "HIT"
    assert fetch(far_away.url).cache == "HIT"


def test_adjacent_articles_are_purged_when_a_neighbour_is_published(fetch, make_article, committed):
    now = timezone.now()
    older = make_article("Older", date=now - timedelta(days=3))
    newer = make_article("Newer", date=now - timedelta(days=1))
    between = make_article("In between", live=False, date=now - timedelta(days=2))
    assert "Newer" in fetch(older.url).text
    fetch(newer.url)
    assert fetch(older.url).cache == "HIT"

    committed(between.save_revision().publish)
    assert "In between" in fetch(older.url).text
    assert "In between" in fetch(newer.url).text


def test_unpublishing_removes_the_article_everywhere_at_once(fetch, make_article, committed):
    article = make_article("Withdrawn story")
    neighbour = make_article("Neighbour", date=article.date - timedelta(days=1))
    fetch(article.url)
    fetch("/")
    assert "Withdrawn story" in fetch(neighbour.url).text

    committed(article.unpublish)
    assert fetch(article.url).status == 404
    assert "Withdrawn story" not in fetch("/").text
    assert "Withdrawn story" not in fetch(neighbour.url).text


def test_approving_a_comment_purges_its_article_page_only(fetch, make_article, committed):
    article = make_article()
    comment = Comment.objects.create(
        article=article, name="Ann", email="ann@example.org", body="First!"
    )
    fetch(article.url)
    fetch("/")
    assert fetch(article.url).cache == "HIT"

    committed(comment_approve, comment=comment)
    page = fetch(article.url)
    assert page.cache == "MISS" and "1 comment" in page.text and "First!" in page.text
    assert fetch("/").cache == "HIT"


def test_renaming_a_section_purges_every_page_showing_the_navigation(
    fetch, make_article, news, committed
):
    article = make_article()
    fetch(article.url)
    fetch("/")
    news.refresh_from_db()  # the fixture's copy predates the article (numchild)
    revision = news.get_latest_revision_as_object()
    revision.title = "Local news"
    committed(revision.save_revision().publish)
    assert "Local news" in fetch("/").text
    assert 'Categorized as <a href="/news/">Local news</a>' in fetch(article.url).text


def test_renaming_an_author_purges_their_bylines(fetch, make_article, author, committed):
    article = make_article()
    fetch(article.url)
    revision = author.get_latest_revision_as_object()
    revision.title = "Jane Roe-Smith"
    committed(revision.save_revision().publish)
    assert "Jane Roe-Smith" in fetch(article.url).text


def test_a_page_rendered_before_a_purge_is_not_stored_after_it(page_cache, make_article):
    """The race of a publish under load: a request that began rendering the old content
    before the purge must not put it back in the cache afterwards."""
    location = page_cache.locate("testserver", "/news/x/")
    started = time.time() - 1
    page_cache.purge(["page:1"])
    stored = page_cache.put(
        location,
        body=b"old",
        headers=[("Content-Type", "text/html")],
        tags=["page:1"],
        started=started,
    )
    assert stored is False
    assert page_cache.get(location) is None
    assert page_cache.put(
        location,
        body=b"new",
        headers=[("Content-Type", "text/html")],
        tags=["page:1"],
        started=time.time() + 0.01,
    )
    assert page_cache.get(location).body == b"new"


def test_pages_expire_when_a_future_dated_article_comes_due(fetch, make_article, page_cache):
    make_article("Visible now")
    make_article("Embargoed", date=timezone.now() + timedelta(seconds=2))
    home = fetch("/")
    assert "Embargoed" not in home.text
    assert "timed" in home.headers["surrogate-key"].split()
    assert fetch("/").cache == "HIT"
    time.sleep(2.1)
    later = fetch("/")
    assert later.cache == "MISS" and "Embargoed" in later.text


def test_cache_purge_command(fetch, make_article, capsys):
    article = make_article()
    fetch(article.url)
    fetch("/")
    call_command("cache", "purge", "--tag", f"page:{article.pk}")
    assert article.url in capsys.readouterr().out
    assert fetch(article.url).cache == "MISS"
    assert fetch("/").cache == "HIT"
    call_command("cache", "purge", "--all")
    assert fetch("/").cache == "MISS"


def test_two_servers_sharing_one_cache_directory_see_each_others_purges(
    fetch, make_article, settings
):
    article = make_article()
    fetch(article.url)
    other_server = PageStore(settings.GAZETTE_PAGE_CACHE_DIR)
    location = other_server.locate("testserver", article.url)
    assert other_server.get(location) is not None
    get_store().purge([f"page:{article.pk}"])
    # Another process looks at the file again within RECHECK seconds of its last look.
    time.sleep(RECHECK + 0.01)
    assert other_server.get(location) is None


# What must never be cached -------------------------------------------------------------


def test_a_logged_in_session_bypasses_the_cache(fetch, make_article, client, alice):
    article = make_article()
    fetch(article.url)
    client.force_login(alice)
    session = client.cookies["sessionid"].value
    reply = fetch(article.url, headers={"Cookie": f"sessionid={session}"})
    assert reply.cache is None  # answered by Django, neither read from nor put in the cache


def test_authorization_header_bypasses_the_cache(fetch, make_article):
    article = make_article()
    fetch(article.url)
    assert fetch(article.url, headers={"Authorization": "Bearer abc"}).cache is None


def test_reader_who_just_commented_sees_their_note_on_a_cached_page(fetch, make_article, client):
    article = make_article()
    fetch(article.url)
    assert fetch(article.url).cache == "HIT"
    response = client.post(
        article.url,
        {
            "body": "Pending words",
            "name": "Bo",
            "email": "bo@example.org",
            "website": "",
        },
    )
    assert response.status_code == 303
    reply = fetch(response["Location"].split("#")[0])
    assert "Your comment is awaiting moderation." in reply.text
    assert reply.cache is None
    assert "Pending words" not in fetch(article.url).text


def test_responses_that_set_cookies_or_vary_on_credentials_are_not_stored(rf):
    from django.http import HttpResponse

    from gazette.cache.http import response_storable

    request = rf.get("/")

    def response(**headers):
        r = HttpResponse("x", content_type="text/html")
        for k, v in headers.items():
            r[k.replace("_", "-")] = v
        return r

    assert response_storable(request, response())
    with_cookie = response()
    with_cookie.set_cookie("sessionid", "stolen")
    assert not response_storable(request, with_cookie)
    assert not response_storable(request, response(Vary="Cookie"))
    assert not response_storable(request, response(Vary="Accept-Encoding, Authorization"))
    assert not response_storable(request, response(Vary="*"))
    assert not response_storable(request, response(Cache_Control="private"))
    assert not response_storable(request, response(Cache_Control="no-store"))
    request.is_preview = True
    assert not response_storable(request, response())


def test_a_page_that_used_the_session_is_never_stored(fetch, make_article, page_cache):
    """Session fixation through the cache: a page that touched the session (and so carries
    Vary: Cookie or a Set-Cookie) must never be replayed to someone else."""
    article = make_article()
    reply = fetch(article.url)
    assert "set-cookie" not in reply.headers
    assert "cookie" not in reply.headers.get("vary", "").lower()
    entry = page_cache.get(page_cache.locate("testserver", article.url))
    assert all(k.lower() != "set-cookie" for k, _ in entry.headers)


def test_hosts_are_validated_and_kept_apart(fetch, make_article):
    article = make_article()
    assert fetch(article.url, host="evil.example").status == 400
    assert fetch(article.url, host="evil.example").cache is None
    fetch(article.url, host="news.example.com")
    assert fetch(article.url, host="news.example.com").cache == "HIT"
    assert fetch(article.url, host="testserver").cache == "MISS"


def test_errors_and_redirects_are_not_cached(fetch, make_article):
    assert fetch("/no-such-page/").status == 404
    assert fetch("/no-such-page/").cache is None
    assert fetch("/?page=999").status == 404
    assert fetch("/?page=999").cache is None


def test_an_unwritable_cache_still_serves_pages(fetch, make_article, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.GAZETTE_PAGE_CACHE_DIR = blocker
    article = make_article("Still served")
    for _ in range(2):
        reply = fetch(article.url)
        assert reply.status == 200 and "Still served" in reply.text
        assert reply.cache == "BYPASS"


def test_odd_paths_are_not_cached(page_cache):
    assert page_cache.locate("testserver", "/news/../etc/") is None
    assert page_cache.locate("testserver", "/news//x/") is None
    assert page_cache.locate("testserver", "/news/%2e%2e/") is None
    assert page_cache.locate("testserver", "/news/.hidden/") is None
    assert page_cache.locate("Evil Host", "/") is None
    assert page_cache.locate("testserver", "/news/x/") is not None


def test_sweeper_removes_timed_pages_when_an_article_comes_due_for_nginx_too(
    fetch, make_article, page_cache
):
    from gazette.cache import sweeper

    due = timezone.now() + timedelta(minutes=5)
    make_article("Scheduled story", date=due)
    fetch("/")
    index = page_cache.locate("testserver", "/").base
    assert index.exists()  # what nginx would serve
    assert sweeper.sweep_once(now=time.time()) == pytest.approx(due.timestamp())
    assert index.exists()  # not yet due: kept
    sweeper.sweep_once(now=due.timestamp() + 1)
    assert not index.exists()


def test_a_purge_storm_of_a_thousand_approvals_leaves_every_page_right(
    fetch, make_article, committed
):
    articles = [make_article(f"Story {i}") for i in range(10)]
    comments = Comment.objects.bulk_create(
        Comment(article=articles[i % 10], name=f"R{i}", email="r@example.org", body=f"c{i}")
        for i in range(1000)
    )
    for article in articles:
        fetch(article.url)

    def approve_all():
        for comment in comments:
            comment_approve(comment=comment)

    committed(approve_all)
    for article in articles:
        page = fetch(article.url)
        assert page.status == 200 and "100 comments" in page.text


def test_a_clock_set_back_never_serves_a_page_older_than_a_purge(page_cache):
    """If the clock jumps back after a purge, pages rendered 'before' the purge mark are
    not stored: the cache errs on the side of rendering again."""
    location = page_cache.locate("testserver", "/x/")
    page_cache.purge(["page:9"])
    stored = page_cache.put(
        location,
        body=b"x",
        headers=[("Content-Type", "text/html")],
        tags=["page:9"],
        started=time.time() - 3600,  # the clock went back an hour
    )
    assert stored is False


class RecordingCDN:
    """A frontend cache backend (Wagtail's interface) that records what it is told."""

    purged: list[str] = []

    def __init__(self, params):
        self.hostnames = ["*"]

    def invalidates_hostname(self, hostname) -> bool:
        return True

    def purge_batch(self, urls) -> None:
        RecordingCDN.purged.extend(urls)

    def purge(self, url) -> None:
        RecordingCDN.purged.append(url)


def test_purges_reach_a_cdn_through_wagtails_frontend_cache(
    fetch, make_article, settings, committed
):
    settings.WAGTAILFRONTENDCACHE = {"cdn": {"BACKEND": "tests.test_page_cache.RecordingCDN"}}
    settings.WAGTAILADMIN_BASE_URL = "https://news.example.com"
    RecordingCDN.purged = []
    article = make_article()
    other = make_article("Elsewhere", date=article.date - timedelta(days=400))
    fetch(article.url)
    fetch(other.url)
    comment = Comment.objects.create(article=article, name="A", email="a@example.org", body="x")
    committed(comment_approve, comment=comment)
    assert RecordingCDN.purged == [f"https://news.example.com{article.url}"]


def test_moving_an_article_purges_both_sections_lists(fetch, make_article, world, committed):
    article = make_article("Moving story")
    make_article("Already in world", section=world)
    assert "Moving story" in fetch("/news/").text
    assert "Moving story" not in fetch("/world/").text
    assert fetch("/world/").cache == "HIT"

    world.refresh_from_db()
    committed(article.move, world, pos="last-child")
    assert "Moving story" not in fetch("/news/").text
    assert "Moving story" in fetch("/world/").text
