"""WordPress API discovery: every public HTML page says where the API is, as WordPress
does with its Link header (clients such as wpapi's discover() look for it)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

REL = "https://api.w.org/"


class ApiDiscoveryMiddleware:
    """Just inside the page cache's middleware, so that cached pages keep the header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith("/admin/")
            and "Link" not in response
        ):
            response["Link"] = f'<{request.build_absolute_uri("/wp-json/")}>; rel="{REL}"'
        return response
