"""The public side of comments: the list and form on an article, and the form's POST."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe

from gazette.comments.forms import CommentForm
from gazette.comments.models import Comment
from gazette.comments.moderation import comment_submit
from gazette.comments.threads import ORDERS, discussion_page
from gazette.crossorigin import is_cross_origin
from gazette.news.views import csrf_failure

if TYPE_CHECKING:
    from gazette.news.models import ArticlePage

_MODERATION_SALT = "gazette.comments.moderation"
# How long the link that shows a commenter their own pending comment keeps working.
_MODERATION_LINK_AGE = 24 * 3600


def moderation_token(comment: Comment) -> str:
    """A signed token that lets the commenter, and only whoever holds the link they were
    redirected to, see their own comment while it waits for moderation (as WordPress does
    with its moderation hash). It needs no cookie, so cached pages stay shareable."""
    return signing.dumps(comment.pk, salt=_MODERATION_SALT, compress=True)


def _own_pending_comment(request: HttpRequest, article: ArticlePage) -> Comment | None:
    token = request.GET.get("moderation")
    if not token:
        return None
    try:
        pk = signing.loads(token, salt=_MODERATION_SALT, max_age=_MODERATION_LINK_AGE)
    except signing.BadSignature:
        return None
    return Comment.objects.filter(pk=pk, article=article, status=Comment.Status.PENDING).first()


_blank_form_html: dict[int, str] = {}


def blank_form_html() -> str:
    """The empty form's fields, rendered once per process: Django renders form widgets
    through templates, which costs more than the rest of the comment section."""
    limit = settings.GAZETTE_COMMENT_MAX_LENGTH
    html = _blank_form_html.get(limit)
    if html is None:
        html = _blank_form_html[limit] = mark_safe(  # noqa: S308 - our own template's output
            render_to_string("comments/form_fields.html", {"comment_form": CommentForm()})
        )
    return html


def comments_context(
    request: HttpRequest, article: ArticlePage, form: CommentForm | None = None
) -> dict[str, Any]:
    """One page of the discussion as threads (threads.discussion_page: top-level comments
    GAZETTE_COMMENTS_PER_PAGE a page, ?comments=N, oldest first or ?order=newest), the
    editor's picks, the number of comments, the form, and the reader's own pending comment
    when they hold its link."""
    raw = request.GET.get("comments") or "1"
    if not raw.isdigit() or not 0 < int(raw) < 1_000_000:
        raise Http404("No such page of comments")
    order = request.GET.get("order", "oldest")
    if order not in ORDERS:
        order = ORDERS[0]
    discussion = discussion_page(article, int(raw), order)
    page = discussion.page
    if page.number == 1 and not page.has_next():
        count = discussion.shown  # a short discussion: all of it is on this page
    else:
        # A long one (a story with thousands of comments) costs one query more.
        count = Comment.objects.approved().filter(article=article).count()
    return {
        "comments": page.object_list,
        "comment_page_obj": page,
        "comment_order": order,
        "comment_picks": discussion.picks,
        "comment_count": count,
        "comment_page": page.number,
        "comment_form": form if form is not None else CommentForm(),
        "blank_form_html": blank_form_html() if form is None else "",
        "own_pending_comment": _own_pending_comment(request, article),
    }


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def post_comment(request: HttpRequest, article: ArticlePage) -> HttpResponse:
    """Handle the "Leave a comment" form posted to the article's own URL."""
    if is_cross_origin(request):
        return csrf_failure(request, reason="cross-origin comment form")
    if not article.comments_open:
        context = article.get_context(request)
        context["comments_closed_notice"] = True
        return TemplateResponse(request, article.get_template(request), context, status=403)

    form = CommentForm(request.POST)
    if not form.is_valid():
        # Shown again in place with per-field messages and the reader's values kept.
        context = article.get_context(request, comment_form=form)
        return TemplateResponse(request, article.get_template(request), context, status=400)

    comment = comment_submit(
        article=article,
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        website=form.cleaned_data["website"],
        body=form.cleaned_data["body"],
        ip=_client_ip(request),
    )
    location = f"{article.url}?moderation={moderation_token(comment)}#{comment.anchor}"
    response = HttpResponseRedirect(location)
    response.status_code = 303
    return response
