from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest
from wagtail.models import Site

_site_name: tuple[float, str] = (0.0, "")


def site(request: HttpRequest) -> dict[str, str]:
    """The site's name for the masthead and <title>, as set in Wagtail's Sites.

    Kept a minute per process: it is on every page, and finding the request's Site is one
    of the dearer queries of a page (Gazette serves one site)."""
    global _site_name
    fetched, name = _site_name
    if not name or time.monotonic() - fetched > 60:
        wagtail_site = Site.find_for_request(request)
        name = (wagtail_site.site_name if wagtail_site else "") or settings.WAGTAIL_SITE_NAME
        _site_name = (time.monotonic(), name)
    return {"site_name": name}
