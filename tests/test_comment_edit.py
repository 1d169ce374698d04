"""A commenter can edit or delete their own comment for 10 minutes, by the link the form's
redirect gave them; readers see "(edited)"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gazette.comments.models import Comment
from gazette.comments.moderation import comment_approve
from tests.comment_helpers import post

pytestmark = pytest.mark.django_db


def posted(client, article, **changes):
    response = post(client, article, **changes)
    assert response.status_code == 303
    page = client.get(response["Location"]).content.decode()
    start = page.index("/comments/edit/")
    return Comment.objects.latest("pk"), page[start : page.index('"', start)]


def test_commenter_edits_within_ten_minutes_and_readers_see_edited(client, make_article):
    article = make_article()
    comment, edit = posted(client, article)
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"action": "save", "body": "Rebuilt in 1953, in fact."})
    assert response.status_code == 303
    comment.refresh_from_db()
    assert comment.body == "Rebuilt in 1953, in fact."
    comment_approve(comment=comment)
    html = client.get(article.url).content.decode()
    assert "Rebuilt in 1953, in fact." in html
    assert "(edited)" in html


def test_commenter_deletes_their_comment(client, make_article):
    comment, edit = posted(client, make_article())
    assert client.post(edit, {"action": "delete"}).status_code == 303
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_after_ten_minutes_the_link_no_longer_edits(client, make_article):
    comment, edit = posted(client, make_article())
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=11)
    )
    response = client.post(edit, {"action": "save", "body": "Too late."})
    assert response.status_code == 403
    assert "can no longer be changed" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body != "Too late."


def test_edit_to_an_empty_or_huge_text_is_refused_and_the_original_kept(client, make_article):
    comment, edit = posted(client, make_article())
    for body in ("", "x" * 100_000):
        response = client.post(edit, {"action": "save", "body": body})
        assert response.status_code == 400
        assert "Your change was not saved." in response.content.decode()
    comment.refresh_from_db()
    assert comment.body.startswith("The pier was rebuilt")


def test_edit_adding_links_to_a_published_comment_holds_it_again(client, make_article):
    article = make_article()
    comment, edit = posted(client, article)
    comment_approve(comment=comment)
    client.post(edit, {"action": "save", "body": "Buy https://a.example/ https://b.example/"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert "links:2" in comment.reasons


def test_forged_edit_link_changes_nothing(client, make_article):
    comment, edit = posted(client, make_article())
    response = client.post(edit[:-3] + "xx/", {"action": "delete"})
    assert response.status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()
