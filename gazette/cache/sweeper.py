"""Expiring time-dependent pages on time, for nginx too.

The app never serves an expired page (store.get checks), but in edge mode nginx serves the
files without asking the app; so `gazette serve` runs this loop beside the web server, as
`gazette cache sweep`, and it removes the pages tagged ``timed`` when a future-dated
article comes due."""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections

from gazette.cache import expiry, purge_now

log = logging.getLogger(__name__)
# How often to look again for a newly scheduled article, at most.
POLL_SECONDS = 30.0


def sweep_once(now: float | None = None) -> float | None:
    """Purge the timed pages if their moment has come; return the next moment to wake."""
    now = time.time() if now is None else now
    due = expiry.next_change()
    if due is not None and due <= now:
        purge_now([expiry.TIMED])
        due = expiry.next_change()
    return due


def run(stop: threading.Event) -> None:
    """Sweep until ``stop`` is set: sleep until the next timed page is due (or POLL_SECONDS,
    to notice newly scheduled articles), purge, repeat."""
    while not stop.is_set():
        try:
            due = sweep_once()
        except Exception:  # the site keeps serving; try again later
            log.exception("page cache sweeper")
            due = None
        finally:
            close_old_connections()
        wait = POLL_SECONDS if due is None else min(POLL_SECONDS, max(0.05, due - time.time()))
        stop.wait(wait)
