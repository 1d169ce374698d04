"""Writes to comments: plain functions that the form, the admin, the CLI and tests call."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import uuid
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gazette import cache
from gazette.cache import tags
from gazette.comments.models import Comment, ModerationLog, Report


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


def new_batch() -> str:
    return uuid.uuid4().hex


def _actor(by: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return by if by is not None and by.pk else None


def _moderate(
    *,
    comment: Comment,
    status: str,
    by: AbstractBaseUser | None,
    action: str = "",
    batch: str = "",
) -> Comment:
    """Move a comment to ``status``, purge the article's page when what it shows changes,
    and write the audit log. ``action`` names the log line (the status's own verb when not
    given); rows written with the same ``batch`` are undone together."""
    previous = comment.status
    with transaction.atomic():
        if Comment.Status.APPROVED in (previous, status) and previous != status:
            # The article's page shows its approved comments and their count.
            cache.purge({tags.page(comment.article_id)})
        fields = ["status", "moderated_at", "moderated_by"]
        if status == Comment.Status.APPROVED and previous != status:
            comment.badge = badge_for(comment)
            fields.append("badge")
        if status != Comment.Status.APPROVED and comment.pinned:
            comment.pinned = False  # an editor's pick that leaves the page is no pick
            fields.append("pinned")
        if action != ModerationLog.Action.HOLD and comment.report_count:
            # A moderator has looked at it: the reports are dealt with, and a reader must
            # not be able to hold it again with the same reports.
            Report.objects.filter(comment=comment, resolved=False).update(resolved=True)
            comment.report_count = 0
            fields.append("report_count")
        comment.status = status
        comment.moderated_at = timezone.now()
        comment.moderated_by = _actor(by)
        comment.save(update_fields=fields)
        ModerationLog.objects.create(
            actor=_actor(by),
            action=action or _ACTION_OF_STATUS[status],
            comment=comment,
            comment_pk=comment.pk,
            from_status=previous,
            to_status=status,
            batch=batch or new_batch(),
        )
        # The spam classifier learns from the decision; a newly published reply is mailed.
        from gazette.comments.checks import on_moderation

        on_moderation(comment=comment, previous=previous)
    return comment


_ACTION_OF_STATUS = {
    Comment.Status.APPROVED: ModerationLog.Action.APPROVE,
    Comment.Status.SPAM: ModerationLog.Action.SPAM,
    Comment.Status.TRASH: ModerationLog.Action.TRASH,
    Comment.Status.PENDING: ModerationLog.Action.HOLD,
}


def comment_approve(
    *, comment: Comment, by: AbstractBaseUser | None = None, batch: str = ""
) -> Comment:
    return _moderate(comment=comment, status=Comment.Status.APPROVED, by=by, batch=batch)


def comment_spam(
    *, comment: Comment, by: AbstractBaseUser | None = None, batch: str = ""
) -> Comment:
    return _moderate(comment=comment, status=Comment.Status.SPAM, by=by, batch=batch)


def comment_trash(
    *, comment: Comment, by: AbstractBaseUser | None = None, batch: str = ""
) -> Comment:
    return _moderate(comment=comment, status=Comment.Status.TRASH, by=by, batch=batch)


ACTIONS = {"approve": comment_approve, "spam": comment_spam, "trash": comment_trash}
# The audit log's verbs for the actions above (also those that undo can reverse).
UNDOABLE = (
    ModerationLog.Action.APPROVE,
    ModerationLog.Action.SPAM,
    ModerationLog.Action.TRASH,
    ModerationLog.Action.HOLD,
)


def comments_moderate(
    *, ids: Iterable[int], action: str, by: AbstractBaseUser | None
) -> tuple[str, int]:
    """Apply one of ACTIONS to the comments with these ids, as one batch of the audit log
    (so that one "Undo" reverses all of it). Ids of no comment are ignored. Returns the
    batch and how many comments it changed."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}: choose approve, spam or trash.")
    batch = new_batch()
    done = 0
    with transaction.atomic():
        for comment in Comment.objects.filter(pk__in=list(ids)).order_by("pk"):
            ACTIONS[action](comment=comment, by=by, batch=batch)
            done += 1
    return batch, done


def comments_undo(*, batch: str, by: AbstractBaseUser | None) -> tuple[int, int]:
    """Put back the status each comment of ``batch`` had before it. A comment changed
    again since (by another moderator, or by a later action) is left alone: undoing must
    never overwrite a newer decision. Returns (restored, left alone)."""
    restored = skipped = 0
    undo_batch = new_batch()
    with transaction.atomic():
        rows = ModerationLog.objects.filter(batch=batch, action__in=UNDOABLE).select_related(
            "comment"
        )
        for row in rows:
            comment = row.comment
            if (
                comment is None
                or comment.status != row.to_status
                or comment.log.filter(pk__gt=row.pk).exists()
            ):
                skipped += 1
                continue
            _moderate(
                comment=comment,
                status=row.from_status,
                by=by,
                action=ModerationLog.Action.UNDO,
                batch=undo_batch,
            )
            restored += 1
    return restored, skipped


def comment_pin(*, comment: Comment, pinned: bool, by: AbstractBaseUser | None) -> Comment:
    """Make an approved comment an editor's pick (shown first on the article), or not."""
    if pinned and comment.status != Comment.Status.APPROVED:
        raise ValueError("Only an approved comment can be an editor's pick.")
    if comment.pinned == pinned:
        return comment
    with transaction.atomic():
        comment.pinned = pinned
        comment.save(update_fields=["pinned"])
        ModerationLog.objects.create(
            actor=_actor(by),
            action=ModerationLog.Action.PIN if pinned else ModerationLog.Action.UNPIN,
            comment=comment,
            comment_pk=comment.pk,
            from_status=comment.status,
            to_status=comment.status,
            batch=new_batch(),
        )
        cache.purge({tags.page(comment.article_id)})
    return comment


def badge_for(comment: Comment) -> str:
    """The badge an approved comment shows, from its email address: "author" when it is the
    address of a newsroom account whose full name is in the article's byline, "staff" when
    it is the address of any newsroom account (one that may use the admin). Worked out once,
    on approval; the moderator approving it sees the badge in the queue first, since an
    address alone is only a claim."""
    from gazette.news.models import ArticleAuthor

    email = comment.email.strip()
    if not email:
        return ""
    users = [
        u
        for u in User.objects.filter(email__iexact=email, is_active=True)
        if u.is_staff or u.has_perm("wagtailadmin.access_admin")
    ]
    if not users:
        return ""
    names = {u.get_full_name().strip().casefold() for u in users} - {""}
    byline = ArticleAuthor.objects.filter(article_id=comment.article_id).values_list(
        "author__title", flat=True
    )
    if names & {title.strip().casefold() for title in byline}:
        return Comment.Badge.AUTHOR
    return Comment.Badge.STAFF


def reporter_key(ip: str) -> str:
    """Who reported, as a keyed hash of their IP network: the same reader (network) always
    gives the same key, and the address cannot be read back from it."""
    network = truncate_ip(ip)
    return hmac.new(
        settings.SECRET_KEY.encode(), f"report:{network}".encode(), hashlib.sha256
    ).hexdigest()


class NotReportable(Exception):
    """The comment is not shown to readers (pending, spam, trash): there is nothing to
    report."""


def comment_report(*, comment: Comment, reason: str, ip: str) -> bool:
    """A reader reports an approved comment. Counts once per reader (IP network) and
    comment, however often they send it. GAZETTE_COMMENTS_REPORTS_TO_HOLD reports hold the
    comment: it leaves the page until a moderator looks at it. Returns whether this report
    counted (False for a repeat)."""
    if reason not in Report.Reason.values:
        raise ValueError(f"Unknown reason {reason!r}.")
    if comment.status != Comment.Status.APPROVED:
        raise NotReportable(comment.pk)
    try:
        with transaction.atomic():
            Report.objects.create(comment=comment, reason=reason, reporter=reporter_key(ip))
    except IntegrityError:
        return False  # this reader has reported it already
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if (
            comment.status == Comment.Status.APPROVED
            and comment.report_count >= settings.GAZETTE_COMMENTS_REPORTS_TO_HOLD
        ):
            _moderate(
                comment=comment,
                status=Comment.Status.PENDING,
                by=None,
                action=ModerationLog.Action.HOLD,
            )
    return True
