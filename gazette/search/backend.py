"""Wagtail's database search backend, with headlines weighted on SQLite.

``WAGTAILSEARCH_BACKENDS`` names this module. It returns exactly the backend Wagtail would
pick for the database (SQLite FTS5, PostgreSQL full-text search, or the fallback); on
SQLite the ranking is changed in one place: FTS5's bm25() scores all columns alike, so an
article that mentions a word once in a long body can outrank the one whose headline is
that word. Here a match in the title counts TITLE_WEIGHT times a match in the body.
PostgreSQL's backend already weighs the title above the body (setweight 'A').
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections
from modelsearch.backends.database import SearchBackend as database_backend

# A word in the headline counts this many times a word in the body (both databases).
TITLE_WEIGHT = 5.0


def SearchBackend(params: dict[str, Any]):  # noqa: N802 - the name Wagtail looks up
    backend = database_backend(params)
    if _uses_fts5(backend):
        from gazette.search.sqlite_fts import WeightedSQLiteCompiler

        backend.query_compiler_class = WeightedSQLiteCompiler
    return backend


def _uses_fts5(backend: Any) -> bool:
    if connections["default"].vendor != "sqlite":
        return False
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

    return isinstance(backend, SQLiteSearchBackend)


class Ranked:
    """One search ranked in the database's full-text index (sqlite_fts.py on SQLite's FTS5,
    postgres_fts.py on PostgreSQL): slices and count() as the search page and the APIs
    paginate it. ``count()`` is the number of matches ranked, at most
    GAZETTE_SEARCH_RANK_LIMIT; ``capped`` says the words were found in more articles than
    that, and only the newest of them were ranked."""

    def __init__(self, queryset: Any, terms: list[str], ranked_ids: Any) -> None:
        self.queryset, self.terms, self._ranked_ids = queryset, terms, ranked_ids
        self.cap = settings.GAZETTE_SEARCH_RANK_LIMIT
        self._count: int | None = None

    def ids(self, offset: int, limit: int) -> list[int]:
        ids, self._count = self._ranked_ids(self.queryset, self.terms, offset, limit, self.cap)
        if not ids and offset:  # past the last page: no row carried the count
            self._count = self._ranked_ids(self.queryset, self.terms, 0, 1, self.cap)[1]
        return ids

    def count(self) -> int:
        if self._count is None:
            self.ids(0, 1)
        return self._count or 0

    @property
    def capped(self) -> bool:
        return self.count() >= self.cap

    def __getitem__(self, item: slice) -> list[Any]:
        start, stop = item.start or 0, item.stop
        if stop is None or item.step is not None or stop < start:
            raise TypeError("Ranked search results take a [start:stop] slice.")
        ids = self.ids(start, stop - start)
        by_id = {row.pk: row for row in self.queryset.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]


def ranked(queryset: Any, terms: list[str]) -> Ranked | None:
    """The rows of ``queryset`` with every term, best first, ranked by Gazette's own query
    on SQLite (FTS5) and PostgreSQL; None with any other search backend, and the caller
    asks Wagtail's."""
    vendor = connections[queryset.db].vendor
    backend = database_backend({})
    if vendor == "sqlite" and _uses_fts5(backend):
        from gazette.search.sqlite_fts import ranked_ids
    elif vendor == "postgresql" and _uses_postgres_fts(backend):
        from gazette.search.postgres_fts import ranked_ids
    else:
        return None
    return Ranked(queryset, terms, ranked_ids)


def _uses_postgres_fts(backend: Any) -> bool:
    from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend

    return isinstance(backend, PostgresSearchBackend)
