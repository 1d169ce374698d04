from django.apps import AppConfig


class WordPressConfig(AppConfig):
    name = "gazette.wordpress"
    label = "wordpress"
    verbose_name = "WordPress import and export"
    default_auto_field = "django.db.models.BigAutoField"
