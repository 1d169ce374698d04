"""Page times on a large site, uncached: p50 and p99 per kind of page.

    GAZETTE_DATA_DIR=/tmp/scale gazette setup
    GAZETTE_DATA_DIR=/tmp/scale gazette generate --articles 100000 --comments 1000000
    GAZETTE_DATA_DIR=/tmp/scale .venv/bin/python bench/scale.py [--requests 200]

Requests go through Django in-process (the page cache off), so the times are the app's own
work on the uncached path: routing, queries, rendering. A table is printed and written to
bench/results/scale-YYYY-MM-DD-HHMM.md.
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
from django.test.utils import CaptureQueriesContext  # noqa: E402
from taggit.models import Tag  # noqa: E402

from gazette.comments.models import Comment  # noqa: E402
from gazette.news.models import ArticlePage, AuthorPage, SectionPage, relative_url  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="requests per kind of page")
    args = parser.parse_args()
    rng = random.Random(1)  # noqa: S311 - picks pages to request, not secrets
    articles = ArticlePage.objects.published().count()
    comments = Comment.objects.count()
    ids = list(
        ArticlePage.objects.published().values_list("url_path", flat=True)[
            :: max(1, articles // 2000)
        ]
    )
    busiest = (
        Comment.objects.approved()
        .values("article_id")
        .order_by()
        .annotate(n=django.db.models.Count("pk"))
        .order_by("-n")
        .first()
    )
    sections = [
        relative_url(p) for p in SectionPage.objects.live().values_list("url_path", flat=True)
    ]
    authors = [
        relative_url(p) for p in AuthorPage.objects.live().values_list("url_path", flat=True)
    ]
    tags = list(Tag.objects.values_list("slug", flat=True)[:200])
    last_home_page = max(1, articles // 12)
    kinds = {
        "home": lambda: "/",
        "home, deep page": lambda: f"/?page={rng.randint(2, last_home_page)}",
        "section": lambda: rng.choice(sections),
        "section, page 50": lambda: rng.choice(sections) + "?page=50",
        "article": lambda: relative_url(rng.choice(ids)),
        "article, most comments": lambda: ArticlePage.objects.get(pk=busiest["article_id"]).url,
        "tag": lambda: f"/tags/{rng.choice(tags)}/",
        "author": lambda: rng.choice(authors),
        "authors": lambda: "/authors/",
    }
    client = Client(HTTP_HOST="127.0.0.1")
    rows = []
    for name, make_url in kinds.items():
        times: list[float] = []
        queries = 0
        for i in range(args.requests):
            url = make_url()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            queries = max(queries, len(captured)) if i else len(captured)
        rows.append((name, statistics.median(times), percentile(times, 0.99), queries))
    header = (
        f"Uncached page times, {articles:,} articles, {comments:,} comments, "
        f"{connection.vendor}, {args.requests} requests each\n\n"
        "| page | p50 ms | p99 ms | queries |\n|---|---:|---:|---:|\n"
    )
    table = header + "".join(f"| {n} | {p50:.1f} | {p99:.1f} | {q} |\n" for n, p50, p99, q in rows)
    print(table)
    out = Path(__file__).resolve().parent / "results" / time.strftime("scale-%Y-%m-%d-%H%M.md")
    out.parent.mkdir(exist_ok=True)
    out.write_text(table)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
