"""Fragment cache: parts of a page kept rendered in the process, valid until a tag purges them.

When the full-page cache misses (after a purge, a new article, a page with a query string,
or with the page cache off) most of a page has not changed: an approved comment purges the
article's page, but its headline, byline and body render the same. A fragment
(``{% fragment %}`` in gazette_cache) keeps such a part's HTML, together with the content
tags that were declared while it rendered. It stays valid while none of those tags has been
purged since the request that rendered it began: the same tags and the same purge records
that the page cache uses (``.purged/<tag>`` under GAZETTE_PAGE_CACHE_DIR, written by every
purge, with the page cache on or off), so a fragment is exactly as fresh as a cached page.

Fragments live in each process's memory, bounded (GAZETTE_FRAGMENT_CACHE_ENTRIES): they
are small, and reading one costs no pickling and no network. A purge in this process is
seen at once; one made by another process is seen within RECHECK (50 ms), by one stat() per
tag, as for cached pages.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest

from gazette.cache import expiry, tags
from gazette.cache.store import _SAFE_TAG, RECHECK

STARTED = "_gazette_started"


@dataclass
class Fragment:
    html: str
    tags: frozenset[str]
    created: float  # wall-clock time the rendering request began
    expires: float | None  # a future-dated article's time comes: lists around it change
    checked: float = field(default=0.0)  # monotonic time of the last look at the purges
    generation: int = 0  # local purges counted when last checked


_fragments: OrderedDict[Hashable, Fragment] = OrderedDict()
# Bumped by every purge made in this process, so that its own purges are seen at once.
_generation = 0


def enabled() -> bool:
    return bool(getattr(settings, "GAZETTE_FRAGMENT_CACHE", False))


def purge_marks_root() -> Path:
    return Path(settings.GAZETTE_PAGE_CACHE_DIR)


def mark_purged(tags: Iterable[str], when: float | None = None) -> None:
    """Record that ``tags`` were purged now (the page store records its own purges the
    same way; this is for when the page cache is off)."""
    global _generation
    _generation += 1
    when = time.time() if when is None else when
    root = purge_marks_root() / ".purged"
    for tag in tags:
        mark = root / tag
        if not _SAFE_TAG.match(tag):
            _fragments.clear()
            continue
        try:
            mark.parent.mkdir(parents=True, exist_ok=True)
            mark.touch()
            os.utime(mark, (when, when))
        except (OSError, ValueError):
            # Without the mark, fragments under this tag could outlive the change: drop them
            # all rather than risk showing it.
            _fragments.clear()


def mark_purged_all() -> None:
    clear()
    mark = purge_marks_root() / ".purged-all"
    try:
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.touch()
        now = time.time()
        os.utime(mark, (now, now))
    except OSError:
        pass


def forget_local() -> None:
    """A purge happened in this process: look at the purge records before the next hit."""
    global _generation
    _generation += 1


def clear() -> None:
    global _generation
    _fragments.clear()
    _generation += 1


def _purged_since(tags: Iterable[str], created: float) -> bool:
    root = purge_marks_root()
    for mark in (root / ".purged-all", *(root / ".purged" / t for t in tags)):
        try:
            if os.stat(mark).st_mtime >= created:
                return True
        except OSError:
            continue
    return False


def started(request: HttpRequest) -> float:
    """When the request began reading content: a fragment is stamped with this time, not
    with the time it rendered, as the page objects it shows may have been read earlier."""
    value = getattr(request, STARTED, None)
    if value is None:
        value = time.time()
        setattr(request, STARTED, value)
    return value


def get(key: Hashable) -> Fragment | None:
    fragment = _fragments.get(key)
    if fragment is None:
        return None
    if fragment.expires is not None and time.time() >= fragment.expires:
        _fragments.pop(key, None)
        return None
    now = time.monotonic()
    if fragment.generation != _generation or now - fragment.checked >= RECHECK:
        if _purged_since(fragment.tags, fragment.created):
            _fragments.pop(key, None)
            return None
        fragment.checked = now
        fragment.generation = _generation
    _fragments.move_to_end(key)
    return fragment


def put(
    key: Hashable,
    html: str,
    tags: Iterable[str],
    created: float,
    expires: float | None = None,
) -> None:
    tags = frozenset(tags)
    if _purged_since(tags, created):
        return  # rendered from content that changed meanwhile
    times = [t for t in (expiry.next_change(), expires) if t is not None]
    _fragments[key] = Fragment(
        html=html,
        tags=tags,
        created=created,
        expires=min(times) if times else None,
        checked=time.monotonic(),
        generation=_generation,
    )
    _fragments.move_to_end(key)
    limit = getattr(settings, "GAZETTE_FRAGMENT_CACHE_ENTRIES", 5000)
    while len(_fragments) > limit:
        _fragments.popitem(last=False)


def cached(
    request: HttpRequest | None,
    key: Hashable,
    render: Callable[[], str],
    depends: Iterable[str] = (),
) -> str:
    """The fragment under ``key``, or ``render()`` kept under ``depends`` and the tags
    declared while it rendered (tags.add() reports to every fragment being rendered)."""
    if request is None or not enabled() or getattr(request, "is_preview", False):
        return render()  # a preview shows a draft: never kept, never served from here
    hit = get(key)
    if hit is not None:
        tags.add(request, *hit.tags)
        return hit.html
    created = started(request)
    collected = set(depends)
    with tags.collecting(request, collected):
        html = render()
    if collected:  # a part that names no content cannot be checked, so is not kept
        # The page's own moment of change (expiry.expire_at: comments closing, say) too.
        put(key, html, collected, created, getattr(request, "cache_expires", None))
    return html


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    clear()
