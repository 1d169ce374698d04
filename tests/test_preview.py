"""Shareable previews of a draft: a signed link that expires, made in the admin, opened
without an account, never cached and never indexed."""

from __future__ import annotations

import re
import time

import pytest

from gazette.newsroom.preview import preview_link
from gazette.newsroom.roles import user_create
from tests.test_page_cache import fetch, page_cache  # noqa: F401 (fixtures)


@pytest.fixture
def draft(make_article):
    return make_article("Secret budget plans", live=False)


def make_link(client, user, page, hours="24") -> str:
    client.force_login(user)
    response = client.post(f"/admin/preview-link/{page.pk}/", {"hours": hours})
    assert response.status_code == 200
    client.logout()
    return re.search(r'value="http://testserver(/preview/[^"]+/)"', response.content.decode())[1]


def test_editor_shares_a_draft_with_someone_without_an_account(draft, alice, client):
    client.force_login(alice)
    editor = client.get(f"/admin/pages/{draft.pk}/edit/").content.decode()
    assert f"/admin/preview-link/{draft.pk}/" in editor  # the button in the page's header
    path = make_link(client, alice, draft)
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Secret budget plans" in body
    directives = set(response["Cache-Control"].replace(" ", "").split(","))
    assert directives == {"private", "no-store", "max-age=0"}
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in body
    # The draft itself is still not public.
    assert client.get(draft.url).status_code == 404


def test_preview_shows_the_latest_draft_when_opened(draft, alice, client):
    path = make_link(client, alice, draft)
    newer = draft.get_latest_revision_as_object()
    newer.title = "Budget plans, revised"
    newer.save_revision()
    assert "Budget plans, revised" in client.get(path).content.decode()


def test_preview_responses_are_never_stored_by_the_page_cache(draft, fetch):  # noqa: F811
    path, _expires = preview_link(page=draft, hours=1)
    first, second = fetch(path), fetch(path)
    assert first.status == 200 and "Secret budget plans" in first.text
    assert first.cache is None and second.cache is None
    assert "no-store" in second.headers["cache-control"]


def test_expired_link_is_refused_with_a_clear_page(draft, client):
    path, _ = preview_link(page=draft, hours=1, now=time.time() - 2 * 3600)
    response = client.get(path)
    assert response.status_code == 410
    body = response.content.decode()
    assert "This preview link has expired" in body and "Secret budget plans" not in body
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: token.replace(token.split(":")[0], token.split(":")[0][::-1]),
        lambda token: "not-a-token",
    ],
)
def test_tampered_link_is_refused(draft, client, tamper):
    path, _ = preview_link(page=draft, hours=1)
    token = path.split("/")[2]
    response = client.get(f"/preview/{tamper(token)}/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "This preview link is not valid" in body and "Secret budget plans" not in body


def test_link_to_a_deleted_draft_is_404(draft, client):
    path, _ = preview_link(page=draft, hours=1)
    draft.delete()
    response = client.get(path)
    assert response.status_code == 404 and "no longer exists" in response.content.decode()


def test_only_those_who_may_edit_the_draft_can_make_a_link(draft, client, site):
    other = user_create(username="ann", role="author", password="pw-long-enough-1")
    client.force_login(other)
    response = client.post(f"/admin/preview-link/{draft.pk}/", {"hours": "24"}, follow=True)
    # Wagtail's admin answers a refusal with its dashboard and a message.
    assert response.redirect_chain == [("/admin/", 302)]
    assert "/preview/" not in response.content.decode()


def test_lifetime_must_be_one_of_the_choices(draft, alice, client):
    client.force_login(alice)
    response = client.post(f"/admin/preview-link/{draft.pk}/", {"hours": "100000"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert "/preview/" not in response.content.decode()
