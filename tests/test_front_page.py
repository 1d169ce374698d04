"""Front page curation: a top story, featured slots and the latest-news river; pin and
unpin; sections' own featured articles; the breaking-news banner and its expiry."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gazette.news.models import (
    BreakingNews,
    HomeFeatured,
    HomePage,
    SectionFeatured,
    SectionPage,
)
from gazette.news.publishing import front_page_pin, front_page_unpin

pytestmark = pytest.mark.django_db


def curate(*, top=None, featured=()):
    """What an editor does in the home page's editor: choose, then publish."""
    home = HomePage.objects.get()
    home.top_story = top
    home.featured.set([HomeFeatured(article=a) for a in featured])
    home.save_revision().publish()


def set_banner(**fields) -> BreakingNews:
    """What an editor does under Settings → Breaking news banner."""
    banner = BreakingNews.objects.order_by("pk").first() or BreakingNews()
    for name, value in {"text": "", "link": "", "expires_at": None, **fields}.items():
        setattr(banner, name, value)
    banner.save()
    return banner


def section_titles(html: str, section_class: str) -> list[str]:
    match = re.search(rf'<section class="{section_class}".*?</section>', html, re.S)
    if not match:
        return []
    return re.findall(r'class="card-title"><a [^>]*>([^<]+)</a>', match.group(0))


def river(html: str) -> list[str]:
    part = html[html.index('id="latest-heading"') :]
    return re.findall(r'class="card-title"><a [^>]*>([^<]+)</a>', part)


def test_top_story_and_featured_slots_lead_and_the_river_leaves_them_out(client, make_article):
    a, b, c, d = (make_article(f"Story {x}") for x in "ABCD")
    curate(top=c, featured=[d, a])
    html = client.get("/").content.decode()
    assert section_titles(html, "top-story") == ["Story C"]
    assert section_titles(html, "featured") == ["Story D", "Story A"]  # the editor's order
    assert river(html) == ["Story B"]


def test_pin_and_unpin_the_top_story(client, make_article, alice):
    older = make_article("Older story", date=timezone.now() - dt.timedelta(days=3))
    make_article("Newest story", date=timezone.now() - dt.timedelta(minutes=1))
    front_page_pin(article=older, by=alice)
    html = client.get("/").content.decode()
    assert section_titles(html, "top-story") == ["Older story"]
    assert "Older story" not in river(html)
    # The pin is in the home page's history, with who did it.
    assert HomePage.objects.get().latest_revision.user == alice

    front_page_unpin(by=alice)
    html = client.get("/").content.decode()
    assert section_titles(html, "top-story") == []
    assert river(html)[0] == "Newest story"


def test_slots_pointing_at_unpublished_future_or_deleted_articles_disappear(client, make_article):
    kept = make_article("Kept story")
    unpublished = make_article("Withdrawn story")
    future = make_article("Tomorrow's story", date=timezone.now() + dt.timedelta(days=1))
    deleted = make_article("Deleted story")
    curate(top=unpublished, featured=[future, deleted, kept])
    unpublished.unpublish()
    deleted.delete()

    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert section_titles(html, "top-story") == []
    assert section_titles(html, "featured") == ["Kept story"]
    for title in ("Withdrawn story", "Tomorrow&#x27;s story", "Deleted story"):
        assert title not in html
    # The home page can still be edited and published: the deleted slot is gone.
    assert not HomeFeatured.objects.filter(article_id=deleted.pk).exists()


def test_the_river_neither_skips_nor_repeats_across_pages(client, make_article, settings):
    settings.GAZETTE_ARTICLES_PER_PAGE = 3
    stories = [make_article(f"River {i}") for i in range(8)]
    curate(featured=[stories[1], stories[4]])
    seen = river(client.get("/").content.decode())
    seen += river(client.get("/?page=2").content.decode())
    assert "Featured" not in client.get("/?page=2").content.decode()
    assert sorted(seen) == sorted(f"River {i}" for i in range(8) if i not in (1, 4))
    assert len(seen) == len(set(seen))


def test_a_section_shows_its_own_featured_articles_first(client, make_article, news, world):
    plain = make_article("Plain news", section=news)
    star = make_article("Star news", section=news, date=timezone.now() - dt.timedelta(days=9))
    section = SectionPage.objects.get(pk=news.pk)
    section.featured.set([SectionFeatured(article=star)])
    section.save_revision().publish()

    html = client.get("/news/").content.decode()
    assert section_titles(html, "featured") == ["Star news"]
    assert html.count(">Star news<") == 1  # not repeated in the list below
    assert plain.title in html
    # Not the home page's business.
    assert 'class="featured"' not in client.get("/").content.decode()


def test_home_page_queries_stay_bounded_with_featured_slots(client, make_article):
    from tests.images import png_image

    def queries() -> int:
        client.get("/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    stories = [make_article(f"Story {i}", lead_image=png_image(i)) for i in range(4)]
    curate(top=stories[0], featured=stories[1:3])
    small = queries()
    more = [make_article(f"More {i}", lead_image=png_image(10 + i)) for i in range(6)]
    curate(top=stories[0], featured=[*stories[1:], *more[:4]])  # the river keeps two
    set_banner(text="Polls close at 10pm", link="/news/")
    # Renditions come from Django's cache (warmed by the first view), none per image.
    assert queries() == small <= 11


# The breaking-news banner


def test_banner_shows_on_every_public_page_until_it_expires(client, make_article):
    article = make_article("A story")
    set_banner(
        text="Polls have closed",
        link=article.url,
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    for url in ("/", "/news/", article.url, "/authors/", "/corrections/"):
        html = client.get(url).content.decode()
        assert "Polls have closed" in html, url
        assert f'href="{article.url}">Polls have closed' in html

    BreakingNews.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert "Polls have closed" not in client.get("/").content.decode()


def test_a_javascript_banner_link_is_refused_and_never_rendered(client, site):
    from django.core.exceptions import ValidationError

    banner = BreakingNews(text="Click me", link="javascript:alert(1)")
    with pytest.raises(ValidationError) as refused:
        banner.full_clean()
    banner = set_banner(text="Click me", link="javascript:alert(1)")
    assert "https://" in str(refused.value)
    for bad in (
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "//evil.example/",
        "data:text/html,x",
    ):
        with pytest.raises(ValidationError):
            BreakingNews(text="x", link=bad).full_clean()
    BreakingNews(text="x", link="https://example.org/live").full_clean()
    BreakingNews(text="x", link="/news/live/").full_clean()

    # Written around the form (an old row, a script): shown without the link.
    html = client.get("/").content.decode()
    assert "Click me" in html and "javascript:" not in html


def test_banner_in_the_admin_settings_refuses_a_script_link(client, admin_user):
    client.force_login(admin_user)
    banner = set_banner()
    url = reverse("wagtailsettings:edit", args=["news", "breakingnews", banner.pk])
    response = client.post(url, {"text": "Storm warning", "link": "javascript:alert(1)"})
    assert response.status_code == 200
    assert "Enter a path on this site" in response.content.decode()
    assert not BreakingNews.objects.filter(text="Storm warning").exists()


# The banner and the page cache


def test_setting_a_banner_purges_every_cached_page(
    make_article, settings, tmp_path, django_capture_on_commit_callbacks
):
    wsgi = wsgi_fetch(settings, tmp_path)
    article = make_article("A story")
    for url in ("/", article.url):
        assert wsgi(url)["x-cache"] == "MISS"
        assert wsgi(url)["x-cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        set_banner(text="Bridge closed", link="/news/")
    for url in ("/", article.url):
        reply = wsgi(url)
        assert reply["x-cache"] == "MISS" and "Bridge closed" in reply["body"], url


def test_an_expired_banner_is_never_served_from_the_cache(
    make_article, settings, tmp_path, django_capture_on_commit_callbacks
):
    wsgi = wsgi_fetch(settings, tmp_path)
    article = make_article("A story")
    with django_capture_on_commit_callbacks(execute=True):
        set_banner(
            text="Flood warning", link="/news/", expires_at=timezone.now() + dt.timedelta(seconds=2)
        )
    for url in ("/", article.url):
        first = wsgi(url)
        assert "Flood warning" in first["body"]
        assert "timed" in first["surrogate-key"].split()
        assert wsgi(url)["x-cache"] == "HIT"
    time.sleep(2.1)
    for url in ("/", article.url):
        later = wsgi(url)
        assert later["x-cache"] == "MISS" and "Flood warning" not in later["body"], url
    # Once expired, pages no longer expire on its account.
    assert "timed" not in wsgi("/corrections/")["surrogate-key"].split()


def test_the_sweeper_removes_pages_showing_an_expired_banner_for_nginx(
    make_article, settings, tmp_path, django_capture_on_commit_callbacks
):
    from gazette.cache import get_store
    from gazette.cache.sweeper import sweep_once

    wsgi = wsgi_fetch(settings, tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        banner = set_banner(
            text="Flood warning", expires_at=timezone.now() + dt.timedelta(minutes=5)
        )
    wsgi("/")
    assert get_store().stats()["pages"] == 1
    assert sweep_once() == pytest.approx(banner.expires_at.timestamp())
    assert get_store().stats()["pages"] == 1  # not yet due
    sweep_once(now=banner.expires_at.timestamp() + 1)
    assert get_store().stats()["pages"] == 0


def wsgi_fetch(settings, tmp_path):
    """GET through the real WSGI application (the cache's hit path included)."""
    import io
    import sys

    from django.core import signals
    from django.db import close_old_connections

    from gazette.wsgi import application

    settings.GAZETTE_PAGE_CACHE = True
    settings.GAZETTE_PAGE_CACHE_DIR = tmp_path / "pagecache"

    def get(url: str) -> dict[str, str]:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": url,
            "QUERY_STRING": "",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        got: dict[str, str] = {}

        def start_response(status, headers, exc_info=None):
            got.update({k.lower(): v for k, v in headers})
            got["status"] = status

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
        got["body"] = body.decode()
        got.setdefault("surrogate-key", "")
        got.setdefault("x-cache", "")
        return got

    return get


def test_pin_and_unpin_from_the_command_line(client, make_article):
    from django.core.management import CommandError, call_command

    story = make_article("Pinned from the shell", date=timezone.now() - dt.timedelta(days=2))
    make_article("Newer story", date=timezone.now() - dt.timedelta(minutes=1))
    call_command("frontpage", "pin", story.url)
    assert section_titles(client.get("/").content.decode(), "top-story") == [story.title]
    call_command("frontpage", "unpin")
    assert section_titles(client.get("/").content.decode(), "top-story") == []

    draft = make_article("Not yet out", live=False)
    with pytest.raises(CommandError, match="only a published article can be pinned"):
        call_command("frontpage", "pin", str(draft.pk))
    assert HomePage.objects.get().top_story_id is None


def test_curating_purges_the_front_page_and_not_the_articles(
    make_article, settings, tmp_path, django_capture_on_commit_callbacks
):
    wsgi = wsgi_fetch(settings, tmp_path)
    story, other = make_article("Story one"), make_article("Story two")
    for url in ("/", story.url, "/news/"):
        wsgi(url)
        assert wsgi(url)["x-cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        curate(top=other)
    home = wsgi("/")
    assert home["x-cache"] == "MISS" and 'class="top-story"' in home["body"]
    assert wsgi(story.url)["x-cache"] == "HIT"
    assert wsgi("/news/")["x-cache"] == "HIT"

    # Withdrawing the top story takes it off the cached front page at once.
    wsgi("/")
    with django_capture_on_commit_callbacks(execute=True):
        other.unpublish()
    assert "Story two" not in wsgi("/")["body"]
