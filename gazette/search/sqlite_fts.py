"""The SQLite (FTS5) half of gazette.search.backend, imported only on SQLite: its models
exist only there."""

from __future__ import annotations

from django.db import connections
from django.db.models.expressions import RawSQL
from modelsearch.backends.database.sqlite.query import BM25
from modelsearch.backends.database.sqlite.sqlite import (
    IndexEntry,
    SQLiteFTSIndexEntry,
    SQLiteSearchQueryCompiler,
)
from modelsearch.query import Not, Phrase, PlainText
from modelsearch.utils import get_descendants_content_types_pks

from gazette.search.backend import TITLE_WEIGHT


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


def ranked_ids(
    queryset, terms: list[str], offset: int, limit: int, cap: int
) -> tuple[list[int], int]:
    """On SQLite with FTS5: the ids of ``queryset``'s rows that contain every term, best
    first, one page of them; and how many matches were ranked (at most ``cap``).

    Wagtail's SQLite backend ranks with a correlated subquery that runs the full-text match
    once per candidate row: a common word on a 100,000-article site took minutes. Here the
    match runs once, and FTS5 ranks (bm25, headline weighted) only the ``cap`` newest
    matches that ``queryset`` lets through (the published() door with the reader's
    filters, asked per candidate by id). FTS5 reads its matches newest first without
    sorting them, so a word found in every article costs the same as one found in
    ``cap`` articles: ranking all 100,000 matches, and building the set of published ids,
    took half a second, and the cap makes it 30 ms (bench/search.py). ``terms`` are plain
    \\w+ words (gazette.search.text.parse), quoted here: nothing else reaches MATCH."""

    connection = connections[queryset.db]
    fts = SQLiteFTSIndexEntry._meta.db_table
    entries = IndexEntry._meta.db_table
    match = "{body title} : (" + " AND ".join(f'"{term}"' for term in terms) + ")"
    types = list(get_descendants_content_types_pks(queryset.model))
    # Correlated with the outer row ("e"), so SQLite looks each candidate up by its id
    # instead of listing every published article first.
    allowed = queryset.order_by().filter(pk=RawSQL("CAST(e.object_id AS INTEGER)", []))
    rows_sql, rows_params = allowed.values("pk").query.sql_with_params()
    # Table names come from the models, terms are quoted \w+ words, values are parameters.
    # Index entry ids grow as articles are first indexed: the newest matches come first.
    sql = (
        "SELECT id, count(*) OVER () FROM ("  # noqa: S608
        f"SELECT CAST(e.object_id AS INTEGER) AS id, bm25({fts}, 0.0, 1.0, {TITLE_WEIGHT}) "
        f"AS score FROM {fts} f JOIN {entries} e ON e.id = f.rowid "
        f"WHERE {fts} MATCH %s AND e.content_type_id IN ({', '.join(['%s'] * len(types))}) "
        f"AND EXISTS ({rows_sql}) ORDER BY f.rowid DESC LIMIT %s"
        ") ORDER BY score, id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *types, *rows_params, cap, limit, offset])
        rows = cursor.fetchall()
    # Each row carries the number ranked; with no row, the caller counts from page one.
    return [row[0] for row in rows], rows[0][1] if rows else 0
