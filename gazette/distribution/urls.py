"""Feeds, sitemaps and robots.txt. Included by gazette/urls.py before Wagtail's page
route: "/feed/" is reserved, a section with that slug would be hidden by the site feed."""

from django.urls import path, re_path

from gazette.distribution import feeds, sitemaps

urlpatterns = [
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap_index"),
    path("sitemaps/news.xml", sitemaps.news, name="sitemap_news"),
    path("sitemaps/sections.xml", sitemaps.sections, name="sitemap_sections"),
    re_path(
        r"^sitemaps/(?P<kind>articles|tags|authors)-(?P<number>[0-9]{1,7})\.xml$",
        sitemaps.paged,
        name="sitemap_paged",
    ),
    path("feed.json", feeds.feed_view, {"kind": "site", "fmt": "json"}),
]
for fmt, suffix in (("rss", ""), ("atom", "atom/"), ("json", "json/")):
    urlpatterns += [
        path(f"feed/{suffix}", feeds.feed_view, {"kind": "site", "fmt": fmt}),
        re_path(
            rf"^feed/(?P<kind>section|tag|author)/(?P<slug>[-\w]+)/{suffix}$",
            feeds.feed_view,
            {"fmt": fmt},
        ),
    ]
