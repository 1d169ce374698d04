"""The REST API's reads: published articles only, filters, search, pages with totals,
approved comments, and nothing private in any answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gazette.api.tokens import token_create
from gazette.comments.models import Comment
from gazette.comments.moderation import comment_approve, comment_submit
from gazette.news.markdown_import import _author
from gazette.newsroom.roles import user_create
from tests.api_helpers import (
    ARTICLE,
    ARTICLE_DETAIL,
    AUTHOR,
    COMMENT,
    CREDIT,
    ERROR,
    PAGE,
    SECTION,
    TAG,
    assert_public,
    bearer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(make_article, news, world, author):
    """Published articles in two sections, a draft, a future-dated one and comments."""
    other = _author("Tom Reyes")
    now = timezone.now()
    strike = make_article(
        "Harbour workers vote to end strike",
        section=news,
        tags=["labour", "port"],
        date=now - dt.timedelta(days=1),
    )
    fire = make_article(
        "Fire at the old mill", section=world, authors=[other], date=now - dt.timedelta(days=3)
    )
    draft = make_article("Secret harbour draft", section=news, live=False)
    future = make_article("Embargoed harbour story", section=news, date=now + dt.timedelta(days=1))
    ok = comment_submit(
        article=strike, name="Ann", email="ann@example.com", body="Well done.", ip="10.1.2.3"
    )
    comment_approve(comment=ok)
    comment_submit(article=strike, name="Spammer", email="spam@example.com", body="Buy now")
    return {"strike": strike, "fire": fire, "draft": draft, "future": future, "other": other}


def test_article_list_shows_published_articles_with_totals(client, newsroom):
    response = client.get("/api/v1/articles/")
    assert response.status_code == 200
    data = assert_public(response)
    assert set(data) == PAGE
    assert data["count"] == 2 and data["pages"] == 1 and data["next"] is None
    titles = [a["title"] for a in data["results"]]
    assert titles == ["Harbour workers vote to end strike", "Fire at the old mill"]
    first = data["results"][0]
    assert set(first) == ARTICLE
    assert set(first["section"]) == SECTION
    assert set(first["authors"][0]) == CREDIT
    assert {t["slug"] for t in first["tags"]} == {"labour", "port"}
    assert set(first["tags"][0]) == TAG
    assert first["url"] == "http://testserver/news/" + newsroom["strike"].slug + "/"


def test_filters_by_section_tag_author_and_dates(client, newsroom):
    def titles(query: str) -> list[str]:
        response = client.get("/api/v1/articles/?" + query)
        assert response.status_code == 200, response.content
        return [a["title"] for a in assert_public(response)["results"]]

    assert titles("section=world") == ["Fire at the old mill"]
    assert titles("tag=labour") == ["Harbour workers vote to end strike"]
    assert titles(f"author={newsroom['other'].slug}") == ["Fire at the old mill"]
    two_days_ago = (timezone.now() - dt.timedelta(days=2)).date().isoformat()
    assert titles(f"after={two_days_ago}") == ["Harbour workers vote to end strike"]
    assert titles(f"before={two_days_ago}") == ["Fire at the old mill"]
    assert titles("section=nowhere") == []
    assert titles("unknown_param=1&_locale=user") == [
        "Harbour workers vote to end strike",
        "Fire at the old mill",
    ]


def test_search_finds_published_articles_only(client, newsroom):
    response = client.get("/api/v1/articles/?q=strike")
    data = assert_public(response)
    assert [a["title"] for a in data["results"]] == ["Harbour workers vote to end strike"]
    assert data["count"] == 1
    response = client.get("/api/v1/articles/?q=strike&section=world")
    assert assert_public(response)["count"] == 0


@pytest.mark.parametrize(
    "query",
    [
        '"harbour',
        "harbour' OR 1=1; --",
        "harbour AND NOT (mill OR",
        "NEAR(harbour strike)",
        "title:harbour*",
        "'; DROP TABLE news_articlepage; --",
        '""""',
        "💥 harbour",
    ],
)
def test_search_with_operators_and_quotes_never_fails(client, newsroom, query):
    response = client.get("/api/v1/articles/", {"q": query})
    assert response.status_code == 200, response.content
    titles = [a["title"] for a in assert_public(response)["results"]]
    assert "Secret harbour draft" not in titles
    assert "Embargoed harbour story" not in titles


def test_search_of_ten_thousand_characters_is_a_clear_error(client, newsroom):
    response = client.get("/api/v1/articles/", {"q": "harbour " * 1250})
    assert response.status_code == 400
    data = assert_public(response)
    assert set(data) == ERROR and "1,000 characters" in data["detail"]


@pytest.mark.parametrize(
    "query, status",
    [
        ("page=0", 400),
        ("page=abc", 422),
        ("page=2", 400),
        ("page=99999999", 400),
        ("per_page=0", 400),
        ("per_page=101", 400),
        ("after=yesterday", 400),
        ("before=2026-13-45", 400),
    ],
)
def test_bad_list_parameters_are_json_errors(client, newsroom, query, status):
    response = client.get("/api/v1/articles/?" + query)
    assert response.status_code == status
    assert set(assert_public(response)) == ERROR


def test_pages_link_to_each_other_with_totals(client, make_article, news):
    for i in range(5):
        make_article(f"Story {i}", section=news)
    data = assert_public(client.get("/api/v1/articles/?per_page=2&page=2"))
    assert data["count"] == 5 and data["pages"] == 3 and len(data["results"]) == 2
    assert data["next"].endswith("page=3") and data["previous"].endswith("page=1")
    last = assert_public(client.get(data["next"]))
    assert len(last["results"]) == 1 and last["next"] is None


def test_one_article_has_its_body_as_html_and_blocks(client, newsroom):
    strike = newsroom["strike"]
    response = client.get(f"/api/v1/articles/{strike.pk}/")
    data = assert_public(response)
    assert set(data) == ARTICLE_DETAIL
    assert data["status"] == "published"
    assert "harbour master" in data["body_html"]
    assert data["body"][0]["type"] == "paragraph"
    assert "harbour master" in data["body"][0]["value"]


@pytest.mark.parametrize("which", ["draft", "future"])
def test_drafts_and_embargoed_articles_are_not_found(client, newsroom, which):
    response = client.get(f"/api/v1/articles/{newsroom[which].pk}/")
    assert response.status_code == 404
    assert set(assert_public(response)) == ERROR
    listed = assert_public(client.get("/api/v1/articles/?per_page=100"))
    assert newsroom[which].pk not in [a["id"] for a in listed["results"]]


def test_other_users_drafts_stay_hidden_from_a_token(client, newsroom, site):
    bob = user_create(username="bob", role="contributor", password="bob-password-1")
    _, token = token_create(user=bob, name="test")
    response = client.get(f"/api/v1/articles/{newsroom['draft'].pk}/", **bearer(token))
    assert response.status_code == 404


def test_an_editor_sees_a_draft_with_a_token(client, newsroom, alice):
    _, token = token_create(user=alice, name="test")
    response = client.get(f"/api/v1/articles/{newsroom['draft'].pk}/", **bearer(token))
    assert response.status_code == 200
    data = assert_public(response)
    assert data["status"] == "draft" and data["title"] == "Secret harbour draft"
    assert "no-store" in response["Cache-Control"]


def test_approved_comments_only_and_never_an_email(client, newsroom):
    strike = newsroom["strike"]
    response = client.get(f"/api/v1/articles/{strike.pk}/comments/")
    data = assert_public(response)
    assert data["count"] == 1
    (only,) = data["results"]
    assert set(only) == COMMENT
    assert only["name"] == "Ann" and only["body"] == "Well done."
    assert "10.1.2" not in response.content.decode()
    assert Comment.objects.filter(article=strike).count() == 2
    draft = client.get(f"/api/v1/articles/{newsroom['draft'].pk}/comments/")
    assert draft.status_code == 404


def test_sections_authors_and_tags(client, newsroom, alice):
    sections = assert_public(client.get("/api/v1/sections/"))
    assert {s["slug"] for s in sections["results"]} == {"news", "world"}
    authors = assert_public(client.get("/api/v1/authors/"))
    assert [a["name"] for a in authors["results"]] == ["Jane Roe", "Tom Reyes"]
    assert set(authors["results"][0]) == AUTHOR
    tags = assert_public(client.get("/api/v1/tags/"))
    assert [t["slug"] for t in tags["results"]] == ["labour", "port"]


def test_a_draft_only_tag_is_not_listed(client, make_article, news):
    make_article("Hidden", section=news, live=False, tags=["secret-plan"])
    make_article("Shown", section=news, tags=["public"])
    tags = assert_public(client.get("/api/v1/tags/"))
    assert [t["slug"] for t in tags["results"]] == ["public"]


def test_list_query_count_does_not_grow_with_the_list(client, make_article, news, world):
    def queries(per_page: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/v1/articles/?per_page={per_page}")
        assert response.status_code == 200
        assert len(assert_public(response)["results"]) == per_page
        return len(ctx)

    for i in range(12):
        make_article(f"Story {i}", section=news if i % 2 else world, tags=[f"t{i}", "all"])
    small, large = queries(2), queries(12)
    assert small == large
    assert large <= 8


def test_search_query_count_is_bounded(client, make_article, news):
    for i in range(10):
        make_article(f"Harbour story {i}", section=news, tags=["port"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/articles/?q=harbour&per_page=10")
    assert assert_public(response)["count"] == 10
    assert len(ctx) <= 9


def test_openapi_document_describes_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/articles/",
        "/api/v1/articles/{article_id}/",
        "/api/v1/articles/{article_id}/comments/",
        "/api/v1/articles/{article_id}/publish/",
        "/api/v1/articles/{article_id}/schedule/",
        "/api/v1/articles/{article_id}/unpublish/",
        "/api/v1/sections/",
        "/api/v1/authors/",
        "/api/v1/tags/",
        "/api/v1/images/",
        "/api/v1/comments/",
        "/api/v1/comments/{comment_id}/moderate/",
    ):
        assert path in paths, path
    assert "post" in paths["/api/v1/articles/"] and "get" in paths["/api/v1/articles/"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn.jsdelivr" not in docs.content


def test_unknown_endpoints_and_methods_are_json(client, site):
    missing = client.get("/api/v1/nowhere/")
    assert missing.status_code == 404 and set(assert_public(missing)) == ERROR
    wrong = client.delete("/api/v1/articles/")
    assert wrong.status_code == 405 and set(assert_public(wrong)) == ERROR
    assert "GET" in wrong["Allow"]


def test_every_read_in_the_openapi_document_works_as_described(client, newsroom):
    """A client built from the document: each GET with its path parameters filled in and
    its documented query parameters given sample values."""
    document = client.get("/api/v1/openapi.json").json()
    samples = {"article_id": newsroom["strike"].pk, "page": 1, "per_page": 5}
    samples |= {"section": "news", "tag": "labour", "q": "strike", "after": "2000-01-01"}
    tried = 0
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if get is None or get.get("security"):
            continue
        url = path.format(**samples)
        query = {
            p["name"]: samples[p["name"]]
            for p in get.get("parameters", [])
            if p["in"] == "query" and p["name"] in samples
        }
        response = client.get(url, query)
        assert response.status_code == 200, (url, response.content)
        assert_public(response)
        tried += 1
    assert tried == 6
