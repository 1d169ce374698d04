"""Finding articles for the APIs: filters, search and pages, all from published()."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from gazette.news.models import ArticlePage
from gazette.search.backend import ranked

SEARCH_MAX_LENGTH = 1000
# Words only: quotes, brackets and operators mean something to SQLite's and PostgreSQL's
# full-text syntax (an unmatched quote is a syntax error there), nothing to a reader.
_WORD = re.compile(r"\w+")
_SEARCH_MAX_WORDS = 32


class BadQuery(ValueError):
    """A query parameter the API cannot use, with the parameter's name."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param
        self.message = message


def parse_when(param: str, value: str, *, end_of_day: bool = False) -> dt.datetime:
    """An ISO 8601 date or date-time; a bare date is its start (or end) in the site's time
    zone, a date-time without an offset is in the site's time zone too."""
    parsed: dt.datetime | None = None
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is not None:
                parsed = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min)
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadQuery(param, f"{param}: not a date (use e.g. 2026-11-20 or 2026-11-20T09:30Z).")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def search_words(param: str, query: str) -> str:
    if len(query) > SEARCH_MAX_LENGTH:
        raise BadQuery(param, f"{param}: at most {SEARCH_MAX_LENGTH:,} characters.")
    return " ".join(_WORD.findall(query)[:_SEARCH_MAX_WORDS])


@dataclass
class Page:
    items: list[Any]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page) if self.total else 0


def page_numbers(
    params: Any, *, page_param: str = "page", size_param: str = "per_page", default: int = 10
) -> tuple[int, int]:
    """?page= and ?per_page= as numbers within bounds, or BadQuery."""
    limit = settings.GAZETTE_API_MAX_PER_PAGE
    raw_page, raw_size = params.get(page_param) or "1", params.get(size_param) or str(default)
    if not raw_page.isdigit() or not 0 < int(raw_page) < 1_000_000:
        raise BadQuery(page_param, f"{page_param}: a whole number from 1.")
    if not raw_size.isdigit() or not 0 < int(raw_size) <= limit:
        raise BadQuery(size_param, f"{size_param}: a whole number from 1 to {limit}.")
    return int(raw_page), int(raw_size)


def paginate(items: Any, number: int, per_page: int) -> Page:
    """One page of ``items`` (a queryset or search results) with the total. A page past
    the last is BadQuery (page 1 of nothing is an empty page)."""
    total = items.count()
    if number > 1 and (number - 1) * per_page >= total:
        raise BadQuery("page", "page: past the last page.")
    offset = (number - 1) * per_page
    return Page(list(items[offset : offset + per_page]), total, number, per_page)


def search(queryset: Any, words: str) -> Any:
    """``queryset`` (published articles, filtered) searched for ``words``, ranked: the
    search page's own ranking on SQLite (gazette.search.backend.ranked), Wagtail's search
    elsewhere, with filters its index does not know applied as a set of ids."""
    published = ArticlePage.objects.published()
    if not words:
        return published.none()
    fts = ranked(queryset, words.casefold().split())
    if fts is not None:
        return fts
    return published.filter(pk__in=queryset.values("pk")).search(words)


def evaluate(page_fn: Any) -> Any:
    """Run a search inside a savepoint: a query the full-text engine still refuses is a bad
    query (400), and on PostgreSQL the request's transaction stays usable."""
    try:
        with transaction.atomic():
            return page_fn()
    except DatabaseError as exc:
        raise BadQuery("search", "search: the query could not be understood.") from exc
