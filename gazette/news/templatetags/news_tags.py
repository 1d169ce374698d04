from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from wagtail.models import Page

from gazette.cache import fragments
from gazette.cache import tags as cache_tags
from gazette.news.forms import validate_banner_link
from gazette.news.models import BreakingNews, SectionPage, page_links
from gazette.news.models import relative_url as _relative_url
from gazette.news.publishing import BANNER

register = template.Library()


@register.filter
def relative_url(url_path: str) -> str:
    """A page's URL from its url_path, without loading the page."""
    return _relative_url(url_path)


@register.simple_tag(takes_context=True)
def sections_nav(context: dict[str, Any]) -> str:
    """The masthead's list of sections, in the order editors gave them in the page tree;
    on every page, so kept rendered (a fragment per current page) until the nav changes."""
    request = context.get("request")
    cache_tags.add(request, cache_tags.NAV)
    # The nav marks the current section: one fragment per section, one for all other pages.
    page = context.get("page")
    current_pk = page.pk if isinstance(page, SectionPage) else None

    def render() -> str:
        # Driven from the few section rows: joined the other way round, SQLite scans every
        # page of the site (a 100,000-article site spent 80% of an article page here).
        sections = page_links(
            Page.objects.filter(
                pk__in=SectionPage.objects.values("page_ptr_id"), live=True, show_in_menus=True
            ).order_by("path")
        )
        return render_to_string(
            "news/includes/sections_nav.html", {"sections": sections, "current_pk": current_pk}
        )

    return fragments.cached(request, ("sections_nav", current_pk), render, [cache_tags.NAV])


@register.simple_tag(takes_context=True)
def breaking_news(context: dict[str, Any]) -> str:
    """The breaking-news banner, on every public page until it expires. Every page carries
    the tag even without a banner, so that setting one purges them all; the page cache
    expires pages at the banner's expiry (news.models.banner_expiry_time), and the kept
    fragment with them (fragments expire at expiry.next_change() too)."""
    request = context.get("request")
    cache_tags.add(request, BANNER)

    def render() -> str:
        # Not BreakingNews.load(), which would write an empty row on a reader's GET.
        banner = BreakingNews.objects.order_by("pk").first()
        if banner is None or not banner.showing():
            return ""
        link = banner.link
        try:  # saved before the rule existed, or written around the form: never a script link
            validate_banner_link(link)
        except ValidationError:
            link = ""
        return render_to_string(
            "news/includes/breaking_news.html", {"banner": banner, "link": link}
        )

    return fragments.cached(request, ("breaking_news",), render, [BANNER])
