"""Media: alt text, caption and credit required before publishing; responsive pictures in
modern formats; uploads judged by their content."""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.models import Collection
from wagtail.test.utils.form_data import rich_text

from gazette.images.models import GazetteImage
from gazette.news.models import ArticlePage, AuthorPage
from tests.desk_admin import article_form, edit_url, form_errors
from tests.images import png_bytes, png_image

pytestmark = pytest.mark.django_db


# Required before publishing, not before saving a draft


def test_publishing_with_a_lead_image_without_alt_text_is_refused_with_a_message(
    client, make_article, alice
):
    article = make_article("Harbour story")
    image = png_image(1, alt="")
    client.force_login(alice)
    response = client.post(edit_url(article), article_form(article, lead_image=image.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The lead image, “Picture 1”, needs alt text (the description)" in html
    assert ArticlePage.objects.get(pk=article.pk).lead_image_id is None  # live one unchanged


def test_the_same_article_can_be_saved_as_a_draft(client, make_article, alice):
    article = make_article("Harbour story")
    image = png_image(1, alt="", credit="")
    client.force_login(alice)
    data = article_form(article, lead_image=image.pk, publish=False)
    response = client.post(edit_url(article), data)
    assert response.status_code == 302, form_errors(response)
    draft = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert draft.lead_image_id == image.pk


def test_body_images_need_a_credit_and_a_caption_too(client, make_article, alice):
    article = make_article("Harbour story")
    bare = png_image(2, caption="", credit="")
    client.force_login(alice)
    body = [
        ("paragraph", rich_text("<p>Text.</p>")),
        ("image", {"image": str(bare.pk), "caption": ""}),
    ]
    response = client.post(edit_url(article), article_form(article, body=body))
    assert response.status_code == 200
    assert "An image in the body, “Picture 2”, needs a caption and a credit" in (
        response.content.decode()
    )

    # A caption written on the block is enough for the caption; the credit still lacks.
    body[1] = ("image", {"image": str(bare.pk), "caption": "Dock workers at dawn."})
    response = client.post(edit_url(article), article_form(article, body=body))
    assert "needs a credit before" in response.content.decode()

    GazetteImage.objects.filter(pk=bare.pk).update(credit="Reuters")
    response = client.post(edit_url(article), article_form(article, body=body))
    assert response.status_code == 302, form_errors(response)


# Responsive renditions in modern formats


def test_article_lists_and_author_pages_serve_avif_and_webp_at_several_widths(
    client, make_article, author
):
    # Renditions are cached by image id, and ids repeat between tests' transactions.
    cache.clear()
    big = png_image(3, size=(1600, 900))
    article = make_article("Wide picture story", lead_image=big)
    AuthorPage.objects.filter(pk=author.pk).update(photo=big)

    html = client.get(article.url).content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, re.S).group(0)
    assert 'type="image/avif"' in picture and 'type="image/webp"' in picture
    widths = set(re.findall(r" (\d+)w", picture))
    assert {"400", "720", "1200"} <= widths
    assert 'alt="A harbour crane"' in picture
    assert 'loading="lazy"' not in picture  # the lead image is what the reader sees first

    for url in ("/", "/news/", "/authors/jane-roe/", "/authors/"):
        listing = client.get(url).content.decode()
        assert 'type="image/avif"' in listing and 'type="image/webp"' in listing, url


# Uploads judged by content


@pytest.fixture
def upload(client, admin_user):
    client.force_login(admin_user)
    root = Collection.get_first_root_node()

    def post(name: str, data: bytes, content_type: str = "image/jpeg"):
        return client.post(
            reverse("wagtailimages:add"),
            {
                "title": name,
                "file": SimpleUploadedFile(name, data, content_type=content_type),
                "collection": root.pk,
                "description": "alt",
                "caption": "",
                "credit": "",
            },
        )

    return post


def test_a_real_png_uploads(upload):
    response = upload("harbour.png", png_bytes(), "image/png")
    assert response.status_code == 302
    assert GazetteImage.objects.filter(title="harbour.png").exists()


def test_an_html_file_named_jpg_is_refused(upload):
    response = upload("photo.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>")
    assert response.status_code == 200
    # Willow reads markup as SVG, which Gazette never accepts: the names must match.
    assert "Not a valid .jpeg image" in str(response.context["form"].errors["file"])
    assert not GazetteImage.objects.exists()


def test_a_jpeg_html_polyglot_is_refused(upload):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, format="JPEG")
    jpeg = buffer.getvalue()
    # HTML hidden in a JPEG comment segment (FF FE) right after the start of image.
    comment = b"<html><body><script>alert(document.cookie)</script></body></html>"
    polyglot = jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]
    assert Image.open(io.BytesIO(polyglot)).size == (40, 30)  # a valid JPEG indeed

    response = upload("innocent.jpg", polyglot)
    assert response.status_code == 200
    assert "carries web page code" in response.content.decode()
    assert not GazetteImage.objects.exists()


def test_svg_is_refused_even_without_scripts(upload):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = upload("logo.svg", svg, "image/svg+xml")
    assert response.status_code == 200
    assert "Not a supported image format" in response.content.decode()
    response = upload("logo.png", svg, "image/png")
    assert response.status_code == 200
    assert not GazetteImage.objects.exists()


def test_a_file_with_too_many_pixels_is_refused(upload, settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 1_000_000
    buffer = io.BytesIO()
    Image.new("1", (2000, 1000)).save(buffer, format="PNG")  # small file, 2 million pixels
    response = upload("huge.png", buffer.getvalue(), "image/png")
    assert response.status_code == 200
    assert "too many pixels" in response.content.decode()
    assert not GazetteImage.objects.exists()


def test_a_name_that_lies_about_the_format_is_refused(upload):
    response = upload("photo.jpg", png_bytes(), "image/jpeg")
    assert response.status_code == 200
    assert "does not match the file format" in response.content.decode()
