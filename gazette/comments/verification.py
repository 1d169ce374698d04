"""Confirming a commenter's email address by a one-click signed link, and the trust that
follows from it.

Trust is never granted to a name+email pair, which anyone can type. Clicking the link
mailed to an address records the address as verified (by keyed hash) and gives *that
browser* a signed cookie naming the verification. A later comment is published at once only
when it carries that cookie for the same address and the address already has an approved
comment and none marked as spam (checks.trust). A mail scanner that follows the link
verifies the address but keeps the cookie to itself, so it cannot make anyone trusted.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from gazette.comments.models import Comment, VerifiedEmail

_VERIFY_SALT = "gazette.comments.verify"
_COOKIE_SALT = "gazette.comments.commenter"
COOKIE_NAME = "gazette_commenter"
LINK_MAX_AGE = 7 * 86400
COOKIE_MAX_AGE = 365 * 86400


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_key(email: str) -> str:
    """A keyed hash of the address: enough to recognise it again, not to read it."""
    return hmac.new(
        settings.SECRET_KEY.encode(), normalise_email(email).encode(), hashlib.sha256
    ).hexdigest()


def verify_token(comment: Comment) -> str:
    return signing.dumps({"c": comment.pk, "k": email_key(comment.email)}, salt=_VERIFY_SALT)


def is_verified(email: str) -> bool:
    return VerifiedEmail.objects.filter(key=email_key(email)).exists()


def verify(token: str) -> VerifiedEmail | None:
    """Record the address the token was made for as verified; None for a bad or old link."""
    try:
        data = signing.loads(token, salt=_VERIFY_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("k"), str):
        return None
    verified, _ = VerifiedEmail.objects.get_or_create(key=data["k"])
    return verified


def set_trust_cookie(response: HttpResponse, verified: VerifiedEmail) -> None:
    response.set_cookie(
        COOKIE_NAME,
        signing.dumps(verified.pk, salt=_COOKIE_SALT),
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.HTTPS,
    )


def proven_email_key(request: HttpRequest) -> str:
    """The keyed hash of the address this browser proved it receives mail at, or ""."""
    value = request.COOKIES.get(COOKIE_NAME)
    if not value:
        return ""
    try:
        pk = signing.loads(value, salt=_COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    except signing.BadSignature:
        return ""
    return VerifiedEmail.objects.filter(pk=pk).values_list("key", flat=True).first() or ""


def forget(email: str) -> None:
    """Erase what this module keeps about an address (for the erase of one person's data)."""
    VerifiedEmail.objects.filter(key=email_key(email)).delete()
