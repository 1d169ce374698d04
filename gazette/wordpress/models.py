"""What a WordPress import made, keyed by WordPress's own IDs, and the page type for
WordPress's pages."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from gazette.cache import tags as cache_tags
from gazette.news.models import RICH_TEXT_FEATURES, FastRestrictionsMixin


class Imported(models.Model):
    """One WordPress object (post, page, comment, term, author, attachment) of one WordPress
    site and the Gazette object made from it. An import looks here first, so that running
    it again, or after it was killed, changes nothing that is already done."""

    class Kind(models.TextChoices):
        POST = "post"
        PAGE = "page"
        COMMENT = "comment"
        CATEGORY = "category"
        TAG = "tag"
        AUTHOR = "author"
        ATTACHMENT = "attachment"

    site = models.CharField(max_length=255, help_text="The WordPress site's address.")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    wp_id = models.CharField(max_length=255, help_text="Post/comment ID, term slug or login.")
    object_id = models.BigIntegerField()
    # A hash of what the object was made from: a changed post is updated, an unchanged one
    # left alone.
    digest = models.CharField(max_length=40, blank=True)
    # A post's featured image (its attachment's ID), set once the attachment is imported.
    thumbnail = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "wp_id"], name="wordpress_unique_id")
        ]
        verbose_name = "imported WordPress object"

    def __str__(self) -> str:
        return f"{self.site} {self.kind} {self.wp_id} → {self.object_id}"


class StandardPage(FastRestrictionsMixin, Page):
    """A plain page (About, Contact, ...): what a WordPress "page" becomes."""

    body = RichTextField(features=[*RICH_TEXT_FEATURES, "image"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["news.HomePage", "wordpress.StandardPage"]
    subpage_types = ["wordpress.StandardPage"]

    class Meta:
        verbose_name = "standard page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        # Its own content only; page_changed() purges this tag when it is published.
        cache_tags.add(request, cache_tags.page(self.pk))
        return context
