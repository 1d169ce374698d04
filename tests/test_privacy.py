"""A commenter's privacy: IP networks forgotten after the retention period, one person's
export and erase, and no public response (nor cached copy) showing a private field."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from gazette.comments.models import Comment, MailLog, ModerationLog
from gazette.comments.moderation import comment_approve, comment_pin, comment_report
from gazette.comments.privacy import ERASED_BODY, ERASED_NAME, forget_old_ip_networks
from gazette.comments.threads import PUBLIC_FIELDS
from gazette.newsroom.roles import user_create
from tests.comment_helpers import approved
from tests.test_comment_moderation import messages_of
from tests.test_page_cache import committed, fetch, page_cache  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("comments", *args, stdout=out)
    return out.getvalue()


# IP retention --------------------------------------------------------------------------


def _aged(article, days: int, ip: str = "192.0.2.0/24") -> Comment:
    return Comment.objects.create(
        article=article,
        name="A",
        email="a@example.org",
        body="x",
        ip_network=ip,
        created_at=timezone.now() - dt.timedelta(days=days),
    )


def test_ip_networks_older_than_the_retention_period_are_forgotten(make_article, settings):
    settings.GAZETTE_COMMENTS_IP_RETENTION_DAYS = 60
    article = make_article()
    old, recent = _aged(article, 61), _aged(article, 59)
    assert run("forget-ips") == "IP networks forgotten on 1 comment.\n"
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_network, recent.ip_network) == ("", "192.0.2.0/24")
    assert run("forget-ips", "--days", "0") == "IP networks forgotten on 1 comment.\n"
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        run("forget-ips", "--days", "-1")


def test_the_mail_log_is_kept_no_longer_than_ip_networks(site, settings):
    settings.GAZETTE_COMMENTS_IP_RETENTION_DAYS = 60
    now = timezone.now()
    old = MailLog.objects.create(recipient_key="a" * 64, kind="confirm")
    recent = MailLog.objects.create(recipient_key="b" * 64, kind="reply")
    MailLog.objects.filter(pk=old.pk).update(sent_at=now - dt.timedelta(days=61))
    MailLog.objects.filter(pk=recent.pk).update(sent_at=now - dt.timedelta(days=59))
    run("forget-ips")
    assert list(MailLog.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_background_task_forgets_them_and_the_queue_queues_it_daily(
    client, alice, make_article, settings
):
    from django.core.cache import cache

    settings.GAZETTE_COMMENTS_IP_RETENTION_DAYS = 10
    article = make_article()
    old = _aged(article, 11)
    result = forget_old_ip_networks.enqueue()  # tests run tasks at once
    assert result.return_value == 1
    old.refresh_from_db()
    assert old.ip_network == ""

    cache.clear()
    older = _aged(article, 30)
    client.force_login(alice)
    client.get(reverse("comments_queue"))
    older.refresh_from_db()
    assert older.ip_network == ""
    again = _aged(article, 30)
    client.get(reverse("comments_queue"))  # queued already today
    again.refresh_from_db()
    assert again.ip_network == "192.0.2.0/24"


# Export and erase ----------------------------------------------------------------------


def test_export_prints_one_commenters_comments_as_json(make_article):
    article = make_article("Pier to be rebuilt")
    mine = approved(article, "My first", email="Ann@Example.org", ip_network="192.0.2.0/24")
    Comment.objects.create(article=article, name="Ann", email="ann@example.org", body="Second")
    approved(article, "Someone else", email="bob@example.org")
    rows = json.loads(run("export", "--email", "ann@example.org"))
    assert [r["body"] for r in rows] == ["My first", "Second"]
    assert rows[0]["id"] == mine.pk and rows[0]["article"] == "Pier to be rebuilt"
    assert rows[0]["ip_network"] == "192.0.2.0/24" and rows[1]["status"] == "pending"
    assert rows[0]["article_url"].endswith(article.url)


@pytest.mark.parametrize("action", ["export", "erase"])
def test_export_or_erase_of_an_unknown_address_is_a_clear_error(make_article, action):
    kept = approved(make_article(), "Kept")
    for email in ("nobody@example.org", "   "):
        with pytest.raises(CommandError, match="No comment was written with that email"):
            run(action, "--email", email)
    kept.refresh_from_db()
    assert kept.body == "Kept" and kept.email == "ann@example.org"


def test_erase_anonymises_a_commenter_and_keeps_the_replies_of_others(
    client, make_article, alice, monkeypatch
):
    article = make_article()
    mine = approved(
        article,
        "Call me on 555-0100",
        name="Ann Smith",
        email="ann@example.org",
        website="https://ann.example",
        ip_network="192.0.2.0/24",
    )
    comment_pin(comment=mine, pinned=True, by=alice)
    answer = approved(
        article, "Thanks Ann", parent=mine, minutes=1, email="bob@example.org", name="Bob"
    )
    purged: list[set[str]] = []
    monkeypatch.setattr("gazette.cache.purge", lambda tags: purged.append(set(tags)))

    assert run("erase", "--email", "ANN@example.org") == "1 comment anonymised.\n"
    mine.refresh_from_db()
    assert (mine.name, mine.email, mine.website, mine.body, mine.ip_network, mine.pinned) == (
        ERASED_NAME,
        "",
        "",
        ERASED_BODY,
        "",
        False,
    )
    assert purged == [{f"page:{article.pk}"}]
    assert ModerationLog.objects.filter(action="erase", comment_pk=mine.pk).exists()
    html = client.get(article.url).content.decode()
    assert "555-0100" not in html and "Ann Smith" not in html and "ann.example" not in html
    assert ERASED_BODY.split("'")[0] in html
    assert "Thanks Ann" in html and f'id="comment-{answer.pk}"' in html
    with pytest.raises(CommandError):
        run("export", "--email", "ann@example.org")


def test_the_admin_looks_up_exports_and_erases_a_commenter(client, alice, make_article):
    article = make_article()
    approved(article, "Mine", email="ann@example.org")
    approved(article, "Not mine", email="bob@example.org")
    client.force_login(alice)
    url = reverse("comments_commenter")

    page = client.get(url, {"email": "ann@example.org"}).content.decode()
    assert "1 comment" in page and "Mine" in page and "Not mine" not in page
    download = client.get(url, {"email": "ann@example.org", "format": "json"})
    assert download["Content-Disposition"] == 'attachment; filename="comments-export.json"'
    assert [r["body"] for r in json.loads(download.content)] == ["Mine"]

    unconfirmed = client.post(url, {"email": "ann@example.org"})
    assert messages_of(unconfirmed) == ["Tick the box to confirm the erasure first."]
    assert Comment.objects.filter(email="ann@example.org").exists()
    client.get(url)  # the message is shown
    erased = client.post(url, {"email": "ann@example.org", "confirm": "yes"})
    assert messages_of(erased) == ["1 comment anonymised."]
    assert not Comment.objects.filter(email="ann@example.org").exists()
    assert Comment.objects.filter(email="bob@example.org").exists()
    client.get(url)
    unknown = client.get(url, {"email": "ann@example.org"}).content.decode()
    assert "No comment was written with that email address." in unknown


def test_a_contributor_cannot_reach_a_commenters_data(client, make_article):
    approved(make_article(), "Mine", email="ann@example.org")
    carol = user_create(username="carol", role="contributor", password="carol-password-1")
    client.force_login(carol)
    response = client.get(reverse("comments_commenter"), {"email": "ann@example.org"})
    assert response.status_code in (302, 403)
    assert b"ann@example.org" not in response.content
    response = client.post(
        reverse("comments_commenter"), {"email": "ann@example.org", "confirm": "yes"}
    )
    assert Comment.objects.filter(email="ann@example.org").exists()


# No private field in any public response -------------------------------------------------

# A distinctive value for every text field of a comment that readers must never see.
PRIVATE = {
    "email": "zq-private-marker@hidden-mailbox.example",
    "ip_network": "198.51.100.0/24",
    "moderated_by": "moderator-zq-marker",
    "body_hash": "zqbodyhashmarker",
}
NEEDLES = (
    "zqbodyhashmarker",
    "zq-private-marker",
    "hidden-mailbox",
    "198.51.100",
    "moderator-zq-marker",
    "@example.org",
)


def test_every_private_text_field_of_a_comment_is_covered_by_this_test():
    """The allowlist: a new field on Comment is either public (threads.PUBLIC_FIELDS) or
    gets a private value checked below, so it cannot reach a page unnoticed."""
    textual = {
        f.name
        for f in Comment._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField, models.ForeignKey))
    }
    public = {name.removesuffix("_id") for name in PUBLIC_FIELDS}
    # status and article are shown only as the comment's presence on its article's page;
    # learned_as is the classifier's own note ("spam" or "ham"), nothing about a person.
    assert textual - public - {"status", "article", "learned_as"} == set(PRIVATE)


@pytest.fixture
def discussion(make_article, settings):
    """An article whose comments use every feature, each with private values set."""
    settings.GAZETTE_COMMENTS_PER_PAGE = 2
    settings.GAZETTE_COMMENTS_REPORTS_TO_HOLD = 5
    moderator = user_create(
        username=PRIVATE["moderated_by"],
        role="editor",
        password="pw-123456789",
        email="editor-desk@example.org",
    )
    article = make_article("Harbour strike ends", tags=["harbour"])
    fields = {
        "email": PRIVATE["email"],
        "ip_network": PRIVATE["ip_network"],
        "body_hash": PRIVATE["body_hash"],
    }
    comments = []
    parent = None
    for i in range(5):
        comment = Comment.objects.create(
            article=article,
            name=f"Reader {i}",
            body=f"Comment body {i}",
            parent=parent,
            created_at=article.date + dt.timedelta(minutes=i),
            **fields,
        )
        comments.append(comment_approve(comment=comment, by=moderator))
        parent = comment if i in (1, 2, 3) else None
    staff = Comment.objects.create(
        article=article,
        name="Desk",
        body="From the desk",
        email="editor-desk@example.org",
        ip_network=PRIVATE["ip_network"],
        created_at=article.date,
    )
    comments.append(comment_approve(comment=staff, by=moderator))
    comment_pin(comment=comments[0], pinned=True, by=moderator)
    comment_report(comment=comments[4], reason="abuse", ip="198.51.100.77")
    Comment.objects.create(article=article, name="Waiting", body="Pending", **fields)
    return article, comments


def _assert_private_values_absent(where: str, text: str) -> None:
    for needle in NEEDLES:
        assert needle not in text, f"{needle!r} in {where}"


def test_no_public_response_shows_an_email_address_or_ip_network(client, discussion):
    article, comments = discussion
    reply = comments[3]
    urls = [
        "/",
        "/?page=1",
        "/news/",
        "/tags/harbour/",
        "/authors/",
        "/authors/jane-roe/",
        article.url,
        f"{article.url}?comments=2",
        f"{article.url}?order=newest",
        f"{article.url}?reply={reply.pk}",
        f"/comments/{reply.pk}/report/",
        "/no-such-page/",
        f"{article.url}?comments=99",
        "/comments/999999/",
    ]
    responses = {url: client.get(url, follow=True) for url in urls}
    responses["permalink"] = client.get(f"/comments/{reply.pk}/")
    responses["permalink followed"] = client.get(f"/comments/{reply.pk}/", follow=True)
    responses["report sent"] = client.post(f"/comments/{reply.pk}/report/", {"reason": "spam"})
    responses["report 400"] = client.post(f"/comments/{reply.pk}/report/", {})
    responses["comment form 400"] = client.post(article.url, {"body": "", "name": "x"})
    responses["cross-origin 403"] = client.post(
        article.url, {"body": "x"}, HTTP_SEC_FETCH_SITE="cross-site"
    )
    posted = client.post(
        article.url,
        {"body": "My own words", "name": "Me", "email": "zq-private-marker@hidden-mailbox.example"},
    )
    responses["comment posted"] = posted
    responses["own pending comment"] = client.get(posted["Location"])
    for where, response in responses.items():
        assert response.status_code < 500, where
        headers = "\n".join(f"{k}: {v}" for k, v in response.items())
        _assert_private_values_absent(f"{where} (headers)", headers)
        _assert_private_values_absent(where, response.content.decode())
    statuses = {where: r.status_code for where, r in responses.items()}
    assert statuses["permalink"] == 302 and statuses["report 400"] == 400
    assert statuses["comment form 400"] == 400 and statuses["cross-origin 403"] == 403
    assert statuses["/no-such-page/"] == 404 and statuses[f"{article.url}?comments=99"] == 404
    # The pages did show the comments, badges and picks (so the check had something to see).
    page = responses[article.url].content.decode()
    assert "Comment body 0" in page and "Editor's picks" in page and "comment-badge" in page
    assert "My own words" in responses["own pending comment"].content.decode()


def test_no_cached_page_holds_an_email_address_or_ip_network(fetch, page_cache, discussion):  # noqa: F811
    article, comments = discussion
    for url in (
        "/",
        "/news/",
        "/tags/harbour/",
        "/authors/jane-roe/",
        article.url,
        f"/comments/{comments[3].pk}/report/",
    ):
        assert fetch(url).status == 200
        assert fetch(url).cache == "HIT", url
    files = [p for p in page_cache.root.rglob("*") if p.is_file()]
    assert any(p.name == "index.html" for p in files)
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        if path.suffix == ".br":
            continue  # the same bytes as the page beside it, brotli-compressed
        _assert_private_values_absent(str(path), data.decode("utf-8", "replace"))
