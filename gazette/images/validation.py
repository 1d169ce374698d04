"""Checks on images: what an uploaded file must be, and what an image needs before an
article showing it is published.

Uploads are judged by their content, not their name: Wagtail already refuses a file whose
format differs from its extension and one with more than WAGTAILIMAGES_MAX_IMAGE_PIXELS;
here the first bytes must be the signature of an allowed raster format, and a file that
also carries markup a browser could run (an HTML/JPEG polyglot, SVG, scripts) is refused.
SVG is never accepted (WAGTAILIMAGES_EXTENSIONS leaves it out)."""

from __future__ import annotations

import re
from typing import IO, Any

from django.core.exceptions import ValidationError

# Signatures of the raster formats Gazette accepts, by Willow's format name.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
}
# Markup that makes a browser treat bytes as a document, wherever it sits in the file
# (polyglots hide it in a comment or metadata segment). Random image data matches one of
# these with a negligible probability: they are 5 to 9 specific ASCII bytes.
_MARKUP = re.compile(
    rb"<\s*(?:script|html|body|iframe|svg|object|embed|meta|!doctype)\b|javascript:|<\?xml",
    re.IGNORECASE,
)
_CHUNK = 1 << 20


def _format_of(head: bytes) -> str | None:
    for name, signatures in _SIGNATURES.items():
        if head.startswith(signatures):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis"):
        return "avif"
    return None


def check_image_file(file: IO[bytes]) -> str:
    """The format of an uploaded image file, or ValidationError with a reader's reason.

    Reads the whole file in chunks (uploads are at most WAGTAILIMAGES_MAX_UPLOAD_SIZE)."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(64)
        kind = _format_of(head)
        if kind is None:
            raise ValidationError(
                "This file is not a JPEG, PNG, GIF, WebP or AVIF image (judged by its "
                "content, not its name).",
                code="not_an_image",
            )
        file.seek(0)
        tail = b""
        while chunk := file.read(_CHUNK):
            if _MARKUP.search(tail + chunk):
                raise ValidationError(
                    "This file carries web page code (HTML or script) as well as an image, "
                    "and is refused. Export the picture again from an image editor.",
                    code="markup_in_image",
                )
            tail = chunk[-16:]
        return kind
    finally:
        file.seek(position)


def image_problems(image: Any, caption: str = "") -> list[str]:
    """What an image lacks before it can be published: alt text, a caption, a credit."""
    if image is None:
        return []
    missing = []
    if not (image.description or "").strip():
        missing.append("alt text (the description)")
    if not (caption or image.caption or "").strip():
        missing.append("a caption")
    if not (image.credit or "").strip():
        missing.append("a credit")
    return missing


def article_image_problems(lead_image: Any, body: Any) -> list[str]:
    """One message per image of an article that lacks alt text, caption or credit."""
    problems = []
    missing = image_problems(lead_image)
    if missing:
        problems.append(_message("The lead image", lead_image, missing))
    for block in body or []:
        if block.block_type == "image" and block.value.get("image") is not None:
            image = block.value["image"]
            missing = image_problems(image, block.value.get("caption") or "")
            if missing:
                problems.append(_message("An image in the body", image, missing))
    return problems


def _message(where: str, image: Any, missing: list[str]) -> str:
    listed = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
    return (
        f"{where}, “{image.title}”, needs {listed} before the article can be published. "
        "Edit the image under Images, or save this article as a draft for now."
    )
