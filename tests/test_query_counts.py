"""Every public page answers in a bounded number of queries, whatever the content size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gazette.comments.models import Comment
from gazette.news.markdown_import import _author

pytestmark = pytest.mark.django_db

# The most queries each page may make (measured, with a little room), with nothing kept
# rendered between requests (GAZETTE_FRAGMENT_CACHE is off in tests; test_fragments.py
# shows a kept article page at 2). The article: the page, its restrictions, section, byline,
# tags, previous and next, the sections nav, the breaking-news banner, a page of comment
# threads and their replies.
BOUNDS = {
    "article": 11,
    "home": 10,
    "section": 10,
    "tag": 8,
    "author": 10,
    "authors": 8,
}


@pytest.fixture
def big_site(make_article, news, world):
    second = _author("John Doe")
    articles = []
    for i in range(30):
        article = make_article(
            f"Story {i}",
            section=news if i % 2 else world,
            tags=["harbour", f"tag-{i % 4}"],
        )
        if i % 3 == 0:
            article.authors.create(author=second, role="Additional reporting")
        articles.append(article)
    Comment.objects.bulk_create(
        Comment(
            article=articles[5],
            name=f"R{i}",
            email="r@example.org",
            body="Agreed.",
            status="approved",
        )
        for i in range(40)
    )
    return articles


def count(client, url: str) -> int:
    client.get(url)  # warm per-process caches (site name, renditions)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("page", "url"),
    [
        ("home", "/"),
        ("home", "/?page=2"),
        ("section", "/news/"),
        ("tag", "/tags/harbour/"),
        ("author", "/authors/jane-roe/"),
        ("authors", "/authors/"),
    ],
)
def test_list_pages_stay_within_their_query_bound(client, big_site, page, url):
    assert count(client, url) <= BOUNDS[page]


def test_article_page_stays_within_its_query_bound(client, big_site):
    assert count(client, big_site[5].url) <= BOUNDS["article"]
