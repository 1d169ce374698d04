"""The miss path: store what Django rendered, with its tags and HTTP caching headers."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags

from gazette.cache import expiry, fragments, get_store
from gazette.cache.http import location_for, response_storable
from gazette.cache.store import http_date

LOCATION_KEY = "gazette.cache.location"
# Headers that belong to one response, not to the stored page.
_NOT_STORED = {
    "set-cookie",
    "content-length",
    "content-encoding",
    "date",
    "vary",
    "x-cache",
    "etag",
    "last-modified",
    "cache-control",
    "surrogate-key",
}


def cache_control() -> str:
    return (
        f"public, max-age={settings.GAZETTE_CACHE_BROWSER_MAX_AGE}, "
        f"s-maxage={settings.GAZETTE_CACHE_SHARED_MAX_AGE}, "
        f"stale-while-revalidate={settings.GAZETTE_CACHE_STALE_WHILE_REVALIDATE}"
    )


class PageCacheMiddleware:
    """First in MIDDLEWARE. Pages that named their content tags (gazette.cache.tags) and
    depend on nothing but their URL are stored; the WSGI wrapper (gazette.cache.wsgi)
    serves them from then on without entering Django."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.time()
        setattr(request, fragments.STARTED, started)
        response = self.get_response(request)
        tags = getattr(request, "cache_tags", None)
        if not tags:
            return response
        store = get_store()
        location = None
        if store is not None and response_storable(request, response):
            location = request.META.get(LOCATION_KEY) or location_for(request.META)
        if location is None:
            response["Surrogate-Key"] = " ".join(sorted(tags))
            return response
        # A page that lists articles changes by itself when a future-dated one comes due.
        expires = expiry.next_change()
        own = getattr(request, "cache_expires", None)
        if own is not None:
            expires = own if expires is None else min(expires, own)
        if expires is not None:
            tags = {*tags, expiry.TIMED}
        body = response.content
        etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20] + '"'
        response["Surrogate-Key"] = " ".join(sorted(tags))
        response["ETag"] = etag
        response["Last-Modified"] = http_date(started)
        response["Cache-Control"] = cache_control()
        response["Vary"] = "Accept-Encoding"
        headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_STORED]
        headers += [
            ("Cache-Control", response["Cache-Control"]),
            ("Vary", "Accept-Encoding"),
            ("Last-Modified", response["Last-Modified"]),
            ("ETag", etag),
        ]
        stored = store.put(
            location, body=body, headers=headers, tags=tags, started=started, expires=expires
        )
        response["X-Cache"] = "MISS" if stored else "BYPASS"
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            not_modified = HttpResponseNotModified()
            for header in ("ETag", "Cache-Control", "Last-Modified", "Vary"):
                not_modified[header] = response[header]
            return not_modified
        return response
