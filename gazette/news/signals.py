"""The one bridge from Wagtail's own admin actions to Gazette's write functions."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from gazette.news.models import ArticlePage, BreakingNews
from gazette.news.publishing import (
    article_moved,
    article_published,
    article_unpublished,
    banner_changed,
    page_changed,
)


def _on_page_published(sender: type, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, ArticlePage):
        article_published(article=instance)
    else:
        page_changed(page=instance)


def _on_page_unpublished(sender: type, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, ArticlePage):
        article_unpublished(article=instance)
    else:
        page_changed(page=instance)


def _on_page_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    # Before the rows go, while the article's section, authors and tags can still be read.
    if isinstance(instance, ArticlePage) and instance.live:
        article_unpublished(article=instance)
    elif isinstance(instance, Page) and instance.live:
        page_changed(page=instance)


def _on_page_moved(sender: type, instance: Any, parent_page_before: Any, **kwargs: Any) -> None:
    if isinstance(instance.specific, ArticlePage):
        article = ArticlePage.objects.get(pk=instance.pk)
        article_moved(article=article, old_section_id=parent_page_before.pk)


def _on_banner_saved(sender: type, **kwargs: Any) -> None:
    banner_changed()


def connect() -> None:
    # The banner is a Wagtail setting, edited in the admin's Settings: no publish signal.
    post_save.connect(_on_banner_saved, sender=BreakingNews, dispatch_uid="gazette.news.banner")
    post_delete.connect(_on_banner_saved, sender=BreakingNews, dispatch_uid="gazette.news.banner-")
    post_page_move.connect(_on_page_moved, dispatch_uid="gazette.news.moved")
    page_published.connect(_on_page_published, dispatch_uid="gazette.news.published")
    page_unpublished.connect(_on_page_unpublished, dispatch_uid="gazette.news.unpublished")
    for model in ("ArticlePage", "SectionPage", "AuthorPage", "HomePage"):
        pre_delete.connect(
            _on_page_deleted, sender=f"news.{model}", dispatch_uid=f"gazette.news.deleted.{model}"
        )
