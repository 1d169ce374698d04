"""A commenter's personal data: forgetting IP networks after the retention period, and one
person's export and erase (by email address), for the admin and `gazette comments`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from gazette import cache
from gazette.cache import tags
from gazette.comments.models import Comment, MailLog, ModerationLog, Report
from gazette.comments.moderation import _actor, new_batch

ERASED_NAME = "Former reader"
ERASED_BODY = "This comment was removed at its author's request."


class NoSuchCommenter(Exception):
    """No comment was written with this email address."""


def ip_networks_forget(*, days: int | None = None) -> int:
    """Blank the IP network of comments older than the retention period
    (GAZETTE_COMMENTS_IP_RETENTION_DAYS), and drop dealt-with reports as old (their reader
    key derives from an IP network) and the mail log's entries. Returns how many comments
    were changed."""
    days = settings.GAZETTE_COMMENTS_IP_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - dt.timedelta(days=days)
    with transaction.atomic():
        changed = (
            Comment.objects.filter(created_at__lt=cutoff)
            .exclude(ip_network="")
            .update(ip_network="")
        )
        Report.objects.filter(created_at__lt=cutoff, resolved=True).delete()
        # The mail log keeps keyed hashes of addresses for the per-day limits (mail.py),
        # which look back a day at most: kept no longer than IP networks are.
        MailLog.objects.filter(sent_at__lt=cutoff).delete()
    return changed


@task()
def forget_old_ip_networks() -> int:
    """The background form of ip_networks_forget, queued once a day (admin_views.queue)."""
    return ip_networks_forget()


def _by_email(email: str):
    email = email.strip()
    if not email:
        raise NoSuchCommenter(email)
    # iexact: people type their address with varying capitals, and it is the same person.
    return Comment.objects.filter(email__iexact=email)


def commenter_export(*, email: str) -> list[dict[str, Any]]:
    """Everything stored about one commenter's comments, for a data access request."""
    comments = list(_by_email(email).select_related("article").order_by("created_at", "pk"))
    if not comments:
        raise NoSuchCommenter(email)
    return [
        {
            "id": c.pk,
            "article": c.article.title,
            "article_url": c.article.full_url,
            "in_reply_to": c.parent_id,
            "name": c.name,
            "email": c.email,
            "website": c.website,
            "body": c.body,
            "status": c.status,
            "created_at": c.created_at.isoformat(),
            "ip_network": c.ip_network,
            "reports_received": c.report_count,
        }
        for c in comments
    ]


def commenter_erase(*, email: str, by: AbstractBaseUser | None) -> int:
    """Anonymise every comment written with this address: name, email, website, body and IP
    network are replaced or blanked, so nothing identifies the person. The comments stay as
    placeholders so that others' replies keep their place in the thread. Returns how many."""
    batch = new_batch()
    with transaction.atomic():
        comments = list(_by_email(email).select_for_update())
        if not comments:
            raise NoSuchCommenter(email)
        shown = {c.article_id for c in comments if c.status == Comment.Status.APPROVED}
        _by_email(email).update(
            name=ERASED_NAME,
            email="",
            website="",
            body=ERASED_BODY,
            ip_network="",
            badge="",
            pinned=False,
            body_hash="",
        )
        # The address's confirmation (kept as a keyed hash) goes too.
        from gazette.comments.verification import forget

        forget(email)
        ModerationLog.objects.bulk_create(
            ModerationLog(
                actor=_actor(by),
                action=ModerationLog.Action.ERASE,
                comment_id=c.pk,
                comment_pk=c.pk,
                from_status=c.status,
                to_status=c.status,
                batch=batch,
            )
            for c in comments
        )
        cache.purge({tags.page(pk) for pk in shown})
    return len(comments)
