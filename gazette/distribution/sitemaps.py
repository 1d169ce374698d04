"""Sitemaps (sitemaps.org 0.9 with Google's image and news extensions) and robots.txt.

An article sitemap file holds a fixed range of page ids (``sitemap_number``), so that an
article stays in the same file all its life: a publish purges that one file, and each file
is one bounded query on the primary key, however large the site. The index finds the
non-empty files with one grouped query. The XML is written directly (no template): a file
of 10,000 URLs renders in tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from gazette.cache import tags as cache_tags
from gazette.distribution.links import SiteInfo, media_url, site_info
from gazette.news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticleTag,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
    children_of,
)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
XML_TYPE = "application/xml; charset=utf-8"
# Google News reads at most 1,000 URLs a news sitemap.
NEWS_LIMIT = 1000


def size() -> int:
    """URLs per sitemap file (sitemaps.org allows at most 50,000)."""
    return min(settings.GAZETTE_SITEMAP_SIZE, 50_000)


def w3c_datetime(value: datetime) -> str:
    """W3C Datetime to the second, in UTC: 2026-11-27T19:00:00+00:00."""
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def _bucket(expression) -> object:
    # The same numbering as gazette.news.publishing.sitemap_number().
    # Integer division on both SQLite and PostgreSQL: integer operands, integer result.
    return (expression / size()) + 1


def _url(loc: str, lastmod: datetime | None = None, images: Iterable[str] = ()) -> str:
    parts = [f"<url><loc>{escape(loc)}</loc>"]
    if lastmod is not None:
        parts.append(f"<lastmod>{w3c_datetime(lastmod)}</lastmod>")
    parts.extend(f"<image:image><image:loc>{escape(i)}</image:loc></image:image>" for i in images)
    parts.append("</url>")
    return "".join(parts)


def _urlset(urls: Iterable[str], *, news: bool = False) -> HttpResponse:
    namespaces = f'xmlns="{SITEMAP_NS}" xmlns:image="{IMAGE_NS}"'
    if news:
        namespaces += f' xmlns:news="{NEWS_NS}"'
    body = "\n".join(
        ['<?xml version="1.0" encoding="UTF-8"?>', f"<urlset {namespaces}>", *urls, "</urlset>"]
    )
    return HttpResponse(body, content_type=XML_TYPE)


def _lastmod(article_value: datetime | None, date: datetime | None) -> datetime | None:
    return article_value or date


def article_buckets() -> dict[int, datetime | None]:
    """Numbers of the non-empty article sitemap files, with their last change."""
    rows = (
        ArticlePage.objects.published()
        .order_by()
        .annotate(number=_bucket(F("pk")))
        .values("number")
        .annotate(lastmod=Max(Coalesce("last_published_at", "date")))
        .values_list("number", "lastmod")
    )
    return {int(number): lastmod for number, lastmod in rows}


def _articles(site: SiteInfo, number: int) -> list[str]:
    low = (number - 1) * size()
    rows = (
        ArticlePage.objects.published()
        .filter(pk__gte=low, pk__lt=low + size())
        .order_by("pk")
        .values_list("url_path", "last_published_at", "date", "lead_image__file")
    )
    return [
        _url(
            site.page_url(url_path),
            _lastmod(last_published_at, date),
            [site.url(media_url(image))] if image else (),
        )
        for url_path, last_published_at, date, image in rows
    ]


def _tagged():
    """Tag links of published articles, driven from the tag rows (one join each)."""
    published = ArticlePage.objects.published().order_by().values("pk")
    return ArticleTag.objects.filter(content_object_id__in=published).order_by()


_TAGGED_LASTMOD = Max(Coalesce("content_object__last_published_at", "content_object__date"))


def _tag_buckets() -> dict[int, datetime | None]:
    rows = (
        _tagged()
        .annotate(number=_bucket(F("tag_id")))
        .values("number")
        .annotate(lastmod=_TAGGED_LASTMOD)
        .values_list("number", "lastmod")
    )
    return {int(number): lastmod for number, lastmod in rows}


def _tags(site: SiteInfo, number: int) -> list[str]:
    low = (number - 1) * size()
    rows = (
        _tagged()
        .filter(tag_id__gte=low, tag_id__lt=low + size())
        .values("tag_id", "tag__slug")
        .annotate(lastmod=_TAGGED_LASTMOD)
        .values_list("tag__slug", "lastmod")
        .order_by("tag_id")
    )
    return [_url(site.url(f"/tags/{slug}/"), lastmod) for slug, lastmod in rows]


def _authors_query():
    index = AuthorIndexPage.objects.first()
    if index is None:
        return AuthorPage.objects.none()
    return children_of(AuthorPage.objects.live(), index)


def _author_buckets() -> dict[int, datetime | None]:
    rows = (
        _authors_query()
        .order_by()
        .annotate(number=_bucket(F("pk")))
        .values("number")
        .annotate(lastmod=Max("last_published_at"))
        .values_list("number", "lastmod")
    )
    return {int(number): lastmod for number, lastmod in rows}


def _authors(site: SiteInfo, number: int) -> list[str]:
    low = (number - 1) * size()
    authors = list(
        _authors_query()
        .filter(pk__gte=low, pk__lt=low + size())
        .order_by("pk")
        .values_list("pk", "url_path", "last_published_at", "photo__file")
    )
    # An author's page changes when one of their articles is published: its list.
    latest = dict(
        ArticleAuthor.objects.filter(
            author_id__in=[a[0] for a in authors],
            article__in=ArticlePage.objects.published().order_by(),
        )
        .values("author_id")
        .annotate(lastmod=Max(Coalesce("article__last_published_at", "article__date")))
        .values_list("author_id", "lastmod")
    )
    urls = []
    for pk, url_path, last_published_at, photo in authors:
        dates = [d for d in (last_published_at, latest.get(pk)) if d is not None]
        urls.append(
            _url(
                site.page_url(url_path),
                max(dates) if dates else None,
                [site.url(media_url(photo))] if photo else (),
            )
        )
    return urls


PAGED = {
    "articles": (article_buckets, _articles),
    "tags": (_tag_buckets, _tags),
    "authors": (_author_buckets, _authors),
}


@require_safe
def paged(request: HttpRequest, kind: str, number: str) -> HttpResponse:
    site = site_info(request)
    urls = PAGED[kind][1](site, int(number)) if int(number) > 0 else []
    if not urls:
        raise Http404("No such sitemap")
    if kind == "articles":
        cache_tags.add(request, cache_tags.sitemap_articles(int(number)))
    else:
        cache_tags.add(request, cache_tags.SITEMAPS, "list:authors")
    return _urlset(urls)


@require_safe
def sections(request: HttpRequest) -> HttpResponse:
    """The front page and every live section, each dated by its newest article."""
    site = site_info(request)
    home = HomePage.objects.first()
    if home is None:
        raise Http404("No site yet")
    published = ArticlePage.objects.published()
    # Each section's newest article, found down the (section, date) index: one query, no
    # scan of the whole archive.
    newest_in = published.filter(section_page=OuterRef("pk")).annotate(
        changed=Coalesce("last_published_at", "date")
    )
    rows = (
        children_of(SectionPage.objects.live(), home)
        .order_by("path")
        .annotate(newest=Subquery(newest_in.values("changed")[:1]))
        .values_list("url_path", "last_published_at", "newest")
    )
    front = published.annotate(changed=Coalesce("last_published_at", "date"))
    newest = front.values_list("changed", flat=True).first()
    urls = [_url(site.url("/"), newest or home.last_published_at)]
    for url_path, last_published_at, newest_article in rows:
        dates = [d for d in (last_published_at, newest_article) if d is not None]
        urls.append(_url(site.page_url(url_path), max(dates) if dates else None))
    cache_tags.add(request, cache_tags.SITEMAPS, cache_tags.NAV)
    return _urlset(urls)


@require_safe
def news(request: HttpRequest) -> HttpResponse:
    """Google News: articles of the last two days, newest first, at most NEWS_LIMIT."""
    site = site_info(request)
    rows = recent_articles().values_list(
        "url_path", "title", "date", "last_published_at", "lead_image__file"
    )[:NEWS_LIMIT]
    language = news_language()
    publication = (
        f"<news:publication><news:name>{escape(site.name)}</news:name>"
        f"<news:language>{language}</news:language></news:publication>"
    )
    urls = []
    for url_path, title, date, last_published_at, image in rows:
        image_xml = (
            f"<image:image><image:loc>{escape(site.url(media_url(image)))}</image:loc></image:image>"
            if image
            else ""
        )
        urls.append(
            f"<url><loc>{escape(site.page_url(url_path))}</loc>"
            f"<lastmod>{w3c_datetime(last_published_at or date)}</lastmod>"
            f"<news:news>{publication}"
            f"<news:publication_date>{w3c_datetime(date)}</news:publication_date>"
            f"<news:title>{escape(title)}</news:title></news:news>{image_xml}</url>"
        )
    if not urls:
        # The schema wants at least one <url>; the index leaves this file out meanwhile.
        raise Http404("No article in the last two days")
    cache_tags.add(request, cache_tags.SITEMAPS)
    return _urlset(urls, news=True)


def recent_articles():
    return ArticlePage.objects.published().filter(date__gte=timezone.now() - timedelta(days=2))


def news_language() -> str:
    """Google News wants an ISO 639 code: "en", not "en-us" (but "zh-cn" and "zh-tw")."""
    code = settings.LANGUAGE_CODE.lower()
    return code if code in ("zh-cn", "zh-tw") else code.split("-")[0]


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    site = site_info(request)
    entries: list[tuple[str, datetime | None]] = [(site.url("/sitemaps/sections.xml"), None)]
    if recent_articles().exists():
        entries.append((site.url("/sitemaps/news.xml"), None))
    for kind, (buckets, _) in PAGED.items():
        for number, lastmod in sorted(buckets().items()):
            entries.append((site.url(f"/sitemaps/{kind}-{number}.xml"), lastmod))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    for loc, lastmod in entries:
        dated = f"<lastmod>{w3c_datetime(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<sitemap><loc>{escape(loc)}</loc>{dated}</sitemap>")
    lines.append("</sitemapindex>")
    cache_tags.add(request, cache_tags.SITEMAPS, cache_tags.NAV, "list:authors")
    return HttpResponse("\n".join(lines), content_type=XML_TYPE)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    site = site_info(request)
    body = "\n".join(
        [
            "User-agent: *",
            "Disallow: /admin/",
            "",
            f"Sitemap: {site.url('/sitemap.xml')}",
            "",
        ]
    )
    # Changes only with the site's address, and `gazette setup` empties the cache then.
    cache_tags.add(request, "robots")
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
