"""Expiring time-dependent pages on time, for nginx too.

The app never serves an expired page (store.get checks), but in edge mode nginx serves the
files without asking the app; so `gazette serve` runs this loop in a thread, which removes
the pages tagged ``timed`` when a future-dated article comes due."""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections

from gazette.cache import expiry, get_store, purge_now

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


def _loop(stop: threading.Event) -> None:
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


def start() -> threading.Event | None:
    """Start the sweeper thread (when the page cache is on); set the event to stop it."""
    if get_store() is None:
        return None
    stop = threading.Event()
    threading.Thread(target=_loop, args=(stop,), name="gazette-cache-sweeper", daemon=True).start()
    return stop
