from __future__ import annotations

from typing import Any

from django import template
from wagtail.models import Site

from gazette.cache import tags as cache_tags
from gazette.news.models import SectionPage

register = template.Library()


@register.inclusion_tag("news/includes/sections_nav.html", takes_context=True)
def sections_nav(context: dict[str, Any]) -> dict[str, Any]:
    """The masthead's list of sections, in the order editors gave them in the page tree."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    sections = (
        SectionPage.objects.live().in_menu()
        if site is None
        else (SectionPage.objects.live().in_menu().descendant_of(site.root_page))
    )
    cache_tags.add(request, cache_tags.NAV)
    current = context.get("page")
    return {"sections": sections.order_by("path"), "current": current, "request": request}
