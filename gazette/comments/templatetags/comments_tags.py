from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from gazette.comments.markup import render as render_markup

register = template.Library()


@register.filter
def comment_html(text: str) -> SafeString:
    """A comment's text as safe HTML: its Markdown subset rendered, then sanitised."""
    return render_markup(text)


@register.simple_tag
def comment_field(field: BoundField) -> SafeString:
    """The field's widget with what assistive technology needs: required, invalid, and the
    error message tied to the field."""
    attrs: dict[str, str] = {}
    if field.field.required:
        attrs["aria-required"] = "true"
    described = ["comment-notes"] if field.name == "email" else []
    if field.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"error_{field.name}")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def reason_labels(reasons: list[str]) -> str:
    """A comment's moderation reason codes in words, for moderators (checks.REASONS)."""
    from gazette.comments.checks import REASONS

    words = []
    for reason in reasons or []:
        code, _, detail = str(reason).partition(":")
        label = REASONS.get(code, code)
        words.append(f"{label} ({detail})" if detail else label)
    return "; ".join(words)
