"""The background worker's part: attempts, and retries with exponential backoff.

``attempt_delivery`` makes exactly one attempt and, when it fails, books the next one
(``next_attempt_at``) and queues it with ``run_after``. Each step can be run and checked on
its own, which is how the tests drive retries with the inline task backend.
"""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from gazette.webhooks import delivery as transport
from gazette.webhooks import signing
from gazette.webhooks.models import Delivery

BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 6 * 3600


def backoff(attempts: int) -> dt.timedelta:
    """After the Nth failed attempt: 30 s, 2 min, 8 min, 32 min, ~2 h, then 6 h."""
    return dt.timedelta(seconds=min(BASE_DELAY_SECONDS * 4 ** (attempts - 1), MAX_DELAY_SECONDS))


def attempt_delivery(delivery: Delivery) -> Delivery:
    """One attempt: sign, POST, record. Schedules the next attempt when it failed."""
    if delivery.status in (Delivery.Status.SUCCEEDED, Delivery.Status.FAILED):
        return delivery  # a duplicate task: already settled
    hook = delivery.webhook
    body = delivery.body.encode()
    timestamp = int(timezone.now().timestamp())
    event = json.loads(delivery.body)
    headers = {
        "X-Gazette-Event": delivery.event,
        "X-Gazette-Delivery": event.get("id", str(delivery.pk)),
        "X-Gazette-Timestamp": str(timestamp),
        "X-Gazette-Signature": signing.sign(hook.secret, timestamp, body),
    }
    if not hook.active:
        outcome = transport.Outcome(False, error="webhook deactivated")
    else:
        outcome = transport.post(hook.url, body, headers)
    delivery.attempts += 1
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    if outcome.ok:
        delivery.status = Delivery.Status.SUCCEEDED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif not hook.active or delivery.attempts >= settings.GAZETTE_WEBHOOKS_MAX_ATTEMPTS:
        delivery.status = Delivery.Status.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.status = Delivery.Status.RETRYING
        delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
    delivery.save()
    if delivery.status == Delivery.Status.RETRYING:
        schedule_retry(delivery)
    return delivery


def schedule_retry(delivery: Delivery) -> bool:
    """Queue the next attempt for its time. A backend that cannot defer tasks (the inline
    one of the tests) gets nothing queued: running the retry at once would defeat the
    backoff; the delivery keeps its next_attempt_at for whoever runs it."""
    if not deliver_webhook.get_backend().supports_defer:
        return False
    deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return True


@task()
def deliver_webhook(delivery_id: int) -> str:
    delivery = Delivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    return attempt_delivery(delivery).status


@task()
def article_due(article_id: int) -> str:
    """A published article dated in the future becomes public at its date: announce it
    then, not when it was published (gazette.webhooks.events.article_published_event)."""
    from gazette.news.models import ArticlePage
    from gazette.webhooks.events import EVENT_PUBLISHED, article_event

    article = ArticlePage.objects.published().filter(pk=article_id).first()
    if article is None:
        return "not public"
    # Each edit before the date queues one of these: the first to run announces it.
    if Delivery.objects.filter(
        article_id=article_id, event=EVENT_PUBLISHED, created_at__gte=article.date
    ).exists():
        return "already announced"
    return f"{len(article_event(article=article, event=EVENT_PUBLISHED))} queued"
