"""Gazette's image model: Wagtail's image with the caption and credit a newsroom prints.

Wagtail's own ``description`` field is the alt text (it is what Wagtail offers as alt text
when an image is inserted into rich text), so only caption and credit are added here.
"""

from django.db import models
from wagtail.images.models import AbstractImage, AbstractRendition, Image


class GazetteImage(AbstractImage):
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(
        max_length=255, blank=True, help_text="Photographer or agency, e.g. “Jane Roe / Gazette”."
    )

    admin_form_fields = (*Image.admin_form_fields, "caption", "credit")

    class Meta(AbstractImage.Meta):
        verbose_name = "image"
        permissions = [("choose_image", "Can choose image")]


class GazetteRendition(AbstractRendition):
    image = models.ForeignKey(GazetteImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
