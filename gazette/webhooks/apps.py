from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "gazette.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
