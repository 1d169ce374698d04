"""Shared fixtures: a set-up site, named people (alice the editor, bob the reader), and a
small factory for articles, all written through the same functions the app uses."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from gazette.news.markdown_import import _author, _section
from gazette.news.models import ArticleAuthor, ArticlePage
from gazette.newsroom.roles import user_create
from gazette.newsroom.site import site_ensure

_counter = itertools.count(1)


@pytest.fixture
def site(db):
    return site_ensure(site_name="Gazette", base_url="http://testserver")


@pytest.fixture
def news(site):
    return _section("News")


@pytest.fixture
def world(site):
    return _section("World")


@pytest.fixture
def author(site):
    return _author("Jane Roe")


@pytest.fixture
def make_article(site, author):
    """make_article(title, section=..., date=..., live=True, **fields) -> ArticlePage"""

    def make(
        title: str | None = None,
        *,
        section=None,
        date: dt.datetime | None = None,
        live: bool = True,
        authors=None,
        tags=(),
        body: str = "“We will rebuild the pier,” the harbour master said on Monday.",
        **fields,
    ) -> ArticlePage:
        n = next(_counter)
        section = section or _section("News")
        article = ArticlePage(
            title=title or f"Article number {n}",
            slug=f"article-{n}",
            standfirst=fields.pop("standfirst", f"Standfirst of article {n}."),
            date=date or (timezone.now() - dt.timedelta(hours=n)),
            body=[("paragraph", f"<p>{body}</p>")],
            live=False,
            **fields,
        )
        for person in authors or [author]:
            article.authors.add(ArticleAuthor(author=person))
        article.tags.set(list(tags))
        section.add_child(instance=article)
        revision = article.save_revision()
        if live:
            revision.publish()
        article.refresh_from_db()
        return article

    return make


@pytest.fixture
def alice(site):
    """An editor: may moderate comments."""
    return user_create(
        username="alice", role="editor", password="alice-password-1", email="alice@example.com"
    )


@pytest.fixture
def admin_user(site):
    return user_create(username="root", role="admin", password="root-password-1")
