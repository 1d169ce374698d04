"""Search times on a large site: p50 and p99 for common and rare words.

    GAZETTE_DATA_DIR=/tmp/scale gazette setup
    GAZETTE_DATA_DIR=/tmp/scale gazette generate --articles 100000
    GAZETTE_DATA_DIR=/tmp/scale gazette update_index        # fills the search index
    GAZETTE_DATA_DIR=/tmp/scale .venv/bin/python bench/search.py [--requests 50]

On PostgreSQL, the same with DATABASE_URL set for every step.

Requests go through Django in-process (/search/?q=...), so the times are the whole search
page: the full-text match and ranking, loading the page of articles, snippets, rendering.
Words are picked from the index itself: "common" among the most frequent, "rare" among
those in a handful of articles. A table is printed and written to
bench/results/search-YYYY-MM-DD-HHMM.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette.settings")
os.environ["GAZETTE_PAGE_CACHE"] = "0"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from gazette.news.models import ArticlePage  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def words_by_frequency() -> tuple[list[str], list[str]]:
    """(common, rare) words of the index, from FTS5's own vocabulary table, or from
    PostgreSQL's ts_stat over the bodies' tsvectors."""
    if connection.vendor == "postgresql":
        stats = (
            "SELECT word, ndoc FROM ts_stat('SELECT body FROM wagtailsearch_indexentry') "
            "WHERE length(word) > 3 AND word ~ '^[a-z]+$' ORDER BY ndoc DESC"
        )
        with connection.cursor() as cursor:
            cursor.execute(stats)
            rows = cursor.fetchall()
        # Stems ("polici"); the search page stems what it is given, so a stem finds them.
        common = [term for term, _ in rows[:40]]
        rare = [term for term, docs in rows if 2 <= docs <= 20][:200]
        return common, rare
    from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry

    table = SQLiteFTSIndexEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, {table}, 'row')"
        )
        cursor.execute("SELECT term, doc FROM temp.vocab WHERE length(term) > 3 ORDER BY doc DESC")
        rows = cursor.fetchall()
    common = [term for term, _ in rows[:40]]
    rare = [term for term, docs in rows if 2 <= docs <= 20 and term.isalpha()][:200]
    return common, rare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50, help="requests per kind of query")
    args = parser.parse_args()
    if connection.vendor not in ("sqlite", "postgresql"):
        sys.exit("bench/search.py reads the index's vocabulary on SQLite or PostgreSQL.")
    articles = ArticlePage.objects.published().count()
    common, rare = words_by_frequency()
    if not common:
        sys.exit("The search index is empty: run `gazette update_index` first.")
    rng = random.Random(1)  # noqa: S311 - picks words, not secrets
    client = Client(HTTP_HOST="localhost")
    kinds = {
        "common word": lambda: rng.choice(common),
        "rare word": lambda: rng.choice(rare),
        "two common words": lambda: f"{rng.choice(common)} {rng.choice(common)}",
        "common word, page 5": lambda: (rng.choice(common), "5"),
        "no match": lambda: f"zqx{rng.randrange(10**6)}",
    }
    client.get("/search/", {"q": common[0]})  # warm up: connection, templates
    rows = []
    for kind, pick in kinds.items():
        times = []
        for _ in range(args.requests):
            picked = pick()
            q, page = picked if isinstance(picked, tuple) else (picked, "1")
            started = time.perf_counter()
            response = client.get("/search/", {"q": q, "page": page})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 404), (q, response.status_code)
        rows.append((kind, statistics.median(times), percentile(times, 0.99), max(times)))
    lines = [
        f"Search on {articles:,} published articles ({connection.vendor}), "
        f"{args.requests} requests per kind, in-process, page cache off.",
        "",
        "| query | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|",
        *(f"| {kind} | {p50:.0f} | {p99:.0f} | {mx:.0f} |" for kind, p50, p99, mx in rows),
    ]
    text = "\n".join(lines)
    print(text)
    out = Path(__file__).parent / "results" / time.strftime("search-%Y-%m-%d-%H%M.md")
    out.write_text(text + "\n")
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
