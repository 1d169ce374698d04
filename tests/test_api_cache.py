"""The APIs' public answers are pages of the full-page cache: stored with their content
tags, purged when an article changes, and never stored for a token holder."""

from __future__ import annotations

import json

import pytest

from gazette.api.tokens import token_create
from gazette.comments.moderation import comment_approve, comment_submit
from tests.test_page_cache import committed, fetch, page_cache  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

LISTS = ("/api/v1/articles/", "/wp-json/wp/v2/posts", "/api/v1/tags/")


def test_api_lists_and_articles_are_cached_with_their_headers(fetch, make_article):  # noqa: F811
    article = make_article("Harbour reopens", tags=["port"])
    for url in (*LISTS, f"/api/v1/articles/{article.pk}/"):
        first = fetch(url)
        assert first.status == 200 and first.cache == "MISS", url
        second = fetch(url)
        assert second.cache == "HIT", url
        assert second.body == first.body
        assert second.headers["content-type"].startswith("application/json")
    posts = fetch("/wp-json/wp/v2/posts")
    assert posts.headers["x-wp-total"] == "1" and posts.headers["x-wp-totalpages"] == "1"
    assert "list:api" in posts.headers["surrogate-key"].split()


def test_publishing_purges_the_api_lists_and_the_article(fetch, make_article, committed):  # noqa: F811
    article = make_article("Original headline")
    detail = f"/api/v1/articles/{article.pk}/"
    for url in (*LISTS, detail, "/wp-json/wp/v2/categories"):
        fetch(url)
        assert fetch(url).cache == "HIT"
    revision = article.get_latest_revision_as_object()
    revision.title = "Corrected headline"
    revision.tags.set(["fix"])
    committed(revision.save_revision().publish)
    for url in (*LISTS, detail):
        reply = fetch(url)
        assert reply.cache == "MISS", url
    assert "Corrected headline" in fetch("/api/v1/articles/").text
    assert "Corrected headline" in fetch("/wp-json/wp/v2/posts").text
    assert json.loads(fetch("/api/v1/tags/").text)["results"][0]["slug"] == "fix"

    newcomer = make_article("A new story", live=False)
    committed(newcomer.save_revision().publish)
    assert json.loads(fetch("/api/v1/articles/").text)["count"] == 2
    assert fetch("/wp-json/wp/v2/posts").headers["x-wp-total"] == "2"
    assert '"count": 2' in fetch("/wp-json/wp/v2/categories").text

    newcomer.refresh_from_db()
    committed(newcomer.unpublish)
    assert json.loads(fetch("/api/v1/articles/").text)["count"] == 1
    assert fetch(f"/api/v1/articles/{newcomer.pk}/").status == 404


def test_approving_a_comment_purges_the_article_comments(fetch, make_article, committed):  # noqa: F811
    article = make_article()
    url = f"/api/v1/articles/{article.pk}/comments/"
    fetch(url)
    assert fetch(url).cache == "HIT"
    comment = comment_submit(article=article, name="Ann", email="ann@example.org", body="First!")
    assert fetch(url).cache == "HIT"  # a pending comment changes nothing readers see
    committed(comment_approve, comment=comment)
    reply = fetch(url)
    assert reply.cache == "MISS" and "First!" in reply.text


def test_renaming_a_section_purges_sections_and_categories(fetch, make_article, news, committed):  # noqa: F811
    make_article()
    for url in ("/api/v1/sections/", "/wp-json/wp/v2/categories"):
        fetch(url)
        assert fetch(url).cache == "HIT"
    news.refresh_from_db()
    news.title = "Local news"
    committed(news.save_revision().publish)
    assert "Local news" in fetch("/api/v1/sections/").text
    assert "Local news" in fetch("/wp-json/wp/v2/categories").text


def test_answers_to_a_token_are_never_stored(fetch, make_article, alice):  # noqa: F811
    draft = make_article("Editor's draft", live=False)
    _, token = token_create(user=alice, name="t")
    url = f"/api/v1/articles/{draft.pk}/"
    seen = fetch(url, headers={"Authorization": f"Bearer {token}"})
    assert seen.status == 200 and "Editor's draft" in seen.text
    assert seen.cache is None and "no-store" in seen.headers["cache-control"]
    anonymous = fetch(url)
    assert anonymous.status == 404 and "Editor's draft" not in anonymous.text
    listed = fetch("/api/v1/articles/", headers={"Authorization": f"Bearer {token}"})
    assert listed.cache is None
    assert fetch("/api/v1/articles/").cache == "MISS"


def test_media_comments_and_single_wordpress_items_are_not_cached(fetch, make_article):  # noqa: F811
    article = make_article()
    # Single WordPress items would need a folder where the collection's file is.
    for url in (
        "/wp-json/wp/v2/media",
        "/wp-json/wp/v2/comments",
        "/wp-json/",
        f"/wp-json/wp/v2/posts/{article.pk}",
        "/wp-json/wp/v2/posts/",
    ):
        fetch(url)
        assert fetch(url).cache != "HIT", url
