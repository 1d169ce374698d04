"""Posting the comment form as a browser would: with the page's own signed timestamp."""

from __future__ import annotations

import re
import time

from gazette.comments.checks import form_token

GOOD = {
    "body": "The pier was rebuilt once before, in 1952.",
    "name": "Ann Reader",
    "email": "ann.reader@example.org",
    "website": "",
}


def aged_token(article, seconds: float = 30) -> str:
    """The token a page rendered `seconds` ago carries."""
    return form_token(article.pk, at=time.time() - seconds)


def token_in_page(html: str) -> str:
    found = re.search(r'name="form_token" value="([^"]*)"', html)
    assert found, "the form carries a signed timestamp"
    return found.group(1)


def post(client, article, *, token: str | None = None, **changes):
    """Post the form; upper-case keywords (REMOTE_ADDR, HTTP_...) are request headers."""
    meta = {k: v for k, v in changes.items() if k.isupper()}
    fields = {k: v for k, v in changes.items() if not k.isupper()}
    data = {**GOOD, "form_token": aged_token(article) if token is None else token, **fields}
    return client.post(article.url, data, **meta)
