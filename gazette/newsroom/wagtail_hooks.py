from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter

from gazette.newsroom import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "preview-link/<int:page_id>/",
            admin_views.preview_link_view,
            name="gazette_preview_link",
        ),
    ]


@hooks.register("register_page_header_buttons")
def preview_link_button(page: Any, user: Any, view_name: str, next_url: str | None = None):
    if page.depth > 1 and page.permissions_for_user(user).can_edit():
        yield Button(
            "Share a preview link",
            url=reverse("gazette_preview_link", args=[page.pk]),
            icon_name="link",
            priority=66,
        )


@hooks.register("before_create_page")
def only_editors_create_structure(
    request: HttpRequest, parent_page: Any, page_class: type
) -> HttpResponse | None:
    """Contributors and Authors write articles; sections, author profiles and the home
    page are the Editors' (Wagtail's add permission alone does not tell page types apart)."""
    from gazette.news.models import ArticlePage

    if page_class is ArticlePage or request.user.is_superuser:
        return None
    if "change" in parent_page.permissions_for_user(request.user).permissions:
        return None
    return HttpResponseForbidden("Only editors may create sections and author profiles.")


@hooks.register("after_edit_page")
def warn_of_concurrent_saves(request: HttpRequest, page: Any) -> None:
    """Two editors saving the same article: Wagtail keeps both as revisions and the later
    save wins. Say so to the one who saved second, so that nothing is silently lost: the
    other version is in the history, where the two can be compared and either restored."""
    loaded = request.POST.get("loaded_revision_id", "")
    if not loaded.isdigit():
        return
    others = (
        page.revisions.filter(pk__gt=int(loaded))
        .exclude(pk=page.latest_revision_id)
        .exclude(user=request.user)
        .select_related("user")
    )
    names = sorted({r.user.get_username() if r.user else "the scheduler" for r in others})
    if names:
        messages.warning(
            request,
            f"{', '.join(names)} saved this page while you were editing it. Your version "
            "is now the latest; theirs is kept in the page's history, where you can compare "
            "the two and restore either.",
        )


@hooks.register("register_log_actions")
def register_refusal(actions: Any) -> None:
    """The scheduler's refusal of an article that was no longer ready (newsroom/scheduler.py),
    in the article's history with what to fix."""

    @actions.register_action("gazette.publish.refused")
    class Refused(LogFormatter):
        label = "Scheduled publication refused"

        def format_message(self, log_entry: Any) -> str:
            problems = " ".join(log_entry.data.get("problems", []))
            return f"Not published at the scheduled time, and taken off the schedule: {problems}"
