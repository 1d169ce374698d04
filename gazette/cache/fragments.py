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
from gazette.cache.store import _SAFE_TAG, RECHECK, purged_since, record_purge

STARTED = "_gazette_started"
NEXT_CHANGE = "_gazette_next_change"
_UNKNOWN = object()


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
        if not _SAFE_TAG.match(tag) or not record_purge(root / tag, when):
            # Without the mark, fragments under this tag could outlive the change: drop them
            # all rather than risk showing it.
            _fragments.clear()


def mark_purged_all() -> None:
    clear()
    record_purge(purge_marks_root() / ".purged-all", time.time())


def forget_local() -> None:
    """A purge happened in this process: look at the purge records before the next hit."""
    global _generation
    _generation += 1


def clear() -> None:
    global _generation
    _fragments.clear()
    _generation += 1


def _purged_since(tags: Iterable[str], created: float) -> bool:
    return purged_since(purge_marks_root(), tags, created)


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
    next_change: float | None | object = _UNKNOWN,
) -> None:
    tags = frozenset(tags)
    if _purged_since(tags, created):
        return  # rendered from content that changed meanwhile
    due = expiry.next_change() if next_change is _UNKNOWN else next_change
    times = [t for t in (due, expires) if t is not None]
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
        # expiry.next_change() asks the database: once per request, however many parts.
        due = getattr(request, NEXT_CHANGE, _UNKNOWN)
        if due is _UNKNOWN:
            due = expiry.next_change()
            setattr(request, NEXT_CHANGE, due)
        put(key, html, collected, created, getattr(request, "cache_expires", None), due)
    return html


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    clear()
