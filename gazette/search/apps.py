from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gazette.search"
    label = "gazette_search"  # "search" would clash with Wagtail's wagtailsearch label family
    verbose_name = "Search"
