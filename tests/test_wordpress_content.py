"""Classic-editor and block-editor content becomes Gazette's article blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazette.news.models import ArticlePage
from gazette.wordpress.convert import convert, fill_galleries
from gazette.wordpress.importer import import_wxr

THEME = Path(__file__).parent / "fixtures" / "wordpress" / "theme-unit-test.xml"


def kinds(blocks):
    return [b["type"] for b in blocks]


def test_classic_text_becomes_paragraphs_with_line_breaks():
    result = convert("First line\nsecond line.\n\nAnother paragraph.")
    assert kinds(result.blocks) == ["paragraph"]
    assert result.blocks[0]["value"] == (
        "<p>First line<br>\nsecond line.</p><p>Another paragraph.</p>"
    )


def test_block_markup_keeps_headings_lists_and_quotes():
    result = convert(
        "<!-- wp:heading --><h1>Big</h1><!-- /wp:heading -->"
        '<!-- wp:heading {"level":4} --><h4>Small</h4><!-- /wp:heading -->'
        "<!-- wp:list --><ul><li>one</li></ul><!-- /wp:list -->"
        '<blockquote class="wp-block-quote"><p>Said.</p><cite>Jane Roe</cite></blockquote>'
    )
    assert kinds(result.blocks) == ["paragraph", "quote"]
    assert result.blocks[0]["value"] == "<h2>Big</h2><h3>Small</h3><ul><li>one</li></ul>"
    assert result.blocks[1]["value"] == {"quote": "Said.", "attribution": "Jane Roe"}


def test_images_with_captions_and_galleries_become_image_blocks():
    seen = []

    def image_for(src, attachment):
        seen.append((src, attachment))
        return {"967": 1, "1022": 2}.get(attachment)

    result = convert(
        '[caption id="attachment_967"]<img class="wp-image-967" src="/a.png" alt="A"> '
        'Tiny caption.[/caption]\n\n[gallery ids="967,1022"]',
        image_for,
    )
    assert kinds(result.blocks) == ["image", "image", "image"]
    assert result.blocks[0]["value"] == {"image": 1, "caption": "Tiny caption."}
    assert [b["value"]["image"] for b in result.blocks[1:]] == [1, 2]


def test_an_image_that_cannot_be_had_stays_as_a_link():
    result = convert('<p><img src="https://old.example/x.png" alt="Chart"></p>', lambda s, a: None)
    assert result.blocks[0]["value"] == '<p><a href="https://old.example/x.png">Chart</a></p>'
    assert result.images_missing == 1


def test_embeds_become_links_and_scripts_are_dropped():
    result = convert(
        "Look:\n\nhttps://www.youtube.com/watch?v=abc\n\n"
        '<script>alert(1)</script><p onclick="x()">Text</p>'
    )
    html = result.blocks[0]["value"]
    assert '<a href="https://www.youtube.com/watch?v=abc">' in html
    assert "script" not in html and "onclick" not in html
    assert result.embeds == 1


def test_unknown_shortcodes_are_kept_visibly_and_reported():
    result = convert('Before [contact-form-7 id="12"] after.')
    assert '[contact-form-7 id="12"]' in result.blocks[0]["value"]
    assert result.shortcodes == {"contact-form-7"}


@pytest.fixture
def imported(site):
    return import_wxr(THEME)


def test_an_imported_block_editor_post_reads_well(imported, client):
    article = ArticlePage.objects.get(title="Block: Image, Gallery, Quote, Embed")
    assert kinds(article.body.raw_data) == ["paragraph", "quote", "paragraph"]
    page = client.get(article.url).content.decode()
    assert "Quotes are a great way to cite somebody." in page
    assert "Jane Roe, mayor" in page
    assert 'href="https://www.youtube.com/watch?v=abc"' in page
    assert "[contact-form-7" in page
    assert "shortcode [contact-form-7] kept as text" in imported.notes


# -- cases from the Theme Unit Test data, written small --


def test_a_url_alone_on_its_line_leaves_the_next_paragraph_whole():
    result = convert(
        "https://www.youtube.com/watch?v=SQEQr7c0-dw\n\n"
        'Learn more about <a href="https://codex.wordpress.org/Embeds">WordPress Embeds</a>.'
    )
    assert result.blocks[0]["value"] == (
        '<p><a href="https://www.youtube.com/watch?v=SQEQr7c0-dw">'
        "https://www.youtube.com/watch?v=SQEQr7c0-dw</a></p>"
        '<p>Learn more about <a href="https://codex.wordpress.org/Embeds">WordPress Embeds</a>.</p>'
    )


def test_text_between_blocks_is_one_paragraph_with_its_links():
    result = convert(
        'Verify that:\n<ul>\n\t<li>one</li>\n</ul>\nSee <a href="https://example.org/">this</a>'
        " and <em>that</em>.\n<h2>Next</h2>"
    )
    assert result.blocks[0]["value"] == (
        '<p>Verify that:</p><ul>\n<li>one</li>\n</ul><p>See <a href="https://example.org/">'
        "this</a> and <em>that</em>.</p><h2>Next</h2>"
    )


def test_classic_text_around_a_heading_is_paragraphs_without_stray_breaks():
    result = convert("Intro text.\n<h2>One Column</h2>\nMore text.\n\nLast paragraph.")
    assert result.blocks[0]["value"] == (
        "<p>Intro text.</p><h2>One Column</h2><p>More text.</p><p>Last paragraph.</p>"
    )


def test_an_embed_block_links_its_url_and_keeps_its_caption_apart():
    result = convert(
        '<!-- wp:embed {"url":"https://youtu.be/ex8fMxXJDJw"} -->\n'
        '<figure class="wp-block-embed is-provider-youtube"><div class="wp-block-embed__wrapper">'
        "\nhttps://youtu.be/ex8fMxXJDJw\n</div><figcaption>YouTube<br></figcaption></figure>\n"
        "<!-- /wp:embed -->"
    )
    assert result.blocks[0]["value"] == (
        '<p><a href="https://youtu.be/ex8fMxXJDJw">https://youtu.be/ex8fMxXJDJw</a></p>'
        "<p>YouTube</p>"
    )
    assert result.embeds == 1


def test_audio_and_video_become_links_to_what_they_play():
    mp3 = "https://old.example/wp-content/uploads/blues.mp3"
    mov = "https://old.example/wp-content/uploads/slider.mov"
    result = convert(
        f'<!-- wp:audio --><figure class="wp-block-audio"><audio controls src="{mp3}"></audio>'
        "</figure><!-- /wp:audio -->\n"
        f'<figure class="wp-block-video"><video controls><source src="{mov}"></video>'
        "<figcaption>A video caption.</figcaption></figure>\n\n"
        f'Shortcode: [audio {mov}] and [video src="{mp3}"][/video]'
    )
    html = result.blocks[0]["value"]
    assert html.count(f'<a href="{mp3}">') == 2 and html.count(f'<a href="{mov}">') == 2
    assert "<p>A video caption.</p>" in html
    assert "[audio" not in html and "[video" not in html
    assert result.shortcodes == set() and result.embeds == 4


def test_a_table_caption_is_a_paragraph_not_loose_text():
    result = convert(
        '<figure class="wp-block-table"><table><tbody><tr><td>cell</td></tr></tbody></table>'
        '<figcaption class="wp-element-caption">Table caption</figcaption></figure>'
    )
    assert result.blocks[0]["value"] == "<p>cell</p><p>Table caption</p>"


def test_a_gallery_without_ids_shows_the_images_attached_to_the_post():
    assert fill_galleries('[gallery]\n[gallery columns="2"]', [611, 761]) == (
        '[gallery ids="611,761"]\n[gallery columns="2" ids="611,761"]'
    )
    assert fill_galleries('[gallery ids="5"]', [611]) == '[gallery ids="5"]'
    assert fill_galleries("[gallery]", []) == "[gallery]"


def test_a_table_keeps_a_row_per_line_and_a_poem_its_lines():
    result = convert(
        "<table><tr><th>Employee</th><th>Salary</th></tr>"
        "<tr><td>Jane</td><td>$1</td></tr><tr><td></td><td></td></tr></table>\n"
        "<pre>Two roads diverged in a yellow wood,\nAnd sorry I could not travel both</pre>"
    )
    assert result.blocks[0]["value"] == (
        "<p>Employee · Salary<br>Jane · $1</p>"
        "<p>Two roads diverged in a yellow wood,<br>And sorry I could not travel both</p>"
    )
