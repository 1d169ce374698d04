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

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_status"),
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.article_id}: {self.body[:40]}"

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"
