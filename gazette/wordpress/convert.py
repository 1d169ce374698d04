"""WordPress post content (classic-editor HTML or block-editor markup) to Gazette's
article body blocks.

Both editors end up as HTML: the block editor wraps its blocks in ``<!-- wp:... -->``
comments around ordinary HTML, the classic editor stores text whose blank lines are
paragraphs (WordPress adds the ``<p>`` when showing it) and shortcodes. So: expand the few
shortcodes that have a meaning here ([caption], [gallery], [embed]), add the paragraphs,
then walk the top-level elements: headings, lists and text become rich-text paragraphs,
block quotes quote blocks, figures and images image blocks, embeds a link to what was
embedded (readers' pages load no external scripts). Every rich-text piece goes through
gazette.text.sanitise_rich_text. A shortcode that cannot be converted stays in the text,
visibly, and is reported.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from gazette.text import sanitise_rich_text

ImageFor = Callable[[str, str], int | None]  # (src URL, attachment ID or "") → image pk

_SHORTCODE = re.compile(r"\[(/?)([a-zA-Z][\w-]*)([^\]]*)\]")
_CAPTION = re.compile(r"\[caption([^\]]*)\](.*?)\[/caption\]", re.S)
_GALLERY = re.compile(r"\[gallery([^\]]*)\]")
_EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.S)
# [audio https://...mp3], [video src="..."]: what they play becomes a link, as embeds do.
_MEDIA = re.compile(r"\[(audio|video)\b([^\]]*)\](?:(.*?)\[/\1\])?", re.S)
_URL = re.compile(r"https?://[^\s\"'\]<>]+")
# Spaces, not \s: a blank line after the URL must stay, it separates paragraphs.
_LONE_URL = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M)
_BLOCK_TAGS = (
    "p|div|h[1-6]|ul|ol|li|blockquote|figure|pre|table|hr|dl|address|section|article"
    "|aside|header|footer|form|iframe|video|audio"
)
_HAS_BLOCKS = re.compile(rf"<(?:{_BLOCK_TAGS})[\s>/]", re.I)
_NEWLINE_AT_BLOCK = re.compile(rf"\s*\n\s*(?=</?(?:{_BLOCK_TAGS})[\s>/])|(?<=>)\s*\n\s*(?=<)", re.I)
_EMPTY_P = re.compile(r"<p>(?:\s|<br>)*</p>")
_EDGE_BREAKS = re.compile(r"^(?:\s|<br\s*/?>)+|(?:\s|<br\s*/?>)+$")
# What the converter handles as a block of its own; anything else is inline.
_BLOCK_NAMES = {
    "audio", "video", "figure", "figcaption", "iframe", "img", "blockquote", "h1", "h2",
    "h3", "h4", "h5", "h6", "ul", "ol", "hr", "p", "div", "section", "article", "aside",
    "header", "footer", "main", "script", "style", "form", "noscript", "pre", "table",
    "dl", "address",
}  # fmt: skip
_ATTR = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
_KNOWN = {"caption", "gallery", "embed"}


@dataclass
class Converted:
    blocks: list[dict[str, Any]] = field(default_factory=list)
    shortcodes: set[str] = field(default_factory=set)  # kept as text: reported
    embeds: int = 0
    images_missing: int = 0


def _uid() -> str:
    return str(uuid.uuid4())


def _link_paragraph(url: str) -> str:
    """What an embed or a player becomes: a paragraph with a link to what it showed."""
    return f'<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>'


def fill_galleries(text: str, attachment_ids: list[int]) -> str:
    """[gallery] without ids= shows the images attached to the post: name them."""
    if not attachment_ids or "[gallery" not in text:
        return text
    ids = ",".join(str(i) for i in attachment_ids)

    def fill(match: re.Match[str]) -> str:
        if "ids" in dict(_ATTR.findall(match.group(1))):
            return match.group(0)
        return f'[gallery{match.group(1)} ids="{ids}"]'

    return _GALLERY.sub(fill, text)


def autop(text: str) -> str:
    """WordPress's wpautop, briefly: blank lines separate paragraphs, a single newline is a
    line break, block-level HTML stays as it is."""
    if _HAS_BLOCKS.search(text) and "\n\n" not in text:
        return text
    out = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _HAS_BLOCKS.match(chunk) or chunk.startswith("<!--"):
            out.append(chunk)
        else:
            # A newline next to a block tag is layout, not a line break (as in wpautop).
            chunk = _NEWLINE_AT_BLOCK.sub(" ", chunk)
            out.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "".join(out)


def _shortcodes(text: str, result: Converted) -> str:
    def caption(match: re.Match[str]) -> str:
        inner = match.group(2)
        soup = BeautifulSoup(inner, "html.parser")
        img = soup.find("img")
        if img is None:
            return inner
        img.extract()
        caption_text = soup.get_text(" ", strip=True) or dict(_ATTR.findall(match.group(1))).get(
            "caption", ""
        )
        return f"<figure>{img}<figcaption>{html.escape(caption_text)}</figcaption></figure>"

    def gallery(match: re.Match[str]) -> str:
        ids = dict(_ATTR.findall(match.group(1))).get("ids", "")
        imgs = "".join(
            f'<img data-attachment="{i.strip()}" src="">' for i in ids.split(",") if i.strip()
        )
        return f'<figure class="wp-block-gallery">{imgs}</figure>' if imgs else ""

    def media(match: re.Match[str]) -> str:
        found = _URL.search(match.group(2)) or _URL.search(match.group(3) or "")
        if found is None:
            return match.group(0)  # kept, and reported
        # A link where the shortcode stood: it is often in the middle of a sentence.
        result.embeds += 1
        url = html.escape(found.group(0))
        return f'<a href="{url}">{url}</a>'

    text = _CAPTION.sub(caption, text)
    text = _MEDIA.sub(media, text)
    text = _GALLERY.sub(gallery, text)
    text = _EMBED.sub(
        lambda m: f'<figure class="wp-block-embed">{m.group(1).strip()}</figure>', text
    )
    # WordPress turns a URL alone on its line into an embed (oEmbed).
    return _LONE_URL.sub(lambda m: f'<figure class="wp-block-embed">{m.group(1)}</figure>', text)


# Text, paragraphs and inline markup only, perhaps in block-editor paragraph blocks: most
# news posts. They need no tree walk: one rich-text block, cleaned (100 times faster).
_SIMPLE = re.compile(
    r"(?:[^<\[]|<!-- /?wp:paragraph(?: \{[^>]*\})? -->|</?(?:p|br|a|strong|b|em|i|span)\b[^>]*>)*",
    re.I,
)
_WP_PARAGRAPH = re.compile(r"<!-- /?wp:paragraph(?: \{[^>]*\})? -->")


def convert(content: str, image_for: ImageFor | None = None) -> Converted:
    """Convert one post's content to StreamField data as stored (a list of block dicts)."""
    result = Converted()
    if _SIMPLE.fullmatch(content or "") and not _LONE_URL.search(content or ""):
        clean = sanitise_rich_text(autop(_WP_PARAGRAPH.sub("", content or "").strip())).strip()
        if clean:
            result.blocks.append({"type": "paragraph", "value": clean, "id": _uid()})
        return result
    text = _shortcodes(content or "", result)
    soup = BeautifulSoup(autop(text), "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()  # block-editor delimiters: the HTML between them is the content
    prose: list[str] = []

    def flush() -> None:
        clean = _EMPTY_P.sub("", sanitise_rich_text("".join(prose))).strip()
        if clean:
            result.blocks.append({"type": "paragraph", "value": clean, "id": _uid()})
        prose.clear()

    def image(img: Tag, caption: str) -> None:
        src = str(img.get("src") or "")
        attachment = str(img.get("data-attachment") or "")
        classes = " ".join(img.get("class") or [])
        if not attachment and (found := re.search(r"wp-image-(\d+)", classes)):
            attachment = found.group(1)
        pk = image_for(src, attachment) if image_for else None
        if pk is None:
            result.images_missing += 1
            alt = str(img.get("alt") or "") or caption or "image"
            if src.startswith(("http://", "https://")):
                prose.append(f'<p><a href="{html.escape(src)}">{html.escape(alt)}</a></p>')
            return
        flush()
        result.blocks.append(
            {"type": "image", "value": {"image": pk, "caption": caption}, "id": _uid()}
        )

    inline: list[str] = []  # text and inline markup between two blocks: one paragraph

    def flush_inline() -> None:
        text = _EDGE_BREAKS.sub("", "".join(inline))
        inline.clear()
        if text:
            prose.append("<p>" + re.sub(r"\s*\n\s*", "<br>", text) + "</p>")

    def walk(nodes: list[Any]) -> None:
        for node in nodes:
            if isinstance(node, NavigableString):
                inline.append(html.escape(str(node)))
                continue
            if not isinstance(node, Tag):
                continue
            name = node.name.lower()
            classes = " ".join(node.get("class") or [])
            if name not in _BLOCK_NAMES:
                inline.append(str(node))
                continue
            flush_inline()
            if name in ("audio", "video"):
                # What was played becomes a link to it (readers' pages load no players).
                source = node.find("source")
                url = str(node.get("src") or (source.get("src") if source else "") or "")
                result.embeds += 1
                if url.startswith(("http://", "https://")):
                    prose.append(_link_paragraph(url))
            elif name == "figure" and "wp-block-embed" in classes or name == "iframe":
                # The embedded address, not the caption that may follow it in the figure.
                found = _URL.search(str(node.get("src") or "") or node.get_text(" "))
                result.embeds += 1
                if found:
                    prose.append(_link_paragraph(found.group(0)))
                caption_tag = node.find("figcaption")
                caption = caption_tag.get_text(" ", strip=True) if caption_tag else ""
                if caption:
                    prose.append(f"<p>{html.escape(caption)}</p>")
            elif name == "figcaption":  # of a table, a video...: its text, as a paragraph
                caption = node.get_text(" ", strip=True)
                if caption:
                    prose.append(f"<p>{html.escape(caption)}</p>")
            elif name == "figure":
                imgs = node.find_all("img")
                caption_tag = node.find("figcaption")
                caption = caption_tag.get_text(" ", strip=True) if caption_tag else ""
                if imgs:
                    for img in imgs:
                        inner = img.find_parent("figure")
                        own = inner.find("figcaption") if inner is not None else None
                        if own is not None and inner is not node:
                            image(img, own.get_text(" ", strip=True))
                        else:
                            image(img, caption if len(imgs) == 1 else "")
                    if len(imgs) > 1 and caption:
                        prose.append(f"<p>{html.escape(caption)}</p>")
                else:
                    walk(list(node.children))
            elif name == "img":
                image(node, "")
            elif name == "blockquote":
                cite = node.find("cite")
                attribution = cite.get_text(" ", strip=True) if cite else ""
                if cite:
                    cite.extract()
                quote = node.get_text("\n", strip=True)
                if quote:
                    flush()
                    result.blocks.append(
                        {
                            "type": "quote",
                            "value": {"quote": quote, "attribution": attribution},
                            "id": _uid(),
                        }
                    )
            elif name in ("h1", "h2"):
                prose.append(f"<h2>{node.decode_contents()}</h2>")
            elif name in ("h3", "h4", "h5", "h6"):
                prose.append(f"<h3>{node.decode_contents()}</h3>")
            elif name in ("ul", "ol", "hr"):
                prose.append(str(node))
            elif name == "p" and any(
                isinstance(child, Tag) and child.name.lower() in _BLOCK_NAMES
                for child in node.children
            ):
                # Classic text with a heading or list in the middle of a paragraph
                # ("Intro.\n<h2>Title</h2>\nMore."): its pieces, each in its place.
                walk(list(node.children))
                flush_inline()
            elif name == "p":
                inner = node.find_all("img")
                if inner:
                    for img in inner:
                        img.extract()
                    if node.get_text(strip=True):
                        prose.append(str(node))
                    for img in inner:
                        image(img, "")
                else:
                    prose.append(str(node))
            elif name in ("div", "section", "article", "aside", "header", "footer", "main"):
                walk(list(node.children))
            elif name in ("script", "style", "form", "noscript"):
                continue
            elif name == "table":
                # Rich text has no tables: a row per line, its cells apart, so that the
                # figures stay readable (a table of numbers run together is not).
                rows = [
                    " · ".join(c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"]))
                    for tr in node.find_all("tr")
                ]
                lines = [html.escape(row) for row in rows if row.strip(" ·")]
                if lines:
                    prose.append("<p>" + "<br>".join(lines) + "</p>")
            elif name in ("pre", "dl", "address"):
                # Its lines stay lines (poems, addresses, code).
                lines = [html.escape(line) for line in node.get_text("\n").strip("\n").split("\n")]
                prose.append("<p>" + "<br>".join(lines) + "</p>")

    walk(list(soup.children))
    flush_inline()
    flush()
    for block in result.blocks:
        if block["type"] == "paragraph":
            for match in _SHORTCODE.finditer(block["value"]):
                if match.group(2).lower() not in _KNOWN:
                    result.shortcodes.add(match.group(2).lower())
    return result


def to_html(blocks: list[dict[str, Any]], image_tag: Callable[[int, str], str]) -> str:
    """The blocks back to HTML (rich text as is), for a page body that is one rich text."""
    parts = []
    for block in blocks:
        if block["type"] == "paragraph":
            parts.append(block["value"])
        elif block["type"] == "quote":
            value = block["value"]
            cite = f"<p>— {html.escape(value['attribution'])}</p>" if value["attribution"] else ""
            parts.append(f"<blockquote>{html.escape(value['quote'])}</blockquote>{cite}")
        elif block["type"] == "image":
            parts.append(image_tag(block["value"]["image"], block["value"]["caption"]))
    return "\n".join(parts)
