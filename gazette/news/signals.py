"""The one bridge from Wagtail's own admin actions to Gazette's write functions."""

from __future__ import annotations

from typing import Any

from wagtail.signals import page_published

from gazette.news.models import ArticlePage
from gazette.news.publishing import article_published


def _on_page_published(sender: type, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, ArticlePage):
        article_published(article=instance)


def connect() -> None:
    page_published.connect(_on_page_published, dispatch_uid="gazette.news.published")
