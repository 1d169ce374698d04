"""Deciding what may be cached, from the request (before Django) and from the response."""

from __future__ import annotations

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from gazette.cache import get_store
from gazette.cache.store import Location

CACHEABLE_TYPES = (
    "text/html",
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/json",
    "application/feed+json",
    "text/plain",
)
_valid_hosts: dict[tuple[str, tuple[str, ...]], bool] = {}


def location_for(environ: dict) -> Location | None:
    """Where the page for this request is cached, or None when the request must bypass the
    cache: not GET/HEAD, a logged-in session, an Authorization header, a host Django would
    refuse, or a query string other than ?page=N (and tracking parameters)."""
    store = get_store()
    if store is None:
        return None
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    if environ.get("HTTP_AUTHORIZATION"):
        return None
    cookie = environ.get("HTTP_COOKIE")
    if cookie and settings.SESSION_COOKIE_NAME + "=" in cookie:
        return None
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    domain, _port = split_domain_port(host)
    allowed = tuple(settings.ALLOWED_HOSTS)
    key = (domain, allowed)
    valid = _valid_hosts.get(key)
    if valid is None:
        valid = bool(domain) and validate_host(domain, allowed)
        if len(_valid_hosts) > 1000:
            _valid_hosts.clear()
        _valid_hosts[key] = valid
    if not valid:
        return None
    return store.locate(domain, environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", ""))


def vary_forbids(vary: str) -> bool:
    fields = {v.strip().lower() for v in vary.split(",")}
    return bool(fields & {"*", "cookie", "authorization"})


def response_storable(request, response) -> bool:
    """Cache only plain public 200 answers that depend on nothing but the URL."""
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    if vary_forbids(response.get("Vary", "")):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(d in cache_control for d in ("private", "no-store", "no-cache")):
        return False
    if getattr(request, "is_preview", False):
        return False
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type in CACHEABLE_TYPES
