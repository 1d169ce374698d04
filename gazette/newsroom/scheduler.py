"""Scheduled publishing that never misses, and the background worker that runs it.

Wagtail keeps a schedule in the database: a revision approved to go live later carries
``approved_go_live_at``, and a live page to be taken down carries ``expire_at``. Wagtail's
own answer is a cron job (`publish_scheduled`); Gazette needs no cron: the worker
(`gazette worker`, or the one `gazette serve` starts beside the web server) calls
``publish_due()`` every few seconds between background tasks.

Everything due is done, not only what falls due this minute, so a schedule that passed
while the server was down goes live as soon as the worker runs again. Publishing goes
through Wagtail's normal path (``Revision.publish``, ``Page.unpublish``), which sends
Wagtail's signals: Gazette's bridge (news/signals.py) then purges the page cache.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from dataclasses import dataclass, field

from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from wagtail.log_actions import log
from wagtail.models import Page, Revision

from gazette.news.readiness import NotReadyToPublish

logger = logging.getLogger(__name__)


@dataclass
class Due:
    """What one pass did: page IDs published and unpublished."""

    published: list[int] = field(default_factory=list)
    unpublished: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)


def publish_due() -> Due:
    """Publish every revision whose scheduled time has come, and unpublish every live page
    whose expiry time has come. Safe to run from several workers at once: each item is
    re-read in its own transaction, and one already done by another worker is skipped."""
    done = Due()
    now = timezone.now()
    for page_id in Page.objects.filter(live=True, expire_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            page = (
                Page.objects.select_for_update()
                .filter(pk=page_id, live=True, expire_at__lte=now)
                .first()
            )
            if page is None:
                continue
            page.specific.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
            done.unpublished.append(page_id)
    for revision_id in (
        Revision.objects.filter(approved_go_live_at__lte=now)
        .order_by("approved_go_live_at")
        .values_list("pk", flat=True)
    ):
        try:
            with transaction.atomic():
                revision = (
                    Revision.objects.select_for_update()
                    .filter(pk=revision_id, approved_go_live_at__lte=now)
                    .first()
                )
                if revision is None:
                    continue
                # The go-live time is in the past now: Wagtail publishes instead of scheduling.
                revision.publish(log_action="wagtail.publish.scheduled")
                done.published.append(int(revision.object_id))
        except NotReadyToPublish as refused:
            _unschedule(revision_id, refused)
            done.refused.append(refused.page_id)
    if done.published or done.unpublished:
        logger.info("Schedule: published %s, unpublished %s", done.published, done.unpublished)
    return done


def _unschedule(revision_id: int, refused: NotReadyToPublish) -> None:
    """A scheduled article that is no longer ready (say an image lost its credit since it
    was scheduled) is taken off the schedule, so it is not tried again every few seconds,
    and the refusal goes into the article's history, where editors look."""
    with transaction.atomic():
        revision = Revision.objects.select_for_update().filter(pk=revision_id).first()
        if revision is None:
            return
        revision.approved_go_live_at = None
        revision.save(update_fields=["approved_go_live_at"])
        page = Page.objects.get(pk=revision.object_id).specific
        log(page, "gazette.publish.refused", revision=revision, data={"problems": refused.problems})
    logger.warning("Schedule: not published, taken off the schedule: %s", refused)


def run_tasks(worker_id: str) -> None:
    """Run every background task that is ready (django-tasks' database queue), then return."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.compat import task_backends
    from django_tasks_db.management.commands.db_worker import Worker

    if not isinstance(task_backends["default"], DatabaseBackend):
        return  # another backend (the tests' immediate one) runs tasks itself: no queue

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


class BackgroundWorker:
    """The loop of `gazette worker`: the schedule, then the task queue, every ``interval``
    seconds. SIGTERM or SIGINT stops it after the step in progress."""

    def __init__(self, *, interval: float = 5.0, tasks: bool = True, parent_pid: int | None = None):
        self.interval = interval
        self.tasks = tasks
        # Started by `gazette serve`: stop when it is gone, even if it was killed outright
        # and could not stop us, rather than publish on as an orphan.
        self.parent_pid = parent_pid
        self.stopping = threading.Event()
        self.worker_id = get_random_string(32)

    def stop(self, *_args: object) -> None:
        self.stopping.set()

    def step(self) -> Due:
        due = publish_due()
        if self.tasks:
            run_tasks(self.worker_id)
        return due

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        while not self.stopping.is_set():
            if self.parent_pid is not None and os.getppid() != self.parent_pid:
                logger.warning("gazette serve has gone; the background worker stops")
                return
            # As Django does around a request: drop a connection the database closed
            # (a restart, an idle timeout) before and after each pass.
            close_old_connections()
            try:
                self.step()
            except Exception:
                # A database hiccup (locked, restarted) must not end the worker: the next
                # pass does whatever this one could not.
                logger.exception("Background worker step failed; retrying")
            finally:
                close_old_connections()
            self.stopping.wait(self.interval)
