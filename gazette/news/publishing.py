"""Writes to articles: plain functions called by the admin bridge, the CLI and tests."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from gazette.news.models import ArticlePage


def article_publish(*, article: ArticlePage, by: AbstractBaseUser | None = None) -> ArticlePage:
    """Publish the article's latest revision (saving one first if it has none)."""
    revision = article.save_revision(user=by, log_action=True)
    revision.publish(user=by)
    article.refresh_from_db()
    return article


def article_published(*, article: ArticlePage) -> None:
    """What follows any publication, however it happened (admin, CLI, schedule).

    An article without a publication date takes the time it was first published, so its
    place among its neighbours never moves on later edits.
    """
    if article.date is None:
        date = article.first_published_at or timezone.now()
        ArticlePage.objects.filter(pk=article.pk, date__isnull=True).update(date=date)
        article.date = date
