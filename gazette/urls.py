from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve as serve_static
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from gazette.news import serving
from gazette.news import views as news_views
from gazette.search import views as search_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("tags/<slug:slug>/", news_views.tag, name="tag"),
    path("search/", search_views.search, name="search"),
]

if settings.GAZETTE_SERVE_MEDIA:
    # The embedded setup serves uploaded media itself; larger sites let nginx or object
    # storage do it (README, "Production").
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_static, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += [
    # Wagtail's page view (gazette.news.serving), without Django's token check: the only page
    # that takes a POST is the article (its comment form), and it checks the request's
    # origin itself (gazette.crossorigin), so that article pages carry no per-visitor token
    # and can be cached. Named like Wagtail's own pattern so that page URLs reverse to it.
    re_path(r"^((?:[\w\-]+/)*)$", serving.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
