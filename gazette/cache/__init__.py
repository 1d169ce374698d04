"""Gazette's full-page cache: pages stored with their content tags, purged exactly.

``purge(tags)`` is the one call that write functions make; see tags.py for the vocabulary
and store.py for the layout on disk.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _store_at(root: str):
    from gazette.cache.store import PageStore

    return PageStore(Path(root))


_UNSET = object()
_store: object = _UNSET
# Bumped whenever a setting changes (only tests change settings at run time), so that the
# hit path can keep what it derived from settings instead of reading them on every request.
settings_generation = 0


def get_store():
    """The page store of the current settings, or None when the cache is off."""
    global _store
    if _store is _UNSET:
        _store = (
            _store_at(str(settings.GAZETTE_PAGE_CACHE_DIR)) if settings.GAZETTE_PAGE_CACHE else None
        )
    return _store


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    global _store, settings_generation
    _store = _UNSET
    settings_generation += 1


def purge(tags: Iterable[str]) -> None:
    """Purge every cached page showing any of ``tags``, once the current transaction
    commits (so that the next request renders the new content, never the old)."""
    from gazette.cache import broadcast

    tags = frozenset(tags)
    if tags:
        if broadcast.enabled():
            broadcast.record(tags)  # in this transaction: other machines see it with the change
        transaction.on_commit(lambda: purge_now(tags, record=False))


def purge_now(tags: Iterable[str], *, record: bool = True, cdn: bool = True) -> list[str]:
    """Purge now, here; with GAZETTE_PURGE_BROADCAST, ``record`` writes it to the log for
    the other machines (not when it came from there, nor when purge() already did)."""
    from gazette.cache import broadcast as broadcasting
    from gazette.cache import fragments

    tags = frozenset(tags)
    if record and tags and broadcasting.enabled():
        broadcasting.record(tags)
    store = get_store()
    if store is None:
        # No pages to remove, but fragments (fragments.py) are checked against the same
        # purge records.
        fragments.mark_purged(tags)
        return []
    urls = store.purge(tags)
    fragments.forget_local()
    if urls and cdn and getattr(settings, "WAGTAILFRONTENDCACHE", None):
        # A CDN in front (Cloudflare, CloudFront, Varnish...): purge the same URLs there.
        from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        try:
            purge_urls_from_cache([base + url for url in urls])
        except Exception:  # a CDN outage must not fail the editor's publish
            log.exception("page cache: CDN purge failed")
    return urls


def purge_all(*, record: bool = True) -> None:
    from gazette.cache import broadcast as broadcasting
    from gazette.cache import fragments

    if record and broadcasting.enabled():
        broadcasting.record_all()
    store = get_store()
    if store is not None:
        store.purge_all()
    fragments.mark_purged_all()
