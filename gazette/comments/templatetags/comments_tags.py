from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from gazette.text import plain_text_to_html

register = template.Library()


@register.filter
def comment_html(text: str) -> SafeString:
    """A comment's plain text as safe HTML: escaped, paragraphs kept, links nofollow ugc."""
    return plain_text_to_html(text)


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
