"""Cross-site request forgery protection for public forms without tokens or cookies.

Article pages are served from the page cache to every reader, so the comment form cannot
carry Django's per-visitor CSRF token (the token would belong to whoever filled the cache,
and the cookie that goes with it would stop the page from being cached at all). Instead the
form's POST is checked with the headers browsers send on every POST, as Go 1.25's
CrossOriginProtection does:

- ``Sec-Fetch-Site`` (all current browsers): only ``same-origin`` and ``none`` (typed by the
  user) pass;
- otherwise ``Origin``: it must be this site's own origin or a CSRF_TRUSTED_ORIGINS entry;
- a request with neither header does not come from a browser (a browser always sends one of
  them on POST), so it cannot carry a victim's credentials and is let through to the form's
  own validation and moderation.

The admin keeps Django's token-based CSRF protection.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def is_cross_origin(request: HttpRequest) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site.lower() not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    if origin == "null":
        return True
    own = f"{request.scheme}://{request.get_host()}"
    return origin.lower() != own.lower() and origin not in settings.CSRF_TRUSTED_ORIGINS
