from __future__ import annotations

from django.http import HttpRequest
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from gazette.comments import admin_views
from gazette.comments.models import Comment


class CommentsMenuItem(MenuItem):
    """ "Comments" in the admin's sidebar, with the number waiting for moderation."""

    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(admin_views.MODERATE)

    def render_component(self, request: HttpRequest):
        # Counted up to the queue's cap: the sidebar is on every admin page.
        cap = admin_views.COUNT_CAP
        pending = Comment.objects.pending().order_by()[: cap + 1].count()
        shown = f"{cap}+" if pending > cap else str(pending)
        component = super().render_component(request)
        if pending:
            # Short enough for the sidebar; the full wording is in the tooltip.
            component.label = f"Comments ({shown})"
            noun = "comment" if pending == 1 else "comments"
            component.attrs = {**component.attrs, "title": f"{shown} {noun} pending moderation"}
        return component


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("comments/", admin_views.queue, name="comments_queue"),
        path("comments/moderate/", admin_views.moderate, name="comments_moderate"),
        path("comments/undo/", admin_views.undo, name="comments_undo"),
        path("comments/log/", admin_views.log, name="comments_log"),
        path("comments/commenter/", admin_views.commenter, name="comments_commenter"),
    ]


@hooks.register("register_admin_menu_item")
def register_comments_menu_item():
    return CommentsMenuItem("Comments", reverse("comments_queue"), icon_name="comment", order=250)
