"""Small helpers shared by the comment tests: posting the form as a browser would (with the
page's own signed timestamp), approved comments, and the nesting of threads in a page."""

from __future__ import annotations

import datetime as dt
import re
import time
from html.parser import HTMLParser

from gazette.comments.checks import form_token
from gazette.comments.models import Comment

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


def approved(article, body: str, *, parent=None, minutes: int = 0, **fields) -> Comment:
    """An approved comment, ``minutes`` after the article's date."""
    fields.setdefault("name", "Ann Reader")
    fields.setdefault("email", "ann@example.org")
    return Comment.objects.create(
        article=article,
        parent=parent,
        body=body,
        status=Comment.Status.APPROVED,
        created_at=article.date + dt.timedelta(minutes=minutes),
        **fields,
    )


class _Depths(HTMLParser):
    """The nesting level of every comment (li id="comment-N") in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.depths: dict[int, int] = {}
        self.order: list[int] = []

    def handle_starttag(self, tag, attrs):
        if tag != "li":
            return
        ident = dict(attrs).get("id") or ""
        match = re.fullmatch(r"comment-(\d+)", ident)
        if match:
            pk = int(match.group(1))
            self.depths[pk] = sum(1 for s in self.stack if s) + 1
            self.order.append(pk)
        self.stack.append(ident if match else None)

    def handle_endtag(self, tag):
        if tag == "li" and self.stack:
            self.stack.pop()


def comment_depths(html: str) -> tuple[dict[int, int], list[int]]:
    parser = _Depths()
    parser.feed(html)
    return parser.depths, parser.order
