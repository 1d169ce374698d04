"""The moderation queue: reports from readers and the holds they cause, the tabs, bulk
actions with bad ids, undo, each commenter's history, the audit log, and a queue of
10,000 pending comments."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gazette.comments.models import Comment, ModerationLog, Report
from gazette.comments.moderation import (
    NotReportable,
    comment_approve,
    comment_report,
    comment_spam,
    comments_moderate,
    comments_undo,
)
from gazette.newsroom.roles import user_create
from tests.comment_helpers import approved
from tests.test_comment_moderation import messages_of, pending, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def purged(monkeypatch):
    """The tag sets purged from the page cache, in order."""
    calls: list[set[str]] = []
    monkeypatch.setattr("gazette.cache.purge", lambda tags: calls.append(set(tags)))
    return calls


def said(client, url: str, data: dict) -> list[str]:
    """POST, and the messages it left; they are then shown (consumed), as in a browser."""
    messages = messages_of(client.post(url, data))
    client.get(reverse("comments_queue"))
    return messages


def report(client, comment, reason="abuse", ip="203.0.113.7", **headers):
    return client.post(
        f"/comments/{comment.pk}/report/", {"reason": reason}, REMOTE_ADDR=ip, **headers
    )


# Reports from readers ------------------------------------------------------------------


def test_each_comment_offers_a_report_form(client, make_article):
    comment = approved(make_article(), "Rude words")
    page = client.get(comment.article.url).content.decode()
    assert f'href="/comments/{comment.pk}/report/"' in page
    form = client.get(f"/comments/{comment.pk}/report/")
    assert form.status_code == 200
    html = form.content.decode()
    assert "<legend>Why should a moderator look at this comment?</legend>" in html
    assert 'value="abuse"' in html and "csrfmiddlewaretoken" not in html


def test_three_readers_reports_hold_the_comment_and_it_leaves_the_page(
    client, make_article, purged, settings
):
    settings.GAZETTE_COMMENTS_REPORTS_TO_HOLD = 3
    article = make_article()
    comment = approved(article, "Something nasty")
    purged.clear()
    for ip in ("198.51.100.1", "203.0.113.9"):
        response = report(client, comment, ip=ip)
        assert response.status_code == 200
        assert "Thank you for your report" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "approved" and comment.report_count == 2
    assert purged == []
    report(client, comment, reason="spam", ip="192.0.2.44")
    comment.refresh_from_db()
    assert comment.status == "pending" and comment.report_count == 3
    assert purged == [{f"page:{article.pk}"}]
    assert "Something nasty" not in client.get(article.url).content.decode()
    hold = ModerationLog.objects.get(comment=comment)
    assert (hold.action, hold.actor, hold.from_status, hold.to_status) == (
        "hold",
        None,
        "approved",
        "pending",
    )


def test_reporting_the_same_comment_50_times_from_one_address_counts_once(
    client, make_article, settings
):
    settings.GAZETTE_COMMENTS_REPORTS_TO_HOLD = 3
    comment = approved(make_article(), "Unpopular opinion")
    answers = {report(client, comment, ip=f"203.0.113.{i % 250}").status_code for i in range(50)}
    # A /24 network is one reader: all 50 (from .0 to .49) are the same one.
    assert answers == {200}
    comment.refresh_from_db()
    assert comment.status == "approved" and comment.report_count == 1
    assert Report.objects.filter(comment=comment).count() == 1
    assert "203.0.113" not in Report.objects.get().reporter


def test_reports_of_pending_unknown_or_removed_comments_are_not_found(client, make_article):
    article = make_article()
    waiting = pending(article, "Not shown yet")
    spam = comment_spam(comment=pending(article, "Buy now"))
    for pk in (waiting.pk, spam.pk, 999999):
        assert client.get(f"/comments/{pk}/report/").status_code == 404
        assert client.post(f"/comments/{pk}/report/", {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()
    with pytest.raises(NotReportable):
        comment_report(comment=waiting, reason="spam", ip="192.0.2.1")


def test_a_report_without_a_valid_reason_is_shown_again_with_a_message(client, make_article):
    comment = approved(make_article(), "Hmm")
    for data in ({}, {"reason": "because"}):
        response = client.post(f"/comments/{comment.pk}/report/", data)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Your report was not sent." in html
        assert 'href="#id_reason_0"' in html
    assert not Report.objects.exists()


def test_a_report_from_another_site_is_refused(client, make_article):
    comment = approved(make_article(), "Hmm")
    response = report(client, comment, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    response = report(client, comment, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert not Report.objects.exists()
    assert report(client, comment, HTTP_SEC_FETCH_SITE="same-origin").status_code == 200


def test_reported_tab_lists_reported_comments_with_reasons(moderator, make_article, settings):
    settings.GAZETTE_COMMENTS_REPORTS_TO_HOLD = 2
    article = make_article()
    held = approved(article, "Held by readers")
    flagged = approved(article, "Flagged once")
    approved(article, "Nobody minds")
    comment_report(comment=held, reason="abuse", ip="198.51.100.1")
    comment_report(comment=held, reason="spam", ip="198.51.100.200")  # same /24: once
    comment_report(comment=held, reason="spam", ip="192.0.2.1")
    comment_report(comment=flagged, reason="off-topic", ip="192.0.2.1")

    html = moderator.get(reverse("comments_queue") + "?status=reported").content.decode()
    text = visible_text(html)
    assert "Reported (2)" in text
    assert "Held by readers" in text and "Flagged once" in text and "Nobody minds" not in text
    assert "Reported 2 times: Abusive, hateful or harassing (1), Spam or advertising (1)" in text
    assert "held from the page" in text
    assert "Reported 1 time: Off topic (1)" in text


def test_approving_a_held_comment_puts_it_back_and_old_reports_stop_counting(
    client, moderator, make_article, settings
):
    settings.GAZETTE_COMMENTS_REPORTS_TO_HOLD = 2
    article = make_article()
    comment = approved(article, "Fair criticism")
    comment_report(comment=comment, reason="abuse", ip="198.51.100.1")
    comment_report(comment=comment, reason="abuse", ip="192.0.2.1")
    comment.refresh_from_db()
    assert comment.status == "pending"

    moderator.post(
        reverse("comments_moderate"), {"one": f"approve:{comment.pk}", "status": "reported"}
    )
    comment.refresh_from_db()
    assert comment.status == "approved" and comment.report_count == 0
    assert "Reported (0)" in visible_text(moderator.get(reverse("comments_queue")).content.decode())
    # The same two readers again: already counted, so no new hold.
    comment_report(comment=comment, reason="abuse", ip="198.51.100.1")
    comment_report(comment=comment, reason="abuse", ip="192.0.2.1")
    comment.refresh_from_db()
    assert comment.status == "approved" and comment.report_count == 0
    # A new reader's report counts.
    comment_report(comment=comment, reason="abuse", ip="203.0.113.1")
    comment.refresh_from_db()
    assert comment.report_count == 1


# Bulk actions, undo and the audit log --------------------------------------------------


def test_bulk_action_with_foreign_ids_changes_only_real_comments(moderator, make_article):
    article = make_article()
    real = pending(article, "Real one")
    assert said(
        moderator,
        reverse("comments_moderate"),
        {"action": "approve", "ids": [real.pk, 999999, "abc", "-3"]},
    ) == ["1 comment approved."]
    real.refresh_from_db()
    assert real.status == "approved"

    assert said(moderator, reverse("comments_moderate"), {"action": "trash", "ids": [999998]}) == [
        "None of the selected comments exists any more."
    ]
    assert not ModerationLog.objects.filter(action="trash").exists()


def test_undo_restores_the_previous_status_and_purges_the_page(
    moderator, make_article, alice, purged
):
    article = make_article()
    one = pending(article, "First")
    two = pending(article, "Second")
    moderator.post(reverse("comments_moderate"), {"action": "approve", "ids": [one.pk, two.pk]})
    queue = moderator.get(reverse("comments_queue")).content.decode()
    assert 'action="/admin/comments/undo/"' in queue and ">Undo</button>" in queue
    batch = ModerationLog.objects.filter(comment=one).get().batch
    # The undo button is offered once, right after the action.
    assert ">Undo</button>" not in moderator.get(reverse("comments_queue")).content.decode()

    purged.clear()
    response = moderator.post(reverse("comments_undo"), {"batch": batch, "status": "pending"})
    assert messages_of(response) == ["Undone: 2 comments put back."]
    assert set(Comment.objects.values_list("status", flat=True)) == {"pending"}
    assert purged == [{f"page:{article.pk}"}, {f"page:{article.pk}"}]
    undo_rows = ModerationLog.objects.filter(action="undo")
    assert {(r.actor, r.from_status, r.to_status) for r in undo_rows} == {
        (alice, "approved", "pending")
    }


def test_undo_leaves_a_comment_changed_since_alone(moderator, make_article, admin_user):
    article = make_article()
    one = pending(article, "First")
    two = pending(article, "Second")
    batch, _ = comments_moderate(ids=[one.pk, two.pk], action="approve", by=admin_user)
    comment_spam(comment=Comment.objects.get(pk=two.pk), by=admin_user)  # someone else

    response = moderator.post(reverse("comments_undo"), {"batch": batch})
    assert messages_of(response) == [
        "Undone: 1 comment put back.",
        "1 comment was changed again since, and left as they are now.",
    ]
    assert Comment.objects.get(pk=one.pk).status == "pending"
    assert Comment.objects.get(pk=two.pk).status == "spam"
    # Undoing twice changes nothing more.
    assert comments_undo(batch=batch, by=admin_user) == (0, 2)


def test_undo_of_an_unknown_batch_says_there_is_nothing_to_undo(moderator, make_article):
    comment = pending(make_article(), "Untouched")
    for batch in ("", "nonsense", "0" * 32):
        assert said(moderator, reverse("comments_undo"), {"batch": batch}) == [
            "There is nothing to undo."
        ]
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_undo_is_refused_to_a_contributor_and_to_a_get(client, make_article, admin_user):
    comment = pending(make_article(), "Untouched")
    batch, _ = comments_moderate(ids=[comment.pk], action="spam", by=admin_user)
    carol = user_create(username="carol", role="contributor", password="carol-password-1")
    client.force_login(carol)
    # Wagtail answers a refused admin page by sending the user to the dashboard.
    assert client.post(reverse("comments_undo"), {"batch": batch}).status_code in (302, 403)
    client.force_login(admin_user)
    assert client.get(reverse("comments_undo"), {"batch": batch}).status_code == 405
    comment.refresh_from_db()
    assert comment.status == "spam"


def test_the_audit_log_records_who_did_what_and_when(moderator, make_article, alice):
    article = make_article()
    comment = pending(article, "Logged")
    moderator.post(reverse("comments_moderate"), {"one": f"spam:{comment.pk}"})
    moderator.post(reverse("comments_moderate"), {"one": f"approve:{comment.pk}", "status": "spam"})
    moderator.post(reverse("comments_moderate"), {"one": f"pin:{comment.pk}", "status": "approved"})
    rows = list(ModerationLog.objects.order_by("pk"))
    assert [(r.action, r.actor, r.from_status, r.to_status, r.comment_pk) for r in rows] == [
        ("spam", alice, "pending", "spam", comment.pk),
        ("approve", alice, "spam", "approved", comment.pk),
        ("pin", alice, "approved", "approved", comment.pk),
    ]
    text = visible_text(moderator.get(reverse("comments_log")).content.decode())
    assert "alice Made an editor's pick" in text
    assert "alice Approved" in text and "spam → approved" in text
    assert "alice Marked as spam" in text


def test_the_audit_log_is_only_for_moderators(client, make_article):
    carol = user_create(username="carol", role="contributor", password="carol-password-1")
    client.force_login(carol)
    response = client.get(reverse("comments_log"))
    assert response.status_code in (302, 403)
    assert "Moderation log" not in response.content.decode()


def test_pinning_from_the_queue_and_refusing_to_pin_a_pending_comment(moderator, make_article):
    article = make_article()
    waiting = pending(article, "Waiting")
    url = reverse("comments_moderate")
    assert said(moderator, url, {"one": f"pin:{waiting.pk}"}) == [
        "Only an approved comment can be an editor's pick."
    ]
    good = comment_approve(comment=pending(article, "Good"))
    assert said(moderator, url, {"one": f"pin:{good.pk}", "status": "approved"}) == [
        "The comment is now an editor's pick, shown first."
    ]
    good.refresh_from_db()
    assert good.pinned
    assert said(moderator, url, {"one": "pin:999999"}) == ["That comment does not exist any more."]


# Each commenter's history --------------------------------------------------------------


def test_the_queue_shows_each_commenters_history_by_email(client, moderator, make_article):
    article = make_article()
    for body in ("Good one", "Another good one"):
        comment_approve(comment=pending(article, body, email="regular@example.org"))
    comment_spam(comment=pending(article, "Oops", email="regular@example.org"))
    pending(article, "Third try", email="regular@example.org")
    pending(article, "Hello, first time", name="Newcomer", email="new@example.org")

    text = visible_text(moderator.get(reverse("comments_queue")).content.decode())
    assert "From this address: 1 pending, 2 approved, 1 spam" in text
    assert "First comment from this address" in text
    moderator.logout()
    public = client.get(article.url).content.decode()
    assert "From this address" not in public and "regular@example.org" not in public


# 10,000 pending comments ---------------------------------------------------------------


def _queue_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _bulk_pending(article, n: int, start: int = 0) -> None:
    Comment.objects.bulk_create(
        Comment(
            article=article,
            name=f"Reader {i}",
            email=f"reader{i % 500}@example.org",
            body=f"Pending comment number {i}",
            ip_network="192.0.2.0/24",
        )
        for i in range(start, start + n)
    )


def test_queue_queries_do_not_grow_with_the_queue(moderator, make_article):
    article = make_article()
    _bulk_pending(article, 5)
    moderator.get(reverse("comments_queue"))
    few = _queue_queries(moderator, reverse("comments_queue"))
    _bulk_pending(article, 200, start=5)
    many = _queue_queries(moderator, reverse("comments_queue"))
    second = _queue_queries(moderator, reverse("comments_queue") + "?p=2")
    assert many == few and second == few


def test_queue_with_10000_pending_comments_stays_fast(moderator, make_article, capsys):
    article = make_article()
    _bulk_pending(article, 10_000)
    url = reverse("comments_queue")
    moderator.get(url)  # warm Wagtail's admin (menus, templates)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        response = moderator.get(url)
        first = time.perf_counter() - started
        queries = len(ctx)
    started = time.perf_counter()
    last = moderator.get(url + "?p=200")
    deep = time.perf_counter() - started
    html = response.content.decode()
    assert "Pending (1000+)" in html
    assert html.count('name="ids"') == 50
    assert last.content.decode().count('name="ids"') == 50
    assert 'rel="next"' not in last.content.decode()
    assert moderator.get(url + "?p=201").status_code == 200  # past the end: empty, no error
    assert queries <= 20
    with capsys.disabled():
        print(
            f"\n  queue with 10,000 pending: page 1 in {first * 1000:.0f} ms "
            f"({queries} queries), page 200 in {deep * 1000:.0f} ms"
        )
    assert first < 5 and deep < 5  # generous: a shared 2-core machine; typically ~0.1 s
