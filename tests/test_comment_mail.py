"""Comment email: confirmation links, reply notifications, the moderators' digest. None of
them carries a commenter's words, and none can be used to flood a stranger's inbox."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from gazette.comments.models import Comment
from gazette.comments.moderation import comment_approve
from gazette.comments.verification import is_verified
from tests.comment_helpers import post

pytestmark = pytest.mark.django_db

SECRET_BODY = "My words are mine: https://private.example/secret"


def link_in(message, kind: str) -> str:
    return re.search(rf"http://\S+/comments/{kind}/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def mails_to(mailoutbox, address):
    return [m for m in mailoutbox if m.to == [address]]


def test_held_comment_sends_one_confirmation_mail_without_the_comment(
    client, make_article, mailoutbox
):
    article = make_article()
    post(client, article, body=SECRET_BODY, name="Ann Reader", website="https://ann.example/")
    [mail] = mails_to(mailoutbox, "ann.reader@example.org")
    assert mail.subject == "Confirm your email address for comments on Gazette"
    html = mail.alternatives[0][0]
    for part in (mail.subject, mail.body, html):
        assert "private.example" not in part
        assert "My words" not in part
        assert "Ann Reader" not in part
        assert "ann.example" not in part
    assert article.title in mail.body
    assert "/comments/verify/" in html


def test_confirmation_link_verifies_the_address_once_clicked(client, make_article, mailoutbox):
    post(client, make_article())
    link = link_in(mails_to(mailoutbox, "ann.reader@example.org")[0], "verify")
    assert not is_verified("ann.reader@example.org")
    response = client.get(path_of(link))
    assert response.status_code == 200
    assert "Email address confirmed" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert response.cookies["gazette_commenter"]["httponly"]
    assert is_verified("Ann.Reader@example.org")


def test_broken_confirmation_link_says_so(client, site):
    response = client.get("/comments/verify/not-a-token/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_one_address_gets_at_most_the_daily_number_of_mails(
    client, make_article, mailoutbox, settings
):
    settings.GAZETTE_COMMENTS_RATE_EMAIL = "100/600"
    settings.GAZETTE_COMMENTS_MAILS_PER_DAY = 3
    for n in range(8):
        post(client, make_article(), body=f"Comment {n}", email="victim@example.org")
    assert Comment.objects.filter(email="victim@example.org").count() == 8
    assert len(mails_to(mailoutbox, "victim@example.org")) == 3


def reply_setup(client, make_article, mailoutbox, *, verify=True):
    article = make_article()
    post(client, article, notify="on")
    parent = Comment.objects.get()
    assert parent.notify
    if verify:
        client.get(path_of(link_in(mails_to(mailoutbox, parent.email)[0], "verify")))
    comment_approve(comment=parent)
    mailoutbox.clear()
    reply = Comment.objects.create(
        article=article, parent=parent, name="Bob", email="bob@example.org", body=SECRET_BODY
    )
    return parent, reply


def test_approved_reply_notifies_the_parent_author_who_asked(client, make_article, mailoutbox):
    parent, reply = reply_setup(client, make_article, mailoutbox)
    comment_approve(comment=reply)
    [mail] = mails_to(mailoutbox, parent.email)
    assert mail.subject == "Someone replied to your comment on Gazette"
    assert f"#comment-{reply.pk}" in mail.body
    assert "private.example" not in mail.body + mail.alternatives[0][0]
    assert "Bob" not in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    response = client.get(path_of(link_in(mail, "unsubscribe")))
    assert response.status_code == 200
    parent.refresh_from_db()
    assert not parent.notify


def test_no_notification_to_an_address_never_confirmed(client, make_article, mailoutbox):
    parent, reply = reply_setup(client, make_article, mailoutbox, verify=False)
    comment_approve(comment=reply)
    assert mails_to(mailoutbox, parent.email) == []


def test_unsubscribe_by_post_for_mail_clients(client, make_article, mailoutbox):
    parent, reply = reply_setup(client, make_article, mailoutbox)
    comment_approve(comment=reply)
    link = link_in(mails_to(mailoutbox, parent.email)[0], "unsubscribe")
    assert client.post(path_of(link), {"List-Unsubscribe": "One-Click"}).status_code == 200
    parent.refresh_from_db()
    assert not parent.notify


def test_moderators_get_a_digest_of_the_queue_at_most_every_few_hours(
    client, make_article, alice, mailoutbox
):
    article = make_article()
    post(client, article, body=SECRET_BODY)
    [digest] = mails_to(mailoutbox, "alice@example.com")
    assert digest.subject == "1 comment waiting for moderation on Gazette"
    assert article.title in digest.body
    assert "/admin/comments/" in digest.body
    assert "private.example" not in digest.body + digest.alternatives[0][0]

    post(client, article, body="Another one.", email="other@example.org")
    call_command("comments_digest")
    assert len(mails_to(mailoutbox, "alice@example.com")) == 1


def test_digest_command_mails_moderators(make_article, alice, mailoutbox):
    Comment.objects.create(article=make_article(), name="N", email="n@example.org", body="x")
    call_command("comments_digest")
    [digest] = mails_to(mailoutbox, "alice@example.com")
    assert "1 comment is waiting for moderation." in digest.body
