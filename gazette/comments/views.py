"""The public side of comments: the list and form on an article, and the form's POST."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt

from gazette.cache.expiry import expire_at
from gazette.comments.checks import CommentRefused, form_guard_expiry, form_token
from gazette.comments.forms import CommentForm
from gazette.comments.mail import unsubscribe
from gazette.comments.models import Comment
from gazette.comments.moderation import comment_submit
from gazette.comments.policy import closes_at
from gazette.comments.threads import ORDERS, discussion_page
from gazette.comments.verification import proven_email_key, set_trust_cookie, verify
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


def blank_form_html(request: HttpRequest | None = None, article: ArticlePage | None = None) -> str:
    """The empty form's fields, rendered once per process (Django renders form widgets
    through templates, which costs more than the rest of the comment section), followed by
    what changes with every rendering: the signed timestamp and the honeypot."""
    limit = settings.GAZETTE_COMMENT_MAX_LENGTH
    html = _blank_form_html.get(limit)
    if html is None:
        html = _blank_form_html[limit] = render_to_string(
            "comments/form_fields.html", {"comment_form": CommentForm(), "blank": True}
        )
    guard = ""
    if article is not None:
        guard = render_to_string(
            "comments/form_guard.html",
            {"form_token": form_token(article.pk), "hold_all": article.comments_hold_all},
        )
        # The cached page must be rendered again before its timestamp gets too old, and
        # when comments close by themselves (checks.py explains the timestamp).
        expires = [form_guard_expiry()]
        closing = closes_at(article)
        if closing is not None:
            expires.append(closing.timestamp())
        expire_at(request, min(expires))
    return mark_safe(html + guard)  # noqa: S308 - our own templates' output


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
    return {
        # Read when the template shows it: a kept fragment of the list (comments.html)
        # skips its queries.
        "discussion": LazyDiscussion(article, int(raw), order),
        "comment_order": order,
        "comment_page": int(raw),
        "comment_form": form if form is not None else CommentForm(),
        "blank_form_html": blank_form_html(request, article) if form is None else "",
        "own_pending_comment": _own_pending_comment(request, article),
    }


class LazyDiscussion:
    """One page of an article's discussion, read from the database on first use."""

    def __init__(self, article: ArticlePage, number: int, order: str):
        self.article, self.number, self.order = article, number, order

    @cached_property
    def _discussion(self):
        return discussion_page(self.article, self.number, self.order)

    @property
    def page(self):
        return self._discussion.page

    @property
    def comments(self) -> list[Comment]:
        return self._discussion.page.object_list

    @property
    def picks(self) -> list[Comment]:
        return self._discussion.picks

    @cached_property
    def count(self) -> int:
        page = self.page
        if page.number == 1 and not page.has_next():
            return self._discussion.shown  # a short discussion: all of it is on this page
        # A long one (a story with thousands of comments) costs one query more.
        return Comment.objects.approved().filter(article=self.article).count()


def client_ip(request: HttpRequest) -> str:
    """The reader's address: REMOTE_ADDR, or, when that is a trusted reverse proxy
    (GAZETTE_TRUSTED_PROXIES), the last address X-Forwarded-For names before the proxies."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.GAZETTE_TRUSTED_PROXIES
    if not trusted or not _in_networks(remote, trusted):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _in_networks(hop, trusted):
            return hop
    return remote


def _in_networks(address: str, networks: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
        return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)
    except ValueError:
        return False


def _refused(
    request: HttpRequest, article: ArticlePage, form: CommentForm, refusal: CommentRefused
) -> HttpResponse:
    if refusal.status == 429:
        response = TemplateResponse(
            request,
            "comments/rate_limited.html",
            {"page": article, "message": refusal.message},
            status=429,
        )
        response["Retry-After"] = "600"
        return response
    if refusal.status == 403:
        context = article.get_context(request)
        context["comments_closed_notice"] = True
        return TemplateResponse(request, article.get_template(request), context, status=403)
    # Shown again in place, with the reader's text kept and the reason next to the field.
    form.add_error(refusal.field, refusal.message)
    context = article.get_context(request, comment_form=form)
    return TemplateResponse(request, article.get_template(request), context, status=400)


def post_comment(request: HttpRequest, article: ArticlePage) -> HttpResponse:
    """Handle the "Leave a comment" form posted to the article's own URL."""
    if is_cross_origin(request):
        return csrf_failure(request, reason="cross-origin comment form")
    if article.comments_closed_reason:
        context = article.get_context(request)
        context["comments_closed_notice"] = True
        return TemplateResponse(request, article.get_template(request), context, status=403)

    form = CommentForm(request.POST)
    if not form.is_valid():
        # Shown again in place with per-field messages and the reader's values kept.
        context = article.get_context(request, comment_form=form)
        return TemplateResponse(request, article.get_template(request), context, status=400)

    data = form.cleaned_data
    try:
        comment = comment_submit(
            article=article,
            name=data["name"],
            email=data["email"],
            website=data["website"],
            body=data["body"],
            ip=client_ip(request),
            parent=data["parent"],
            notify=data["notify"],
            form_meta={"url": data["url"], "form_token": data["form_token"]},
            proven_email_key=proven_email_key(request),
        )
    except CommentRefused as refusal:
        return _refused(request, article, form, refusal)
    location = f"{article.url}?moderation={moderation_token(comment)}#{comment.anchor}"
    response = HttpResponseRedirect(location)
    response.status_code = 303
    return response


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click link mailed to a commenter: confirms the address, and gives this
    browser the cookie that lets its later comments be trusted (verification.py)."""
    verified = verify(token)
    response = TemplateResponse(
        request,
        "comments/verified.html",
        {"ok": verified is not None},
        status=200 if verified else 400,
    )
    response["Cache-Control"] = "no-store"
    if verified is not None:
        set_trust_cookie(response, verified)
    return response


@csrf_exempt  # the signed token is the proof; mail clients POST here (RFC 8058)
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    ok = unsubscribe(token)
    response = TemplateResponse(
        request, "comments/unsubscribed.html", {"ok": ok}, status=200 if ok else 400
    )
    response["Cache-Control"] = "no-store"
    return response


def _comment_from_token(token: str) -> Comment | None:
    try:
        pk = signing.loads(token, salt=_MODERATION_SALT, max_age=_MODERATION_LINK_AGE)
    except signing.BadSignature:
        return None
    return Comment.objects.select_related("article").filter(pk=pk).first()


def edit_own_comment(request: HttpRequest, token: str) -> HttpResponse:
    """Edit or delete one's own comment within 10 minutes, by the link the post gave."""
    from gazette.comments.editing import can_edit, comment_delete_own, comment_edit, editable_until

    comment = _comment_from_token(token)
    if comment is None or not can_edit(comment):
        response = TemplateResponse(request, "comments/edit.html", {"expired": True}, status=403)
        response["Cache-Control"] = "no-store"
        return response
    article = comment.article
    error, body, status = "", comment.body, 200
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            comment_delete_own(comment=comment)
            return HttpResponseRedirect(f"{article.url}#comments", status=303)
        body = request.POST.get("body", "")
        try:
            comment_edit(comment=comment, body=body)
        except CommentRefused as refusal:
            error, status = refusal.message, 400
        else:
            response = HttpResponseRedirect(
                f"{article.url}?moderation={token}#{comment.anchor}", status=303
            )
            return response
    response = TemplateResponse(
        request,
        "comments/edit.html",
        {
            "comment": comment,
            "article": article,
            "body": body,
            "error": error,
            "until": editable_until(comment),
            "limit": settings.GAZETTE_COMMENT_MAX_LENGTH,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response
