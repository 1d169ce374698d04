from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "gazette.comments"
    label = "comments"
