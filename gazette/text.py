"""Turning untrusted text into safe HTML: the one place Gazette sanitises user content."""

from __future__ import annotations

import nh3
from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe

# What a reader's plain-text comment may become: paragraphs, line breaks and links.
_COMMENT_TAGS = {"p", "br", "a"}
_COMMENT_ATTRIBUTES = {"a": {"href"}}


def plain_text_to_html(text: str) -> SafeString:
    """Escape a reader's plain text, keep its paragraphs, and make bare http(s) URLs links.

    The result goes through nh3 last, after every transformation, so whatever urlize or
    linebreaks produce, only the allowlisted tags, attributes and URL schemes survive, and
    every link carries rel="nofollow ugc".
    """
    html = linebreaks(urlize(text, nofollow=False, autoescape=True), autoescape=False)
    cleaned = nh3.clean(
        html,
        tags=_COMMENT_TAGS,
        attributes=_COMMENT_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="nofollow ugc",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it against an allowlist


# What a comment's Markdown subset may produce (gazette/comments/markup.py).
_COMMENT_MARKUP_TAGS = {"p", "br", "a", "em", "strong", "blockquote", "ul", "ol", "li"}


def sanitise_comment_html(html: str) -> SafeString:
    """Clean the HTML rendered from a comment's Markdown: the allowlisted tags only, links
    only to http(s) with rel="nofollow ugc", every attribute escaped by nh3's serialiser."""
    cleaned = nh3.clean(
        html,
        tags=_COMMENT_MARKUP_TAGS,
        attributes=_COMMENT_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="nofollow ugc",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it against an allowlist


def sanitise_rich_text(html: str) -> str:
    """Clean staff-written HTML (e.g. converted Markdown) to what Wagtail's rich text holds."""
    return nh3.clean(
        html,
        tags={
            "p",
            "br",
            "a",
            "strong",
            "b",
            "em",
            "i",
            "h2",
            "h3",
            "h4",
            "ul",
            "ol",
            "li",
            "blockquote",
            "hr",
            "code",
        },
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
