"""An article's comment policy: open, hold-all or closed, and when comments close by
themselves (GAZETTE_COMMENTS_CLOSE_AFTER_DAYS after publication, or the article's own
number of days)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

if TYPE_CHECKING:
    from gazette.news.models import ArticlePage

OPEN, HOLD_ALL, CLOSED = "open", "hold-all", "closed"


def close_after_days(article: ArticlePage) -> int:
    own = article.comments_close_after_days
    return settings.GAZETTE_COMMENTS_CLOSE_AFTER_DAYS if own is None else own


def closes_at(article: ArticlePage) -> dt.datetime | None:
    """When comments close by themselves, or None if they never do."""
    days = close_after_days(article)
    published = article.date or article.first_published_at
    if not days or published is None:
        return None
    return published + dt.timedelta(days=days)


def policy(article: ArticlePage, now: dt.datetime | None = None) -> str:
    if not article.comments_open:
        return CLOSED
    closing = closes_at(article)
    if closing is not None and (now or timezone.now()) >= closing:
        return CLOSED
    return HOLD_ALL if article.comments_hold_all else OPEN


def closed_reason(article: ArticlePage, now: dt.datetime | None = None) -> str:
    """What readers are told when the form is gone ("" while comments are open)."""
    if not article.comments_open:
        return "Comments are closed."
    closing = closes_at(article)
    if closing is not None and (now or timezone.now()) >= closing:
        days = close_after_days(article)
        when = date_format(timezone.localtime(closing), "j F Y")
        return (
            f"Comments are closed: this article stopped taking comments on {when}, "
            f"{days} day{'s' if days != 1 else ''} after it was published."
        )
    return ""
