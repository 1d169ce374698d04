"""Shareable previews: a signed link to an article's latest draft, for someone without an
account (a source checking a quote, a lawyer reading before publication).

The link carries the page's ID and its expiry time, signed with SECRET_KEY, so nothing is
stored and nothing can be guessed or stretched: changing a character breaks the signature.
It shows the latest revision when opened, so a corrected draft needs no new link. Its
responses are never cached (Cache-Control: private, no-store; gazette.cache refuses
previews anyway) and never indexed (X-Robots-Tag and a robots meta tag).
"""

from __future__ import annotations

import datetime as dt
import time

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from wagtail.models import Page

SALT = "gazette.newsroom.preview"
# What an editor may choose when making a link, in hours.
LIFETIMES = {1: "1 hour", 24: "1 day", 72: "3 days", 168: "7 days"}


def preview_link(*, page: Page, hours: int, now: float | None = None) -> tuple[str, dt.datetime]:
    """The path of a preview link for ``page`` valid ``hours`` hours, and its expiry."""
    if hours not in LIFETIMES:
        raise ValueError(f"A preview link lasts one of {sorted(LIFETIMES)} hours.")
    expires = int((now or time.time()) + hours * 3600)
    token = signing.dumps({"p": page.pk, "x": expires}, salt=SALT)
    return (
        reverse("gazette_preview", args=[token]),
        dt.datetime.fromtimestamp(expires, tz=dt.UTC),
    )


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak through links
    return response


def _refuse(request: HttpRequest, status: int, heading: str, message: str) -> HttpResponse:
    response = TemplateResponse(
        request,
        "newsroom/preview_error.html",
        {"heading": heading, "message": message},
        status=status,
    )
    return _private(response)


def serve_preview_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = signing.loads(token, salt=SALT)
        page_id, expires = int(data["p"]), int(data["x"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return _refuse(
            request,
            400,
            "This preview link is not valid",
            "The link is incomplete or has been changed. Ask the newsroom for a new one.",
        )
    if time.time() >= expires:
        when = timezone.localtime(dt.datetime.fromtimestamp(expires, tz=dt.UTC))
        return _refuse(
            request,
            410,
            "This preview link has expired",
            f"It was valid until {when:%Y-%m-%d %H:%M %Z}. Ask the newsroom for a new one.",
        )
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return _refuse(request, 404, "This draft no longer exists", "It has been deleted.")
    draft = page.specific.get_latest_revision_as_object()
    request.is_preview = True
    request.preview_mode = draft.default_preview_mode
    response = draft.serve_preview(request, draft.default_preview_mode)
    return _private(response)
