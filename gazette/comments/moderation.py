"""Writes to comments: plain functions that the form, the admin, the CLI and tests call."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

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
    *,
    article,
    name: str,
    email: str,
    body: str,
    website: str = "",
    ip: str = "",
    parent: Comment | int | None = None,
    notify: bool = False,
    form_meta: Mapping[str, str] | None = None,
    proven_email_key: str = "",
) -> Comment:
    """Store a reader's comment through the moderation pipeline (checks.py): published at
    once, held for moderation, or refused with checks.CommentRefused (a message for the
    reader and an HTTP status; a rejected comment is still kept as spam for moderators)."""
    from gazette.comments import checks

    return checks.submit(
        article=article,
        name=name,
        email=email,
        body=body,
        website=website,
        ip_network=truncate_ip(ip),
        parent=parent,
        notify=notify,
        form_meta=form_meta,
        proven_email_key=proven_email_key,
    )


def _moderate(*, comment: Comment, status: str, by: AbstractBaseUser | None) -> Comment:
    previous = comment.status
    with transaction.atomic():
        if Comment.Status.APPROVED in (comment.status, status) and comment.status != status:
            # The article's page shows its approved comments and their count.
            cache.purge({tags.page(comment.article_id)})
        comment.status = status
        comment.moderated_at = timezone.now()
        comment.moderated_by = by if by is not None and by.pk else None
        comment.save(update_fields=["status", "moderated_at", "moderated_by"])
        # The spam classifier learns from the decision; a newly published reply is mailed.
        from gazette.comments.checks import on_moderation

        on_moderation(comment=comment, previous=previous)
    return comment


def comment_approve(*, comment: Comment, by: AbstractBaseUser | None = None) -> Comment:
    return _moderate(comment=comment, status=Comment.Status.APPROVED, by=by)


def comment_spam(*, comment: Comment, by: AbstractBaseUser | None = None) -> Comment:
    return _moderate(comment=comment, status=Comment.Status.SPAM, by=by)


def comment_trash(*, comment: Comment, by: AbstractBaseUser | None = None) -> Comment:
    return _moderate(comment=comment, status=Comment.Status.TRASH, by=by)


ACTIONS = {"approve": comment_approve, "spam": comment_spam, "trash": comment_trash}
