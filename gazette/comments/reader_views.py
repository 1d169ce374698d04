"""Readers' ways to a single comment: its permalink, and reporting it to the moderators."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from gazette.cache import tags as cache_tags
from gazette.comments.models import Comment, Report
from gazette.comments.moderation import NotReportable, comment_report
from gazette.comments.threads import permalink_page
from gazette.crossorigin import is_cross_origin
from gazette.news.models import ArticlePage, relative_url
from gazette.news.views import csrf_failure


def _shown_comment(pk: int) -> tuple[Comment, ArticlePage, int]:
    """The comment as readers see it, its (published) article and the page showing it;
    404 for a comment they cannot see."""
    comment = (
        Comment.objects.filter(pk=pk)
        .only("pk", "article_id", "parent_id", "status", "created_at", "name")
        .first()
    )
    if comment is None:
        raise Http404("No such comment")
    article = ArticlePage.objects.published().filter(pk=comment.article_id).only("url_path").first()
    number = permalink_page(comment) if article is not None else None
    if number is None:
        raise Http404("No such comment")
    return comment, article, number


def permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """/comments/N/: a comment's lasting address, wherever the discussion has grown to. It
    redirects to the page of the article's discussion that shows it. (A redirect is never
    stored by the page cache, so it follows the discussion as it grows.)"""
    comment, article, number = _shown_comment(pk)
    query = f"?comments={number}" if number > 1 else ""
    return HttpResponseRedirect(f"{relative_url(article.url_path)}{query}#{comment.anchor}")


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why should a moderator look at this comment?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose a reason.",
            "invalid_choice": "Please choose one of the reasons listed.",
        },
    )


@csrf_exempt  # pages are cached, so no token: the origin is checked instead (crossorigin.py)
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """/comments/N/report/: a small form, and its POST. Counted once per reader."""
    comment, article, _ = _shown_comment(pk)
    context = {"comment": comment, "article_url": relative_url(article.url_path)}
    if request.method == "POST":
        if is_cross_origin(request):
            return csrf_failure(request, reason="cross-origin report form")
        form = ReportForm(request.POST)
        if not form.is_valid():
            context["form"] = form
            return render(request, "comments/report.html", context, status=400)
        try:
            comment_report(
                comment=comment,
                reason=form.cleaned_data["reason"],
                ip=request.META.get("REMOTE_ADDR", ""),
            )
        except NotReportable as exc:  # held or removed between the page and the POST
            raise Http404("No such comment") from exc
        # Whether it counted or was a repeat, the reader gets the same answer: a repeat
        # must not tell a script how its reports are counted.
        return render(request, "comments/report_thanks.html", context)
    if request.method != "GET" and request.method != "HEAD":
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    # The form is the same for every reader: cacheable, and purged with the article's page
    # (which is purged whenever the comment leaves it).
    cache_tags.add(request, cache_tags.page(comment.article_id))
    context["form"] = ReportForm()
    return render(request, "comments/report.html", context)
