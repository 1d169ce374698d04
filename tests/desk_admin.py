"""Posting the article editor's form as the admin would, for the corrections, bylines and
media tests (tests/newsroom_admin.py builds a new article's form for the role tests)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from gazette.news.models import ArticlePage


def article_form(
    article: ArticlePage,
    *,
    publish: bool = True,
    notes: list[dict[str, str]] | None = None,
    credit: str | None = None,
    authors: list[dict[str, Any]] | None = None,
    lead_image: Any = "keep",
    body: list[tuple[str, Any]] | None = None,
) -> dict[str, str]:
    """The edit form's data for ``article`` with the given changes."""
    article = ArticlePage.objects.get(pk=article.pk)
    existing_notes = [
        {
            "id": str(n.pk),
            "kind": n.kind,
            "text": n.text,
            "created_at": timezone.localtime(n.created_at).strftime("%Y-%m-%d %H:%M"),
        }
        for n in article.notes.order_by("sort_order")
    ]
    new_notes = [
        {
            "id": "",
            "kind": "correction",
            "created_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            **note,
        }
        for note in notes or []
    ]
    if authors is None:
        authors = [
            {"id": str(a.pk), "author": str(a.author_id), "role": a.role}
            for a in article.authors.order_by("sort_order")
        ]
    initial_authors = sum(1 for a in authors if a.get("id"))
    if lead_image == "keep":
        lead_image = article.lead_image_id
    if body is None:
        body = [("paragraph", rich_text("<p>The body of the story.</p>"))]
    data = nested_form_data(
        {
            "title": article.title,
            "slug": article.slug,
            "standfirst": article.standfirst,
            "authors": inline_formset(authors, initial=initial_authors),
            "credit": article.credit if credit is None else credit,
            "lead_image": str(lead_image or ""),
            "body": streamfield(body),
            "date": timezone.localtime(article.date).strftime("%Y-%m-%d %H:%M")
            if article.date
            else "",
            "updated": "",
            "tags": "",
            "comments_open": "on",
            "notes": inline_formset([*existing_notes, *new_notes], initial=len(existing_notes)),
            "comments": inline_formset([]),
            "embargo_until": "",
            "go_live_at": "",
            "expire_at": "",
            "seo_title": "",
            "search_description": "",
        }
    )
    if publish:
        data["action-publish"] = "1"  # the Publish button; without it, "Save draft"
    return data


def edit_url(article: ArticlePage) -> str:
    return reverse("wagtailadmin_pages:edit", args=[article.pk])


def form_errors(response) -> str:
    """The form's errors, for an assertion message."""
    context = getattr(response, "context", None)
    if context and context.get("form") is not None:
        form = context["form"]
        return str(form.errors) + str(
            {name: fs.errors for name, fs in form.formsets.items() if any(fs.errors)}
        )
    return response.content.decode()[:1000]
