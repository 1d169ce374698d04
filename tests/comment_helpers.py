"""Small helpers shared by the comment thread, queue and privacy tests."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

from gazette.comments.models import Comment


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
