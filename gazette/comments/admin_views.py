"""The moderation queue in Wagtail's admin: tabs by status and for reported comments,
one-click and bulk actions with undo, each commenter's history, the audit log, and one
commenter's data (export and erase).

Built for a queue of tens of thousands: no page counts its whole list (tabs count up to
COUNT_CAP, pages are found by fetching one row more), and a page of 50 comments costs the
same few queries as a page of 5."""

from __future__ import annotations

import json
from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from gazette.comments.models import Comment, ModerationLog, Report
from gazette.comments.moderation import (
    ACTIONS,
    comment_pin,
    comments_moderate,
    comments_undo,
)
from gazette.comments.privacy import (
    NoSuchCommenter,
    commenter_erase,
    commenter_export,
    forget_old_ip_networks,
)
from gazette.news.models import ListPage, relative_url

MODERATE = "comments.change_comment"
PER_PAGE = 50
# Tabs show exact numbers up to this, then "1000+": counting 10,000 spam comments on every
# view of the queue would cost more than the page.
COUNT_CAP = 1000
REPORTED = "reported"
TABS = [
    (Comment.Status.PENDING, "Pending"),
    (REPORTED, "Reported"),
    (Comment.Status.APPROVED, "Approved"),
    (Comment.Status.SPAM, "Spam"),
    (Comment.Status.TRASH, "Trash"),
]
_PAST_TENSE = {"approve": "approved", "spam": "marked as spam", "trash": "moved to the trash"}
_UNDO_SESSION_KEY = "gazette.comments.undo"


def _tab_queryset(tab: str):
    if tab == REPORTED:
        return Comment.objects.filter(report_count__gt=0).order_by("-report_count", "-pk")
    return Comment.objects.filter(status=tab).order_by("-created_at", "-pk")


def _capped_count(queryset) -> str:
    n = queryset.order_by()[: COUNT_CAP + 1].count()
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("p", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


def _attach_history(comments: list[Comment]) -> None:
    """Each commenter's comments by status (by email address), in one query for the page."""
    emails = {c.email for c in comments if c.email}
    history: dict[str, dict[str, int]] = defaultdict(dict)
    if emails:
        rows = (
            Comment.objects.filter(email__in=emails)
            .values_list("email", "status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for email, status, n in rows:
            history[email][status] = n
    labels = dict(Comment.Status.choices)
    for comment in comments:
        counts = history.get(comment.email, {})
        comment.history = [
            (labels[status].lower(), counts[status])
            for status in Comment.Status.values
            if counts.get(status)
        ]
        comment.first_time = sum(counts.values()) <= 1


def _attach_reports(comments: list[Comment]) -> None:
    """The open reports' reasons, for the comments that have some: one query."""
    reported = [c.pk for c in comments if c.report_count]
    reasons: dict[int, list[tuple[str, int]]] = defaultdict(list)
    if reported:
        labels = dict(Report.Reason.choices)
        rows = (
            Report.objects.filter(comment_id__in=reported, resolved=False)
            .values_list("comment_id", "reason")
            .annotate(n=Count("pk"))
            .order_by("comment_id", "reason")
        )
        for pk, reason, n in rows:
            reasons[pk].append((labels.get(reason, reason), n))
    for comment in comments:
        comment.report_reasons = reasons.get(comment.pk, [])


def _forget_ip_networks_daily() -> None:
    # django-tasks has no scheduler: the queue, opened every day on any site that takes
    # comments, queues the retention task at most once a day per process (cron or a
    # systemd timer running `gazette comments forget-ips` does the same job).
    if cache.add("gazette.comments.forget-ips", True, timeout=24 * 3600):
        forget_old_ip_networks.enqueue()


@permission_required(MODERATE, raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("status", Comment.Status.PENDING)
    if tab not in dict(TABS):
        tab = Comment.Status.PENDING
    _forget_ip_networks_daily()
    rows = (
        _tab_queryset(tab)
        .select_related("article")
        .only(
            *(f.name for f in Comment._meta.concrete_fields), "article__title", "article__url_path"
        )
    )
    page = ListPage(rows, _page_number(request), PER_PAGE)
    comments = page.object_list
    for comment in comments:
        comment.article_url = relative_url(comment.article.url_path)
    _attach_history(comments)
    _attach_reports(comments)
    tabs = [
        {
            "status": value,
            "label": label,
            "count": _capped_count(_tab_queryset(value)),
            "active": value == tab,
        }
        for value, label in TABS
    ]
    undo = None
    batch = request.session.pop(_UNDO_SESSION_KEY, None)
    if batch:
        undo = {"batch": batch}
    return TemplateResponse(
        request,
        "comments/admin/queue.html",
        {
            "page_title": "Comments",
            "header_icon": "comment",
            "tabs": tabs,
            "status": tab,
            "comments": page,
            "actions": [a for a in ("approve", "spam", "trash") if a != _action_for(tab)],
            "undo": undo,
        },
    )


def _action_for(status: str) -> str:
    return {"approved": "approve", "spam": "spam", "trash": "trash"}.get(status, "")


@require_POST
@permission_required(MODERATE, raise_exception=True)
def moderate(request: HttpRequest) -> HttpResponse:
    status = request.POST.get("status", Comment.Status.PENDING)
    if status not in dict(TABS):
        status = Comment.Status.PENDING
    back = redirect(f"{reverse('comments_queue')}?status={status}")
    # A row's own button sends "one=ACTION:ID"; the bulk buttons send "action" and "ids".
    action, _, one = request.POST.get("one", "").partition(":")
    if one:
        ids = [int(one)] if one.isdigit() else []
    else:
        action = request.POST.get("action", "")
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    if action in ("pin", "unpin"):
        return _pin(request, ids, action == "pin", back)
    if action not in ACTIONS:
        messages.error(request, "Choose approve, spam or trash.")
        return back
    if not ids:
        messages.error(request, "Select at least one comment first.")
        return back
    # Ids of no comment (deleted meanwhile, or typed in) are left out of the count.
    batch, done = comments_moderate(ids=ids, action=action, by=request.user)
    if not done:
        messages.error(request, "None of the selected comments exists any more.")
        return back
    noun = "comment" if done == 1 else "comments"
    messages.success(request, f"{done} {noun} {_PAST_TENSE[action]}.")
    request.session[_UNDO_SESSION_KEY] = batch
    return back


def _pin(request: HttpRequest, ids: list[int], pinned: bool, back: HttpResponse) -> HttpResponse:
    comment = Comment.objects.filter(pk__in=ids[:1]).first()
    if comment is None:
        messages.error(request, "That comment does not exist any more.")
        return back
    try:
        comment_pin(comment=comment, pinned=pinned, by=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return back
    if pinned:
        messages.success(request, "The comment is now an editor's pick, shown first.")
    else:
        messages.success(request, "The comment is no longer an editor's pick.")
    return back


@require_POST
@permission_required(MODERATE, raise_exception=True)
def undo(request: HttpRequest) -> HttpResponse:
    status = request.POST.get("status", Comment.Status.PENDING)
    if status not in dict(TABS):
        status = Comment.Status.PENDING
    back = redirect(f"{reverse('comments_queue')}?status={status}")
    batch = request.POST.get("batch", "")
    if not ModerationLog.objects.filter(batch=batch).exists():
        messages.error(request, "There is nothing to undo.")
        return back
    restored, skipped = comments_undo(batch=batch, by=request.user)
    if restored:
        noun = "comment" if restored == 1 else "comments"
        messages.success(request, f"Undone: {restored} {noun} put back.")
    if skipped:
        noun = "comment was" if skipped == 1 else "comments were"
        messages.warning(
            request, f"{skipped} {noun} changed again since, and left as they are now."
        )
    return back


@permission_required(MODERATE, raise_exception=True)
def log(request: HttpRequest) -> HttpResponse:
    """Who did what to which comment, and when: newest first, a page at a time."""
    rows = ModerationLog.objects.select_related("actor").order_by("-created_at", "-pk")
    page = ListPage(rows, _page_number(request), PER_PAGE)
    return TemplateResponse(
        request,
        "comments/admin/log.html",
        {"page_title": "Comment moderation log", "header_icon": "history", "entries": page},
    )


@permission_required(MODERATE, raise_exception=True)
def commenter(request: HttpRequest) -> HttpResponse:
    """One commenter's data by email address: what is stored, a JSON export, and erase."""
    email = (request.POST.get("email") or request.GET.get("email") or "").strip()
    context = {"page_title": "Commenter's data", "header_icon": "user", "email": email}
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Tick the box to confirm the erasure first.")
        else:
            try:
                n = commenter_erase(email=email, by=request.user)
            except NoSuchCommenter:
                messages.error(request, "No comment was written with that email address.")
            else:
                noun = "comment" if n == 1 else "comments"
                messages.success(request, f"{n} {noun} anonymised.")
                return redirect(reverse("comments_commenter"))
        return redirect(f"{reverse('comments_commenter')}?{urlencode({'email': email})}")
    if email:
        try:
            data = commenter_export(email=email)
        except NoSuchCommenter:
            context["not_found"] = True
        else:
            if request.GET.get("format") == "json":
                response = HttpResponse(
                    json.dumps(data, ensure_ascii=False, indent=2),
                    content_type="application/json; charset=utf-8",
                )
                response["Content-Disposition"] = 'attachment; filename="comments-export.json"'
                return response
            context["rows"] = data
    return TemplateResponse(request, "comments/admin/commenter.html", context)
