"""Moderating comments: the moderation functions, the queue in Wagtail's admin, its sidebar
entry, and what readers see once a comment is approved."""

from __future__ import annotations

import datetime
import html as html_lib
import json
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from gazette.comments.models import Comment
from gazette.comments.moderation import comment_approve, comment_spam, comment_trash
from gazette.newsroom.roles import user_create

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def pending(article, body: str, name: str = "Ann Reader", email: str = "ann@example.org"):
    return Comment.objects.create(article=article, name=name, email=email, body=body)


@pytest.fixture
def contributor(site):
    return user_create(username="carol", role="contributor", password="carol-password-1")


@pytest.fixture
def moderator(client, alice):
    client.force_login(alice)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# The moderation functions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("moderate", "status"),
    [
        (comment_approve, Comment.Status.APPROVED),
        (comment_spam, Comment.Status.SPAM),
        (comment_trash, Comment.Status.TRASH),
    ],
    ids=["approve", "spam", "trash"],
)
def test_moderating_records_the_status_who_and_when(make_article, alice, moderate, status):
    comment = pending(make_article(), "Well reported.")
    before = timezone.now()
    moderate(comment=comment, by=alice)
    after = timezone.now()

    comment.refresh_from_db()
    assert comment.status == status
    assert comment.moderated_by == alice
    assert before <= comment.moderated_at <= after


def test_moderating_without_a_user_records_no_moderator(make_article):
    comment = pending(make_article(), "Well reported.")
    comment_approve(comment=comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderated_by is None
    assert comment.moderated_at is not None


def test_approved_comment_appears_and_is_counted(client, make_article, alice):
    article = make_article()
    comment = pending(article, "A fair account of the meeting.", name="Ann Reader")

    before = visible_text(client.get(article.url).content.decode())
    assert "No comments" in before
    assert "A fair account of the meeting." not in before

    comment_approve(comment=comment, by=alice)
    html = client.get(article.url).content.decode()
    text = visible_text(html)
    assert "1 comment" in text
    assert "1 comments" not in text
    assert "A fair account of the meeting." in text
    assert "Ann Reader" in text
    assert f'id="comment-{comment.pk}"' in html
    assert "awaiting moderation" not in text


def test_two_approved_comments_are_counted_and_shown_oldest_first(client, make_article):
    article = make_article()
    first = pending(article, "First in.")
    second = pending(article, "Second in.")
    comment_approve(comment=second)
    comment_approve(comment=first)

    text = visible_text(client.get(article.url).content.decode())
    assert "2 comments" in text
    assert text.index("First in.") < text.index("Second in.")


@pytest.mark.parametrize("moderate", [comment_spam, comment_trash], ids=["spam", "trash"])
def test_spam_and_trashed_comments_are_not_shown_or_counted(client, make_article, moderate):
    article = make_article()
    comment_approve(comment=pending(article, "Kept."))
    moderate(comment=pending(article, "Buy cheap watches now."))

    text = visible_text(client.get(article.url).content.decode())
    assert "1 comment" in text
    assert "Kept." in text
    assert "Buy cheap watches" not in text


def test_unapproving_a_comment_removes_it_from_the_page(client, make_article):
    article = make_article()
    comment = comment_approve(comment=pending(article, "Second thoughts."))
    assert "Second thoughts." in client.get(article.url).content.decode()

    comment_trash(comment=comment)
    text = visible_text(client.get(article.url).content.decode())
    assert "Second thoughts." not in text
    assert "No comments" in text


def test_comment_shows_only_on_its_own_article(client, make_article):
    article, other = make_article(), make_article()
    comment_approve(comment=pending(article, "About the pier only."))
    assert "About the pier only." not in client.get(other.url).content.decode()


# The moderation queue ---------------------------------------------------------------------


def test_queue_asks_an_anonymous_visitor_to_log_in(client, make_article):
    pending(make_article(), "Waiting words.")
    response = client.get(reverse("comments_queue"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_queue_is_refused_to_a_contributor(client, contributor, make_article):
    pending(make_article(), "Waiting words.")
    client.force_login(contributor)
    response = client.get(reverse("comments_queue"))
    assert response.status_code in (302, 403)
    assert "Waiting words." not in response.content.decode()


def test_contributor_cannot_approve(client, contributor, make_article):
    comment = pending(make_article(), "Waiting words.")
    client.force_login(contributor)
    response = client.post(reverse("comments_moderate"), {"one": f"approve:{comment.pk}"})
    assert response.status_code in (302, 403)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_anonymous_visitor_cannot_approve(client, make_article):
    comment = pending(make_article(), "Waiting words.")
    response = client.post(reverse("comments_moderate"), {"one": f"approve:{comment.pk}"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_editor_sees_pending_comments_with_status_tabs_and_counts(moderator, make_article):
    article = make_article("Pier to be rebuilt")
    pending(article, "First waiting comment.", name="Ann Reader", email="ann@example.org")
    pending(article, "Second waiting comment.", name="Bob Reader", email="bob@example.org")
    comment_approve(comment=pending(article, "Already approved."))
    comment_spam(comment=pending(article, "Cheap watches."))

    response = moderator.get(reverse("comments_queue"))
    assert response.status_code == 200
    html = response.content.decode()
    text = visible_text(html)
    tabs = re.findall(r'class="w-tabs__tab"[^>]*>([^<]*)</a>', html)
    assert tabs == ["Pending (2)", "Reported (0)", "Approved (1)", "Spam (1)", "Trash (0)"]
    assert re.search(r'aria-current="page"[^>]*>Pending \(2\)', html)
    for shown in (
        "First waiting comment.",
        "Second waiting comment.",
        "Ann Reader",
        "Bob Reader",
        "ann@example.org",
        "Pier to be rebuilt",
    ):
        assert shown in text, shown
    assert "Already approved." not in text
    assert "Cheap watches." not in text


def test_editor_can_open_the_approved_tab(moderator, make_article):
    article = make_article()
    pending(article, "Still waiting.")
    comment_approve(comment=pending(article, "Already approved."))

    response = moderator.get(reverse("comments_queue"), {"status": "approved"})
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "Already approved." in text
    assert "Still waiting." not in text
    assert re.search(r'aria-current="page"[^>]*>Approved \(1\)', response.content.decode())


def test_unknown_status_in_the_queue_shows_pending(moderator, make_article):
    pending(make_article(), "Still waiting.")
    response = moderator.get(reverse("comments_queue"), {"status": "nonsense"})
    assert response.status_code == 200
    assert "Still waiting." in response.content.decode()


def test_empty_queue_says_there_is_nothing_pending(moderator, site):
    response = moderator.get(reverse("comments_queue"))
    assert response.status_code == 200
    assert "No pending comments." in visible_text(response.content.decode())


def test_approving_one_comment_from_the_queue_publishes_it(client, moderator, alice, make_article):
    article = make_article()
    comment = pending(article, "Approve me, please.")
    other = pending(article, "Leave me waiting.")

    response = moderator.post(reverse("comments_moderate"), {"one": f"approve:{comment.pk}"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('comments_queue')}?status=pending"
    assert messages_of(response) == ["1 comment approved."]

    comment.refresh_from_db()
    other.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderated_by == alice
    assert comment.moderated_at is not None
    assert other.status == Comment.Status.PENDING

    moderator.logout()
    text = visible_text(client.get(article.url).content.decode())
    assert "Approve me, please." in text
    assert "1 comment" in text
    assert "Leave me waiting." not in text


def test_queue_after_approving_shows_the_message_and_updated_counts(moderator, make_article):
    article = make_article()
    comment = pending(article, "Approve me, please.")
    pending(article, "Leave me waiting.")

    response = moderator.post(
        reverse("comments_moderate"), {"one": f"approve:{comment.pk}"}, follow=True
    )
    html = response.content.decode()
    text = visible_text(html)
    assert "1 comment approved." in text
    assert "Approve me, please." not in text
    assert "Leave me waiting." in text
    tabs = re.findall(r'class="w-tabs__tab"[^>]*>([^<]*)</a>', html)
    assert tabs[:3] == ["Pending (1)", "Reported (0)", "Approved (1)"]


def test_bulk_marking_comments_as_spam(moderator, alice, make_article):
    article = make_article()
    one = pending(article, "Cheap watches.")
    two = pending(article, "Cheap pills.")
    kept = pending(article, "A real comment.")

    response = moderator.post(
        reverse("comments_moderate"), {"action": "spam", "ids": [one.pk, two.pk]}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["2 comments marked as spam."]
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses == {one.pk: "spam", two.pk: "spam", kept.pk: "pending"}
    assert set(Comment.objects.filter(status="spam").values_list("moderated_by", flat=True)) == {
        alice.pk
    }


def test_bulk_approving_publishes_all_selected(client, moderator, make_article):
    article = make_article()
    one = pending(article, "First good one.")
    two = pending(article, "Second good one.")

    moderator.post(reverse("comments_moderate"), {"action": "approve", "ids": [one.pk, two.pk]})
    moderator.logout()
    text = visible_text(client.get(article.url).content.decode())
    assert "2 comments" in text
    assert "First good one." in text and "Second good one." in text


def test_row_button_wins_over_ticked_boxes(moderator, make_article):
    article = make_article()
    clicked = pending(article, "Clicked.")
    ticked = pending(article, "Only ticked.")

    moderator.post(
        reverse("comments_moderate"),
        {"one": f"trash:{clicked.pk}", "ids": [clicked.pk, ticked.pk]},
    )
    clicked.refresh_from_db()
    ticked.refresh_from_db()
    assert clicked.status == Comment.Status.TRASH
    assert ticked.status == Comment.Status.PENDING


def test_bulk_action_without_a_selection_says_so_and_changes_nothing(moderator, make_article):
    comment = pending(make_article(), "Untouched.")
    response = moderator.post(reverse("comments_moderate"), {"action": "approve"})
    assert response.status_code == 302
    assert messages_of(response) == ["Select at least one comment first."]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_unknown_action_says_so_and_changes_nothing(moderator, make_article):
    comment = pending(make_article(), "Untouched.")
    response = moderator.post(
        reverse("comments_moderate"), {"action": "delete", "ids": [comment.pk]}
    )
    assert messages_of(response) == ["Choose approve, spam or trash."]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_moderate_returns_to_the_tab_it_was_sent_from(moderator, make_article):
    comment = comment_spam(comment=pending(make_article(), "Not spam after all."))
    response = moderator.post(
        reverse("comments_moderate"), {"one": f"approve:{comment.pk}", "status": "spam"}
    )
    assert response["Location"] == f"{reverse('comments_queue')}?status=spam"
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_moderate_refuses_a_get(moderator, make_article):
    comment = pending(make_article(), "Untouched.")
    response = moderator.get(reverse("comments_moderate"), {"one": f"approve:{comment.pk}"})
    assert response.status_code == 405
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_moderate_requires_the_csrf_token(alice, make_article):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    comment = pending(make_article(), "Untouched.")
    response = browser.post(reverse("comments_moderate"), {"one": f"approve:{comment.pk}"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


# The admin sidebar ------------------------------------------------------------------------


def sidebar_items(html: str) -> list[dict]:
    """Every menu item in Wagtail's sidebar, which the admin page carries as JSON in
    <script id="wagtail-sidebar-props"> for its JavaScript to render."""
    match = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "no sidebar on the page"
    items: list[dict] = []

    def walk(node):
        if isinstance(node, dict):
            if str(node.get("_type", "")).endswith("MenuItem"):
                items.append(node["_args"][0])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(match.group(1)))
    return items


def comments_menu_item(client) -> dict | None:
    response = client.get("/admin/")
    assert response.status_code == 200
    found = [i for i in sidebar_items(response.content.decode()) if i.get("name") == "comments"]
    assert len(found) <= 1
    return found[0] if found else None


def test_sidebar_shows_the_number_of_pending_comments_to_an_editor(moderator, make_article):
    article = make_article()
    pending(article, "One.")
    pending(article, "Two.")
    comment_approve(comment=pending(article, "Approved, not counted."))

    item = comments_menu_item(moderator)
    assert item is not None
    assert item["url"] == reverse("comments_queue")
    label = item["label"]
    assert label.startswith("Comments (2")
    # "pending" is said in the label itself or in its tooltip.
    assert "pending" in f"{label} {item.get('attrs', {}).get('title', '')}"


@pytest.mark.parametrize(
    ("count", "tooltip"),
    [(1, "1 comment pending moderation"), (3, "3 comments pending moderation")],
)
def test_sidebar_entry_spells_out_the_pending_count_in_its_tooltip(
    moderator, make_article, count, tooltip
):
    article = make_article()
    for n in range(count):
        pending(article, f"Comment {n}.")
    item = comments_menu_item(moderator)
    assert item["label"] == f"Comments ({count})"
    assert item["attrs"]["title"] == tooltip


def test_sidebar_count_follows_moderation(moderator, make_article):
    article = make_article()
    one = pending(article, "One.")
    pending(article, "Two.")
    assert comments_menu_item(moderator)["label"].startswith("Comments (2")

    moderator.post(reverse("comments_moderate"), {"one": f"approve:{one.pk}"})
    assert comments_menu_item(moderator)["label"].startswith("Comments (1")


def test_sidebar_shows_plain_comments_when_nothing_is_pending(moderator, make_article):
    comment_approve(comment=pending(make_article(), "Approved."))
    assert comments_menu_item(moderator)["label"] == "Comments"


def test_sidebar_has_no_comments_entry_for_a_contributor(client, contributor, make_article):
    pending(make_article(), "One.")
    client.force_login(contributor)
    assert comments_menu_item(client) is None


def test_admin_sees_the_comments_entry_and_queue(client, admin_user, make_article):
    pending(make_article(), "Waiting for the admin.")
    client.force_login(admin_user)
    assert comments_menu_item(client)["label"].startswith("Comments (1")
    assert "Waiting for the admin." in client.get(reverse("comments_queue")).content.decode()


def test_long_discussions_are_shown_a_page_of_comments_at_a_time(client, make_article, settings):
    settings.GAZETTE_COMMENTS_PER_PAGE = 5
    article = make_article()
    Comment.objects.bulk_create(
        Comment(
            article=article,
            name=f"Reader {i:02}",
            email="r@example.org",
            body=f"Note {i:02}",
            status="approved",
            created_at=article.date + datetime.timedelta(minutes=i),
        )
        for i in range(12)
    )
    first = client.get(article.url).content.decode()
    assert "12 comments" in first
    assert "Note 00" in first and "Note 04" in first and "Note 05" not in first
    # Count-free: the page links say where you are, not how many pages there are.
    assert "Comments page 1" in first and "?comments=2#comments" in first
    last = client.get(article.url + "?comments=3").content.decode()
    assert "Note 10" in last and "Note 11" in last and "Note 09" not in last
    assert "12 comments" in last
    assert client.get(article.url + "?comments=9").status_code == 404
    assert client.get(article.url + "?comments=x").status_code == 404
