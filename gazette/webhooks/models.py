"""Webhooks: who is told when an article is published, updated or unpublished, and the log
of every delivery (status, attempts, last error) that admins read in the Wagtail admin."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

EVENT_PUBLISHED = "article.published"
EVENT_UPDATED = "article.updated"
EVENT_UNPUBLISHED = "article.unpublished"
EVENTS = [
    (EVENT_PUBLISHED, "Article published"),
    (EVENT_UPDATED, "Published article updated"),
    (EVENT_UNPUBLISHED, "Article unpublished"),
]


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def validate_webhook_url(value: str) -> None:
    if not value.lower().startswith(("http://", "https://")):
        raise ValidationError("Enter an http:// or https:// address.")


class Webhook(models.Model):
    name = models.CharField(max_length=100, help_text="Who receives it, e.g. “Partner app”.")
    url = models.URLField(
        "URL",
        max_length=500,
        validators=[validate_webhook_url],
        help_text="Receives a JSON POST. Addresses on private networks are refused unless "
        "GAZETTE_WEBHOOKS_ALLOW_PRIVATE is set; redirects are not followed.",
    )
    secret = models.CharField(
        max_length=200,
        default=new_secret,
        help_text="Shared with the receiver: each request carries X-Gazette-Signature, "
        "sha256=HMAC-SHA256(secret, timestamp + '.' + body).",
    )
    on_published = models.BooleanField("Article published", default=True)
    on_updated = models.BooleanField("Published article updated", default=True)
    on_unpublished = models.BooleanField("Article unpublished", default=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return {
            EVENT_PUBLISHED: self.on_published,
            EVENT_UPDATED: self.on_updated,
            EVENT_UNPUBLISHED: self.on_unpublished,
        }[event]


class Delivery(models.Model):
    """One event for one webhook: the exact body sent, and how its attempts went."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Waiting to retry"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=EVENTS)
    # No foreign key: the log outlives a deleted article.
    article_id = models.BigIntegerField(null=True, db_index=True)
    body = models.TextField(help_text="The JSON sent, byte for byte on every attempt.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook}"
