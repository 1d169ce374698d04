"""Content tags: what a cached page shows, so that a change purges exactly those pages.

A view or template names what it shows with ``add(request, ...)``; the page cache stores the
page under those tags (sent as the ``Surrogate-Key`` header too); a write purges the tags it
changed. The vocabulary:

- ``page:<id>``           the page's own content (an article, a section, an author profile)
- ``link:<id>``           a link to an article, with its headline (lists, previous/next)
- ``section:<id>``        a section's name, shown on its articles
- ``author:<id>``         an author's name, shown in bylines
- ``list:home``, ``list:section:<id>``, ``list:author:<id>``, ``list:tag:<slug>``,
  ``list:authors``         which articles a list holds, and so its pagination
- ``nav``                 the sections in the masthead, on every page
- ``list:api``            the API's lists of articles and tags (gazette.api): any article
                          published, changed or withdrawn
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.http import HttpRequest

NAV = "nav"
HOME = "list:home"
API = "list:api"


def add(request: HttpRequest | None, *tags: str) -> None:
    if request is None:
        return
    existing = getattr(request, "cache_tags", None)
    if existing is None:
        existing = request.cache_tags = set()  # type: ignore[attr-defined]
    existing.update(tags)
    # Fragments being rendered (gazette/cache/fragments.py) depend on what they declare.
    for collected in getattr(request, "_gazette_collecting", ()):
        collected.update(tags)


@contextmanager
def collecting(request: HttpRequest, into: set[str]) -> Iterator[set[str]]:
    """Also gather into ``into`` every tag declared until the block ends."""
    stack = request.__dict__.setdefault("_gazette_collecting", [])
    stack.append(into)
    try:
        yield into
    finally:
        stack.remove(into)


def page(pk: int) -> str:
    return f"page:{pk}"


def link(pk: int) -> str:
    return f"link:{pk}"


def section(pk: int) -> str:
    return f"section:{pk}"


def author(pk: int) -> str:
    return f"author:{pk}"


def section_list(pk: int) -> str:
    return f"list:section:{pk}"


def author_list(pk: int) -> str:
    return f"list:author:{pk}"


def tag_list(slug: str) -> str:
    return f"list:tag:{slug}"


def add_listed(request: HttpRequest, articles: Iterable) -> None:
    """Tag a list page with each article it shows and each author in their bylines."""
    tags: list[str] = []
    for article in articles:
        tags.append(link(article.pk))
        tags.extend(author(credit.author_id) for credit in article.authors.all())
    add(request, *tags)


# Sitemaps (gazette.distribution): the index, the news, sections, tags and authors sitemaps
# show every article's last change; an article sitemap file holds a fixed range of ids.
SITEMAPS = "list:sitemaps"


def sitemap_articles(number: int) -> str:
    return f"list:sitemap:articles:{number}"
