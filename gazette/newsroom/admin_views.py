"""The admin's page for making a shareable preview link of a draft."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from wagtail.models import Page

from gazette.newsroom.preview import LIFETIMES, preview_link


class PreviewLinkForm(forms.Form):
    hours = forms.TypedChoiceField(
        label="Link valid for",
        choices=list(LIFETIMES.items()),
        coerce=int,
        initial=24,
        help_text="Anyone with the link can read the latest draft until then.",
    )


def preview_link_view(request: HttpRequest, page_id: int) -> HttpResponse:
    page = get_object_or_404(Page, pk=page_id).specific
    # Whoever may edit the draft may show it; nobody else learns it exists.
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    link = expires = None
    status = 200
    if request.method == "POST":
        form = PreviewLinkForm(request.POST)
        if form.is_valid():
            path, expires = preview_link(page=page, hours=form.cleaned_data["hours"])
            link = request.build_absolute_uri(path)
        else:
            status = 400
    else:
        form = PreviewLinkForm()
    return TemplateResponse(
        request,
        "newsroom/admin/preview_link.html",
        {
            "page": page,
            "form": form,
            "link": link,
            "expires": expires,
            "page_title": f"Share a preview of “{page.get_admin_display_title()}”",
            "header_title": "Share a preview",
        },
        status=status,
    )
