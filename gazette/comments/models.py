"""Readers' comments on articles.

The commenter's email is stored for moderators only: no template, feed or API serialiser
reads the field, and tests check every public response for it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class CommentQuerySet(models.QuerySet["Comment"]):
    def approved(self) -> CommentQuerySet:
        """The one door for public reads of comments: approved only, oldest first."""
        return self.filter(status=Comment.Status.APPROVED).order_by("created_at", "pk")

    def pending(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.PENDING)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    article = models.ForeignKey(
        "news.ArticlePage", on_delete=models.CASCADE, related_name="comments"
    )
    # A reply points at the comment it answers; replies to a deleted comment are deleted too,
    # as a thread without its start would not make sense.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    website = models.URLField(max_length=500, blank=True)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Only the network part of the address is kept (the last octet of IPv4, the last 80 bits
    # of IPv6 zeroed): enough to spot a flood, not enough to identify a reader.
    ip_network = models.CharField(max_length=64, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the moderation pipeline (checks.py) held or rejected it: reason codes such as
    # "links" or "first-time", shown to moderators in the queue.
    reasons = models.JSONField(default=list, blank=True)
    # A hash of the normalised text, for duplicate and repeat-post detection.
    body_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # The commenter asked to be emailed when someone replies (sent only once the address
    # has been confirmed by a one-click link).
    notify = models.BooleanField(default=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    # What the spam classifier last learned from this comment ("spam", "ham" or ""), so a
    # moderator changing their mind moves the counts instead of adding to them.
    learned_as = models.CharField(max_length=4, blank=True)

    class Badge(models.TextChoices):
        NONE = "", "None"
        STAFF = "staff", "Staff"
        AUTHOR = "author", "Author"

    # Decided when the comment is approved (moderation.badge_for), not on every page view:
    # a comment whose email is a staff member's is marked "Staff", one by an author of the
    # article "Author". The moderator who approves it sees the badge first in the queue.
    badge = models.CharField(max_length=10, choices=Badge.choices, blank=True, default="")
    # "Editor's pick": shown first on the article, marked.
    pinned = models.BooleanField("editor's pick", default=False)
    # Open reports by readers (Report rows not yet dealt with), kept here so that the
    # queue's "Reported" tab is one indexed filter, not a join and a GROUP BY.
    report_count = models.PositiveIntegerField(default=0)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_status"),
            # The moderation queue: one status, newest first, a page at a time.
            models.Index(fields=["status", "created_at"], name="comment_status_created"),
            # Each commenter's history in the queue, export and erase: by email.
            models.Index(fields=["email"], name="comment_email"),
            models.Index(
                fields=["article", "created_at"],
                condition=models.Q(pinned=True),
                name="comment_picks",
            ),
            models.Index(
                fields=["report_count"],
                condition=models.Q(report_count__gt=0),
                name="comment_reported",
            ),
            # Rate limits and first-time checks count a network's or an address's comments.
            models.Index(fields=["ip_network", "created_at"], name="comment_network_time"),
            models.Index(fields=["email", "created_at"], name="comment_email_time"),
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.article_id}: {self.body[:40]}"

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"


class Report(models.Model):
    """A reader's report of an approved comment. One per reader and comment: the reader is
    known by a keyed hash of their IP network (never the address), so reporting the same
    comment 50 times from one address counts once."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive, hateful or harassing"
        PERSONAL = "personal", "Reveals someone's personal information"
        OFF_TOPIC = "off-topic", "Off topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reporter = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a moderator acts on the comment: the report no longer counts towards a hold.
    resolved = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on comment {self.comment_id}"


class ModerationLog(models.Model):
    """Who did what to which comment, and when: written by the moderation functions only.

    ``batch`` groups the rows of one action (a bulk approve of 20 comments), so that the
    action can be undone as a whole. The comment's id is kept as a plain number as well, so
    the line survives the comment's deletion with its article."""

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved"
        SPAM = "spam", "Marked as spam"
        TRASH = "trash", "Moved to the trash"
        UNDO = "undo", "Undid"
        HOLD = "hold", "Held after reports"
        PIN = "pin", "Made an editor's pick"
        UNPIN = "unpin", "Removed from editor's picks"
        ERASE = "erase", "Erased at the commenter's request"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="log"
    )
    comment_pk = models.PositiveBigIntegerField()
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    batch = models.CharField(max_length=32, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} comment {self.comment_pk}"


class ClassifierToken(models.Model):
    """The spam classifier's counts (classifier.py): in how many spam and how many
    legitimate ("ham") comments a word or feature appeared. The row with the empty token
    counts the comments themselves."""

    token = models.CharField(max_length=64, unique=True)
    spam = models.PositiveIntegerField(default=0)
    ham = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.token or '(comments)'}: {self.spam} spam, {self.ham} ham"


class VerifiedEmail(models.Model):
    """An address a commenter confirmed by the one-click link mailed to it. Only a keyed
    hash is kept (verification.email_key), never the address itself."""

    key = models.CharField(max_length=64, unique=True)
    verified_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"verified address {self.key[:8]}…"


class MailLog(models.Model):
    """One mail sent, by keyed hash of its recipient: what per-recipient rate limits count."""

    recipient_key = models.CharField(max_length=64)
    kind = models.CharField(max_length=20)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["recipient_key", "sent_at"], name="maillog_recipient")]

    def __str__(self) -> str:
        return f"{self.kind} mail at {self.sent_at:%Y-%m-%d %H:%M}"
