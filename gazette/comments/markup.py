"""A small Markdown subset for comments: emphasis, links, quotes and lists.

Python-Markdown renders the text with raw HTML, headings, code blocks, rules and images
switched off (what a reader types as "<b>" or "# 1" stays text), line breaks kept, and bare
http(s) addresses made links. gazette.text.sanitise_comment_html then cleans the result
against an allowlist, after this last transformation: only the allowed tags survive, links
only with http(s) addresses and rel="nofollow ugc", every attribute escaped.
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as etree

import markdown
from django.utils.safestring import SafeString
from markdown.inlinepatterns import InlineProcessor

from gazette.text import sanitise_comment_html

_BARE_URL = r"(?<![\w(\[<\"'=])(https?://[^\s<>\"]+[^\s<>\".,;:!?)\]'])"


class _BareLink(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 - Markdown's API
        link = etree.Element("a")
        link.set("href", m.group(1))
        link.text = m.group(1)
        return link, m.start(0), m.end(0)


_local = threading.local()


def _renderer() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(extensions=["nl2br", "sane_lists"], output_format="html")
        for name in ("html_block",):
            md.preprocessors.deregister(name)
        for name in ("hashheader", "setextheader", "hr", "code", "olist_start"):
            if name in md.parser.blockprocessors:
                md.parser.blockprocessors.deregister(name)
        for name in (
            "html",
            "entity",
            "image_link",
            "image_reference",
            "short_image_ref",
            "backtick",
        ):
            if name in md.inlinePatterns:
                md.inlinePatterns.deregister(name)
        md.inlinePatterns.register(_BareLink(_BARE_URL, md), "bare_link", 5)
        _local.md = md
    md.reset()
    return md


def render(text: str) -> SafeString:
    return sanitise_comment_html(_renderer().convert(text))
