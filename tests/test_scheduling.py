"""Scheduled publishing that never misses: a contributor's story, reviewed by an editor and
scheduled two minutes ahead, goes live at that minute through the worker, with no cron and
no visitor; a schedule missed while the server was down is caught up; expiry unpublishes.

The clock is Django's (timezone.now), moved by the test: nothing sleeps."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Revision

from gazette.news.models import ArticlePage
from gazette.newsroom import scheduler
from gazette.newsroom.roles import user_create
from tests.newsroom_admin import article_form, existing_form
from tests.test_page_cache import committed, fetch, page_cache  # noqa: F401 (fixtures)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def clock(monkeypatch):
    """Django's clock, set by the test: clock.set(moment)."""
    real_now = timezone.now

    class Clock:
        start = real_now().replace(second=0, microsecond=0) + dt.timedelta(seconds=10)

        def set(self, moment: dt.datetime) -> None:
            monkeypatch.setattr(timezone, "now", lambda: moment)

    clock = Clock()
    clock.set(clock.start)
    return clock


@pytest.fixture
def newsroom(site):
    return {
        "carol": user_create(username="carol", role="contributor", password="pw-long-enough-1"),
        "alice": user_create(username="alice", role="editor", password="pw-long-enough-1"),
    }


def worker_pass() -> scheduler.Due:
    return scheduler.BackgroundWorker(tasks=False).step()


def local(moment: dt.datetime, zone=PARIS) -> str:
    """A time as the admin's date-time field takes it, in the newsroom's time zone."""
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M")


def test_contributor_story_reviewed_and_scheduled_goes_live_at_that_minute(
    newsroom, news, author, client, clock, settings, django_capture_on_commit_callbacks
):
    settings.TIME_ZONE = "Europe/Paris"  # the newsroom's zone; the database keeps UTC
    carol, alice = newsroom["carol"], newsroom["alice"]

    # The contributor writes the story and submits it for review.
    client.force_login(carol)
    client.post(
        f"/admin/pages/add/news/articlepage/{news.pk}/",
        article_form(
            title="Lighthouse keeper retires",
            slug="lighthouse",
            author_id=author.pk,
            **{"action-submit": "1"},
        ),
    )
    story = ArticlePage.objects.get(slug="lighthouse")
    assert story.workflow_in_progress and not story.live

    # The editor finds it waiting for review on the dashboard ...
    client.force_login(alice)
    dashboard = client.get("/admin/").content.decode()
    assert "Awaiting your review" in dashboard and "Lighthouse keeper retires" in dashboard

    # ... and approves it for two minutes from now, typed in Paris time.
    go_live = clock.start + dt.timedelta(minutes=2)
    response = client.post(
        f"/admin/pages/{story.pk}/edit/",
        existing_form(
            story,
            go_live_at=local(go_live),
            **{"action-workflow-action": "true", "workflow-action-name": "approve"},
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    story.refresh_from_db()
    assert not story.live and not story.workflow_in_progress
    scheduled = Revision.objects.get(object_id=str(story.pk), approved_go_live_at__isnull=False)
    assert scheduled.approved_go_live_at == go_live.replace(second=0)  # stored in UTC
    client.logout()
    assert "Lighthouse keeper retires" not in client.get("/").content.decode()

    # A minute later: nothing yet.
    clock.set(go_live - dt.timedelta(seconds=30))
    assert worker_pass().published == []
    assert "Lighthouse keeper retires" not in client.get("/").content.decode()

    # At the minute, the worker's pass publishes it through Wagtail's publish path.
    clock.set(go_live.replace(second=0) + dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert worker_pass().published == [story.pk]
    story.refresh_from_db()
    assert story.live
    assert "Lighthouse keeper retires" in client.get("/").content.decode()
    assert "Lighthouse keeper retires" in client.get(news.url).content.decode()
    assert client.get(story.url).status_code == 200
    # A second pass finds nothing left to do.
    assert worker_pass().published == []


def test_schedule_missed_while_the_server_was_down_goes_live_on_the_first_pass(make_article, clock):
    story = make_article("Ferry timetable changes", live=False, date=None)
    story = story.get_latest_revision_as_object()
    story.go_live_at = clock.start + dt.timedelta(minutes=5)
    story.save_revision().publish()  # in the future: scheduled, not live
    assert not ArticlePage.objects.get(pk=story.pk).live

    # The server was down from before 09:00 until three hours later.
    clock.set(clock.start + dt.timedelta(hours=3))
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert "Published 1, unpublished 0." in out.getvalue()
    assert ArticlePage.objects.published().filter(pk=story.pk).exists()


def test_scheduled_publication_purges_the_cached_front_page(
    make_article,
    clock,
    fetch,  # noqa: F811
    committed,  # noqa: F811
):
    make_article("Already out")
    story = make_article("Council votes tonight", live=False, date=None)
    story = story.get_latest_revision_as_object()
    story.go_live_at = clock.start + dt.timedelta(minutes=2)
    story.save_revision().publish()
    assert fetch("/").cache == "MISS"
    assert fetch("/").cache == "HIT"
    clock.set(clock.start + dt.timedelta(minutes=2, seconds=1))
    committed(worker_pass)
    front = fetch("/")
    assert front.cache == "MISS" and "Council votes tonight" in front.text


def test_expiry_time_unpublishes_at_its_minute_and_purges(
    make_article,
    clock,
    fetch,  # noqa: F811
    committed,  # noqa: F811
    newsroom,
    client,  # noqa: F811
):
    story = make_article("Road closed this weekend")
    client.force_login(newsroom["alice"])
    expire = clock.start + dt.timedelta(minutes=10)
    client.post(
        f"/admin/pages/{story.pk}/edit/",
        existing_form(story, expire_at=local(expire, dt.UTC), **{"action-publish": "1"}),
    )
    story.refresh_from_db()
    assert story.live and story.expire_at == expire.replace(second=0)
    assert fetch(story.url).status == 200
    assert "Road closed this weekend" in fetch("/").text
    expire = expire.replace(second=0)  # the admin's fields take minutes
    clock.set(expire - dt.timedelta(seconds=5))
    assert committed(worker_pass).unpublished == []
    clock.set(expire + dt.timedelta(seconds=1))
    assert committed(worker_pass).unpublished == [story.pk]
    story.refresh_from_db()
    assert not story.live and story.expired
    assert "Road closed this weekend" not in fetch("/").text
    assert fetch(story.url).status == 404


def test_two_workers_never_publish_the_same_revision_twice(make_article, clock):
    story = make_article("Tide tables", live=False, date=None).get_latest_revision_as_object()
    story.go_live_at = clock.start + dt.timedelta(minutes=1)
    story.save_revision().publish()
    clock.set(clock.start + dt.timedelta(minutes=2))
    first, second = scheduler.publish_due(), scheduler.publish_due()
    assert first.published == [story.pk] and second.published == []


def test_worker_stops_when_asked(site):
    worker = scheduler.BackgroundWorker(interval=0.01, tasks=True)
    worker.stop()
    worker.run()  # returns at once instead of looping
    assert worker.stopping.is_set()


@pytest.mark.parametrize("argv,expected", [([], True), (["--no-worker"], False)])
def test_serve_runs_the_worker_unless_told_not_to(monkeypatch, argv, expected):
    from gazette.newsroom.management.commands import serve

    seen = {}
    monkeypatch.setattr(serve, "run_server", lambda **kwargs: seen.update(kwargs))
    call_command("serve", *argv)
    assert seen["background_worker"] is expected


# Time zones: the admin's times are the newsroom's, and impossible ones are refused. -------


@pytest.mark.parametrize(
    "field,typed,why",
    [
        ("go_live_at", "2027-03-28 01:30", "clocks go forward"),  # does not exist
        ("go_live_at", "2027-10-31 01:30", "clocks go back"),  # happens twice
        ("expire_at", "2027-10-31 01:30", "clocks go back"),
        ("embargo_until", "2027-03-28 01:30", "clocks go forward"),
    ],
)
def test_nonexistent_and_ambiguous_local_times_are_refused_with_a_clear_message(
    make_article, newsroom, client, settings, field, typed, why
):
    settings.TIME_ZONE = "Europe/London"
    story = make_article("Clocks change tonight")
    before = story.latest_revision_id
    client.force_login(newsroom["alice"])
    response = client.post(f"/admin/pages/{story.pk}/edit/", existing_form(story, **{field: typed}))
    assert response.status_code == 200  # the form again, not saved
    text = response.content.decode()
    assert "couldn’t be interpreted in time zone Europe/London" in text
    assert "it may be ambiguous or it may not exist" in text
    story.refresh_from_db()
    assert story.latest_revision_id == before


def test_times_typed_in_the_newsroom_zone_are_stored_in_utc(
    make_article, newsroom, client, settings
):
    settings.TIME_ZONE = "America/New_York"
    story = make_article("Polls close")
    client.force_login(newsroom["alice"])
    client.post(
        f"/admin/pages/{story.pk}/edit/",
        existing_form(story, embargo_until="2027-07-04 20:00", **{"action-publish": "1"}),
    )
    story.refresh_from_db()
    assert story.embargo_until == dt.datetime(2027, 7, 5, 0, 0, tzinfo=dt.UTC)


def test_worker_started_by_serve_stops_when_serve_is_gone(site):
    import os

    worker = scheduler.BackgroundWorker(interval=0.01, tasks=False, parent_pid=os.getpid() + 1)
    worker.run()  # its parent is not who it was told: it returns instead of looping
    assert not worker.stopping.is_set()
