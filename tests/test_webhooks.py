"""Webhooks: signed JSON POSTs on publish, update and unpublish, delivered to a real HTTP
server on 127.0.0.1; private addresses refused unless allowed; retries with backoff."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from django.utils import timezone

from gazette.webhooks import delivery as transport
from gazette.webhooks import signing
from gazette.webhooks.models import Delivery, Webhook
from gazette.webhooks.tasks import attempt_delivery, backoff, deliver_webhook

SECRET = "receiver-shared-secret"


class Receiver:
    """A webhook receiver on 127.0.0.1 that records what it got and answers as told."""

    def __init__(self, statuses=(200,), delay: float = 0.0, headers=None):
        self.requests: list[dict] = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"path": self.path, "headers": self.headers, "body": body})
                if delay:
                    time.sleep(delay)
                status = (
                    receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                )
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/gazette"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def verified(self, request) -> bool:
        h = request["headers"]
        return signing.verify(
            SECRET, request["body"], h["X-Gazette-Timestamp"], h["X-Gazette-Signature"]
        )


@pytest.fixture
def receiver():
    servers = []

    def make(**kwargs) -> Receiver:
        servers.append(Receiver(**kwargs))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def allow_private(settings):
    settings.GAZETTE_WEBHOOKS_ALLOW_PRIVATE = True


def hook(url: str, **fields) -> Webhook:
    return Webhook.objects.create(name="Partner app", url=url, secret=SECRET, **fields)


def publish(make_article, capture, **kwargs):
    with capture(execute=True):
        return make_article(**kwargs)


def test_publishing_an_article_posts_signed_json_with_public_fields_only(
    make_article, receiver, allow_private, django_capture_on_commit_callbacks, alice
):
    server = receiver()
    hook(server.url)
    article = publish(
        make_article, django_capture_on_commit_callbacks, title="Harbour reopens", tags=["Sea"]
    )

    assert len(server.requests) == 1
    request = server.requests[0]
    assert server.verified(request)
    assert request["path"] == "/hooks/gazette"
    assert request["headers"]["X-Gazette-Event"] == "article.published"
    assert request["headers"]["Content-Type"] == "application/json"
    payload = json.loads(request["body"])
    assert payload["event"] == "article.published"
    assert request["headers"]["X-Gazette-Delivery"] == payload["id"]
    data = payload["article"]
    assert data["id"] == article.pk
    assert data["title"] == "Harbour reopens"
    assert data["url"] == "http://testserver/news/" + article.slug + "/"
    assert data["section"]["title"] == "News"
    assert data["authors"][0]["name"] == "Jane Roe"
    assert data["tags"] == ["Sea"]
    assert "@" not in request["body"].decode()  # no e-mail address of anyone
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 200)


def test_update_and_unpublish_send_their_own_events(
    make_article, receiver, allow_private, django_capture_on_commit_callbacks
):
    server = receiver()
    hook(server.url)
    article = publish(make_article, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Corrected headline"
        article.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    events = [json.loads(r["body"])["event"] for r in server.requests]
    assert events == ["article.published", "article.updated", "article.unpublished"]
    assert json.loads(server.requests[1]["body"])["article"]["title"] == "Corrected headline"
    assert all(server.verified(r) for r in server.requests)
    # Published again after being withdrawn: a publication, not an update.
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert json.loads(server.requests[-1]["body"])["event"] == "article.published"


def test_webhook_receives_only_the_events_it_chose_and_only_while_active(
    make_article, receiver, allow_private, django_capture_on_commit_callbacks
):
    chosen, inactive = receiver(), receiver()
    hook(chosen.url, on_published=False, on_updated=True)
    hook(inactive.url, active=False)
    article = publish(make_article, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert [r["headers"]["X-Gazette-Event"] for r in chosen.requests] == ["article.updated"]
    assert inactive.requests == []


def test_future_dated_article_is_not_announced_before_its_date(
    make_article, receiver, allow_private, django_capture_on_commit_callbacks
):
    server = receiver()
    hook(server.url)
    article = publish(
        make_article,
        django_capture_on_commit_callbacks,
        title="Embargoed budget",
        date=timezone.now() + dt.timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert server.requests == []
    assert not Delivery.objects.exists()


def test_draft_saves_send_nothing(
    make_article, receiver, allow_private, django_capture_on_commit_callbacks
):
    server = receiver()
    hook(server.url)
    publish(make_article, django_capture_on_commit_callbacks, live=False)
    assert server.requests == []


def test_loopback_receiver_is_refused_unless_allowed(
    make_article, receiver, django_capture_on_commit_callbacks
):
    server = receiver()
    hook(server.url)
    hook(server.url.replace("127.0.0.1", "localhost"))  # a name that resolves to loopback
    publish(make_article, django_capture_on_commit_callbacks)
    assert server.requests == []
    for delivery in Delivery.objects.all():
        assert delivery.status == "retrying"
        assert "not a public address" in delivery.last_error
        assert delivery.last_status_code is None


@pytest.mark.parametrize(
    "host",
    [
        "10.0.0.5",
        "192.168.1.1",
        "169.254.169.254",
        "[::1]",
        "[fd00::1]",
        "0.0.0.0",  # noqa: S104 - a target to refuse, not an address to bind
        "[::ffff:127.0.0.1]",
    ],
)
def test_private_and_link_local_addresses_are_refused(host, settings):
    settings.GAZETTE_WEBHOOKS_ALLOW_PRIVATE = False
    outcome = transport.post(f"http://{host}/hook", b"{}", {})
    assert not outcome.ok
    assert outcome.error.startswith("refused:")


def test_retries_after_server_errors_with_backoff_then_succeeds(
    make_article, receiver, allow_private, django_capture_on_commit_callbacks
):
    server = receiver(statuses=[500, 503, 200])
    hook(server.url)
    publish(make_article, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("retrying", 1, 500)
    assert "HTTP 500" in delivery.last_error
    wait = delivery.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=25) < wait <= backoff(1)

    # What the worker does at next_attempt_at.
    assert deliver_webhook.call(delivery.pk) == "retrying"
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - timezone.now() > dt.timedelta(seconds=100)  # 2 minutes
    assert deliver_webhook.call(delivery.pk) == "succeeded"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error, delivery.next_attempt_at) == (3, "", None)

    # The same body, signed afresh each time; the same delivery id for the receiver to dedupe.
    assert len({r["body"] for r in server.requests}) == 1
    assert len({r["headers"]["X-Gazette-Delivery"] for r in server.requests}) == 1
    assert all(server.verified(r) for r in server.requests)
    # Settled: a stray duplicate task sends nothing more.
    deliver_webhook.call(delivery.pk)
    assert len(server.requests) == 3


def test_gives_up_after_the_last_attempt(make_article, receiver, allow_private, settings):
    settings.GAZETTE_WEBHOOKS_MAX_ATTEMPTS = 2
    server = receiver(statuses=[500])
    webhook = hook(server.url)
    delivery = Delivery.objects.create(webhook=webhook, event="article.published", body="{}")
    attempt_delivery(delivery)
    attempt_delivery(delivery)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)
    assert len(server.requests) == 2


def test_retry_is_queued_for_the_worker_at_its_time(make_article, receiver, allow_private):
    from django_tasks_db.models import DBTaskResult

    server = receiver(statuses=[500])
    webhook = hook(server.url)
    delivery = Delivery.objects.create(webhook=webhook, event="article.published", body="{}")
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        attempt_delivery(delivery)
    queued = DBTaskResult.objects.get(task_path__endswith="deliver_webhook")
    assert queued.args_kwargs["args"] == [delivery.pk]
    assert queued.run_after == delivery.next_attempt_at


def test_slow_receiver_times_out(db, receiver, allow_private, settings):
    settings.GAZETTE_WEBHOOKS_TIMEOUT = 1
    server = receiver(delay=3)
    delivery = Delivery.objects.create(
        webhook=hook(server.url), event="article.published", body="{}"
    )
    started = time.monotonic()
    attempt_delivery(delivery)
    assert time.monotonic() - started < 2.5
    assert delivery.status == "retrying"
    assert "timed out" in delivery.last_error


def test_redirects_are_not_followed(db, receiver, allow_private):
    target = receiver()
    server = receiver(statuses=[302], headers={"Location": target.url})
    delivery = Delivery.objects.create(
        webhook=hook(server.url), event="article.published", body="{}"
    )
    attempt_delivery(delivery)
    assert delivery.status == "retrying"
    assert delivery.last_status_code == 302
    assert "not followed" in delivery.last_error
    assert target.requests == []


def test_signature_check_refuses_tampering_and_replays():
    body = b'{"event": "article.published"}'
    now = int(time.time())
    signature = signing.sign(SECRET, now, body)
    assert signing.verify(SECRET, body, str(now), signature)
    assert not signing.verify(SECRET, body + b" ", str(now), signature)
    assert not signing.verify("other-secret", body, str(now), signature)
    assert not signing.verify(SECRET, body, str(now + 1), signature)  # timestamp is signed
    old = now - 3600
    assert not signing.verify(SECRET, body, str(old), signing.sign(SECRET, old, body))
    assert not signing.verify(SECRET, body, "yesterday", signature)


# The admin -------------------------------------------------------------------------------


def test_admin_adds_a_webhook_and_reads_the_delivery_log(
    client, admin_user, receiver, allow_private
):
    client.force_login(admin_user)
    response = client.post(
        "/admin/webhooks/new/",
        {
            "name": "Newsletter tool",
            "url": "https://hooks.example.org/gazette",
            "secret": "s" * 40,
            "on_published": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    webhook = Webhook.objects.get(name="Newsletter tool")
    assert (webhook.on_published, webhook.on_updated) == (True, False)

    bad = client.post(
        "/admin/webhooks/new/", {"name": "x", "url": "ftp://example.org/", "secret": "s"}
    )
    assert bad.status_code == 200 and not Webhook.objects.filter(name="x").exists()
    assert b"Enter a valid URL" in bad.content or b"http://" in bad.content

    Delivery.objects.create(
        webhook=webhook,
        event="article.published",
        body="{}",
        status="retrying",
        attempts=2,
        last_error="HTTP 500: boom",
    )
    log = client.get("/admin/webhook_deliveries/")
    assert log.status_code == 200
    assert b"HTTP 500: boom" in log.content
    assert b"Waiting to retry" in log.content
    # Read-only: no way to add or change a log entry.
    assert client.get("/admin/webhook_deliveries/new/").status_code in (302, 403)


@pytest.mark.parametrize("path", ["/admin/webhooks/", "/admin/webhook_deliveries/"])
def test_editors_cannot_see_webhooks(client, alice, path):
    client.force_login(alice)
    response = client.get(path)
    assert response.status_code in (302, 403)
    assert not Webhook.objects.exists()


def test_future_dated_article_is_announced_once_when_its_date_comes(
    make_article, receiver, allow_private, django_capture_on_commit_callbacks
):
    from gazette.news.models import ArticlePage
    from gazette.webhooks.tasks import article_due

    server = receiver()
    hook(server.url)
    article = publish(
        make_article,
        django_capture_on_commit_callbacks,
        date=timezone.now() + dt.timedelta(hours=1),
    )
    assert article_due.call(article.pk) == "not public"  # the worker came too early
    ArticlePage.objects.filter(pk=article.pk).update(date=timezone.now() - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert article_due.call(article.pk) == "1 queued"
        assert article_due.call(article.pk) == "already announced"
    assert [r["headers"]["X-Gazette-Event"] for r in server.requests] == ["article.published"]
