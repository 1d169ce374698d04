import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from gazette.api import wp
from gazette.api.errors import error_response
from gazette.api.v1 import api


def _json_405(view: Callable) -> Callable:
    """django-ninja answers a wrong method with a plain-text 405: make it the API's JSON."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response.get("Allow", "")
            response = error_response(405, f"This address answers {allowed}.")
            response["Allow"] = allowed
        return response

    return wrapper


def not_found(request: HttpRequest) -> HttpResponse:
    return error_response(404, "No such endpoint: see /api/v1/openapi.json.")


v1_patterns, v1_app_name, v1_namespace = api.urls
for pattern in v1_patterns:
    pattern.callback = _json_405(pattern.callback)

urlpatterns = [
    path("api/v1/", (v1_patterns, v1_app_name, v1_namespace)),
    re_path(r"^api/v1/", not_found),
    # WordPress clients ask for /wp-json/... and, on servers without pretty permalinks,
    # /?rest_route=/...; Gazette always has pretty URLs, so only the first is served.
    path("wp-json/", wp.index, name="wp-index"),
    path("wp-json/wp/v2", wp.namespace_index),
    path("wp-json/wp/v2/", wp.namespace_index),
    re_path(r"^wp-json/wp/v2/posts/?$", wp.posts, name="wp-posts"),
    re_path(r"^wp-json/wp/v2/posts/(?P<pk>\d+)/?$", wp.post, name="wp-post"),
    re_path(r"^wp-json/wp/v2/pages/?$", wp.pages, name="wp-pages"),
    re_path(r"^wp-json/wp/v2/pages/(?P<pk>\d+)/?$", wp.page, name="wp-page"),
    re_path(r"^wp-json/wp/v2/categories/?$", wp.categories, name="wp-categories"),
    re_path(r"^wp-json/wp/v2/categories/(?P<pk>\d+)/?$", wp.category, name="wp-category"),
    re_path(r"^wp-json/wp/v2/tags/?$", wp.tags, name="wp-tags"),
    re_path(r"^wp-json/wp/v2/tags/(?P<pk>\d+)/?$", wp.tag, name="wp-tag"),
    re_path(r"^wp-json/wp/v2/users/?$", wp.users, name="wp-users"),
    re_path(r"^wp-json/wp/v2/users/(?P<pk>\d+)/?$", wp.user, name="wp-user"),
    re_path(r"^wp-json/wp/v2/media/?$", wp.media, name="wp-media"),
    re_path(r"^wp-json/wp/v2/media/(?P<pk>\d+)/?$", wp.medium, name="wp-medium"),
    re_path(r"^wp-json/wp/v2/comments/?$", wp.comments, name="wp-comments"),
    re_path(r"^wp-json/wp/v2/comments/(?P<pk>\d+)/?$", wp.comment, name="wp-comment"),
    re_path(r"^wp-json/.*$", wp.no_route),
]
