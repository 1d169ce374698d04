from django.urls import path, re_path

from gazette.api import wp
from gazette.api.v1 import api

urlpatterns = [
    path("api/v1/", api.urls),
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
