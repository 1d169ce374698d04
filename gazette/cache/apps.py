from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "gazette.cache"
    label = "pagecache"
    verbose_name = "Page cache"
