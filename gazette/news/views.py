from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from taggit.models import Tag

from gazette.cache import tags as cache_tags
from gazette.news.models import ArticleNote, ArticlePage, paginate, relative_url
from gazette.news.publishing import CORRECTIONS


def tag(request: HttpRequest, slug: str) -> HttpResponse:
    """All published articles with one tag, newest first."""
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        raise Http404("No such tag")
    articles = paginate(request, ArticlePage.objects.published().tagged(slug).for_listing())
    cache_tags.add(request, cache_tags.tag_list(slug))
    cache_tags.add_listed(request, articles)
    return render(request, "news/tag_page.html", {"tag": tag, "articles": articles})


def corrections(request: HttpRequest) -> HttpResponse:
    """Every correction of a published article, newest first, with a link to the article.

    Through the one door: a correction on a draft, an unpublished or an embargoed article
    is not listed (nor its headline)."""
    notes = (
        ArticleNote.objects.filter(
            kind=ArticleNote.CORRECTION,
            article__in=ArticlePage.objects.published().order_by().values("pk"),
        )
        .select_related("article")
        .only("text", "created_at", "article__title", "article__url_path")
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, notes, per_page=25)
    for note in page:
        note.article_url = relative_url(note.article.url_path)
    cache_tags.add(request, CORRECTIONS, *(cache_tags.link(n.article_id) for n in page))
    return render(request, "news/corrections.html", {"notes": page})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A readable page instead of Django's technical one when a form's security token is
    missing or stale (for example a comment form left open for days, or cookies blocked)."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
