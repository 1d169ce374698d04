"""Serving pages: Wagtail's page view with a short way to each page.

Wagtail finds a page by walking down the tree from the site's root, two queries a level;
here a page is found by its URL path (one query for an article, two for other pages) and
handed to Wagtail's view as the already-routed page, so every Wagtail hook (view
restrictions, passwords, privacy) still runs. Gazette pages have no routes of their own
below them, so a URL path names exactly one page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from wagtail import views as wagtail_views
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from gazette.news.models import ArticlePage, home_url_path


def _find(url_path: str, depth: int) -> Page | None:
    if depth == 2:  # section/slug: most requests are for articles
        article = (
            ArticlePage.objects.filter(url_path=url_path, live=True)
            .select_related("lead_image")
            .first()
        )
        if article is not None:
            return article
    page = Page.objects.filter(url_path=url_path, live=True).first()
    return page.specific if page is not None else None


@csrf_exempt  # the article's comment form checks the request's origin itself
def serve(request: HttpRequest, path: str) -> HttpResponse:
    home = home_url_path()
    if home:
        parts = [part for part in path.split("/") if part]
        page = _find(home + "".join(f"{part}/" for part in parts), len(parts))
        if page is not None:
            request._wagtail_route_for_request = RouteResult(page)
    return wagtail_views.serve(request, path)
