"""The image upload form (WAGTAILIMAGES_IMAGE_FORM_BASE): Wagtail's own checks (format
matches extension, size, pixels) plus Gazette's by content (validation.py)."""

from __future__ import annotations

from typing import Any

from wagtail.images.forms import BaseImageForm

from gazette.images.validation import check_image_file


class GazetteImageForm(BaseImageForm):
    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        # A new upload has an open file; an unchanged image keeps its stored file.
        if file is not None and getattr(file, "image", None) is not None:
            check_image_file(file)
        return file
