"""Expiring time-dependent pages on time, for nginx too.

The app never serves an expired page (store.get checks), but in edge mode nginx serves the
files without asking the app; so `gazette serve` runs this loop beside the web server, as
`gazette cache sweep`, and it removes the pages tagged ``timed`` when a future-dated
article comes due."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections

from gazette.cache import broadcast, expiry, purge_now

log = logging.getLogger(__name__)
# How often to look again for a newly scheduled article, at most.
POLL_SECONDS = 30.0


def sweep_once(now: float | None = None) -> float | None:
    """Purge the timed pages if their moment has come; return the next moment to wake."""
    now = time.time() if now is None else now
    due = expiry.next_change()
    if due is not None and due <= now:
        # Each machine expires its own timed pages at the same moment: nothing to broadcast.
        purge_now([expiry.TIMED], record=False)
        due = expiry.next_change()
    return due


def run(stop: threading.Event) -> None:
    """Sweep until ``stop`` is set: sleep until the next timed page is due (or POLL_SECONDS,
    to notice newly scheduled articles), purge, repeat. With GAZETTE_PURGE_BROADCAST, also
    apply the other machines' purges every GAZETTE_PURGE_POLL seconds."""
    last_prune = 0.0
    while not stop.is_set():
        due = None
        try:
            due = sweep_once()
            if broadcast.enabled():
                broadcast.apply_remote()
                if time.monotonic() - last_prune > 600:
                    broadcast.prune()
                    last_prune = time.monotonic()
        except Exception:  # the site keeps serving; try again later
            log.exception("page cache sweeper")
        finally:
            close_old_connections()
        wait = POLL_SECONDS if due is None else min(POLL_SECONDS, max(0.05, due - time.time()))
        if broadcast.enabled():
            wait = min(wait, settings.GAZETTE_PURGE_POLL)
        stop.wait(wait)
