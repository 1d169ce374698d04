"""Writes to comments: plain functions that the form, the admin, the CLI and tests call."""

from __future__ import annotations

import ipaddress

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from gazette import cache
from gazette.cache import tags
from gazette.comments.models import Comment


def truncate_ip(address: str) -> str:
    """Keep the network, not the reader: /24 for IPv4, /48 for IPv6."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def comment_submit(
    *, article, name: str, email: str, body: str, website: str = "", ip: str = ""
) -> Comment:
    """Store a reader's comment for moderation. It is pending: nobody sees it until approved."""
    return Comment.objects.create(
        article=article,
        name=name,
        email=email,
        website=website,
        body=body,
        ip_network=truncate_ip(ip),
        status=Comment.Status.PENDING,
    )


def _moderate(*, comment: Comment, status: str, by: AbstractBaseUser | None) -> Comment:
    with transaction.atomic():
        if Comment.Status.APPROVED in (comment.status, status) and comment.status != status:
            # The article's page shows its approved comments and their count.
            cache.purge({tags.page(comment.article_id)})
        comment.status = status
        comment.moderated_at = timezone.now()
        comment.moderated_by = by if by is not None and by.pk else None
        comment.save(update_fields=["status", "moderated_at", "moderated_by"])
    return comment


def comment_approve(*, comment: Comment, by: AbstractBaseUser | None = None) -> Comment:
    return _moderate(comment=comment, status=Comment.Status.APPROVED, by=by)


def comment_spam(*, comment: Comment, by: AbstractBaseUser | None = None) -> Comment:
    return _moderate(comment=comment, status=Comment.Status.SPAM, by=by)


def comment_trash(*, comment: Comment, by: AbstractBaseUser | None = None) -> Comment:
    return _moderate(comment=comment, status=Comment.Status.TRASH, by=by)


ACTIONS = {"approve": comment_approve, "spam": comment_spam, "trash": comment_trash}
