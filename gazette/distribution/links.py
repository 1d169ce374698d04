"""Absolute addresses: feeds, sitemaps and structured data name pages by full URL.

The canonical address of the site is its Wagtail Site (set from GAZETTE_BASE_URL by
``gazette setup``), not the Host the request came by, so that a page reached through
another name still names the one canonical URL."""

from __future__ import annotations

import mimetypes
import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.utils.encoding import iri_to_uri
from wagtail.models import Site

from gazette.news.models import relative_url

_site: tuple[float, SiteInfo | None] = (0.0, None)


@dataclass(frozen=True)
class SiteInfo:
    name: str
    root_url: str  # "https://news.example.com", no trailing slash

    @property
    def host(self) -> str:
        return urlsplit(self.root_url).hostname or "localhost"

    def url(self, path: str) -> str:
        """An absolute URL from a site-relative one ("/news/...")."""
        # iri_to_uri: a Unicode slug becomes percent-encoded, as feeds and sitemaps require.
        if path.startswith(("http://", "https://")):
            return iri_to_uri(path)
        return iri_to_uri(self.root_url + path)

    def page_url(self, url_path: str) -> str:
        """An absolute URL from a page's url_path ("/home/news/x/"), without loading it."""
        return self.url(relative_url(url_path))


def site_info(request: HttpRequest | None = None) -> SiteInfo:
    """The site's name and root URL, kept a minute per process (Gazette serves one site,
    and feeds and sitemaps ask for it on every request)."""
    global _site
    fetched, info = _site
    if info is None or time.monotonic() - fetched > 60:
        site = (Site.find_for_request(request) if request else None) or Site.objects.filter(
            is_default_site=True
        ).first()
        if site is None:
            info = SiteInfo(settings.WAGTAIL_SITE_NAME, settings.WAGTAILADMIN_BASE_URL.rstrip("/"))
        else:
            info = SiteInfo(site.site_name or settings.WAGTAIL_SITE_NAME, site.root_url)
        _site = (time.monotonic(), info)
    return info


def forget_site() -> None:
    """Tests change the Site between requests."""
    global _site
    _site = (0.0, None)


def media_url(name: str) -> str:
    """The URL of a stored file (an original image) by its name: no query, no I/O."""
    return default_storage.url(name)


def file_size(name: str) -> int | None:
    """A stored file's size, for images uploaded without it recorded (imports, the demo):
    an enclosure must state its length."""
    try:
        return default_storage.size(name)
    except (OSError, NotImplementedError):
        return None


def mime_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


# href="/x", src="/x" and each URL of a srcset; "//host" is already absolute.
_ATTR = re.compile(r'\b(href|src)="(/(?!/)[^"]*)"')
_SRCSET = re.compile(r'\bsrcset="([^"]*)"')


def absolutize(html: str, root_url: str) -> str:
    """Make the site-relative links and images of ``html`` absolute: a feed reader shows the
    content away from the site, where "/news/x/" means nothing (the W3C validator warns)."""

    def srcset(match: re.Match[str]) -> str:
        parts = []
        for candidate in match.group(1).split(","):
            candidate = candidate.strip()
            if candidate.startswith("/") and not candidate.startswith("//"):
                candidate = root_url + candidate
            parts.append(candidate)
        return 'srcset="' + ", ".join(parts) + '"'

    html = _ATTR.sub(lambda m: f'{m.group(1)}="{root_url}{m.group(2)}"', html)
    return _SRCSET.sub(srcset, html)
