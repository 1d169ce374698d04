"""Publishing articles from Markdown files with a YAML front-matter header.

A file is checked completely before anything is written, and written in one transaction,
so bad front matter is reported with the file, the line and the reason, and leaves the
database as it was. The same file published again updates its article: an article is keyed
by its file name (or by ``id:`` in the front matter), stored in ``ArticlePage.source_id``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import yaml
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.rich_text import RichText
from willow.image import Image as WillowImage

from gazette.images.models import GazetteImage
from gazette.news.models import (
    ArticleAuthor,
    ArticlePage,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
)
from gazette.text import sanitise_rich_text

KNOWN_KEYS = {
    "title",
    "section",
    "authors",
    "credit",
    "date",
    "tags",
    "summary",
    "status",
    "comments",
    "slug",
    "id",
    "image",
    "image_caption",
    "image_credit",
    "image_alt",
    "updated",
}
REQUIRED_KEYS = ("title", "section")  # and a byline: authors, a credit, or both
MAX_FILE_BYTES = 5 * 1024 * 1024

ImageResolver = Callable[[str], Path]


class FrontMatterError(ValueError):
    """A problem in one file, with the line it is on (1-based, in the whole file)."""

    def __init__(self, path: Path, line: int, reason: str):
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path}:{line}: {reason}")


@dataclass
class ArticleSource:
    path: Path
    source_id: str
    title: str
    section: str
    authors: list[str]
    body: str
    slug: str
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    date: dt.datetime | None = None
    updated: dt.datetime | None = None
    status: str = "published"
    comments_open: bool = True
    image: Path | None = None
    image_caption: str = ""
    image_credit: str = ""
    image_alt: str = ""
    credit: str = ""  # a wire service or partner in the byline, e.g. "Reuters"


def _key_lines(front: str, first_line: int) -> dict[str, int]:
    """Map each top-level key to its line in the file, for error messages."""
    try:
        node = yaml.compose(front)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        k.value: first_line + k.start_mark.line for k, _ in node.value if isinstance(k.value, str)
    }


def _invalid_timestamp(front: str, first_line: int) -> tuple[str, int]:
    """The key and line of the first value YAML takes for a date but cannot make one of."""
    loader = yaml.SafeLoader(front)
    try:
        node = loader.get_single_node()
        for key, value in getattr(node, "value", []):
            if isinstance(value, yaml.ScalarNode) and value.tag.endswith(":timestamp"):
                try:
                    loader.construct_yaml_timestamp(value)
                except ValueError:
                    return str(key.value), first_line + value.start_mark.line
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return "date", first_line


def _as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        result = dt.datetime.fromisoformat(value.strip())
    else:
        raise ValueError("expected a date like 2026-11-20 or 2026-11-20T09:30:00+00:00")
    if timezone.is_naive(result):
        # A date without an offset is in the newsroom's time zone (TIME_ZONE).
        result = timezone.make_aware(result)
    return result


def _as_str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")]
    elif isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        items = [str(v).strip() for v in value]
    else:
        raise ValueError("expected a list of names, e.g. [Jane Roe, John Doe]")
    return [i for i in items if i]


def parse_file(path: Path, resolve_image: ImageResolver | None = None) -> ArticleSource:
    """Read and check one Markdown file; raise FrontMatterError on any problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FrontMatterError(path, 0, f"cannot read the file: {exc.strerror}") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise FrontMatterError(path, 0, f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FrontMatterError(path, line, "the file is not valid UTF-8") from exc
    if "\x00" in text:
        raise FrontMatterError(path, text[: text.index("\x00")].count("\n") + 1, "NUL byte")

    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(
            path, 1, "the file must start with a front-matter header: a line '---'"
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise FrontMatterError(
            path, len(lines), "the front-matter header is not closed by a line '---'"
        ) from None
    front = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :]).strip()
    try:
        meta = yaml.safe_load(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + mark.line if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrontMatterError(
            path, line, f"the front matter is not valid YAML: {problem}"
        ) from exc
    except ValueError as exc:
        # YAML reads 2026-02-30 as a date and fails on it with a plain ValueError.
        key, line = _invalid_timestamp(front, first_line=2)
        raise FrontMatterError(path, line, f"{key}: not a valid date ({exc})") from exc
    if not isinstance(meta, dict):
        raise FrontMatterError(path, 2, "the front matter must be 'key: value' lines")

    key_line = _key_lines(front, first_line=2)

    def fail(key: str, reason: str) -> FrontMatterError:
        return FrontMatterError(path, key_line.get(key, 1), f"{key}: {reason}")

    for key in meta:
        if key not in KNOWN_KEYS:
            raise fail(str(key), f"unknown key (known keys: {', '.join(sorted(KNOWN_KEYS))})")
    for key in REQUIRED_KEYS:
        if meta.get(key) in (None, "", []):
            raise FrontMatterError(path, end + 1, f"{key}: missing, and it is required")

    def text_value(key: str, limit: int = 255, default: str = "") -> str:
        value = meta.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str | int | float):
            raise fail(key, "expected text")
        value = str(value).strip()
        if len(value) > limit:
            raise fail(key, f"longer than {limit} characters")
        return value

    source = ArticleSource(
        path=path,
        source_id="md:" + (text_value("id") or path.stem),
        title=text_value("title"),
        section=text_value("section", 100),
        authors=[],
        body=body,
        slug="",
        summary=text_value("summary", 1000),
    )
    slug = slugify(text_value("slug") or source.title)[:80].strip("-")
    if not slug:
        raise fail("slug" if "slug" in meta else "title", "cannot make a web address from it")
    source.slug = slug
    source.credit = text_value("credit", 100)
    try:
        source.authors = _as_str_list(meta.get("authors"))
    except ValueError as exc:
        raise fail("authors", str(exc)) from exc
    if not source.authors and not source.credit:
        if "authors" in meta:
            raise fail("authors", "name at least one author, or give a credit")
        raise FrontMatterError(
            path, end + 1, "authors: missing; name at least one author, or give a credit"
        )
    if any(len(a) > 255 for a in source.authors):
        raise fail("authors", "an author's name is longer than 255 characters")
    if "tags" in meta and meta["tags"] is not None:
        try:
            source.tags = _as_str_list(meta["tags"])
        except ValueError as exc:
            raise fail("tags", str(exc).replace("names", "tags")) from exc
        if any(len(t) > 100 for t in source.tags):
            raise fail("tags", "a tag is longer than 100 characters")
    for key in ("date", "updated"):
        if meta.get(key) is not None:
            try:
                setattr(source, key, _as_datetime(meta[key]))
            except ValueError as exc:
                raise fail(key, f"not a valid date ({exc})") from exc
    status = text_value("status", default="published").lower()
    if status not in ("draft", "published"):
        raise fail("status", f"must be draft or published, not {status!r}")
    source.status = status
    comments = meta.get("comments", "open")
    if comments is True or comments is False:  # YAML reads "on"/"off", "yes"/"no" as bools
        comments = "open" if comments else "closed"
    if str(comments).lower() not in ("open", "closed"):
        raise fail("comments", f"must be open or closed, not {comments!r}")
    source.comments_open = str(comments).lower() == "open"
    if meta.get("image"):
        name = text_value("image", 500)
        image_path = resolve_image(name) if resolve_image else (path.parent / name)
        if not image_path.is_file():
            raise fail("image", f"no image file at {image_path}")
        try:
            # Read as Wagtail will, so that a file it cannot use is reported here, not halfway
            # through writing.
            with image_path.open("rb") as fh:
                WillowImage.open(fh).get_size()
        except Exception as exc:
            raise fail("image", f"{image_path} is not an image (JPEG, PNG, GIF or WebP)") from exc
        source.image = image_path
        source.image_caption = text_value("image_caption", 500)
        source.image_credit = text_value("image_credit")
        source.image_alt = text_value("image_alt")
    return source


_QUOTE_LINE = re.compile(r"^\s{0,3}>")
_ATTRIBUTION = re.compile(r"^\s*(?:—|–|--)\s*(.+)$")


def _markdown_html(text: str) -> str:
    html = markdown.markdown(text, extensions=["sane_lists", "smarty"], output_format="html")
    return sanitise_rich_text(html)


def body_blocks(text: str) -> list[tuple[str, Any]]:
    """Markdown to the article's StreamField blocks.

    Runs of prose become rich-text paragraphs; a block quote whose last line starts with a
    dash ("— Jane Roe, mayor") becomes a quote block with that attribution.
    """
    blocks: list[tuple[str, Any]] = []
    prose: list[str] = []

    def flush_prose() -> None:
        html = _markdown_html("\n".join(prose)).strip()
        if html:
            blocks.append(("paragraph", RichText(html)))
        prose.clear()

    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if not _QUOTE_LINE.match(lines[i]):
            prose.append(lines[i])
            i += 1
            continue
        quote: list[str] = []
        while i < len(lines) and _QUOTE_LINE.match(lines[i]):
            quote.append(_QUOTE_LINE.sub("", lines[i], count=1).strip())
            i += 1
        while quote and not quote[-1]:
            quote.pop()
        attribution = _ATTRIBUTION.match(quote[-1]) if quote else None
        if attribution and len(quote) > 1:
            flush_prose()
            quote_text = "\n".join(quote[:-1]).strip()
            # A quote block holds plain text: its lines joined, no Markdown markup.
            quote_text = re.sub(r"\s*\n\s*", " ", quote_text)
            blocks.append(("quote", {"quote": quote_text, "attribution": attribution.group(1)}))
        else:
            prose.extend(["", *("> " + q for q in quote), ""])
    flush_prose()
    return blocks


def _image_for(source: ArticleSource) -> GazetteImage | None:
    if source.image is None:
        return None
    data = source.image.read_bytes()
    digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
    image = GazetteImage.objects.filter(file_hash=digest).first()
    if image is None:
        with source.image.open("rb") as fh:
            image = GazetteImage(
                title=source.image_caption or source.image.stem.replace("-", " "),
                file=ImageFile(fh, name=source.image.name),
                file_hash=digest,
            )
            image.caption = source.image_caption
            image.credit = source.image_credit
            image.description = source.image_alt
            image.save()
    return image


def _home() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("The site is not set up yet: run `gazette setup` first.")
    return home


def _section(name: str) -> SectionPage:
    home = _home()
    section = SectionPage.objects.child_of(home).filter(title__iexact=name).first()
    if section is None:
        section = SectionPage(title=name, slug=slugify(name) or "section", show_in_menus=True)
        home.add_child(instance=section)
        section.save_revision().publish()
    return section


def _author(name: str) -> AuthorPage:
    author = AuthorPage.objects.filter(title__iexact=name).first()
    if author is None:
        index = AuthorIndexPage.objects.first()
        if index is None:
            raise RuntimeError("The site is not set up yet: run `gazette setup` first.")
        slug = slugify(name) or "author"
        n = 1
        while AuthorPage.objects.child_of(index).filter(slug=slug).exists():
            n += 1
            slug = f"{slugify(name)}-{n}"
        author = AuthorPage(title=name, slug=slug)
        index.add_child(instance=author)
        author.save_revision().publish()
    return author


def _unique_slug(section: SectionPage, slug: str, exclude_pk: int | None) -> str:
    candidate, n = slug, 1
    siblings = section.get_children()
    while siblings.filter(slug=candidate).exclude(pk=exclude_pk).exists():
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


@transaction.atomic
def publish_source(source: ArticleSource) -> tuple[ArticlePage, bool]:
    """Create or update the article for one checked file. Returns (article, created)."""
    section = _section(source.section)
    authors = [_author(name) for name in source.authors]
    image = _image_for(source)
    article = ArticlePage.objects.filter(source_id=source.source_id).first()
    created = article is None
    if article is None:
        article = ArticlePage(source_id=source.source_id)
        article.slug = _unique_slug(section, source.slug, None)
    else:
        article = article.get_latest_revision_as_object()
        if article.get_parent().pk != section.pk:
            article.move(section, pos="last-child")
            article.refresh_from_db()
            article = article.get_latest_revision_as_object()
    article.title = source.title
    article.standfirst = source.summary
    article.body = body_blocks(source.body)
    article.lead_image = image
    if source.date is not None:
        article.date = source.date
    article.updated = source.updated
    article.comments_open = source.comments_open
    article.tags.set(source.tags)
    article.credit = source.credit
    article.authors.clear()
    for credit in authors:
        article.authors.add(ArticleAuthor(author=credit))
    if created:
        article.live = False
        section.add_child(instance=article)
    if source.status == "published":
        revision = article.save_revision(log_action=True, clean=True)
        revision.publish()
    else:
        article.save_revision(log_action=True, clean=True)
        if article.live:
            article.unpublish()
    article.refresh_from_db()
    return article, created


def publish_file(
    path: Path, resolve_image: ImageResolver | None = None
) -> tuple[ArticlePage, bool]:
    return publish_source(parse_file(path, resolve_image))
