"""Comment email: the address-confirmation link, reply notifications and the moderators'
digest. Sent by django-tasks, so that no request waits on SMTP.

No message ever contains a commenter's text, name or links: only the site's own words, an
article's headline and links to the site. Each recipient gets at most
GAZETTE_COMMENTS_MAILS_PER_DAY mails a day (a digest at most every
GAZETTE_COMMENTS_DIGEST_HOURS), so the comment form cannot be used to send mail to strangers.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from gazette.comments import verification
from gazette.comments.models import Comment, MailLog

log = logging.getLogger(__name__)
_UNSUBSCRIBE_SALT = "gazette.comments.unsubscribe"


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def unsubscribe_token(comment: Comment) -> str:
    return signing.dumps(comment.pk, salt=_UNSUBSCRIBE_SALT)


def unsubscribe(token: str) -> bool:
    """Stop reply notifications to the address of the comment the token names."""
    try:
        pk = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return False
    email = Comment.objects.filter(pk=pk).values_list("email", flat=True).first()
    if email is None:
        return False
    Comment.objects.filter(email=email, notify=True).update(notify=False)
    return True


def _allowed(recipient: str, kind: str) -> bool:
    key = verification.email_key(recipient)
    now = timezone.now()
    sent = MailLog.objects.filter(recipient_key=key, sent_at__gte=now - dt.timedelta(days=1))
    if sent.count() >= settings.GAZETTE_COMMENTS_MAILS_PER_DAY:
        return False
    if kind == "digest":
        since = now - dt.timedelta(hours=settings.GAZETTE_COMMENTS_DIGEST_HOURS)
        if sent.filter(kind="digest", sent_at__gte=since).exists():
            return False
    return True


def _send(kind: str, recipient: str, context: dict, headers: dict | None = None) -> bool:
    if not _allowed(recipient, kind):
        log.info("comment mail %s not sent: recipient's limit reached", kind)
        return False
    context = {"site_name": settings.WAGTAIL_SITE_NAME, **context}
    subject = " ".join(render_to_string(f"comments/email/{kind}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"comments/email/{kind}_body.txt", context),
        to=[recipient],
        headers=headers or {},
    )
    message.attach_alternative(
        render_to_string(f"comments/email/{kind}_body.html", context), "text/html"
    )
    message.send()
    MailLog.objects.create(recipient_key=verification.email_key(recipient), kind=kind)
    return True


@task()
def send_verification_mail(comment_id: int) -> bool:
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None:
        return False
    link = absolute(reverse("comment_verify", args=[verification.verify_token(comment)]))
    return _send("verify", comment.email, {"article_title": comment.article.title, "link": link})


@task()
def send_reply_notification(reply_id: int) -> bool:
    reply = (
        Comment.objects.select_related("article", "parent")
        .filter(pk=reply_id, status=Comment.Status.APPROVED)
        .first()
    )
    parent = reply.parent if reply is not None else None
    if parent is None or not parent.notify or parent.email == reply.email:
        return False
    if not verification.is_verified(parent.email):
        return False  # notifications go only to addresses their owner confirmed
    unsubscribe_link = absolute(reverse("comment_unsubscribe", args=[unsubscribe_token(parent)]))
    return _send(
        "reply",
        parent.email,
        {
            "article_title": reply.article.title,
            "link": reply.article.full_url + f"#{reply.anchor}",
            "unsubscribe_link": unsubscribe_link,
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def moderators():
    perm = Permission.objects.get(content_type__app_label="comments", codename="change_comment")
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return users.filter(
        Q(is_superuser=True) | Q(user_permissions=perm) | Q(groups__permissions=perm)
    ).distinct()


@task()
def send_moderator_digest() -> int:
    """How many comments wait, on which articles (headlines only), and the queue's link."""
    pending = Comment.objects.pending()
    total = pending.count()
    if not total:
        return 0
    articles = list(pending.values("article__title").annotate(n=Count("pk")).order_by("-n")[:10])
    context = {
        "total": total,
        "articles": articles,
        "link": absolute(reverse("comments_queue")),
    }
    return sum(_send("digest", user.email, context) for user in moderators())


def send_verification(comment: Comment) -> None:
    send_verification_mail.enqueue(comment.pk)


def notify_reply(comment: Comment) -> None:
    if comment.parent_id is not None:
        send_reply_notification.enqueue(comment.pk)


def queue_digest() -> None:
    send_moderator_digest.enqueue()
