"""Serving pages: Wagtail's page view with a short way to articles.

Wagtail finds a page by walking down the tree from the site's root, two queries a level,
then checks view restrictions; an article is found here by its URL path in one query, and
handed to Wagtail's view as the already-routed page, so every Wagtail hook (view
restrictions, passwords, privacy) still runs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from wagtail import views as wagtail_views
from wagtail.url_routing import RouteResult

from gazette.news.models import ArticlePage, home_url_path


@csrf_exempt  # the article's comment form checks the request's origin itself
def serve(request: HttpRequest, path: str) -> HttpResponse:
    parts = [part for part in path.split("/") if part]
    if len(parts) == 2:
        home = home_url_path()
        article = (
            ArticlePage.objects.filter(url_path=f"{home}{parts[0]}/{parts[1]}/", live=True)
            .select_related("lead_image")
            .first()
            if home
            else None
        )
        if article is not None:
            request._wagtail_route_for_request = RouteResult(article)
    return wagtail_views.serve(request, path)
