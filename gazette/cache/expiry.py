"""Time-dependent pages: a page that lists articles changes by itself when a future-dated
article's time comes. Apps register a function that says when that next happens; a page
stored before then expires at that moment (and carries the tag ``timed``)."""

from __future__ import annotations

from collections.abc import Callable

_providers: list[Callable[[], float | None]] = []
TIMED = "timed"


def register(provider: Callable[[], float | None]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def next_change() -> float | None:
    """The earliest moment (a Unix time) at which some cached page may change by itself."""
    times = [t for t in (p() for p in _providers) if t is not None]
    return min(times) if times else None


def expire_at(request, when: float) -> None:
    """Let a cached page expire at ``when`` (a Unix time), earlier than next_change() if
    need be: e.g. an article page whose comment form carries a timestamp."""
    if request is None:
        return
    current = getattr(request, "cache_expires", None)
    request.cache_expires = when if current is None else min(current, when)
