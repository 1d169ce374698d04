"""Shows the admin user why a publication was refused, wherever in the admin it happened.

ArticlePage.publish refuses an article that is not ready (gazette.news.readiness). In the
edit view the form has usually said so already, but a workflow approval from the dashboard
or a bulk publish action reaches the refusal with nothing to show it: Wagtail's views
would answer 500. Here the refusal becomes error messages on the article's edit page, where
the editor can fix it. The refusal was raised inside the action's transaction, so the
approval or publication it interrupted was rolled back.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from wagtail.admin.modal_workflow import render_modal_workflow

from gazette.news.readiness import NotReadyToPublish


class PublicationRefusedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, NotReadyToPublish):
            return None
        messages.error(request, f"“{exception.title}” was not published.")
        for problem in exception.problems:
            messages.error(request, problem)
        target = reverse("wagtailadmin_pages:edit", args=(exception.page_id,))
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # Wagtail's workflow modal follows a "success" step's redirect.
            return render_modal_workflow(
                request, "", None, {}, json_data={"step": "success", "redirect": target}
            )
        return redirect(target)
