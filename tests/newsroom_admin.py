"""Helpers for driving Wagtail's admin over HTTP in the newsroom tests: the article
editor's form data, and the actions its buttons post."""

from __future__ import annotations

from typing import Any

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from gazette.news.models import ArticlePage


def article_form(
    *, title: str, slug: str, author_id: int, comments: list[dict] | None = None, **fields: Any
) -> dict[str, Any]:
    """What the admin's article editor posts: every field, the byline and the comments."""
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "standfirst": fields.pop("standfirst", "A standfirst."),
            "authors": inline_formset([{"author": author_id, "role": ""}]),
            "body": streamfield([("paragraph", rich_text("<p>The body of the story.</p>"))]),
            "comments": inline_formset(comments or []),
            "notes": inline_formset([]),
        }
    )
    data.update(
        {
            "lead_image": "",
            "credit": "",
            "date": "",
            "updated": "",
            "embargo_until": "",
            "tags": "",
            "comments_open": "on",
            "go_live_at": "",
            "expire_at": "",
            "seo_title": "",
            "search_description": "",
        }
    )
    data.update(fields)
    return data


def existing_form(article: ArticlePage, **fields: Any) -> dict[str, Any]:
    """The editor's form for an existing article, as loaded (latest revision)."""
    draft = article.get_latest_revision_as_object()
    credit = draft.authors.all()[0]
    data = article_form(title=draft.title, slug=draft.slug, author_id=credit.author_id)
    data["authors-0-id"] = credit.pk or ""
    data.update(fields)
    return data
