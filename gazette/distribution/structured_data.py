"""schema.org JSON-LD for search engines: NewsArticle, BreadcrumbList, WebSite.

Everything is built from what the page already loaded (its byline, section link, tags), so
structured data adds no query per author or tag. ``json_ld()`` escapes <, > and & as JSON
unicode escapes, like Django's json_script: a headline holding "</script>" cannot end the
script element.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe

from gazette.distribution.links import SiteInfo
from gazette.news.models import ArticlePage

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: dict[str, Any]) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def publisher(site: SiteInfo) -> dict[str, Any]:
    logo = settings.GAZETTE_PUBLISHER_LOGO
    logo_url = logo if logo.startswith(("http://", "https://")) else site.url(static(logo))
    return {
        "@type": "Organization",
        "name": site.name,
        "url": site.url("/"),
        "logo": {"@type": "ImageObject", "url": logo_url},
    }


def corrections(article: ArticlePage) -> list[dict[str, Any]]:
    """Hook for correction notes: once articles carry them, return each one here as
    {"@type": "CorrectionComment", "text": ..., "datePublished": ...}; news_article() puts
    them under "correction". Until then an article has none."""
    notes = getattr(article, "correction_notes", None)
    if notes is None:
        return []
    return [
        {"@type": "CorrectionComment", "text": note.text, "datePublished": note.date.isoformat()}
        for note in notes
    ]


def news_article(
    article: ArticlePage, site: SiteInfo, *, url: str, image_url: str | None
) -> dict[str, Any]:
    modified = max(article.date, article.updated or article.last_published_at or article.date)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.standfirst or article.search_description or article.title,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": article.date.isoformat(),
        "dateModified": modified.isoformat(),
        "author": [
            {
                "@type": "Person",
                "name": credit.author.title,
                "url": site.page_url(credit.author.url_path),
            }
            for credit in article.byline
        ],
        "publisher": publisher(site),
        "articleSection": article.section_link.title,
        "keywords": [tag.name for tag in article.tag_list],
        "isAccessibleForFree": True,
    }
    if image_url:
        data["image"] = [image_url]
    notes = corrections(article)
    if notes:
        data["correction"] = notes
    return data


def breadcrumbs(crumbs: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def website(site: SiteInfo) -> dict[str, Any]:
    """The home page's WebSite with its SearchAction (the sitelinks search box)."""
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site.name,
        "url": site.url("/"),
        "publisher": publisher(site),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": site.url("/search/") + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }
