"""The head of every page: feed autodiscovery, canonical URL, robots, Open Graph, Twitter
cards and JSON-LD, from the page in the template's context."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from gazette.distribution import structured_data
from gazette.distribution.feeds import feed_path
from gazette.distribution.links import site_info
from gazette.news.models import ArticlePage, AuthorIndexPage, AuthorPage, HomePage, SectionPage

register = template.Library()

_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}
_LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
# The rendition the article's own figure already made (news/includes/figure.html), so
# sharing tags cost no new image.
SHARE_RENDITION = "width-1200"


def _scope(context: template.Context) -> tuple[str, str, str] | None:
    """(kind, slug, title) of the page's own feed: a section's, an author's or a tag's."""
    page = context.get("page")
    if isinstance(page, SectionPage):
        return "section", page.slug, page.title
    if isinstance(page, AuthorPage):
        return "author", page.slug, page.title
    tag = context.get("tag")
    if page is None and tag is not None:
        return "tag", tag.slug, tag.name
    return None


@register.simple_tag(takes_context=True)
def feed_links(context: template.Context) -> SafeString:
    """<link rel="alternate"> for the site's feeds, and the page's own feeds."""
    site_name = context.get("site_name", "")
    links = [(_TYPES[f], f"{site_name} ({_LABELS[f]})", feed_path("site", "", f)) for f in _TYPES]
    scope = _scope(context)
    if scope is not None:
        kind, slug, title = scope
        links += [
            (_TYPES[f], f"{title} – {site_name} ({_LABELS[f]})", feed_path(kind, slug, f))
            for f in _TYPES
        ]
    return format_html_join("\n  ", '<link rel="alternate" type="{}" title="{}" href="{}">', links)


def _page_number(request: Any) -> int:
    raw = request.GET.get("page", "1") if request is not None else "1"
    return int(raw) if raw.isdigit() else 1


@register.simple_tag(takes_context=True)
def robots_meta(context: template.Context) -> SafeString:
    """noindex for an editor's preview and for later pages of a list (followed for their
    links, kept out of search results). Pages such as search results override the block
    ``robots`` of base.html instead."""
    request = context.get("request")
    if getattr(request, "is_preview", False) or _page_number(request) > 1:
        return mark_safe('<meta name="robots" content="noindex, follow">')
    return mark_safe("")


@register.simple_tag(takes_context=True)
def seo_head(context: template.Context) -> SafeString:
    """Canonical URL, noindex beyond page 1, Open Graph and Twitter card, JSON-LD."""
    request = context.get("request")
    site = site_info(request)
    page = context.get("page")
    tag = context.get("tag")
    number = _page_number(request)
    if page is not None:
        path = _relative(page.url_path)
        title = page.seo_title or page.title
    elif tag is not None:
        path, title = f"/tags/{tag.slug}/", tag.name
    else:  # an error page: nothing to point search engines or sharers at
        return mark_safe("")
    canonical = site.url(path) + (f"?page={number}" if number > 1 else "")
    description = ""
    image_url = None
    og_type = "website"
    parts: list[SafeString] = [format_html('<link rel="canonical" href="{}">', canonical)]
    if isinstance(page, ArticlePage):
        og_type = "article"
        description = page.standfirst or page.search_description
        if page.lead_image is not None:
            image_url = site.url(page.lead_image.get_rendition(SHARE_RENDITION).url)
    elif page is not None:
        description = page.search_description or getattr(page, "intro", "")
    meta = [
        ("og:site_name", site.name),
        ("og:type", og_type),
        ("og:title", title),
        ("og:url", canonical),
    ]
    if description:
        meta.append(("og:description", description))
    if image_url:
        meta.append(("og:image", image_url))
        if page.lead_image.description:
            meta.append(("og:image:alt", page.lead_image.description))
    if isinstance(page, ArticlePage):
        meta.append(("article:published_time", page.date.isoformat()))
        if page.updated:
            meta.append(("article:modified_time", page.updated.isoformat()))
        meta.append(("article:section", page.section_link.title))
    parts.append(format_html_join("\n  ", '<meta property="{}" content="{}">', meta))
    twitter = [
        ("twitter:card", "summary_large_image" if image_url else "summary"),
        ("twitter:title", title),
    ]
    if description:
        twitter.append(("twitter:description", description))
    if image_url:
        twitter.append(("twitter:image", image_url))
    parts.append(format_html_join("\n  ", '<meta name="{}" content="{}">', twitter))
    parts.extend(_json_ld(page, tag, site, canonical, image_url))
    return mark_safe("\n  ".join(parts))  # noqa: S308 (each part is escaped above)


def _relative(url_path: str) -> str:
    from gazette.news.models import relative_url

    return relative_url(url_path)


def _json_ld(page: Any, tag: Any, site: Any, canonical: str, image_url: str | None) -> list:
    home = ("Home", site.url("/"))
    if isinstance(page, HomePage):
        return [structured_data.json_ld(structured_data.website(site))]
    if isinstance(page, ArticlePage):
        section = page.section_link
        crumbs = [home, (section.title, site.url(section.url)), (page.title, canonical)]
        return [
            structured_data.json_ld(
                structured_data.news_article(page, site, url=canonical, image_url=image_url)
            ),
            structured_data.json_ld(structured_data.breadcrumbs(crumbs)),
        ]
    if isinstance(page, SectionPage | AuthorIndexPage):
        crumbs = [home, (page.title, site.page_url(page.url_path))]
        return [structured_data.json_ld(structured_data.breadcrumbs(crumbs))]
    if isinstance(page, AuthorPage):
        crumbs = [home, ("Our journalists", site.url("/authors/")), (page.title, canonical)]
        return [structured_data.json_ld(structured_data.breadcrumbs(crumbs))]
    if tag is not None:
        crumbs = [home, (tag.name, site.url(f"/tags/{tag.slug}/"))]
        return [structured_data.json_ld(structured_data.breadcrumbs(crumbs))]
    return []
