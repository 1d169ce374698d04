"""The article's admin form: what must be true before an article is published.

Wagtail defers required fields when an editor saves a draft (``is_deferred_validation``);
the checks here follow the same rule, so a draft with an unfinished byline or an image
without alt text can always be saved, and only publishing (or submitting for review) is
refused, with a message that says what to fix."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm

from gazette.images.validation import article_image_problems
from gazette.news.readiness import BYLINE_MISSING


def validate_banner_link(value: str) -> None:
    """A link readers may follow: an https/http address or a path on this site. Anything
    else (javascript:, data:, //other.host) is refused."""
    if not value:
        return
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in value):
        return
    raise ValidationError(
        "Enter a path on this site (/news/story/) or a full address starting with https://.",
        code="unsafe_link",
    )


class ArticlePageForm(WagtailAdminPageForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.is_deferred_validation:  # saving a draft: anything goes
            return cleaned
        authors = self.formsets.get("authors")
        # The formset is validated here, before ClusterForm.is_valid() gets to it; if it
        # has errors of its own, those are shown instead.
        if authors is None or authors.is_valid():
            people = [
                form
                for form in (authors.forms if authors is not None else [])
                if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
            ]
            if not people and not cleaned.get("credit"):
                self.add_error(None, BYLINE_MISSING)
        for problem in article_image_problems(cleaned.get("lead_image"), cleaned.get("body")):
            self.add_error(None, problem)
        return cleaned
