"""The hit path: a WSGI wrapper in front of Django that answers cached pages itself.

A hit costs a stat() of the page's meta file and a dictionary look-up: no URL routing, no
middleware, no database. Everything else goes on to Django.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from gazette.cache import get_store
from gazette.cache.http import location_for
from gazette.cache.middleware import LOCATION_KEY
from gazette.cache.store import Entry


def _accepts(header: str, coding: str) -> bool:
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() == coding:
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


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

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method == "GET" or method == "HEAD":
            location = location_for(environ)
            if location is not None:
                store = get_store()
                entry = store.get(location) if store is not None else None
                if entry is not None:
                    return self.serve(entry, environ, start_response, method == "HEAD")
                environ[LOCATION_KEY] = location
        return self.application(environ, start_response)

    def serve(self, entry: Entry, environ, start_response, head: bool):
        if _not_modified(entry, environ):
            headers = [
                (k, v)
                for k, v in entry.headers
                if k in ("ETag", "Cache-Control", "Last-Modified", "Vary")
            ]
            start_response("304 Not Modified", [*headers, ("X-Cache", "HIT")])
            return []
        accept = environ.get("HTTP_ACCEPT_ENCODING", "")
        headers = list(entry.headers)
        body = entry.body
        if accept:
            if entry.br is not None and _accepts(accept, "br"):
                body = entry.br
                headers.append(("Content-Encoding", "br"))
            elif entry.gzip is not None and _accepts(accept, "gzip"):
                body = entry.gzip
                headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        headers.append(("Surrogate-Key", " ".join(entry.tags)))
        headers.append(("X-Cache", "HIT"))
        start_response("200 OK", headers)
        return [] if head else [body]
