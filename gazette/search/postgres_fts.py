"""The PostgreSQL half of gazette.search.backend: the same capped ranking as
sqlite_fts.py, on the tsvector columns Wagtail's PostgreSQL backend keeps.

Wagtail's own PostgreSQL search matches ``title || body``, an expression no index covers,
so every search read the whole index table and ranked every match: on 100,000 articles a
common word took 1.5 s and a word in 20,000 articles 0.9 s. Here each word is matched
against the title's and the body's GIN indexes (a document has every word iff each word
is in its title or its body), the newest GAZETTE_SEARCH_RANK_LIMIT matches that the
published() door lets through are ranked, and the same word costs 40-90 ms."""

from __future__ import annotations

from django.db import connections
from django.db.models.expressions import RawSQL
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.search.models import IndexEntry

from gazette.search.backend import TITLE_WEIGHT


def ranked_ids(
    queryset, terms: list[str], offset: int, limit: int, cap: int
) -> tuple[list[int], int]:
    """As sqlite_fts.ranked_ids: one page of ids, best first, and how many were ranked."""
    entries = IndexEntry._meta.db_table
    types = list(get_descendants_content_types_pks(queryset.model))
    allowed = queryset.order_by().filter(pk=RawSQL("CAST(e.object_id AS INTEGER)", []))
    rows_sql, rows_params = allowed.values("pk").query.sql_with_params()
    # plainto_tsquery parses words with the database's text search configuration, as
    # Wagtail's backend does when it indexes, and never raises on odd input.
    each_word = " AND ".join(
        "(e.title @@ plainto_tsquery(%s) OR e.body @@ plainto_tsquery(%s))" for _ in terms
    )
    sql = (
        "SELECT id, count(*) OVER () FROM ("  # noqa: S608 - names from models, values bound
        "SELECT CAST(e.object_id AS INTEGER) AS id, "
        f"ts_rank(e.title, plainto_tsquery(%s)) * {TITLE_WEIGHT} "
        "+ ts_rank(e.body, plainto_tsquery(%s)) AS score "
        f"FROM {entries} e WHERE e.content_type_id IN ({', '.join(['%s'] * len(types))}) "
        f"AND {each_word} AND EXISTS ({rows_sql}) ORDER BY e.id DESC LIMIT %s"
        ") AS matches ORDER BY score DESC, id DESC LIMIT %s OFFSET %s"
    )
    words = " ".join(terms)
    params = [words, words, *types, *(t for t in terms for _ in (0, 1)), *rows_params]
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, [*params, cap, limit, offset])
        rows = cursor.fetchall()
    # Each row carries the number ranked; with no row, the caller counts from page one.
    return [row[0] for row in rows], rows[0][1] if rows else 0
