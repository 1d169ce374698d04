"""Purges shared between machines through the database (GAZETTE_PURGE_BROADCAST).

A purge is recorded as a ``Purge`` row inside the transaction that changed the content, so
it exists exactly when the change does. Every machine's sweeper (`gazette cache sweep`,
started by `gazette serve`) reads the rows it has not seen and applies those made elsewhere
to its own store and fragments, with the same race protection as a local purge: a page whose
rendering began before the purge arrived here is not kept.

A machine remembers the last row it applied in ``.broadcast-seen`` in its cache directory.
One that was away longer than the log is kept (GAZETTE_PURGE_LOG_HOURS), or that has never
applied the log, empties its whole cache first: it cannot know what it missed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import time
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

log = logging.getLogger(__name__)
RECENT_SECONDS = 30
# Rows applied lately (id -> when), not to apply twice what is read again.
_applied: dict[int, float] = {}


def enabled() -> bool:
    return bool(getattr(settings, "GAZETTE_PURGE_BROADCAST", False))


def origin() -> str:
    """This machine's name in the log: its host name and cache directory, hashed."""
    named = getattr(settings, "GAZETTE_MACHINE_ID", "") or ""
    if named:
        return named[:64]
    raw = f"{socket.gethostname()}:{Path(settings.GAZETTE_PAGE_CACHE_DIR).resolve()}"
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:16]


def record(tags: Iterable[str]) -> None:
    """Write the purge to the log, in the caller's transaction."""
    from gazette.cache.models import Purge

    Purge.objects.create(tags=" ".join(sorted(tags)), origin=origin())


def record_all() -> None:
    from gazette.cache.models import ALL, Purge

    Purge.objects.create(tags=ALL, origin=origin())


def _seen_path() -> Path:
    return Path(settings.GAZETTE_PAGE_CACHE_DIR) / ".broadcast-seen"


def _read_seen() -> tuple[int | None, float]:
    path = _seen_path()
    try:
        return int(path.read_text().strip()), path.stat().st_mtime
    except (OSError, ValueError):
        return None, 0.0


def _write_seen(last: int) -> None:
    path = _seen_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(str(last))
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("page cache: could not record the purges applied: %s", exc)


def apply_remote(batch: int = 1000) -> int:
    """Apply the purges other machines made since the last call; returns how many."""
    from gazette.cache import purge_all, purge_now
    from gazette.cache.models import ALL, Purge

    keep_hours = getattr(settings, "GAZETTE_PURGE_LOG_HOURS", 24)
    last, seen_at = _read_seen()
    if last is None or time.time() - seen_at > keep_hours * 3600:
        # Never followed the log, or away longer than it is kept: start from a clean cache.
        newest = Purge.objects.order_by("-id").values_list("id", flat=True).first() or 0
        purge_all(record=False)
        _write_seen(newest)
        return 0
    me = origin()
    applied = 0
    # Ids are handed out when a row is written, not when its transaction commits: a long
    # transaction's row can appear after a newer one was read. So the last RECENT_SECONDS of
    # rows are read again, and rows already applied are skipped.
    recent = timezone.now() - timedelta(seconds=RECENT_SECONDS)
    rows = list(
        Purge.objects.filter(Q(id__gt=last) | Q(created_at__gte=recent))
        .order_by("id")
        .values_list("id", "tags", "origin")[:batch]
    )
    for pk, tags, made_by in rows:
        if made_by == me or pk in _applied:
            continue
        _applied[pk] = time.monotonic()
        if tags == ALL:
            purge_all(record=False)
        else:
            purge_now(tags.split(), record=False, cdn=False)
        applied += 1
    cutoff = time.monotonic() - 2 * RECENT_SECONDS
    for pk in [pk for pk, at in _applied.items() if at < cutoff]:
        del _applied[pk]
    # Written even when nothing came: its time says this machine is following the log.
    _write_seen(max([last, *(row[0] for row in rows)]))
    return applied


def prune() -> int:
    """Forget log rows older than GAZETTE_PURGE_LOG_HOURS."""
    from gazette.cache.models import Purge

    hours = getattr(settings, "GAZETTE_PURGE_LOG_HOURS", 24)
    deleted, _ = Purge.objects.filter(
        created_at__lt=timezone.now() - timedelta(hours=hours)
    ).delete()
    return deleted
