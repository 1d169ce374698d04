from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "gazette.newsroom"
    label = "newsroom"
