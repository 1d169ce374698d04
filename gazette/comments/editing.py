"""A commenter may edit or delete their own comment for EDIT_WINDOW after posting, through
the signed link the form's redirect gave them (views.moderation_token)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gazette import cache
from gazette.cache import tags
from gazette.comments import checks
from gazette.comments.models import Comment

EDIT_WINDOW = dt.timedelta(minutes=10)


def editable_until(comment: Comment) -> dt.datetime:
    return comment.created_at + EDIT_WINDOW


def can_edit(comment: Comment, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) < editable_until(comment) and comment.status in (
        Comment.Status.PENDING,
        Comment.Status.APPROVED,
    )


def comment_edit(*, comment: Comment, body: str) -> Comment:
    """Replace the text. A published comment whose new text a content check would hold
    goes back to the queue, with the reasons; one a check would reject is refused."""
    body = body.replace("\r\n", "\n")
    checks.validate_input(name=comment.name, email=comment.email, body=body, website="")
    sub = checks.Submission(
        article=comment.article,
        name=comment.name,
        email=comment.email,
        body=body,
        website=comment.website,
        ip_network=comment.ip_network,
    )
    verdicts = [c(sub) for c in (checks.check_words, checks.check_links, checks.check_classifier)]
    rejects = [v for v in verdicts if v.action == checks.REJECT]
    if rejects:
        raise checks.CommentRefused(rejects[0].message, code=rejects[0].code, field="body")
    holds = [v.reason for v in verdicts if v.action == checks.HOLD]
    with transaction.atomic():
        if comment.status == Comment.Status.APPROVED:
            cache.purge({tags.page(comment.article_id)})
            if holds:
                comment.status = Comment.Status.PENDING
        comment.body = body
        comment.body_hash = checks.body_hash(body)
        comment.reasons = [*comment.reasons, *holds] if holds else comment.reasons
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "body_hash", "reasons", "status", "edited_at"])
    return comment


def comment_delete_own(*, comment: Comment) -> None:
    """Gone at once; a comment that already has replies goes to the trash instead, so that
    other readers' replies are not deleted with it."""
    with transaction.atomic():
        if comment.status == Comment.Status.APPROVED:
            cache.purge({tags.page(comment.article_id)})
        if comment.replies.exists():
            comment.status = Comment.Status.TRASH
            comment.reasons = [*comment.reasons, "deleted-by-commenter"]
            comment.save(update_fields=["status", "reasons"])
        else:
            comment.delete()
