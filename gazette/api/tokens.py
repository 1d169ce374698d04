"""Making, checking and revoking API tokens: plain functions for the CLI, the API and tests.

Tokens are Wagtail's APIToken (an HMAC digest stored, the token shown once); Gazette adds
an optional expiry (models.TokenExpiry) and the reason a token is refused."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from wagtail.models import APIToken

from gazette.api.models import TokenExpiry


class TokenError(Exception):
    """A token that does not let its bearer in, with the reason to tell them."""


@transaction.atomic
def token_create(
    *, user: AbstractBaseUser, name: str, expires_in: dt.timedelta | None = None
) -> tuple[APIToken, str]:
    """Make a token for ``user``; returns the stored record and the token, which exists
    nowhere else from then on."""
    record, token = APIToken.create_token(user=user, name=name)
    if expires_in is not None:
        TokenExpiry.objects.create(token=record, expires_at=timezone.now() + expires_in)
    return record, token


def token_expires_at(record: APIToken) -> dt.datetime | None:
    try:
        return record.gazette_expiry.expires_at
    except TokenExpiry.DoesNotExist:
        return None


def token_revoke(*, token: APIToken) -> APIToken:
    if token.revoked_at is None:
        token.revoke()
    return token


def token_user(raw: str) -> AbstractBaseUser:
    """The active user a token belongs to (one query), or TokenError saying why not."""
    # A malformed token (wrong prefix, length or checksum) cannot exist: no query for it.
    if not raw or len(raw) > 200 or not APIToken.validate_token_format(raw):
        raise TokenError("Unknown token.")
    record = (
        APIToken.objects.select_related("user", "gazette_expiry")
        .filter(key_hash__in=APIToken.candidate_key_hashes(raw))
        .first()
    )
    if record is None:
        raise TokenError("Unknown token.")
    if record.revoked_at is not None:
        raise TokenError("This token has been revoked.")
    now = timezone.now()
    expires_at = token_expires_at(record)
    if expires_at is not None and expires_at <= now:
        raise TokenError("This token has expired.")
    if not record.user.is_active:
        raise TokenError("This token's account is disabled.")
    # Writing last_used_at on every request would turn each read into a write.
    interval = getattr(settings, "WAGTAILAPI_TOKEN_LAST_USED_INTERVAL", 60)
    if record.last_used_at is None or (now - record.last_used_at).total_seconds() >= interval:
        APIToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
