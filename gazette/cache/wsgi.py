"""The hit path: a WSGI wrapper in front of Django that answers cached pages itself.

A hit costs a dictionary look-up of the request's URL, a stat() of the page's meta file and
the choice of a ready-made response (headers and body, per encoding): no URL routing, no
middleware, no database. Everything else goes on to Django. Every line here runs on every
hit, so it is written for speed: the decisions that depend only on the URL (host allowed,
path safe, query cacheable) are made once per URL and remembered.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from django.conf import settings

import gazette.cache
from gazette.cache import get_store
from gazette.cache.http import location_for
from gazette.cache.middleware import LOCATION_KEY
from gazette.cache.store import Entry

_UNKNOWN = object()


def _accepts(header: str, coding: str) -> bool:
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() == coding:
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _variant(header: str | None) -> int:
    """Which stored body suits an Accept-Encoding header: 0 identity, 1 gzip, 2 br."""
    if not header:
        return 0
    if _accepts(header, "br"):
        return 2
    return 1 if _accepts(header, "gzip") else 0


def _not_modified(entry: Entry, environ: dict) -> bool:
    inm = environ.get("HTTP_IF_NONE_MATCH")
    if inm is not None:
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return entry.etag in tags or "*" in tags
    ims = environ.get("HTTP_IF_MODIFIED_SINCE")
    if ims:
        try:
            return int(entry.last_modified) <= parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError):
            return False
    return False


class CachedApplication:
    def __init__(self, application):
        self.application = application
        self._generation = -1
        self._locations: dict[tuple[str, str, str], object] = {}
        self._encodings: dict[str, int] = {}
        self._session_cookie = ""

    def _configure(self) -> None:
        """Forget remembered decisions when the settings they came from change (tests)."""
        self._generation = gazette.cache.settings_generation
        self._locations = {}
        self._session_cookie = settings.SESSION_COOKIE_NAME + "="

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        if method != "GET" and method != "HEAD":
            return self.application(environ, start_response)
        store = get_store()
        if store is None:
            return self.application(environ, start_response)
        if self._generation != gazette.cache.settings_generation:
            self._configure()
        cookie = environ.get("HTTP_COOKIE")
        if (cookie and self._session_cookie in cookie) or "HTTP_AUTHORIZATION" in environ:
            return self.application(environ, start_response)
        key = (
            environ.get("HTTP_HOST", ""),
            environ.get("PATH_INFO", "/"),
            environ.get("QUERY_STRING", ""),
        )
        location = self._locations.get(key, _UNKNOWN)
        if location is _UNKNOWN:
            location = location_for(environ)
            if len(self._locations) > 10_000:
                self._locations = {}
            self._locations[key] = location
        if location is None:
            return self.application(environ, start_response)
        entry = store.get(location)
        if entry is None:
            environ[LOCATION_KEY] = location
            return self.application(environ, start_response)
        if "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
            if _not_modified(entry, environ):
                headers = [
                    (k, v)
                    for k, v in entry.headers
                    if k in ("ETag", "Cache-Control", "Last-Modified", "Vary")
                ]
                start_response("304 Not Modified", [*headers, ("X-Cache", "HIT")])
                return []
        accept = environ.get("HTTP_ACCEPT_ENCODING", "")
        index = self._encodings.get(accept)
        if index is None:
            index = _variant(accept)
            if len(self._encodings) < 1000:
                self._encodings[accept] = index
        variant = entry.variants[index]
        if variant is None:  # no brotli copy: gzip if the client takes it
            variant = entry.variants[1 if _accepts(accept, "gzip") else 0] or entry.variants[0]
        start_response("200 OK", variant[0])
        return [] if method == "HEAD" else [variant[1]]
