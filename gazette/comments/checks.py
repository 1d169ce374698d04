"""The moderation pipeline: every comment, from the form or the API, passes here.

``submit()`` is the one write that comment_submit (moderation.py) delegates to. It first
refuses what cannot be stored at all (bad input, a closed article, an impossible reply, a
rate limit: CommentRefused, with a status and a message for the reader), then runs the
checks. Each check returns a Verdict: allow, hold or reject, with a reason code that is
stored on the comment and shown to moderators. Any reject: the comment is kept as spam (so
a moderator can still rescue a false positive) and the reader told why; any hold: it waits
in the queue; otherwise it is published at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from gazette import cache
from gazette.cache import tags
from gazette.comments import classifier, policy, verification
from gazette.comments.models import Comment

ALLOW, HOLD, REJECT = "allow", "hold", "reject"

# What each reason code means, for moderators (the queue) and the docs.
REASONS = {
    "honeypot": "filled in the hidden field only robots see",
    "no-form-token": "sent without the form's signed timestamp (not from the page)",
    "bad-form-token": "the form's signed timestamp was forged or belongs to another article",
    "too-fast": "sent sooner after the page was rendered than a person can type",
    "form-old": "the form was rendered long ago (old cached page or a replayed form)",
    "links": "contains several links",
    "repeat": "the same text was posted on other articles",
    "reject-word": "contains a word on the reject list",
    "hold-word": "contains a word on the hold list",
    "first-time": "first comment from this address",
    "unverified": "address not confirmed from this browser",
    "classifier": "the spam classifier scores it as likely spam",
    "hold-all": "this article holds every comment for moderation",
}


@dataclass(frozen=True)
class Verdict:
    action: str = ALLOW
    code: str = ""
    detail: str = ""
    # What the reader is told when this verdict rejects the comment.
    message: str = ""

    @property
    def reason(self) -> str:
        return f"{self.code}:{self.detail}" if self.detail else self.code


@dataclass(frozen=True)
class Submission:
    article: object
    name: str
    email: str
    body: str
    website: str
    ip_network: str
    parent: Comment | None = None
    notify: bool = False
    # The form's hidden fields (honeypot, signed timestamp); None for the API.
    form_meta: Mapping[str, str] | None = None
    # The keyed hash of the address the browser proved it owns (verification cookie).
    proven_email_key: str = ""
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def body_hash(self) -> str:
        return body_hash(self.body)


class CommentRefused(Exception):
    """The comment was not accepted. ``status`` is the HTTP answer (400, 403 or 429);
    ``comment`` is set when it was nevertheless kept as spam for moderators to see."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int = 400,
        field: str | None = None,
        comment: Comment | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status
        self.field, self.comment = field, comment


def body_hash(body: str) -> str:
    normal = " ".join(unicodedata.normalize("NFKC", body).casefold().split())
    return hashlib.sha256(normal.encode()).hexdigest()


# --- The form's signed timestamp ------------------------------------------------------
#
# Article pages are served from the full-page cache, so the timestamp rendered into a form
# may be much older than the reader's visit. Three things follow. (1) The minimum fill time
# measures from the page's rendering, so on a cached page it is only a lower bound; it
# still stops scripts that fetch a fresh page and post at once. (2) An article page with an
# open form asks the cache to expire it after half of GAZETTE_COMMENTS_FORM_MAX_AGE
# (form_guard_expiry), so a reader always gets a form with at least half the maximum age
# left to fill it in. (3) A token older than the maximum age (a tab left open for days, or
# a replayed form) *holds* the comment instead of rejecting it: nothing a person typed is
# lost. The token names its article, so one harvested from one page is refused on another.

_FORM_SALT = "gazette.comments.form"


def form_token(article_id: int, at: float | None = None) -> str:
    return signing.Signer(salt=_FORM_SALT).sign_object(
        {"a": article_id, "t": int(at if at is not None else time.time())}
    )


def form_guard_expiry() -> float:
    """When a cached page carrying a fresh form token should be rendered again."""
    return time.time() + settings.GAZETTE_COMMENTS_FORM_MAX_AGE / 2


def check_form(sub: Submission) -> Verdict:
    meta = sub.form_meta
    if meta is None:
        return Verdict()  # the API: no page, no form
    sorry = "Your comment could not be accepted. Please reload the page and try again."
    if meta.get("url", "").strip():
        return Verdict(REJECT, "honeypot", message=sorry)
    if not settings.GAZETTE_COMMENTS_FORM_GUARD:
        return Verdict()
    token = meta.get("form_token", "")
    if not token:
        return Verdict(REJECT, "no-form-token", message=sorry)
    try:
        data = signing.Signer(salt=_FORM_SALT).unsign_object(token)
        article_id, issued = int(data["a"]), int(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Verdict(REJECT, "bad-form-token", message=sorry)
    if article_id != sub.article.pk:
        return Verdict(REJECT, "bad-form-token", message=sorry)
    age = sub.now.timestamp() - issued
    if age < settings.GAZETTE_COMMENTS_FORM_MIN_SECONDS:
        return Verdict(
            REJECT,
            "too-fast",
            f"{max(age, 0):.0f}s",
            "Your comment was sent a moment after the page loaded, faster than anyone can "
            "type: please wait a few seconds and send it again.",
        )
    if age > settings.GAZETTE_COMMENTS_FORM_MAX_AGE:
        return Verdict(HOLD, "form-old", f"{age / 3600:.0f}h")
    return Verdict()


# --- Content checks ---------------------------------------------------------------------

_LINK = re.compile(r"https?://|www\.", re.I)


def check_links(sub: Submission) -> Verdict:
    links = len(_LINK.findall(sub.body))
    if links >= settings.GAZETTE_COMMENTS_HOLD_LINKS:
        return Verdict(HOLD, "links", str(links))
    return Verdict()


def _word_pattern(words: list[str]) -> re.Pattern[str] | None:
    words = [w.strip() for w in words if w.strip()]
    if not words:
        return None
    # Whole words only: "class" on the list must not catch "classic". \b fails next to
    # punctuation-only entries, hence the look-arounds on word characters.
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I | re.UNICODE)


_patterns: dict[tuple[str, ...], re.Pattern[str] | None] = {}


def matched_word(text: str, words: list[str]) -> str:
    key = tuple(words)
    if key not in _patterns:
        _patterns[key] = _word_pattern(words)
    pattern = _patterns[key]
    found = pattern.search(unicodedata.normalize("NFKC", text)) if pattern else None
    return found.group(0).lower() if found else ""


def check_words(sub: Submission) -> Verdict:
    text = f"{sub.name}\n{sub.website}\n{sub.body}"
    word = matched_word(text, settings.GAZETTE_COMMENTS_REJECT_WORDS)
    if word:
        return Verdict(
            REJECT,
            "reject-word",
            word,
            "Your comment was not posted: it contains language this site does not publish.",
        )
    word = matched_word(text, settings.GAZETTE_COMMENTS_HOLD_WORDS)
    if word:
        return Verdict(HOLD, "hold-word", word)
    return Verdict()


REPEAT_WINDOW = dt.timedelta(days=1)


def check_repeat(sub: Submission) -> Verdict:
    """The same text on other articles within a day: a repeat post (copy-paste spam)."""
    others = (
        Comment.objects.filter(body_hash=sub.body_hash, created_at__gte=sub.now - REPEAT_WINDOW)
        .exclude(article_id=sub.article.pk)
        .count()
    )
    return Verdict(HOLD, "repeat", str(others)) if others else Verdict()


def trust(sub: Submission) -> bool:
    """Published at once only when this browser proved the address (verification) and the
    address has an approved comment and none marked as spam."""
    key = verification.email_key(sub.email)
    if not sub.proven_email_key or sub.proven_email_key != key:
        return False
    history = set(
        Comment.objects.filter(email=sub.email)
        .filter(status__in=[Comment.Status.APPROVED, Comment.Status.SPAM])
        .values_list("status", flat=True)
        .distinct()
    )
    return history == {Comment.Status.APPROVED}


def check_first_time(sub: Submission) -> Verdict:
    if trust(sub):
        return Verdict()
    approved = Comment.objects.approved().filter(email=sub.email).exists()
    return Verdict(HOLD, "unverified" if approved else "first-time")


def check_classifier(sub: Submission) -> Verdict:
    found = classifier.tokens(name=sub.name, email=sub.email, body=sub.body, website=sub.website)
    probability = classifier.spam_probability(found, classifier._stored_counts(found))
    if probability is not None and probability >= settings.GAZETTE_COMMENTS_SPAM_THRESHOLD:
        # Never a reject: a classifier is wrong sometimes, and a moderator decides.
        return Verdict(HOLD, "classifier", f"{probability:.2f}")
    return Verdict()


def check_policy(sub: Submission) -> Verdict:
    if policy.policy(sub.article, sub.now) == policy.HOLD_ALL:
        return Verdict(HOLD, "hold-all")
    return Verdict()


CHECKS: list[Callable[[Submission], Verdict]] = [
    check_form,
    check_policy,
    check_words,
    check_links,
    check_repeat,
    check_first_time,
    check_classifier,
]


def site_checks() -> list[Callable[[Submission], Verdict]]:
    """The site's own checks (GAZETTE_COMMENTS_EXTRA_CHECKS), e.g. an external service."""
    return [import_string(path) for path in settings.GAZETTE_COMMENTS_EXTRA_CHECKS]


# --- Refusals before anything is stored -------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def validate_input(*, name: str, email: str, body: str, website: str) -> None:
    """What the form checks, again, for every caller (the API has no form)."""
    limit = settings.GAZETTE_COMMENT_MAX_LENGTH
    if not body.strip():
        raise CommentRefused("Please type your comment.", code="empty", field="body")
    if len(body) > limit:
        raise CommentRefused(
            f"Your comment is too long: please keep it under {limit:,} characters.",
            code="too-long",
            field="body",
        )
    if _CONTROL.search(body.replace("\r", "")):
        raise CommentRefused(
            "Your comment contains control characters.", code="control", field="body"
        )
    if not name.strip() or len(name) > 100 or _CONTROL.search(name) or "\n" in name:
        raise CommentRefused(
            "Please enter your name using letters, numbers and punctuation.",
            code="bad-name",
            field="name",
        )
    if len(email) > 254 or "@" not in email or _CONTROL.search(email) or "\n" in email:
        raise CommentRefused("Please enter a valid email address.", code="bad-email", field="email")
    if website and (
        len(website) > 500
        or not website.lower().startswith(("http://", "https://"))
        or _CONTROL.search(website)
    ):
        raise CommentRefused(
            "Please enter a web address starting with http:// or https://.",
            code="bad-website",
            field="website",
        )


def check_reply(article, parent: Comment | None) -> None:
    if parent is None:
        return
    if parent.article_id != article.pk:
        raise CommentRefused(
            "You can only reply to a comment on this article.", code="reply-elsewhere"
        )
    if parent.status != Comment.Status.APPROVED:
        raise CommentRefused(
            "The comment you are replying to is not published (yet), so it cannot be "
            "answered. You can post your comment on its own instead.",
            code="reply-unpublished",
        )
    depth, ancestor = 1, parent
    limit = settings.GAZETTE_COMMENTS_MAX_DEPTH
    while ancestor.parent_id is not None and depth <= limit:
        ancestor = Comment.objects.only("pk", "parent_id").get(pk=ancestor.parent_id)
        depth += 1
    if depth >= limit:
        raise CommentRefused(
            f"Replies go {limit} levels deep at most: please reply to an earlier comment "
            "in this thread instead.",
            code="reply-too-deep",
        )


def parse_rate(value: str) -> tuple[int, int]:
    count, _, seconds = value.partition("/")
    return int(count), int(seconds or 60)


def check_rates(sub: Submission) -> None:
    """Comments stored (whatever their status) count towards the limits; refused ones do
    not, so a flood is stopped after the first few without filling the database."""
    message = (
        "You have posted several comments in a short time. Please wait a few minutes "
        "before posting again."
    )
    count, seconds = parse_rate(settings.GAZETTE_COMMENTS_RATE_NETWORK)
    since = sub.now - dt.timedelta(seconds=seconds)
    if sub.ip_network and (
        Comment.objects.filter(ip_network=sub.ip_network, created_at__gte=since).count() >= count
    ):
        raise CommentRefused(message, code="rate-network", status=429)
    count, seconds = parse_rate(settings.GAZETTE_COMMENTS_RATE_EMAIL)
    since = sub.now - dt.timedelta(seconds=seconds)
    if Comment.objects.filter(email=sub.email, created_at__gte=since).count() >= count:
        raise CommentRefused(message, code="rate-email", status=429)


def check_duplicate(sub: Submission) -> None:
    if (
        Comment.objects.filter(article_id=sub.article.pk, body_hash=sub.body_hash, email=sub.email)
        .exclude(status=Comment.Status.TRASH)
        .exists()
    ):
        raise CommentRefused(
            "You have already posted this comment here.", code="duplicate", field="body"
        )


# --- The write ------------------------------------------------------------------------


def submit(
    *,
    article,
    name: str,
    email: str,
    body: str,
    website: str = "",
    ip_network: str = "",
    parent: Comment | int | None = None,
    notify: bool = False,
    form_meta: Mapping[str, str] | None = None,
    proven_email_key: str = "",
) -> Comment:
    email = verification.normalise_email(email)
    body = body.replace("\r\n", "\n")
    validate_input(name=name, email=email, body=body, website=website)
    closed = policy.closed_reason(article)
    if closed:
        raise CommentRefused(closed, code="closed", status=403)
    if isinstance(parent, int):
        parent_comment = Comment.objects.filter(pk=parent).first()
        if parent_comment is None:
            raise CommentRefused(
                "The comment you are replying to no longer exists.", code="reply-missing"
            )
        parent = parent_comment
    check_reply(article, parent)
    sub = Submission(
        article=article,
        name=name,
        email=email,
        body=body,
        website=website,
        ip_network=ip_network,
        parent=parent,
        notify=notify,
        form_meta=form_meta,
        proven_email_key=proven_email_key,
    )
    check_rates(sub)
    check_duplicate(sub)
    verdicts = [check(sub) for check in [*CHECKS, *site_checks()]]
    rejects = [v for v in verdicts if v.action == REJECT]
    holds = [v for v in verdicts if v.action == HOLD]
    if rejects:
        status = Comment.Status.SPAM
    elif holds:
        status = Comment.Status.PENDING
    else:
        status = Comment.Status.APPROVED
    with transaction.atomic():
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            name=name,
            email=email,
            website=website,
            body=body,
            ip_network=ip_network,
            status=status,
            reasons=[v.reason for v in rejects + holds],
            body_hash=sub.body_hash,
            notify=notify,
            created_at=sub.now,
        )
        if status == Comment.Status.APPROVED:
            cache.purge({tags.page(article.pk)})
    if rejects:
        raise CommentRefused(rejects[0].message, code=rejects[0].code, comment=comment)
    from gazette.comments import mail

    if status == Comment.Status.APPROVED:
        mail.notify_reply(comment)
    else:
        if not sub.proven_email_key or sub.proven_email_key != verification.email_key(email):
            mail.send_verification(comment)
        mail.queue_digest()
    return comment


def on_moderation(*, comment: Comment, previous: str) -> None:
    """Called by moderation._moderate after a moderator's decision: teach the classifier,
    and tell the parent's author about a reply that has just been published."""
    if comment.status == Comment.Status.APPROVED:
        classifier.learn(comment, is_spam=False)
        if previous != Comment.Status.APPROVED:
            from gazette.comments import mail

            mail.notify_reply(comment)
    elif comment.status == Comment.Status.SPAM:
        classifier.learn(comment, is_spam=True)
