"""`gazette comments ...` (the `comments` management command): listing and moderating
comments from the command line."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gazette.comments.models import Comment
from gazette.comments.moderation import comment_approve, comment_spam

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("comments", *args, stdout=out)
    return out.getvalue()


def add(article, body: str, **fields) -> Comment:
    values = {"name": "Ann Reader", "email": "ann@example.org"} | fields
    return Comment.objects.create(article=article, body=body, **values)


@pytest.fixture
def three(make_article):
    """A pending, an approved and a spam comment on one article."""
    article = make_article("Pier to be rebuilt")
    waiting = add(article, "Waiting for a moderator.", name="Wendy Wait", email="wendy@example.org")
    published = comment_approve(
        comment=add(
            article, "Already published.", name="Pat Public", website="https://pat.example/"
        )
    )
    junk = comment_spam(comment=add(article, "Cheap watches.", name="Spam Bot"))
    return article, waiting, published, junk


def test_list_json_parses_and_lists_every_comment(three):
    article, waiting, published, junk = three
    rows = json.loads(run("list", "--json"))

    assert isinstance(rows, list)
    assert sorted(row["id"] for row in rows) == sorted([waiting.pk, published.pk, junk.pk])
    by_id = {row["id"]: row for row in rows}
    row = by_id[waiting.pk]
    assert row["status"] == "pending"
    assert row["name"] == "Wendy Wait"
    assert row["email"] == "wendy@example.org"
    assert row["body"] == "Waiting for a moderator."
    assert row["article"] == "Pier to be rebuilt"
    assert row["article_id"] == article.pk
    assert row["created_at"] == waiting.created_at.isoformat()
    assert by_id[published.pk]["status"] == "approved"
    assert by_id[published.pk]["website"] == "https://pat.example/"
    assert by_id[junk.pk]["status"] == "spam"


def test_list_json_is_newest_first(make_article):
    article = make_article()
    older = add(article, "Older.")
    newer = add(article, "Newer.")
    rows = json.loads(run("list", "--json"))
    assert [row["id"] for row in rows] == [newer.pk, older.pk]


def test_list_json_keeps_non_ascii_text_readable(make_article):
    comment = add(make_article(), "Très bien — “quoted”.", name="Zoë Ünal")
    out = run("list", "--json")
    assert "Zoë Ünal" in out
    assert json.loads(out)[0]["body"] == comment.body


@pytest.mark.parametrize("status", ["pending", "approved", "spam", "trash"])
def test_list_status_shows_only_that_status(three, status):
    rows = json.loads(run("list", "--status", status, "--json"))
    expected = list(Comment.objects.filter(status=status).values_list("pk", flat=True))
    assert sorted(row["id"] for row in rows) == sorted(expected)
    assert all(row["status"] == status for row in rows)


def test_list_status_pending_lists_the_waiting_comment_only(three):
    _, waiting, _, _ = three
    rows = json.loads(run("list", "--status", "pending", "--json"))
    assert [row["id"] for row in rows] == [waiting.pk]


def test_list_json_with_no_comments_is_an_empty_array(site):
    assert json.loads(run("list", "--json")) == []


def test_list_as_text_shows_one_line_per_comment(three):
    _, waiting, published, junk = three
    lines = run("list").splitlines()
    assert len(lines) == 3
    line = next(line for line in lines if line.split()[0] == str(waiting.pk))
    assert "pending" in line
    assert "Wendy Wait <wendy@example.org>" in line
    assert "“Pier to be rebuilt”" in line
    assert "Waiting for a moderator." in line


def test_list_as_text_puts_a_multiline_comment_on_one_line(make_article):
    add(make_article(), "First line.\nSecond line.\n\nThird.")
    lines = run("list").splitlines()
    assert len(lines) == 1
    assert "First line. Second line. Third." in lines[0]


def test_list_as_text_with_no_comments_says_so(site):
    assert run("list").strip() == "No comments."


def test_list_refuses_an_unknown_status(site):
    with pytest.raises(CommandError):
        run("list", "--status", "deleted")


def test_approve_by_id_approves_and_says_so(three, client):
    article, waiting, _, _ = three
    out = run("approve", str(waiting.pk))

    waiting.refresh_from_db()
    assert waiting.status == Comment.Status.APPROVED
    assert waiting.moderated_at is not None
    assert waiting.moderated_by is None
    assert f"Comment {waiting.pk}: approved." in out
    assert "Waiting for a moderator." in client.get(article.url).content.decode()


@pytest.mark.parametrize(("action", "status"), [("spam", "spam"), ("trash", "trash")])
def test_spam_and_trash_by_id(three, action, status):
    _, waiting, _, _ = three
    out = run(action, str(waiting.pk))
    waiting.refresh_from_db()
    assert waiting.status == status
    assert waiting.moderated_at is not None
    assert f"Comment {waiting.pk}: {status}." in out


def test_approve_several_ids_at_once(make_article):
    article = make_article()
    one, two, other = add(article, "One."), add(article, "Two."), add(article, "Other.")
    run("approve", str(one.pk), str(two.pk))
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses == {one.pk: "approved", two.pk: "approved", other.pk: "pending"}


def test_approve_an_unknown_id_is_an_error_and_changes_nothing(three):
    _, waiting, _, _ = three
    before = list(Comment.objects.order_by("pk").values_list("pk", "status", "moderated_at"))
    missing = max(pk for pk, _, _ in before) + 1000

    with pytest.raises(CommandError, match=f"No comment with ID {missing}"):
        run("approve", str(missing))

    after = list(Comment.objects.order_by("pk").values_list("pk", "status", "moderated_at"))
    assert after == before


def test_one_unknown_id_among_known_ones_changes_nothing(three):
    _, waiting, _, junk = three
    missing = Comment.objects.order_by("-pk").first().pk + 1000

    with pytest.raises(CommandError, match=str(missing)):
        run("approve", str(waiting.pk), str(missing), str(junk.pk))

    waiting.refresh_from_db()
    junk.refresh_from_db()
    assert waiting.status == Comment.Status.PENDING
    assert waiting.moderated_at is None
    assert junk.status == Comment.Status.SPAM


def test_approve_refuses_an_id_that_is_not_a_number(three):
    with pytest.raises(CommandError):
        run("approve", "first")
    assert Comment.objects.filter(status="approved").count() == 1


def test_command_requires_an_action(site):
    with pytest.raises(CommandError):
        run()
