"""The moderation queue in Wagtail's admin: tabs by status, one-click and bulk actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from gazette.comments.models import Comment
from gazette.comments.moderation import ACTIONS

MODERATE = "comments.change_comment"
_PAST_TENSE = {"approve": "approved", "spam": "marked as spam", "trash": "moved to the trash"}


@permission_required(MODERATE, raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Comment.Status.PENDING)
    if status not in Comment.Status.values:
        status = Comment.Status.PENDING
    counts = dict(Comment.objects.values_list("status").annotate(n=Count("pk")).order_by())
    comments = (
        Comment.objects.filter(status=status)
        .select_related("article")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(comments, 50).get_page(request.GET.get("p"))
    tabs = [
        {"status": value, "label": label, "count": counts.get(value, 0), "active": value == status}
        for value, label in Comment.Status.choices
    ]
    return TemplateResponse(
        request,
        "comments/admin/queue.html",
        {
            "page_title": "Comments",
            "header_icon": "comment",
            "tabs": tabs,
            "status": status,
            "comments": page,
            "actions": [a for a in ("approve", "spam", "trash") if a != _action_for(status)],
        },
    )


def _action_for(status: str) -> str:
    return {"approved": "approve", "spam": "spam", "trash": "trash"}.get(status, "")


@require_POST
@permission_required(MODERATE, raise_exception=True)
def moderate(request: HttpRequest) -> HttpResponse:
    status = request.POST.get("status", Comment.Status.PENDING)
    if status not in Comment.Status.values:
        status = Comment.Status.PENDING
    back = redirect(f"{reverse('comments_queue')}?status={status}")
    # A row's own button sends "one=ACTION:ID"; the bulk buttons send "action" and "ids".
    action, _, one = request.POST.get("one", "").partition(":")
    if one:
        ids = [int(one)] if one.isdigit() else []
    else:
        action = request.POST.get("action", "")
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    if action not in ACTIONS:
        messages.error(request, "Choose approve, spam or trash.")
        return back
    if not ids:
        messages.error(request, "Select at least one comment first.")
        return back
    done = 0
    for comment in Comment.objects.filter(pk__in=ids):
        ACTIONS[action](comment=comment, by=request.user)
        done += 1
    noun = "comment" if done == 1 else "comments"
    messages.success(request, f"{done} {noun} {_PAST_TENSE[action]}.")
    return back
