"""Sample content for `gazette demo`: original articles, authors, pictures and comments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from gazette.comments.models import Comment
from gazette.demo.images import draw_scene
from gazette.images.models import GazetteImage
from gazette.news.markdown_import import _author, publish_file
from gazette.news.models import ArticlePage

CONTENT_DIR = Path(__file__).resolve().parent / "content"


def _image_dir() -> Path:
    return Path(settings.DATA_DIR) / "demo-images"


def _resolve_image(keyword: str) -> Path:
    path = _image_dir() / f"{keyword}.jpg"
    if not path.exists():
        draw_scene(keyword, path)
    return path


def _portrait(name: str) -> GazetteImage:
    title = f"Portrait of {name}"
    existing = GazetteImage.objects.filter(title=title).first()
    if existing:
        return existing
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    hue = sum(map(ord, name)) % 6
    colours = ["#1f5f8b", "#a8201a", "#3d405b", "#2a9d8f", "#6d597a", "#7f5539"]
    img = Image.new("RGB", (400, 400), colours[hue])
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=160)
    draw.text((200, 200), initials, fill="white", font=font, anchor="mm")
    path = _image_dir() / f"portrait-{initials.lower()}-{hue}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    with path.open("rb") as fh:
        image = GazetteImage(title=title, file=ImageFile(fh, name=path.name))
        image.description = f"Initials of {name}"
        image.save()
    return image


@transaction.atomic
def _authors() -> None:
    for entry in yaml.safe_load((CONTENT_DIR / "authors.yaml").read_text()):
        author = _author(entry["name"])
        author.job_title = entry.get("job_title", "")
        author.bio = f"<p>{entry.get('bio', '')}</p>"
        author.photo = _portrait(entry["name"])
        author.save_revision().publish()


@transaction.atomic
def _comments() -> int:
    created = 0
    for entry in yaml.safe_load((CONTENT_DIR / "comments.yaml").read_text()):
        article = ArticlePage.objects.filter(source_id=f"md:{entry['article']}").first()
        if article is None:
            continue
        body = entry["body"].strip()
        if Comment.objects.filter(article=article, name=entry["name"], body=body).exists():
            continue
        date = entry["date"]
        if isinstance(date, str):
            date = dt.datetime.fromisoformat(date)
        Comment.objects.create(
            article=article,
            name=entry["name"],
            email=entry["email"],
            website=entry.get("website", "") or "",
            body=body,
            status=entry.get("status", "approved"),
            created_at=date,
        )
        created += 1
    return created


def load(write=print) -> None:
    """Load (or refresh) the sample content. Idempotent: running it twice changes nothing."""
    _authors()
    for path in sorted(CONTENT_DIR.glob("*.md")):
        article, created = publish_file(path, resolve_image=_resolve_image)
        write(f"  {'added' if created else 'kept'}: {article.title}")
    n = _comments()
    write(f"  {n} sample comments added")
