"""Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the site, a section, a tag or an author.

One list of entries (``Entry``) is built from ``published()`` and written in each format by
a small writer. The rules of the W3C Feed Validation Service are kept here and tested in
tests/test_feeds*.py: absolute URLs everywhere (content too), RFC 822 dates in RSS and
RFC 3339 in Atom and JSON, an ``atom:link rel="self"``, GUIDs that never change (a tag: URI
built from the article's id, not its URL), and an enclosure only with its length and type.
Run on the real validator (README), it also asked for: RSS item descriptions as escaped
HTML, "&" and "<" in RSS text as hexadecimal references, Atom text that reads as markup
sent as type="html", and atom:updated to the microsecond.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import feedgenerator
from django.views.decorators.http import require_safe
from taggit.models import Tag

from gazette.cache import tags as cache_tags
from gazette.distribution.links import (
    SiteInfo,
    absolutize,
    file_size,
    media_url,
    mime_type,
    site_info,
)
from gazette.news.models import (
    ArticleAuthor,
    ArticlePage,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
    children_of,
)

# Characters XML 1.0 cannot carry at all: an article pasted from a word processor may hold
# them, and Django's XML writer refuses them (a 500 instead of a feed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean(text: str) -> str:
    return _CONTROL.sub("", text)


@dataclass(frozen=True)
class Image:
    url: str
    length: int | None
    mime_type: str


@dataclass
class Entry:
    pk: int
    id: str
    url: str
    title: str
    summary: str
    content_html: str | None  # None when the site publishes summaries only
    published: datetime
    modified: datetime
    authors: list[tuple[str, str]]  # (name, absolute URL)
    categories: list[str]
    image: Image | None
    cache_tags: list[str]  # what the entry shows: the article, its section, its authors


@dataclass
class Feed:
    """What one feed lists: its title, its page on the site and its articles."""

    kind: str  # "site", "section", "tag", "author"
    key: str  # "", or the section's, tag's or author's slug
    title: str
    description: str
    link: str  # the HTML page the feed follows
    articles: models.QuerySet
    cache_tags: list[str]
    entries: list[Entry] = field(default_factory=list)

    def path(self, fmt: str) -> str:
        return feed_path(self.kind, self.key, fmt)


FORMATS = ("rss", "atom", "json")
_SUFFIX = {"rss": "", "atom": "atom/", "json": "json/"}


def feed_path(kind: str, key: str = "", fmt: str = "rss") -> str:
    """A feed's URL path: /feed/, /feed/atom/, /feed/json/ for the site and
    /feed/<kind>/<slug>/ (+ atom/, json/) for a section, tag or author (README)."""
    base = "/feed/" if kind == "site" else f"/feed/{kind}/{key}/"
    return base + _SUFFIX[fmt]


def full_text() -> bool:
    return settings.GAZETTE_FEED_FULL_TEXT


def _site_feed(request: HttpRequest, site: SiteInfo, slug: str) -> Feed:
    return Feed(
        kind="site",
        key="",
        title=site.name,
        description=f"The latest articles from {site.name}",
        link=site.url("/"),
        articles=ArticlePage.objects.published(),
        cache_tags=[cache_tags.HOME],
    )


def _section_feed(request: HttpRequest, site: SiteInfo, slug: str) -> Feed:
    home = HomePage.objects.first()
    section = home and children_of(SectionPage.objects.live(), home).filter(slug=slug).first()
    if section is None:
        raise Http404("No such section")
    return Feed(
        kind="section",
        key=slug,
        title=f"{section.title} – {site.name}",
        description=section.intro.strip() or f"The latest {section.title} articles",
        link=site.page_url(section.url_path),
        articles=ArticlePage.objects.published().filter(section_page=section),
        cache_tags=[
            cache_tags.page(section.pk),
            cache_tags.section(section.pk),
            cache_tags.section_list(section.pk),
        ],
    )


def _tag_feed(request: HttpRequest, site: SiteInfo, slug: str) -> Feed:
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        raise Http404("No such tag")
    return Feed(
        kind="tag",
        key=slug,
        title=f"{tag.name} – {site.name}",
        description=f"Articles tagged “{tag.name}”",
        link=site.url(f"/tags/{slug}/"),
        articles=ArticlePage.objects.published().tagged(slug),
        cache_tags=[cache_tags.tag_list(slug)],
    )


def _author_feed(request: HttpRequest, site: SiteInfo, slug: str) -> Feed:
    index = AuthorIndexPage.objects.first()
    author = index and children_of(AuthorPage.objects.live(), index).filter(slug=slug).first()
    if author is None:
        raise Http404("No such author")
    return Feed(
        kind="author",
        key=slug,
        title=f"{author.title} – {site.name}",
        description=f"Articles by {author.title}",
        link=site.page_url(author.url_path),
        articles=ArticlePage.objects.published().by_author(author),
        cache_tags=[
            cache_tags.page(author.pk),
            cache_tags.author(author.pk),
            cache_tags.author_list(author.pk),
        ],
    )


FEEDS: dict[str, Callable[[HttpRequest, SiteInfo, str], Feed]] = {
    "site": _site_feed,
    "section": _section_feed,
    "tag": _tag_feed,
    "author": _author_feed,
}


def article_guid(site: SiteInfo, article: ArticlePage) -> str:
    """tag:news.example.com,2026-11-27:article:42 (RFC 4151): the id and first publication
    day never change, so a reader never sees an article twice after a slug change or move."""
    first = article.first_published_at or article.date
    return f"tag:{site.host},{first:%Y-%m-%d}:article:{article.pk}"


def entries(feed: Feed, site: SiteInfo) -> list[Entry]:
    """The feed's newest articles, in a fixed number of queries however many they are
    (plus the rendering of full-text bodies: their images and links to pages)."""
    articles = list(
        feed.articles.select_related("lead_image").prefetch_related(
            models.Prefetch(
                "authors",
                queryset=ArticleAuthor.objects.select_related("author")
                .only("article_id", "sort_order", "author__title", "author__url_path")
                .order_by("sort_order"),
            ),
            "tagged_items__tag",
        )[: settings.GAZETTE_FEED_ITEMS]
    )
    sections = dict(
        SectionPage.objects.filter(pk__in={a.section_page_id for a in articles}).values_list(
            "pk", "title"
        )
    )
    result = []
    for article in articles:
        image = None
        lead = article.lead_image
        if lead is not None:
            image = Image(
                site.url(media_url(lead.file.name)),
                lead.file_size or file_size(lead.file.name),
                mime_type(lead.file.name),
            )
        content = None
        if full_text():
            content = absolutize(str(article.body), site.root_url)
        modified = max(article.date, article.updated or article.last_published_at or article.date)
        section = sections.get(article.section_page_id)
        result.append(
            Entry(
                pk=article.pk,
                id=article_guid(site, article),
                url=site.page_url(article.url_path),
                title=clean(article.title),
                summary=clean(article.standfirst.strip() or article.title),
                content_html=clean(content) if content is not None else None,
                published=article.date,
                modified=modified,
                authors=[
                    (clean(c.author.title), site.page_url(c.author.url_path))
                    for c in article.authors.all()
                ],
                categories=[clean(c) for c in ([section] if section else [])]
                + [clean(t.tag.name) for t in article.tagged_items.all()],
                image=image,
                # link:<id>, not page:<id>: every write to the article purges both, but
                # page:<id> is also purged when a neighbour's publication changes the
                # article page's previous/next links, which no feed shows.
                cache_tags=[
                    cache_tags.link(article.pk),
                    *([cache_tags.section(article.section_page_id)] if section else []),
                    *(cache_tags.author(c.author_id) for c in article.authors.all()),
                ],
            )
        )
    return result


# --- Writers ---------------------------------------------------------------------------


class _RssXMLGenerator(feedgenerator.SimplerXMLGenerator):
    """Writes "&" and "<" in text as hexadecimal character references (&#x26; &#x3C;), as
    the RSS Advisory Board's profile asks: readers cannot tell whether "&lt;" in a plain-text
    element (a section's description, a headline) is text or markup, and the W3C validator
    warns about it. An XML parser reads the same text either way."""

    def characters(self, content: str) -> None:
        # clean(): XML 1.0 cannot carry control characters (Django's writer would refuse).
        content = clean(content or "")
        if content:
            content = content.replace("&", "&#x26;").replace("<", "&#x3C;").replace(">", "&gt;")
            # ignorableWhitespace() is XMLGenerator's public way to write text unescaped.
            self.ignorableWhitespace(content)


class RssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with content:encoded (full text) and dc:creator (RSS's own <author> must be
    an email address, and no author's address is ever published)."""

    def write(self, outfile, encoding) -> None:
        # Django's Rss201rev2Feed.write with the generator above.
        handler = _RssXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        self.add_stylesheets(handler)
        handler.startElement("rss", self.rss_attributes())
        handler.startElement("channel", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        self.endChannelElement(handler)
        handler.endElement("rss")

    def rss_attributes(self) -> dict[str, str]:
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
        }

    def add_root_elements(self, handler) -> None:
        handler.addQuickElement("title", self.feed["title"])
        handler.addQuickElement("link", self.feed["link"])
        handler.addQuickElement("description", self.feed["description"])
        handler.addQuickElement(
            "atom:link",
            None,
            {"href": self.feed["feed_url"], "rel": "self", "type": "application/rss+xml"},
        )
        handler.addQuickElement("language", self.feed["language"])
        handler.addQuickElement(
            "lastBuildDate", feedgenerator.rfc2822_date(self.latest_post_date())
        )
        handler.addQuickElement("generator", "Gazette")

    def add_item_elements(self, handler, item) -> None:
        entry: Entry = item["entry"]
        handler.addQuickElement("title", entry.title)
        handler.addQuickElement("link", entry.url)
        # An item's description is HTML in RSS 2.0 (readers and the W3C validator parse it
        # so): the plain-text standfirst is escaped, or "<after>" would vanish as a tag.
        handler.addQuickElement("description", html.escape(entry.summary, quote=False))
        for name, _url in entry.authors:
            handler.addQuickElement("dc:creator", name)
        for category in entry.categories:
            handler.addQuickElement("category", category)
        handler.addQuickElement("guid", entry.id, {"isPermaLink": "false"})
        handler.addQuickElement("pubDate", feedgenerator.rfc2822_date(entry.published))
        if entry.image is not None and entry.image.length:
            handler.addQuickElement(
                "enclosure",
                "",
                {
                    "url": entry.image.url,
                    "length": str(entry.image.length),
                    "type": entry.image.mime_type,
                },
            )
        if entry.content_html is not None:
            # Escaped, not CDATA: a body holding "]]>" cannot break out of it.
            handler.addQuickElement("content:encoded", entry.content_html)


# An end tag or a character reference in plain text: a reader (and the W3C validator)
# cannot tell it from markup in an Atom text construct of type "text".
_MARKUP_LIKE = re.compile(r"</[a-zA-Z]|&#?\w+;")


def _atom_text(handler, name: str, text: str) -> None:
    """An Atom text construct: plain text as type="text", or, when the text holds something
    that reads as markup ("a <b> tag </b>"), escaped once more as type="html", which every
    reader shows as the same text."""
    if _MARKUP_LIKE.search(text):
        handler.addQuickElement(name, html.escape(text, quote=False), {"type": "html"})
    else:
        handler.addQuickElement(name, text, {"type": "text"})


class AtomFeed(feedgenerator.Atom1Feed):
    def add_root_elements(self, handler) -> None:
        _atom_text(handler, "title", self.feed["title"])
        _atom_text(handler, "subtitle", self.feed["description"])
        handler.addQuickElement(
            "link", "", {"rel": "alternate", "type": "text/html", "href": self.feed["link"]}
        )
        handler.addQuickElement(
            "link",
            "",
            {"rel": "self", "type": "application/atom+xml", "href": self.feed["feed_url"]},
        )
        handler.addQuickElement("id", self.feed["id"])
        handler.addQuickElement("updated", _rfc3339(self.latest_post_date()))
        # Every entry names its authors; the feed's author covers one that has none
        # (RFC 4287 requires one or the other).
        handler.startElement("author", {})
        handler.addQuickElement("name", self.feed["author_name"])
        handler.addQuickElement("uri", self.feed["link"])
        handler.endElement("author")
        handler.addQuickElement("generator", "Gazette")

    def add_item_elements(self, handler, item) -> None:
        entry: Entry = item["entry"]
        _atom_text(handler, "title", entry.title)
        handler.addQuickElement(
            "link", "", {"rel": "alternate", "type": "text/html", "href": entry.url}
        )
        handler.addQuickElement("id", entry.id)
        handler.addQuickElement("published", _rfc3339(entry.published))
        # To the microsecond: articles published in the same second (a bulk import, the
        # demo) would otherwise share atom:updated, which the W3C validator warns about.
        handler.addQuickElement("updated", _rfc3339(entry.modified, precise=True))
        for name, url in entry.authors:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")
        for category in entry.categories:
            handler.addQuickElement("category", "", {"term": category})
        _atom_text(handler, "summary", entry.summary)
        if entry.content_html is not None:
            handler.addQuickElement("content", entry.content_html, {"type": "html"})
        if entry.image is not None and entry.image.length:
            handler.addQuickElement(
                "link",
                "",
                {
                    "rel": "enclosure",
                    "href": entry.image.url,
                    "length": str(entry.image.length),
                    "type": entry.image.mime_type,
                },
            )


def _xml(feed: Feed, site: SiteInfo, self_url: str, writer: type) -> HttpResponse:
    generator = writer(
        title=clean(feed.title),
        link=feed.link,
        description=clean(feed.description),
        feed_url=self_url,
        feed_guid=self_url,
        language=settings.LANGUAGE_CODE,
        author_name=site.name,
    )
    for entry in feed.entries:
        generator.add_item(
            title=entry.title,
            link=entry.url,
            description=entry.summary,
            pubdate=entry.published,
            updateddate=entry.modified,
            entry=entry,
        )
    response = HttpResponse(content_type=generator.content_type)
    generator.write(response, "utf-8")
    return response


def _rfc3339(value: datetime, *, precise: bool = False) -> str:
    """RFC 3339 to the second, in UTC: 2026-11-27T19:00:00Z; precise: with the fraction of
    a second when there is one (2026-11-27T19:00:00.250000Z)."""
    value = value.astimezone(UTC)
    if precise and value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _json(feed: Feed, site: SiteInfo, self_url: str) -> HttpResponse:
    items = []
    for entry in feed.entries:
        item: dict = {
            "id": entry.id,
            "url": entry.url,
            "title": entry.title,
            "summary": entry.summary,
            "date_published": _rfc3339(entry.published),
            "date_modified": _rfc3339(entry.modified),
            "authors": [{"name": name, "url": url} for name, url in entry.authors],
            "tags": entry.categories,
        }
        if entry.content_html is not None:
            item["content_html"] = entry.content_html
        else:
            item["content_text"] = entry.summary
        if entry.image is not None:
            item["image"] = entry.image.url
        items.append(item)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.link,
        "feed_url": self_url,
        "description": feed.description,
        "language": settings.LANGUAGE_CODE,
        "authors": [{"name": site.name, "url": site.url("/")}],
        "items": items,
    }
    return HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type="application/feed+json; charset=utf-8",
    )


@require_safe
def feed_view(request: HttpRequest, kind: str, fmt: str, slug: str = "") -> HttpResponse:
    site = site_info(request)
    feed = FEEDS[kind](request, site, slug)
    feed.entries = entries(feed, site)
    self_url = site.url(feed.path(fmt))
    if fmt == "json":
        response = _json(feed, site, self_url)
    else:
        response = _xml(feed, site, self_url, RssFeed if fmt == "rss" else AtomFeed)
    # What the feed shows: its list, and each article's content, section and authors.
    cache_tags.add(request, *feed.cache_tags)
    for entry in feed.entries:
        cache_tags.add(request, *entry.cache_tags)
    return response
