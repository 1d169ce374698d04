from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "gazette.news"
    label = "news"

    def ready(self) -> None:
        from gazette.news import signals

        signals.connect()
