"""From an article's publication to queued webhook deliveries.

``article_event`` is what gazette.news.publishing calls; it writes one Delivery per
interested webhook and queues its first attempt once the transaction commits (a rolled-back
publish sends nothing).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from gazette.webhooks.models import (
    EVENT_PUBLISHED,
    EVENT_UNPUBLISHED,
    EVENT_UPDATED,
    Delivery,
    Webhook,
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def article_payload(article: Any) -> dict[str, Any]:
    """What a reader may see of the article: no drafts' text, no e-mail addresses."""
    section = article.section_link if article.section_page_id or article.depth > 1 else None
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.full_url,
        "standfirst": article.standfirst,
        "date": _iso(article.date),
        "updated": _iso(article.updated),
        "section": {"id": section.pk, "title": section.title} if section else None,
        "authors": [
            {"name": credit.author.title, "url": credit.author.full_url, "role": credit.role}
            for credit in article.authors.select_related("author").order_by("sort_order")
        ],
        "tags": sorted(article.tags.values_list("name", flat=True)),
    }


def publication_event(article: Any) -> str:
    """Published for the first time (or again after being unpublished), or updated.

    Read from Wagtail's own log: page_published fires before this publication is logged,
    so the latest logged publish/unpublish is the state before it."""
    from wagtail.models import PageLogEntry

    last = (
        PageLogEntry.objects.filter(
            page_id=article.pk, action__in=("wagtail.publish", "wagtail.unpublish")
        )
        .order_by("-timestamp", "-pk")
        .values_list("action", flat=True)
        .first()
    )
    return EVENT_UPDATED if last == "wagtail.publish" else EVENT_PUBLISHED


def article_event(*, article: Any, event: str) -> list[Delivery]:
    """Queue ``event`` about ``article`` for every active webhook that wants it."""
    hooks = [hook for hook in Webhook.objects.filter(active=True) if hook.wants(event)]
    if not hooks:
        return []
    if event == EVENT_UNPUBLISHED:
        if article.date is None or article.date > timezone.now():
            return []  # never announced, so nothing to withdraw (and its title stays private)
        data = {"id": article.pk, "title": article.title, "url": article.full_url}
    else:
        data = article_payload(article)
    deliveries = []
    now = timezone.now()
    for hook in hooks:
        body = {
            "id": str(uuid.uuid4()),
            "event": event,
            "created_at": now.isoformat(),
            "article": data,
        }
        deliveries.append(
            Delivery(
                webhook=hook,
                event=event,
                article_id=article.pk,
                body=json.dumps(body, ensure_ascii=False, sort_keys=True),
                next_attempt_at=now,
                created_at=now,
            )
        )
    deliveries = Delivery.objects.bulk_create(deliveries)

    def enqueue() -> None:
        from gazette.webhooks.tasks import deliver_webhook

        for delivery in deliveries:
            deliver_webhook.enqueue(delivery.pk)

    transaction.on_commit(enqueue)
    return deliveries


def article_published_event(*, article: Any) -> list[Delivery]:
    """Called on every publication. An article readers cannot see yet (dated in the
    future, or under embargo) is announced at its date instead, if it is public then."""
    from gazette.news.models import ArticlePage

    event = publication_event(article)
    if ArticlePage.objects.published().filter(pk=article.pk).exists():
        return article_event(article=article, event=event)
    if article.date and article.date > timezone.now() and Webhook.objects.filter(active=True):
        from gazette.webhooks.tasks import article_due

        if article_due.get_backend().supports_defer:
            when = article.date
            transaction.on_commit(lambda: article_due.using(run_after=when).enqueue(article.pk))
    return []
