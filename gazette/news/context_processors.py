from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from wagtail.models import Site


def site(request: HttpRequest) -> dict[str, str]:
    """The site's name for the masthead and <title>, as set in Wagtail's Sites."""
    wagtail_site = Site.find_for_request(request)
    name = (wagtail_site.site_name if wagtail_site else "") or settings.WAGTAIL_SITE_NAME
    return {"site_name": name}
