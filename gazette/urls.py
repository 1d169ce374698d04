from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve as serve_static
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from gazette.comments import reader_views
from gazette.comments import views as comment_views
from gazette.news import serving
from gazette.news import views as news_views
from gazette.newsroom import preview
from gazette.search import views as search_views
from gazette.wordpress import views as wordpress_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # [-\w]: taggit keeps letters of any alphabet in slugs (a tag typed in Greek in the
    # admin), and Django's <slug:> converter would leave them without a URL.
    re_path(r"^tags/(?P<slug>[-\w]+)/$", news_views.tag, name="tag"),
    path("comments/<int:pk>/", reader_views.permalink, name="comment_permalink"),
    path("comments/<int:pk>/report/", reader_views.report, name="comment_report"),
    # The signed links that comment mails carry (gazette/comments/mail.py).
    path("comments/verify/<str:token>/", comment_views.verify_email, name="comment_verify"),
    path("comments/edit/<str:token>/", comment_views.edit_own_comment, name="comment_edit"),
    path(
        "comments/unsubscribe/<str:token>/",
        comment_views.unsubscribe_view,
        name="comment_unsubscribe",
    ),
    path("preview/<str:token>/", preview.serve_preview_link, name="gazette_preview"),
    path("corrections/", news_views.corrections, name="corrections"),
    # Feeds, sitemaps, robots.txt: before Wagtail's pages, so "feed" is not a section slug.
    path("", include("gazette.distribution.urls")),
    path("", include("gazette.api.urls")),
    path("search/", search_views.search, name="search"),
]

if settings.GAZETTE_SERVE_MEDIA:
    # The embedded setup serves uploaded media itself; larger sites let nginx or object
    # storage do it (README, "Production").
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_static, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += [
    # The home page, which also answers WordPress's /?p=ID links after an import.
    path("", wordpress_views.root),
    # Wagtail's page view (gazette.news.serving), without Django's token check: the only page
    # that takes a POST is the article (its comment form), and it checks the request's
    # origin itself (gazette.crossorigin), so that article pages carry no per-visitor token
    # and can be cached. Named like Wagtail's own pattern so that page URLs reverse to it.
    re_path(r"^((?:[\w\-]+/)*)$", serving.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
