"""Reading a WordPress export (WXR) as a stream of authors, terms and items.

The file is parsed by defusedxml's parser with DTDs forbidden (and so entity declarations
and external entities: a billion-laughs or XXE file stops at its DOCTYPE), fed in 1 MB
chunks: every channel-level element is handed over once complete and dropped, so memory
stays flat however long the file. Errors carry the line and column expat reports.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder, XMLPullParser
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.utils import timezone

VERSIONS = ("1.0", "1.1", "1.2")
CHUNK = 1024 * 1024


class WXRError(ValueError):
    """The file cannot be imported: said with its line and column when there is one."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.message, self.line, self.column = message, line, column
        where = ""
        if line is not None:
            where = f"line {line}: " if column is None else f"line {line}, column {column}: "
        super().__init__(where + message)


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    line: int = 0


@dataclass
class Term:
    taxonomy: str  # category, post_tag, or another taxonomy
    slug: str
    name: str
    parent: str = ""  # the parent's slug
    line: int = 0


@dataclass
class WPComment:
    id: int
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: dt.datetime | None = None
    content: str = ""
    approved: str = "1"
    type: str = ""
    parent: int = 0
    line: int = 0


@dataclass
class Item:
    id: int
    post_type: str
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date: dt.datetime | None = None
    pub_date: dt.datetime | None = None  # RSS <pubDate>, for a post without wp:post_date
    status: str = ""
    slug: str = ""
    parent: int = 0
    password: str = ""
    sticky: bool = False
    attachment_url: str = ""
    comment_status: str = "open"
    # (taxonomy, slug, name) as the item lists them
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WPComment] = field(default_factory=list)
    line: int = 0

    @property
    def thumbnail_id(self) -> int | None:
        value = self.meta.get("_thumbnail_id", "")
        return int(value) if value.isdigit() else None


@dataclass
class Channel:
    version: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    link: str = ""
    title: str = ""

    @property
    def site(self) -> str:
        """What keys this site's objects in the mapping table."""
        return (self.base_blog_url or self.link or self.base_site_url).rstrip("/")


Event = Channel | Author | Term | Item


@functools.lru_cache(maxsize=512)
def _local(tag: str) -> str:
    """'{http://wordpress.org/export/1.2/}post_id' → 'wp:post_id', whatever the version."""
    if not tag.startswith("{"):
        return tag
    ns, _, name = tag[1:].partition("}")
    # WordPress.com writes its exports with https namespaces (the Theme Unit Test data
    # does): the same format.
    if ns.startswith(("http://wordpress.org/export/", "https://wordpress.org/export/")):
        return ("excerpt:" if ns.rstrip("/").endswith("excerpt") else "wp:") + name
    if ns == "http://purl.org/rss/1.0/modules/content/":
        return "content:" + name
    if ns == "http://purl.org/dc/elements/1.1/":
        return "dc:" + name
    return name


def _text(elem: Element, name: str) -> str:
    fields = _fields(elem)
    child = fields.get(name)
    if child is None:
        return ""
    return (child.text or "").strip() if name != "content:encoded" else child.text or ""


_field_cache: tuple[int, Element | None, dict[str, Element]] = (0, None, {})


def _fields(elem: Element) -> dict[str, Element]:
    """An element's children by name (the first of each), kept for the last element asked
    about: an item's dozen fields are then found in one walk, not one walk each."""
    global _field_cache
    key, cached, fields = _field_cache
    if cached is not elem or key != len(elem):
        fields = {}
        for child in elem:
            fields.setdefault(_local(child.tag), child)
        _field_cache = (len(elem), elem, fields)
    return fields


def _int(value: str, what: str, line: int) -> int:
    try:
        return int(value)
    except ValueError:
        raise WXRError(f"{what} is not a number: {value[:40]!r}", line) from None


def parse_date(gmt: str, local: str = "") -> dt.datetime | None:
    """WordPress's GMT date, or its local date in the newsroom's time zone; drafts have
    '0000-00-00 00:00:00' and get None."""
    for value, aware in ((gmt, True), (local, False)):
        if not value or value.startswith("0000"):
            continue
        value = value.strip()
        try:
            # By hand: strptime costs more than the rest of a comment's reading.
            parsed = dt.datetime(
                int(value[0:4]), int(value[5:7]), int(value[8:10]),
                int(value[11:13] or 0), int(value[14:16] or 0), int(value[17:19] or 0),
            )  # fmt: skip
        except ValueError:
            continue
        return parsed.replace(tzinfo=dt.UTC) if aware else timezone.make_aware(parsed)
    return None


def _author(elem: Element, line: int) -> Author:
    login = _text(elem, "wp:author_login")
    if not login:
        raise WXRError("an author has no wp:author_login", line)
    return Author(
        login=login,
        email=_text(elem, "wp:author_email"),
        display_name=_text(elem, "wp:author_display_name") or login,
        first_name=_text(elem, "wp:author_first_name"),
        last_name=_text(elem, "wp:author_last_name"),
        line=line,
    )


def _term(elem: Element, line: int) -> Term | None:
    kind = _local(elem.tag)
    if kind == "wp:category":
        return Term(
            "category",
            _text(elem, "wp:category_nicename"),
            _text(elem, "wp:cat_name"),
            _text(elem, "wp:category_parent"),
            line,
        )
    if kind == "wp:tag":
        return Term("post_tag", _text(elem, "wp:tag_slug"), _text(elem, "wp:tag_name"), "", line)
    return Term(
        _text(elem, "wp:term_taxonomy"),
        _text(elem, "wp:term_slug"),
        _text(elem, "wp:term_name"),
        _text(elem, "wp:term_parent"),
        line,
    )


def _comment(elem: Element, line: int) -> WPComment:
    return WPComment(
        id=_int(_text(elem, "wp:comment_id"), "wp:comment_id", line),
        author=_text(elem, "wp:comment_author"),
        email=_text(elem, "wp:comment_author_email"),
        url=_text(elem, "wp:comment_author_url"),
        ip=_text(elem, "wp:comment_author_IP"),
        date=parse_date(_text(elem, "wp:comment_date_gmt"), _text(elem, "wp:comment_date")),
        content=_text(elem, "wp:comment_content"),
        approved=_text(elem, "wp:comment_approved") or "0",
        type=_text(elem, "wp:comment_type"),
        parent=_int(_text(elem, "wp:comment_parent") or "0", "wp:comment_parent", line),
        line=line,
    )


def _item(elem: Element, line: int, lines: dict[int, int]) -> Item:
    raw_id = _text(elem, "wp:post_id")
    if not raw_id:
        raise WXRError("an item has no wp:post_id", line)
    item = Item(id=_int(raw_id, "wp:post_id", line), post_type=_text(elem, "wp:post_type"))
    item.line = line
    item.title = _text(elem, "title")
    item.link = _text(elem, "link")
    item.guid = _text(elem, "guid")
    item.creator = _text(elem, "dc:creator")
    item.content = _text(elem, "content:encoded")
    item.excerpt = _text(elem, "excerpt:encoded")
    item.date = parse_date(_text(elem, "wp:post_date_gmt"), _text(elem, "wp:post_date"))
    if item.date is None and (pub := _text(elem, "pubDate")):
        try:
            item.pub_date = email.utils.parsedate_to_datetime(pub)
        except (TypeError, ValueError):
            pass
        if item.pub_date is not None and item.pub_date.tzinfo is None:
            item.pub_date = None  # a date without its zone is not worth guessing
    item.status = _text(elem, "wp:status")
    item.slug = _text(elem, "wp:post_name")
    item.parent = _int(_text(elem, "wp:post_parent") or "0", "wp:post_parent", line)
    item.password = _text(elem, "wp:post_password")
    item.sticky = _text(elem, "wp:is_sticky") == "1"
    item.attachment_url = _text(elem, "wp:attachment_url")
    item.comment_status = _text(elem, "wp:comment_status") or "open"
    for child in elem:
        name = _local(child.tag)
        if name == "category":
            item.terms.append(
                (child.get("domain", "category"), child.get("nicename", ""), child.text or "")
            )
        elif name == "wp:postmeta":
            item.meta[_text(child, "wp:meta_key")] = _text(child, "wp:meta_value")
        elif name == "wp:comment":
            item.comments.append(_comment(child, lines.get(id(child), line)))
    return item


def read(source: Path | IO[bytes]) -> Iterator[Event]:
    """Yield the channel (once its version is known), then authors, terms and items in
    file order. Raises WXRError on a malformed file, a forbidden construct or an unknown
    version; the caller decides what was already done with the earlier events."""
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    pull = XMLPullParser(events=("start", "end"), _parser=parser)
    expat = builder.expat = parser.parser
    channel = Channel()
    channel_elem: Element | None = None
    depth = 0
    started = builder.lines
    announced = False

    def where() -> tuple[int, int]:
        return expat.CurrentLineNumber, expat.CurrentColumnNumber + 1

    def feed(data: bytes | None) -> list[tuple[str, Element]]:
        try:
            if data is None:
                pull.close()
            else:
                pull.feed(data)
            # XMLPullParser keeps a parse error among the events: it is raised here.
            return list(pull.read_events())
        except (ParseError, SyntaxError, ExpatError) as exc:
            # defusedxml's parser is the pure-Python one, whose ParseError is its own class.
            line, column = getattr(exc, "position", None) or where()
            raise WXRError(f"not well-formed XML ({_reason(exc)})", line, column + 1) from None
        except LookupError as exc:
            raise WXRError(f"not well-formed XML ({exc})", 1, 1) from None
        except DefusedXmlException as exc:
            line, column = where()
            raise WXRError(
                f"the file declares a DTD or entities ({type(exc).__name__}), which are "
                "refused: a WordPress export never needs them",
                line,
                column,
            ) from None

    stream = source.open("rb") if isinstance(source, Path) else source
    try:
        while True:
            data = stream.read(CHUNK)
            for event, elem in feed(data if data else None):
                if event == "start":
                    depth += 1
                    if depth == 1 and elem.tag != "rss":
                        raise WXRError(f"not a WordPress export: the root is <{elem.tag}>", 1)
                    if depth == 2 and elem.tag == "channel":
                        channel_elem = elem
                    continue
                depth -= 1
                if depth != 2 or channel_elem is None:
                    continue
                name = _local(elem.tag)
                line = started.pop(id(elem), 0)
                if name == "wp:wxr_version":
                    channel.version = (elem.text or "").strip()
                    if channel.version not in VERSIONS:
                        raise WXRError(
                            f"WXR version {channel.version!r} is not one Gazette reads "
                            f"({', '.join(VERSIONS)})",
                            line,
                        )
                elif name in ("title", "link", "wp:base_site_url", "wp:base_blog_url"):
                    attr = name.removeprefix("wp:")
                    if not getattr(channel, attr):
                        setattr(channel, attr, (elem.text or "").strip())
                elif name in ("wp:author", "wp:category", "wp:tag", "wp:term", "item"):
                    if not channel.version:
                        raise WXRError(
                            "no <wp:wxr_version> before the content: not a WordPress export "
                            "(WXR 1.0, 1.1 or 1.2)",
                            line,
                        )
                    if not announced:
                        announced = True
                        yield channel
                    if name == "wp:author":
                        yield _author(elem, line)
                    elif name == "item":
                        comment_lines = {
                            id(c): started.pop(id(c), line)
                            for c in elem
                            if _local(c.tag) == "wp:comment"
                        }
                        yield _item(elem, line, comment_lines)
                    else:
                        term = _term(elem, line)
                        if term is not None:
                            yield term
                # Done with it: drop it, so that the tree never holds more than one item.
                channel_elem.remove(elem)
            if not data:
                break
    finally:
        if isinstance(source, Path):
            stream.close()
    if not channel.version:
        raise WXRError("no <wp:wxr_version>: not a WordPress export (WXR 1.0, 1.1 or 1.2)")
    if not announced:
        yield channel


class _LineBuilder(TreeBuilder):
    """Notes the line each item and comment starts on, while expat is still there."""

    expat: Any = None

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.lines: dict[int, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        elem = super().start(tag, attrs)
        self.depth += 1
        if self.depth == 3 or (self.depth == 4 and tag.endswith("}comment")):
            self.lines[id(elem)] = self.expat.CurrentLineNumber
        return elem

    def end(self, tag: str) -> Element:
        self.depth -= 1
        return super().end(tag)


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text.split(":", 1)[0] if ": line" in text else text
