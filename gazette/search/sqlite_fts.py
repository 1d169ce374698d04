"""The SQLite (FTS5) half of gazette.search.backend, imported only on SQLite: its models
exist only there."""

from __future__ import annotations

from django.db import connections
from modelsearch.backends.database.sqlite.query import BM25
from modelsearch.backends.database.sqlite.sqlite import (
    IndexEntry,
    SQLiteFTSIndexEntry,
    SQLiteSearchQueryCompiler,
)
from modelsearch.query import Not, Phrase, PlainText
from modelsearch.utils import get_descendants_content_types_pks

TITLE_WEIGHT = 5.0


class WeightedBM25(BM25):
    def as_sql(self, compiler, connection, function=None, template=None):
        # The FTS5 table's columns are (autocomplete, body, title): one weight each.
        table = SQLiteFTSIndexEntry._meta.db_table
        return f"bm25({table}, 0.0, 1.0, {TITLE_WEIGHT})", []


class WeightedSQLiteCompiler(SQLiteSearchQueryCompiler):
    def build_tsrank(self, vector, query, config=None, boost=1.0):
        if isinstance(query, (Phrase, PlainText, Not)):
            rank = WeightedBM25()
            return rank * boost if boost != 1.0 else rank
        return super().build_tsrank(vector, query, config=config, boost=boost)


def ranked_ids(queryset, terms: list[str], offset: int, limit: int) -> list[int] | None:
    """On SQLite with FTS5: the ids of ``queryset``'s rows that contain every term, best
    first, one page of them.

    Wagtail's SQLite backend ranks with a correlated subquery that runs the full-text match
    once per candidate row: a common word on a 100,000-article site took minutes. Here the
    match runs once, FTS5 ranks it (bm25, headline weighted), and ``queryset`` (the
    published() door with the reader's filters) is one uncorrelated IN (...), so the same
    rows come out as through Wagtail, only fast. ``terms`` are plain \\w+ words
    (gazette.search.text.parse), quoted here: nothing else reaches MATCH."""

    connection = connections[queryset.db]
    fts = SQLiteFTSIndexEntry._meta.db_table
    entries = IndexEntry._meta.db_table
    match = "{body title} : (" + " AND ".join(f'"{term}"' for term in terms) + ")"
    types = list(get_descendants_content_types_pks(queryset.model))
    rows_sql, rows_params = queryset.order_by().values("pk").query.sql_with_params()
    # Table names come from the models, terms are quoted \w+ words, values are parameters.
    sql = (
        f"SELECT CAST(e.object_id AS INTEGER) FROM {fts} f "  # noqa: S608
        f"JOIN {entries} e ON e.id = f.rowid "
        f"WHERE {fts} MATCH %s AND e.content_type_id IN ({', '.join(['%s'] * len(types))}) "
        f"AND CAST(e.object_id AS INTEGER) IN ({rows_sql}) "
        f"ORDER BY bm25({fts}, 0.0, 1.0, {TITLE_WEIGHT}), e.object_id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *types, *rows_params, limit, offset])
        return [row[0] for row in cursor.fetchall()]
