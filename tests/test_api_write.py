"""Writes through the REST API: tokens, roles as in the admin, revisions, images, comment
moderation, and every kind of bad request answered with a clear JSON error."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.models import APIToken

from gazette.api.models import TokenExpiry
from gazette.api.tokens import token_create, token_revoke
from gazette.comments.models import Comment
from gazette.comments.moderation import comment_submit
from gazette.news.models import ArticlePage
from gazette.newsroom.roles import user_create
from tests.api_helpers import ARTICLE_DETAIL, ERROR, IMAGE, assert_public, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(site, alice, admin_user):
    """A token per role: contributor, author, editor (alice), admin."""
    people = {
        "contributor": user_create(username="carl", role="contributor", password="pw-carl-123"),
        "author": user_create(username="ada", role="author", password="pw-ada-1234"),
        "editor": alice,
        "admin": admin_user,
    }
    return {role: token_create(user=user, name="test")[1] for role, user in people.items()}


def post(client, url, data, token=None, method="post"):
    headers = bearer(token) if token else {}
    return getattr(client, method)(
        url, data=json.dumps(data), content_type="application/json", **headers
    )


def new_article(news, author, **extra):
    return {
        "title": "Council approves new harbour budget",
        "section": news.pk,
        "standfirst": "A vote of 7 to 2.",
        "authors": [author.pk],
        "tags": ["council"],
        "body": [
            {"type": "paragraph", "value": "<p>The council voted <script>x()</script>yes.</p>"},
            {"type": "quote", "value": {"quote": "A good day.", "attribution": "The mayor"}},
        ],
        **extra,
    }


# Tokens --------------------------------------------------------------------------------


def test_token_command_prints_the_token_once_and_stores_only_a_digest(alice, capsys):
    call_command("token", "create", "alice", "--expires-days", "30")
    out = capsys.readouterr()
    token = out.out.strip()
    assert token.startswith("wagtail_") and "shown only now" in out.err
    record = APIToken.objects.get(user=alice)
    assert token not in (record.key_hash, record.prefix) and record.key_hash
    assert TokenExpiry.objects.get(token=record).expires_at > timezone.now()
    call_command("token", "list")
    listed = capsys.readouterr().out
    assert "alice" in listed and "active" in listed and token not in listed
    call_command("token", "revoke", str(record.pk))
    call_command("token", "list", "alice")
    assert "revoked" in capsys.readouterr().out


def test_token_command_errors_are_readable(site):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("token", "create", "nobody")
    with pytest.raises(CommandError, match="No token with ID 999"):
        call_command("token", "revoke", "999")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer wagtail_not-a-real-token",
        "Bearer ",
        "Basic YWxpY2U6cGFzc3dvcmQ=",
        "Bearer " + "x" * 5000,
        "Token abc",
    ],
)
def test_bad_tokens_are_401(client, news, author, header):
    response = client.post(
        "/api/v1/articles/",
        data=json.dumps(new_article(news, author)),
        content_type="application/json",
        HTTP_AUTHORIZATION=header,
    )
    assert response.status_code == 401
    assert set(assert_public(response)) == ERROR
    # A broken token on a read is refused too, not quietly treated as a reader.
    assert client.get("/api/v1/articles/", HTTP_AUTHORIZATION=header).status_code == 401


def test_no_token_is_401(client, news, author):
    response = post(client, "/api/v1/articles/", new_article(news, author))
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_expired_and_revoked_tokens_are_401_with_the_reason(client, alice, news, author):
    record, expired = token_create(user=alice, name="old", expires_in=dt.timedelta(days=1))
    TokenExpiry.objects.filter(token=record).update(expires_at=timezone.now())
    response = post(client, "/api/v1/articles/", new_article(news, author), expired)
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    record, revoked = token_create(user=alice, name="gone")
    token_revoke(token=record)
    response = post(client, "/api/v1/articles/", new_article(news, author), revoked)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    alice.is_active = False
    alice.save()
    _, live = token_create(user=alice, name="new")
    assert post(client, "/api/v1/articles/", new_article(news, author), live).status_code == 401


# Articles --------------------------------------------------------------------------------


def test_contributor_creates_a_draft_that_readers_cannot_see(client, tokens, news, author):
    response = post(client, "/api/v1/articles/", new_article(news, author), tokens["contributor"])
    assert response.status_code == 201, response.content
    data = assert_public(response)
    assert set(data) == ARTICLE_DETAIL
    assert data["status"] == "draft"
    assert "<script>" not in data["body_html"] and "voted" in data["body_html"]
    assert data["body"][1]["value"]["attribution"] == "The mayor"
    article = ArticlePage.objects.get(pk=data["id"])
    assert not article.live and article.owner.username == "carl"
    assert article.get_latest_revision().user.username == "carl"
    assert client.get(f"/api/v1/articles/{article.pk}/").status_code == 404


def test_contributor_cannot_publish(client, tokens, news, author):
    payload = new_article(news, author, publish=True)
    response = post(client, "/api/v1/articles/", payload, tokens["contributor"])
    assert response.status_code == 403
    assert set(assert_public(response)) == ERROR
    assert not ArticlePage.objects.filter(title=payload["title"]).exists()
    draft = post(client, "/api/v1/articles/", new_article(news, author), tokens["contributor"])
    pk = draft.json()["id"]
    response = post(client, f"/api/v1/articles/{pk}/publish/", {}, tokens["contributor"])
    assert response.status_code == 403
    assert not ArticlePage.objects.get(pk=pk).live


def test_author_publishes_own_article_through_a_wagtail_revision(
    client, tokens, news, author, monkeypatch
):
    purged = []
    monkeypatch.setattr("gazette.cache.purge", lambda tags: purged.append(set(tags)))
    response = post(client, "/api/v1/articles/", new_article(news, author), tokens["author"])
    pk = response.json()["id"]
    response = post(client, f"/api/v1/articles/{pk}/publish/", {}, tokens["author"])
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    article = ArticlePage.objects.get(pk=pk)
    assert article.live and article.date is not None and article.section_page_id == news.pk
    # Gazette's bridge ran: the article's pages and the API's lists were purged.
    assert any({f"page:{pk}", "list:api"} <= tags for tags in purged)
    public = client.get(f"/api/v1/articles/{pk}/")
    assert public.status_code == 200
    assert ArticlePage.objects.published().filter(pk=pk).exists()


def test_author_cannot_edit_someone_elses_article(client, tokens, make_article, news):
    theirs = make_article("Editor's story", section=news)
    response = post(
        client, f"/api/v1/articles/{theirs.pk}/", {"title": "Hacked"}, tokens["author"], "patch"
    )
    assert response.status_code == 403
    hidden = make_article("Editor's draft", section=news, live=False)
    response = post(
        client, f"/api/v1/articles/{hidden.pk}/", {"title": "Hacked"}, tokens["author"], "patch"
    )
    assert response.status_code == 404  # someone else's draft: not even its existence
    assert ArticlePage.objects.get(pk=theirs.pk).title == "Editor's story"


def test_editor_updates_live_article_as_a_draft_then_publishes(client, tokens, make_article, news):
    live = make_article("Original headline", section=news)
    response = post(
        client,
        f"/api/v1/articles/{live.pk}/",
        {"title": "Corrected headline", "tags": ["fix"]},
        tokens["editor"],
        "patch",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["title"] == "Corrected headline" and data["draft_changes"] is True
    # Readers still see the live version until it is published.
    assert client.get(f"/api/v1/articles/{live.pk}/").json()["title"] == "Original headline"
    post(client, f"/api/v1/articles/{live.pk}/publish/", {}, tokens["editor"])
    public = client.get(f"/api/v1/articles/{live.pk}/").json()
    assert public["title"] == "Corrected headline"
    assert [t["slug"] for t in public["tags"]] == ["fix"]


def test_schedule_publishes_for_a_future_time(client, tokens, news, author):
    pk = post(client, "/api/v1/articles/", new_article(news, author), tokens["editor"]).json()["id"]
    when = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    response = post(client, f"/api/v1/articles/{pk}/schedule/", {"date": when}, tokens["editor"])
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "scheduled"
    assert client.get(f"/api/v1/articles/{pk}/").status_code == 404
    past = (timezone.now() - dt.timedelta(hours=2)).isoformat()
    response = post(client, f"/api/v1/articles/{pk}/schedule/", {"date": past}, tokens["editor"])
    assert response.status_code == 422


def test_unpublish(client, tokens, make_article, news):
    live = make_article("Withdrawn", section=news)
    response = post(client, f"/api/v1/articles/{live.pk}/unpublish/", {}, tokens["contributor"])
    assert response.status_code == 403
    response = post(client, f"/api/v1/articles/{live.pk}/unpublish/", {}, tokens["editor"])
    assert response.status_code == 200 and response.json()["status"] == "draft"
    assert client.get(f"/api/v1/articles/{live.pk}/").status_code == 404


def test_markdown_body(client, tokens, news, author):
    payload = new_article(news, author)
    del payload["body"]
    payload["body_markdown"] = "Hello *world*.\n\n> A quote.\n> — Someone"
    data = post(client, "/api/v1/articles/", payload, tokens["editor"]).json()
    assert [b["type"] for b in data["body"]] == ["paragraph", "quote"]
    assert "<em>world</em>" in data["body_html"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"colour": "red"}, "colour"),
        ({"section": 999999}, "section"),
        ({"authors": [999999]}, "authors"),
        ({"authors": []}, "authors"),
        ({"title": ""}, "title"),
        ({"date": "tomorrow"}, "date"),
        ({"body": [{"type": "video", "value": "x"}]}, "body"),
        ({"body": [{"type": "image", "value": {"image": 424242}}]}, "body.0.value.image"),
        ({"lead_image": 424242}, "lead_image"),
        ({"slug": "not a slug!"}, "slug"),
    ],
)
def test_unknown_and_invalid_fields_are_422(client, tokens, news, author, change, field):
    payload = {**new_article(news, author), **change}
    response = post(client, "/api/v1/articles/", payload, tokens["editor"])
    assert response.status_code == 422, response.content
    data = assert_public(response)
    assert any(item["field"].startswith(field) for item in data["detail"]), data
    assert not ArticlePage.objects.filter(title=payload.get("title") or "x").exists()


def test_a_taken_slug_is_422_and_nothing_is_saved(client, tokens, news, author):
    payload = new_article(news, author, slug="budget")
    assert post(client, "/api/v1/articles/", payload, tokens["editor"]).status_code == 201
    before = ArticlePage.objects.count()
    response = post(client, "/api/v1/articles/", payload, tokens["editor"])
    assert response.status_code == 422
    assert "slug" in json.dumps(response.json())
    assert ArticlePage.objects.count() == before


@pytest.mark.parametrize("body", [b"{not json", b'{"title": ', b"\xff\xfe", b"[1, 2", b"null"])
def test_malformed_json_is_400_or_422(client, tokens, body):
    response = client.post(
        "/api/v1/articles/", data=body, content_type="application/json", **bearer(tokens["editor"])
    )
    assert response.status_code in (400, 422)
    assert set(assert_public(response)) == ERROR
    if body.startswith(b"{n"):
        assert response.status_code == 400 and "not valid JSON" in response.json()["detail"]


@override_settings(GAZETTE_API_MAX_BODY=10_000)
def test_huge_body_is_413(client, tokens, news, author):
    payload = new_article(news, author, standfirst="x" * 20_000)
    response = post(client, "/api/v1/articles/", payload, tokens["editor"])
    assert response.status_code == 413
    assert set(assert_public(response)) == ERROR
    anonymous = post(client, "/api/v1/articles/", payload)
    assert anonymous.status_code == 413


def test_unknown_article_is_404(client, tokens):
    response = post(client, "/api/v1/articles/424242/publish/", {}, tokens["editor"])
    assert response.status_code == 404
    assert set(assert_public(response)) == ERROR
    assert client.get("/api/v1/nowhere/").status_code == 404


# Images ----------------------------------------------------------------------------------


def png(width=40, height=30) -> io.BytesIO:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "navy").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "picture.png"
    return buffer


def test_author_uploads_an_image_and_uses_it(client, tokens, news, author):
    response = client.post(
        "/api/v1/images/",
        {"file": png(), "title": "Harbour", "alt": "Cranes", "credit": "Gazette"},
        **bearer(tokens["author"]),
    )
    assert response.status_code == 201, response.content
    data = assert_public(response)
    assert set(data) == IMAGE and data["width"] == 40 and data["alt"] == "Cranes"
    payload = new_article(news, author, lead_image=data["id"])
    payload["body"].append({"type": "image", "value": {"image": data["id"], "caption": "Cranes"}})
    created = post(client, "/api/v1/articles/", payload, tokens["author"])
    assert created.status_code == 201
    assert created.json()["lead_image"]["id"] == data["id"]


def test_contributor_uploads_go_to_the_review_collection_not_the_shared_library(client, tokens):
    from wagtail.images import get_image_model

    from gazette.newsroom.roles import CONTRIBUTOR_COLLECTION

    response = client.post("/api/v1/images/", {"file": png()}, **bearer(tokens["contributor"]))
    assert response.status_code == 201
    image = get_image_model().objects.get(pk=response.json()["id"])
    assert image.collection.name == CONTRIBUTOR_COLLECTION
    response = client.post("/api/v1/images/", {"file": png()}, **bearer(tokens["editor"]))
    assert get_image_model().objects.get(pk=response.json()["id"]).collection.depth == 1


def test_a_file_that_is_not_an_image_is_refused(client, tokens):
    fake = io.BytesIO(b"#!/bin/sh\necho hi\n")
    fake.name = "script.png"
    response = client.post("/api/v1/images/", {"file": fake}, **bearer(tokens["editor"]))
    assert response.status_code == 422
    assert set(assert_public(response)) == ERROR


@override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=100)
def test_a_too_large_image_is_413(client, tokens):
    response = client.post("/api/v1/images/", {"file": png(400, 400)}, **bearer(tokens["editor"]))
    assert response.status_code == 413


# Comments ----------------------------------------------------------------------------------


def test_editor_moderates_comments_without_seeing_emails(client, tokens, make_article, news):
    article = make_article("Discussed", section=news)
    pending = comment_submit(
        article=article, name="Ann", email="ann@example.com", body="First!", ip="10.0.0.1"
    )
    queue = client.get("/api/v1/comments/?status=pending", **bearer(tokens["editor"]))
    assert queue.status_code == 200
    data = assert_public(queue)
    assert [c["id"] for c in data["results"]] == [pending.pk]
    assert "no-store" in queue["Cache-Control"]
    response = post(
        client, f"/api/v1/comments/{pending.pk}/moderate/", {"action": "approve"}, tokens["editor"]
    )
    assert response.status_code == 200 and assert_public(response)["status"] == "approved"
    assert Comment.objects.get(pk=pending.pk).moderated_by.username == "alice"
    public = client.get(f"/api/v1/articles/{article.pk}/comments/").json()
    assert [c["body"] for c in public["results"]] == ["First!"]


@pytest.mark.parametrize("role", ["contributor", "author"])
def test_only_moderators_moderate(client, tokens, make_article, news, role):
    article = make_article("Discussed", section=news)
    pending = comment_submit(article=article, name="Ann", email="ann@example.com", body="Hi")
    response = post(
        client, f"/api/v1/comments/{pending.pk}/moderate/", {"action": "approve"}, tokens[role]
    )
    assert response.status_code == 403
    assert client.get("/api/v1/comments/", **bearer(tokens[role])).status_code == 403
    assert Comment.objects.get(pk=pending.pk).status == "pending"


def test_moderation_bad_input(client, tokens):
    response = post(
        client, "/api/v1/comments/4242/moderate/", {"action": "approve"}, tokens["admin"]
    )
    assert response.status_code == 404
    response = post(
        client, "/api/v1/comments/4242/moderate/", {"action": "delete"}, tokens["admin"]
    )
    assert response.status_code == 422
    response = client.get("/api/v1/comments/?status=everything", **bearer(tokens["admin"]))
    assert response.status_code == 400
