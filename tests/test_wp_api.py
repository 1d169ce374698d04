"""The WordPress REST API's read side (/wp-json/), checked by hand-written requests; the
real WordPress client library drives it in test_wp_api_client.py."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gazette.api.tokens import token_create
from gazette.comments.models import Comment
from gazette.comments.moderation import comment_approve, comment_submit
from gazette.news.markdown_import import _author
from tests.api_helpers import SECRETS, bearer

pytestmark = pytest.mark.django_db

POST_KEYS = {
    "id", "date", "date_gmt", "guid", "modified", "modified_gmt", "slug", "status", "type",
    "link", "title", "content", "excerpt", "author", "featured_media", "comment_status",
    "ping_status", "sticky", "template", "format", "meta", "categories", "tags", "_links",
}  # fmt: skip
USER_KEYS = {"id", "name", "url", "description", "link", "slug", "avatar_urls", "meta", "_links"}
COMMENT_KEYS = {
    "id", "post", "parent", "author", "author_name", "author_url", "date", "date_gmt",
    "content", "link", "status", "type", "author_avatar_urls", "meta", "_links",
}  # fmt: skip


def no_secrets(response) -> object:
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text.lower(), secret
    return json.loads(text) if text else None


@pytest.fixture
def newsroom(make_article, news, world, author):
    other = _author("Tom Reyes")
    now = timezone.now()
    strike = make_article(
        "Harbour workers vote to end strike",
        section=news,
        tags=["labour", "port"],
        date=now - dt.timedelta(days=1),
        body="The strike is over, the union said.",
    )
    fire = make_article(
        "Fire at the old mill",
        section=world,
        authors=[other],
        date=now - dt.timedelta(days=3),
        body="Smoke over the valley.",
    )
    draft = make_article("Secret draft", section=news, live=False, tags=["hidden-tag"])
    future = make_article("Embargoed story", section=news, date=now + dt.timedelta(days=1))
    comment_approve(
        comment=comment_submit(
            article=strike, name="Ann", email="ann@example.com", body="Well done.", ip="10.9.8.7"
        )
    )
    comment_submit(article=strike, name="Pending", email="p@example.org", body="Wait")
    return {"strike": strike, "fire": fire, "draft": draft, "future": future, "other": other}


def test_index_lists_routes_like_wordpress(client, site):
    response = client.get("/wp-json/")
    assert response.status_code == 200
    data = response.json()
    assert data["namespaces"] == ["wp/v2"]
    for route in ("posts", "pages", "categories", "tags", "users", "media", "comments"):
        assert f"/wp/v2/{route}" in data["routes"]
        assert f"/wp/v2/{route}/(?P<id>[\\d]+)" in data["routes"]
    assert "POST" in data["routes"]["/wp/v2/comments"]["methods"]
    assert "per_page" in data["routes"]["/wp/v2/posts"]["endpoints"][0]["args"]


def test_posts_with_totals_and_wordpress_fields(client, newsroom):
    response = client.get("/wp-json/wp/v2/posts")
    assert response.status_code == 200
    assert response["X-WP-Total"] == "2" and response["X-WP-TotalPages"] == "1"
    posts = no_secrets(response)
    assert [p["title"]["rendered"] for p in posts] == [
        "Harbour workers vote to end strike",
        "Fire at the old mill",
    ]
    first = posts[0]
    assert set(first) == POST_KEYS
    assert first["status"] == "publish" and first["type"] == "post"
    assert "The strike is over" in first["content"]["rendered"]
    assert first["categories"] == [newsroom["strike"].section_page_id]
    assert len(first["tags"]) == 2
    assert "_embedded" not in first


def test_posts_filters(client, newsroom, news, world):
    def titles(query: str) -> list[str]:
        response = client.get("/wp-json/wp/v2/posts?" + query)
        assert response.status_code == 200, response.content
        return [p["title"]["rendered"] for p in no_secrets(response)]

    labour = client.get("/wp-json/wp/v2/tags?slug=labour").json()[0]["id"]
    assert titles(f"categories={world.pk}") == ["Fire at the old mill"]
    assert titles(f"categories[]={news.pk}&categories[]={world.pk}") == [
        "Harbour workers vote to end strike",
        "Fire at the old mill",
    ]
    assert titles(f"tags={labour}") == ["Harbour workers vote to end strike"]
    assert titles(f"slug={newsroom['fire'].slug}") == ["Fire at the old mill"]
    assert titles("search=strike") == ["Harbour workers vote to end strike"]
    assert titles("search=strike&orderby=relevance") == ["Harbour workers vote to end strike"]
    two_days_ago = (timezone.now() - dt.timedelta(days=2)).replace(microsecond=0)
    assert titles(f"after={two_days_ago:%Y-%m-%dT%H:%M:%S}") == [
        "Harbour workers vote to end strike"
    ]
    assert titles(f"before={two_days_ago:%Y-%m-%dT%H:%M:%S}") == ["Fire at the old mill"]
    assert titles("order=asc") == ["Fire at the old mill", "Harbour workers vote to end strike"]
    assert titles("orderby=title&order=asc") == [
        "Fire at the old mill",
        "Harbour workers vote to end strike",
    ]
    assert titles(f"author={newsroom['other'].pk}") == ["Fire at the old mill"]
    # Parameters WordPress ignores, Gazette ignores too.
    assert len(titles("_locale=user&context=view&foo=bar")) == 2


def test_pagination_headers_and_out_of_range_pages(client, make_article, news):
    for i in range(5):
        make_article(f"Story {i}", section=news)
    response = client.get("/wp-json/wp/v2/posts?per_page=2&page=2")
    assert response["X-WP-Total"] == "5" and response["X-WP-TotalPages"] == "3"
    assert 'rel="next"' in response["Link"] and 'rel="prev"' in response["Link"]
    beyond = client.get("/wp-json/wp/v2/posts?per_page=2&page=4")
    assert beyond.status_code == 400
    assert beyond.json()["code"] == "rest_post_invalid_page_number"


@pytest.mark.parametrize(
    "query, code",
    [
        ("per_page=0", "rest_invalid_param"),
        ("per_page=101", "rest_invalid_param"),
        ("page=-1", "rest_invalid_param"),
        ("categories=abc", "rest_invalid_param"),
        ("order=sideways", "rest_invalid_param"),
        ("orderby=relevance", "rest_invalid_param"),
        ("after=not-a-date", "rest_invalid_param"),
        ("status=draft", "rest_invalid_param"),
        ("search=" + "x" * 10_000, "rest_invalid_param"),
    ],
)
def test_bad_parameters_are_wordpress_errors(client, newsroom, query, code):
    response = client.get("/wp-json/wp/v2/posts?" + query)
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == code and data["data"]["status"] == 400


@pytest.mark.parametrize(
    "query", ['"strike', "strike' OR 1=1 --", "NEAR(a b)", "strike AND (", "*", "💥"]
)
def test_search_with_operators_never_fails(client, newsroom, query):
    response = client.get("/wp-json/wp/v2/posts", {"search": query})
    assert response.status_code == 200
    titles = [p["title"]["rendered"] for p in response.json()]
    assert "Secret draft" not in titles and "Embargoed story" not in titles


def test_embed_includes_author_terms_and_media(client, newsroom):
    posts = no_secrets(client.get("/wp-json/wp/v2/posts?_embed=1"))
    embedded = posts[0]["_embedded"]
    assert [u["name"] for u in embedded["author"]] == ["Jane Roe"]
    assert set(embedded["author"][0]) == USER_KEYS
    categories, tags = embedded["wp:term"]
    assert [c["slug"] for c in categories] == ["news"]
    assert sorted(t["slug"] for t in tags) == ["labour", "port"]
    # _embed with no value, as most clients send it
    assert "_embedded" in client.get("/wp-json/wp/v2/posts?_embed").json()[0]


def test_single_post_and_drafts(client, newsroom):
    strike = newsroom["strike"]
    response = client.get(f"/wp-json/wp/v2/posts/{strike.pk}")
    assert response.status_code == 200 and response.json()["id"] == strike.pk
    for hidden in ("draft", "future"):
        response = client.get(f"/wp-json/wp/v2/posts/{newsroom[hidden].pk}")
        assert response.status_code == 404
        assert response.json()["code"] == "rest_post_invalid_id"
    listed = [p["id"] for p in client.get("/wp-json/wp/v2/posts?per_page=100").json()]
    assert newsroom["draft"].pk not in listed and newsroom["future"].pk not in listed


def test_categories_tags_users(client, newsroom, news):
    categories = no_secrets(client.get("/wp-json/wp/v2/categories"))
    counts = {c["slug"]: c["count"] for c in categories}
    assert counts == {"news": 1, "world": 1}  # the draft and the embargoed story don't count
    assert categories[0]["taxonomy"] == "category"
    tags = no_secrets(client.get("/wp-json/wp/v2/tags"))
    assert sorted(t["slug"] for t in tags) == ["labour", "port"]  # not the draft's tag
    strike_tags = client.get(f"/wp-json/wp/v2/tags?post={newsroom['strike'].pk}").json()
    assert len(strike_tags) == 2
    users = no_secrets(client.get("/wp-json/wp/v2/users"))
    assert [u["name"] for u in users] == ["Jane Roe", "Tom Reyes"]
    assert all(set(u) == USER_KEYS for u in users)
    assert client.get(f"/wp-json/wp/v2/categories/{news.pk}").json()["count"] == 1
    assert client.get("/wp-json/wp/v2/users/424242").status_code == 404


def test_pages_is_an_empty_collection(client, site):
    response = client.get("/wp-json/wp/v2/pages")
    assert response.status_code == 200 and response.json() == []
    assert response["X-WP-Total"] == "0"


def test_comments_are_approved_only_without_emails(client, newsroom):
    response = client.get(f"/wp-json/wp/v2/comments?post={newsroom['strike'].pk}")
    comments = no_secrets(response)
    assert [c["author_name"] for c in comments] == ["Ann"]
    assert set(comments[0]) == COMMENT_KEYS
    assert "10.9.8" not in response.content.decode()
    assert client.get("/wp-json/wp/v2/comments?status=hold").status_code == 401


def test_media_lists_only_images_readers_can_see(client, newsroom, site):
    response = client.get("/wp-json/wp/v2/media")
    assert response.status_code == 200 and response.json() == []


def test_posting_a_comment_goes_through_moderation(client, newsroom):
    strike = newsroom["strike"]
    response = client.post(
        "/wp-json/wp/v2/comments",
        data=json.dumps(
            {
                "post": strike.pk,
                "author_name": "Reader",
                "author_email": "reader@example.com",
                "content": "Thanks for the report.",
            }
        ),
        content_type="application/json",
        REMOTE_ADDR="192.0.2.77",
    )
    assert response.status_code == 201, response.content
    data = no_secrets(response)
    assert data["status"] == "hold" and data["author_name"] == "Reader"
    stored = Comment.objects.get(pk=data["id"])
    assert stored.status == "pending" and stored.email == "reader@example.com"
    assert stored.ip_network == "192.0.2.0/24"
    public = client.get(f"/wp-json/wp/v2/comments?post={strike.pk}").json()
    assert "Thanks for the report." not in json.dumps(public)


@pytest.mark.parametrize(
    "payload, status, code",
    [
        ({"author_name": "A", "author_email": "a@example.com", "content": "x"}, 403,
         "rest_comment_invalid_post_id"),
        ({"post": "draft", "author_name": "A", "author_email": "a@example.com", "content": "x"},
         403, "rest_comment_invalid_post_id"),
        ({"post": "strike", "author_email": "a@example.com", "content": "x"}, 400,
         "rest_comment_author_data_required"),
        ({"post": "strike", "author_name": "A", "author_email": "nope", "content": "x"}, 400,
         "rest_comment_author_data_required"),
        ({"post": "strike", "author_name": "A", "author_email": "a@example.com", "content": ""},
         400, "rest_comment_content_invalid"),
        ({"post": "strike", "author_name": "A", "author_email": "a@example.com",
          "content": "x", "author_url": "javascript:alert(1)"}, 400, "rest_invalid_param"),
    ],
)  # fmt: skip
def test_bad_comments_are_refused_and_nothing_is_saved(client, newsroom, payload, status, code):
    if isinstance(payload.get("post"), str):
        payload = {**payload, "post": newsroom[payload["post"]].pk}
    before = Comment.objects.count()
    response = client.post(
        "/wp-json/wp/v2/comments", data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert Comment.objects.count() == before


def test_comment_post_bad_bodies(client, newsroom):
    response = client.post(
        "/wp-json/wp/v2/comments", data=b"{oops", content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "rest_invalid_json"
    with override_settings(GAZETTE_API_MAX_BODY=1000):
        response = client.post(
            "/wp-json/wp/v2/comments",
            data=json.dumps({"post": newsroom["strike"].pk, "content": "x" * 5000}),
            content_type="application/json",
        )
    assert response.status_code == 413
    closed = newsroom["fire"]
    closed.comments_open = False
    closed.save_revision().publish()
    response = client.post(
        "/wp-json/wp/v2/comments",
        data={"post": closed.pk, "author_name": "A", "author_email": "a@example.com",
              "content": "Hi"},
    )  # fmt: skip
    assert response.status_code == 403 and response.json()["code"] == "rest_comment_closed"


def test_comment_from_another_sites_page_is_refused(client, newsroom):
    response = client.post(
        "/wp-json/wp/v2/comments",
        data={"post": newsroom["strike"].pk, "author_name": "A",
              "author_email": "a@example.com", "content": "Hi"},
        HTTP_SEC_FETCH_SITE="cross-site",
    )  # fmt: skip
    assert response.status_code == 403


def test_bad_token_is_refused_and_a_good_one_is_never_cached(client, newsroom, alice):
    response = client.get("/wp-json/wp/v2/posts", **bearer("wagtail_nonsense"))
    assert response.status_code == 401
    _, token = token_create(user=alice, name="t")
    response = client.get("/wp-json/wp/v2/posts", **bearer(token))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_unknown_routes_and_methods(client, site):
    response = client.get("/wp-json/wp/v2/nothing")
    assert response.status_code == 404 and response.json()["code"] == "rest_no_route"
    response = client.delete("/wp-json/wp/v2/posts")
    assert response.status_code == 404 and response.json()["code"] == "rest_no_route"


def test_discovery_header_and_link_on_public_pages(client, newsroom):
    response = client.get("/")
    assert response["Link"] == '<http://testserver/wp-json/>; rel="https://api.w.org/"'
    assert b'<link rel="https://api.w.org/" href="http://testserver/wp-json/">' in response.content
    article = client.get(newsroom["strike"].url)
    assert 'rel="https://api.w.org/"' in article["Link"]


def test_posts_query_count_is_bounded(client, make_article, news, world):
    def queries(per_page: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/wp-json/wp/v2/posts?_embed=1&per_page={per_page}")
        assert len(response.json()) == per_page
        return len(ctx)

    for i in range(12):
        make_article(f"Story {i}", section=news if i % 2 else world, tags=[f"t{i}"])
    assert queries(2) == queries(12) <= 8
    with CaptureQueriesContext(connection) as ctx:
        client.get("/wp-json/wp/v2/categories")
        client.get("/wp-json/wp/v2/tags?per_page=100")
        client.get("/wp-json/wp/v2/users")
        client.get("/wp-json/wp/v2/comments")
    assert len(ctx) <= 10
