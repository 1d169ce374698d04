from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from taggit.models import Tag

from gazette.cache import tags as cache_tags
from gazette.news.models import ArticlePage, paginate


def tag(request: HttpRequest, slug: str) -> HttpResponse:
    """All published articles with one tag, newest first."""
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        raise Http404("No such tag")
    articles = paginate(request, ArticlePage.objects.published().tagged(slug).for_listing())
    cache_tags.add(request, cache_tags.tag_list(slug))
    cache_tags.add_listed(request, articles)
    return render(request, "news/tag_page.html", {"tag": tag, "articles": articles})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A readable page instead of Django's technical one when a form's security token is
    missing or stale (for example a comment form left open for days, or cookies blocked)."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
