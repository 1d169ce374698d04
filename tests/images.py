"""Images for tests: real PNG files in the image library, with the alt text, caption and
credit an article needs before it can be published (gazette.news.readiness); pass "" for
any of them to make an image that is not ready."""

from __future__ import annotations

import io

from django.core.files.images import ImageFile
from PIL import Image

from gazette.images.models import GazetteImage


def png_bytes(size=(64, 36), colour=(20, 90, 120)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def png_image(
    n: int = 0,
    *,
    title: str = "",
    alt: str = "A harbour crane",
    caption: str = "Cranes at the terminal.",
    credit: str = "Gazette / Lena Fischer",
    size=(64, 36),
) -> GazetteImage:
    image = GazetteImage(
        title=title or f"Picture {n}",
        file=ImageFile(io.BytesIO(png_bytes(size, (n * 15 % 255, 90, 120))), name=f"p{n}.png"),
        description=alt,
        caption=caption,
        credit=credit,
    )
    image.save()
    return image
