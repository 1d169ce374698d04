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

from django.db import connections
from modelsearch.backends.database import SearchBackend as database_backend


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


def sqlite_ranked_ids(queryset, terms: list[str], offset: int, limit: int) -> list[int] | None:
    """On SQLite with FTS5, one page of matching ids, best first (gazette.search.sqlite_fts);
    None elsewhere, and the caller asks Wagtail's backend (PostgreSQL full-text search)."""
    if connections[queryset.db].vendor != "sqlite" or not _uses_fts5(database_backend({})):
        return None
    from gazette.search.sqlite_fts import ranked_ids

    return ranked_ids(queryset, terms, offset, limit)
