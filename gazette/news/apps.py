from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "gazette.news"
    label = "news"

    def ready(self) -> None:
        from gazette.cache import expiry
        from gazette.news import signals
        from gazette.news.models import banner_expiry_time, next_publication_time

        signals.connect()
        expiry.register(next_publication_time)
        expiry.register(banner_expiry_time)
