"""Creating and upgrading the site itself: database, home page, sections root, roles."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from gazette.news.models import AuthorIndexPage, HomePage
from gazette.newsroom.roles import ensure_roles


@transaction.atomic
def site_ensure(*, site_name: str = "Gazette", base_url: str = "http://127.0.0.1:8000") -> Site:
    """Make sure there is a Gazette home page, an /authors/ page and a default Site.

    Idempotent: a second run finds what the first made and changes nothing an editor set.
    """
    root = Page.get_first_root_node()
    if root is None:
        # Wagtail's first migrations make the tree's root; a database emptied since (a flush,
        # as Django's transactional tests do) has none, and pages need one.
        locale = Locale.get_default() if Locale.objects.exists() else None
        if locale is None:
            locale = Locale.objects.create(
                language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
            )
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title=site_name, slug="home", intro="")
        # Wagtail's first migration leaves a "Welcome to Wagtail" page at slug "home".
        for welcome in root.get_children().filter(slug="home"):
            if not isinstance(welcome.specific, HomePage):
                welcome.delete()
        root.refresh_from_db()
        root.add_child(instance=home)
        home.save_revision().publish()
    if not AuthorIndexPage.objects.exists():
        authors = AuthorIndexPage(title="Our journalists", slug="authors")
        home.add_child(instance=authors)
        authors.save_revision().publish()
    # The site's address comes from GAZETTE_BASE_URL, so the URLs printed by the CLI and put
    # in feeds are the ones readers use.
    url = urlsplit(base_url)
    hostname = url.hostname or "localhost"
    port = url.port or (443 if url.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(is_default_site=True, site_name=site_name)
    site.root_page = home
    site.hostname, site.port = hostname, port
    site.site_name = site.site_name or site_name
    site.save()
    ensure_roles()
    return site
