"""`gazette export wordpress`: a WXR 1.2 file of the site that imports back the same."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from defusedxml import ElementTree
from django.core.management import call_command
from PIL import Image as PILImage

from gazette.comments.models import Comment
from gazette.comments.moderation import comment_approve, comment_spam, comment_submit
from gazette.images.models import GazetteImage
from gazette.news.models import ArticlePage, AuthorPage, HomePage, SectionPage
from gazette.wordpress import wxr
from gazette.wordpress.exporter import export_wxr
from gazette.wordpress.importer import import_wxr
from gazette.wordpress.media import MediaSource
from gazette.wordpress.models import Imported, StandardPage

WP = "{http://wordpress.org/export/1.2/}"


@pytest.fixture
def newsroom(site, news, world, make_article):
    """A small site with every kind of content an export carries."""
    from django.conf import settings
    from django.core.files.images import ImageFile

    buffer = io.BytesIO()
    PILImage.new("RGB", (10, 8), "green").save(buffer, "PNG")
    buffer.seek(0)
    image = GazetteImage(title="Harbour", file=ImageFile(buffer, name="harbour.png"))
    image.description = "The harbour at dawn"
    image.caption, image.credit = "The harbour.", "Gazette"
    image.save()
    first = make_article(title="Council <approves> & budget", section=news, tags=["Budget"])
    first.lead_image = image
    first.body = [
        ("paragraph", "<p>First <b>bold</b> paragraph with ]]&gt; inside.</p>"),
        ("quote", {"quote": "We are ready.", "attribution": "Mayor"}),
        ("image", {"image": image, "caption": "At dawn"}),
    ]
    first.save_revision().publish()
    second = make_article(title="Storm warning", section=world, tags=["Weather", "Budget"])
    parent = comment_submit(article=first, name="Ann", email="ann@example.org", body="Hi <b>")
    comment_approve(comment=parent)
    reply = comment_submit(article=first, name="Bo", email="bo@example.org", body="Hello Ann")
    reply.parent = parent
    reply.save()
    comment_spam(comment=comment_submit(article=second, name="X", email="x@e.org", body="$$$"))
    home = site.root_page if hasattr(site, "root_page") else None
    del home, settings
    return first, second


def seconds(value):
    """WXR dates are to the second."""
    return value.replace(microsecond=0) if value else value


def describe() -> dict:
    """The site as a reader and an editor know it, without database ids."""
    return {
        "articles": sorted(
            (
                a.title,
                a.section.slug,
                a.slug,
                a.live,
                seconds(a.date),
                a.standfirst,
                sorted(a.tags.names()),
                [c.author.title for c in a.byline],
                a.comments_open,
                [
                    (b["type"], b["value"] if b["type"] != "image" else b["value"]["caption"])
                    for b in a.body.raw_data
                ],
                a.lead_image.title if a.lead_image else None,
            )
            for a in ArticlePage.objects.all()
        ),  # fmt: skip
        "sections": sorted(SectionPage.objects.values_list("title", "slug")),
        "authors": sorted(AuthorPage.objects.values_list("title", "slug")),
        "comments": sorted(
            (
                c.article.title,
                c.name,
                c.email,
                c.body,
                c.status,
                c.parent.name if c.parent else None,
                seconds(c.created_at),
            )
            for c in Comment.objects.select_related("article", "parent")
        ),  # fmt: skip
        "pages": sorted(StandardPage.objects.values_list("title", "slug", "live")),
    }


def empty_site() -> None:
    """Back to a Gazette with nothing in it but its home page and /authors/."""
    Comment.objects.all().delete()
    for model in (ArticlePage, StandardPage, SectionPage, AuthorPage):
        for page in model.objects.order_by("-depth"):
            page.delete()
    GazetteImage.objects.all().delete()
    Imported.objects.all().delete()


def test_the_export_is_a_wxr_1_2_file_that_reads_back(newsroom, tmp_path):
    path = tmp_path / "site.xml"
    counts = export_wxr(path, base_url="https://news.example")
    assert counts["posts"] == 2 and counts["comments"] == 3 and counts["attachments"] == 1
    root = ElementTree.parse(path).getroot()
    channel = root.find("channel")
    assert channel.find(f"{WP}wxr_version").text == "1.2"
    items = channel.findall("item")
    types = sorted(i.find(f"{WP}post_type").text for i in items)
    assert types == ["attachment", "post", "post"]
    titles = {i.find("title").text for i in items}
    # WordPress shows titles as HTML: "<" is written as &lt; (see the test on titles below).
    assert "Council &lt;approves&gt; & budget" in titles
    assert [type(e).__name__ for e in wxr.read(path)][:1] == ["Channel"]


def test_round_trip_into_an_empty_gazette_reproduces_the_site(newsroom, tmp_path, settings):
    before = describe()
    path = tmp_path / "site.xml"
    call_command("export", "wordpress", str(path), "--base-url", "https://news.example")
    # An empty Gazette: no content, no mapping (the site and its home page stay).
    empty_site()
    report = import_wxr(path, media=MediaSource(media_dir=Path(settings.MEDIA_ROOT)))
    assert report.created["posts"] == 2 and report.created["comments"] == 3
    after = describe()
    for key in before:
        for old, new in zip(before[key], after[key], strict=True):
            assert old == new, key


def test_export_imported_theme_test_round_trips(site, tmp_path):
    theme = Path(__file__).parent / "fixtures" / "wordpress" / "theme-unit-test.xml"
    import_wxr(theme)
    before = describe()
    path = tmp_path / "again.xml"
    export_wxr(path)
    empty_site()
    import_wxr(path)
    after = describe()
    # Authors without posts (none here) and empty sections come back too.
    assert after["articles"] == before["articles"]
    assert after["comments"] == before["comments"]
    assert after["pages"] == before["pages"]


def test_cdata_sections_survive_their_own_end_marker():
    from gazette.wordpress.exporter import cdata

    assert ElementTree.fromstring(f"<a>{cdata('x ]]> y')}</a>").text == "x ]]> y"


def items_by_id(path) -> dict[int, ElementTree.Element]:
    channel = ElementTree.parse(path).getroot().find("channel")
    return {int(i.find(f"{WP}post_id").text): i for i in channel.findall("item")}


def test_every_item_has_a_guid_wordpress_can_keep(newsroom, tmp_path):
    """WordPress stores the GUID as given: it must be the site's address and the item's ID
    (WordPress's own form), one per item, not "http://?p=12"."""
    home = HomePage.objects.get()
    about = home.add_child(instance=StandardPage(title="About", slug="about", body="<p>Hi</p>"))
    about.save_revision().publish()
    path = tmp_path / "site.xml"
    export_wxr(path, base_url="https://news.example")
    items = items_by_id(path)
    guids = {}
    for post_id, item in items.items():
        kind = item.find(f"{WP}post_type").text
        guid = item.find("guid").text
        guids[guid] = post_id
        if kind == "post":
            assert guid == f"https://news.example/?p={post_id}"
        elif kind == "page":
            assert guid == f"https://news.example/?page_id={post_id}"
        else:  # an attachment's GUID is its file's address, as WordPress writes it
            assert guid == item.find(f"{WP}attachment_url").text
    assert len(guids) == len(items)


def test_ids_are_above_a_new_wordpresses_own_so_image_references_stay_right(newsroom, tmp_path):
    """WordPress's importer keeps an item's ID only when the target site has no post with it,
    and does not renumber the attachment IDs in image blocks: a new WordPress has posts 1-3,
    the uploaded file and drafts, so every ID in the file is above those, and each image
    reference names the attachment item holding that image."""
    first, _ = newsroom
    path = tmp_path / "site.xml"
    export_wxr(path, base_url="https://news.example")
    items = items_by_id(path)
    assert min(items) > 100
    attachments = {
        post_id: item.find(f"{WP}attachment_url").text
        for post_id, item in items.items()
        if item.find(f"{WP}post_type").text == "attachment"
    }
    image_url = "https://news.example" + first.lead_image.file.url
    article = next(i for i in items.values() if html.unescape(i.find("title").text) == first.title)
    thumbnail = int(article.find(f"{WP}postmeta/{WP}meta_value").text)
    assert attachments[thumbnail] == image_url
    content = article.find("{http://purl.org/rss/1.0/modules/content/}encoded").text
    block_id = int(re.search(r'<!-- wp:image \{"id":(\d+)\} -->', content).group(1))
    assert attachments[block_id] == image_url
    assert f'class="wp-image-{block_id}"' in content and image_url in content


def test_rich_text_addresses_are_absolute_and_embedded_images_are_attachments(newsroom, tmp_path):
    """WordPress keeps content as written: a relative href="/news/..." or a Wagtail rendition
    src="/media/images/..." would point into the WordPress site, where neither exists. Links
    get the site's address; an image in a page's text is its attachment's file (which the
    importer replaces with the copy it fetched) with its `wp-image-N` class."""
    first, second = newsroom
    first.body = [
        (
            "paragraph",
            f'<p>See <a linktype="page" id="{second.pk}">the storm</a> and '
            '<a href="https://elsewhere.example/x">elsewhere</a>.</p>',
        )
    ]
    first.save_revision().publish()
    image = first.lead_image
    home = HomePage.objects.get()
    about = home.add_child(
        instance=StandardPage(
            title="About",
            slug="about",
            body=f'<p>Our <a linktype="page" id="{first.pk}">story</a>.</p>'
            f'<embed alt="The harbour &amp; boats" embedtype="image" format="fullwidth" '
            f'id="{image.pk}"/>',
        )
    )
    about.save_revision().publish()
    path = tmp_path / "site.xml"
    export_wxr(path, base_url="https://news.example")
    items = items_by_id(path)
    content = {
        html.unescape(i.find("title").text): i.find(
            "{http://purl.org/rss/1.0/modules/content/}encoded"
        ).text
        for i in items.values()
    }
    assert (
        re.findall(r'\s(?:href|src)="(?!https?://)', content[first.title] + content["About"]) == []
    )
    assert f'href="https://news.example{second.url}"' in content[first.title]
    assert 'href="https://elsewhere.example/x"' in content[first.title]
    assert f'href="https://news.example{first.url}"' in content["About"]
    img = re.search(r"<img [^>]*>", content["About"]).group(0)
    wp_id = int(re.search(r'class="wp-image-(\d+)"', img).group(1))
    assert items[wp_id].find(f"{WP}post_type").text == "attachment"
    assert f'src="{items[wp_id].find(f"{WP}attachment_url").text}"' in img
    assert 'alt="The harbour &amp; boats"' in img
    # As an image block, like an article's images, which WordPress's editor opens as one.
    assert f'<!-- wp:image {{"id":{wp_id}}} -->' in content["About"]


def test_titles_and_names_are_html_as_wordpress_reads_them(newsroom, tmp_path):
    """WordPress puts a post's title and a term's name into its pages as HTML, so a "<" in a
    Gazette title would open a tag there ("Council <approves> & budget" showed as "Council
    & budget"): it is written as &lt;, and the text read back as HTML is Gazette's."""
    first, _ = newsroom
    tag = first.tags.first()
    tag.name = "Budget <2027>"
    tag.save()
    first.section.title = "News & <Views>"
    first.section.save()
    path = tmp_path / "site.xml"
    export_wxr(path, base_url="https://news.example")
    channel = ElementTree.parse(path).getroot().find("channel")
    article = next(i for i in channel.findall("item") if "approves" in i.find("title").text)
    names = [
        article.find("title").text,
        *(c.text for c in article.findall("category")),
        *(t.find(f"{WP}tag_name").text for t in channel.findall(f"{WP}tag")),
        *(c.find(f"{WP}cat_name").text for c in channel.findall(f"{WP}category")),
    ]
    assert all("<" not in name and ">" not in name for name in names)
    read_as_html = {html.unescape(name) for name in names}
    assert {first.title, "Budget <2027>", "News & <Views>"} <= read_as_html


def test_an_image_keeps_its_alt_text_caption_and_credit(newsroom, tmp_path):
    """WordPress's importer keeps an attachment's excerpt (its caption), content (its
    description) and meta; its themes take a featured image's alt text from the meta
    field _wp_attachment_image_alt. Without them the images came in with no alt text."""
    first, _ = newsroom
    image = first.lead_image
    image.caption, image.credit = "Boats & nets.", "Jane Roe / Gazette"
    image.save()
    path = tmp_path / "site.xml"
    export_wxr(path, base_url="https://news.example")
    item = next(
        i for i in items_by_id(path).values() if i.find(f"{WP}post_type").text == "attachment"
    )
    meta = {
        m.find(f"{WP}meta_key").text: m.find(f"{WP}meta_value").text
        for m in item.findall(f"{WP}postmeta")
    }
    assert meta["_wp_attachment_image_alt"] == "The harbour at dawn"
    excerpt = item.find("{http://wordpress.org/export/1.2/excerpt/}encoded").text
    assert html.unescape(excerpt) == "Boats & nets."
    content = item.find("{http://purl.org/rss/1.0/modules/content/}encoded").text
    assert html.unescape(content) == "Jane Roe / Gazette"


def regex_reader_view(fragment: str, tag: str) -> str:
    """What WordPress's importer reads for a field when PHP has no XML extension (its fallback
    parser, WXR_Parser_Regex::get_tag): the first <tag>...</tag>, CDATA taken as it is, and
    anything else left as written, entities and all."""
    found = re.search(rf"<{tag}.*?>(.*?)</{tag}>", fragment, re.S)
    if not found:
        return ""
    text = found.group(1)
    if text.startswith("<![CDATA["):
        return "".join(re.findall(r"<!\[CDATA\[(.*?)\]\]>", text, re.S))
    return text


def test_the_importers_fallback_parser_reads_the_same_text(newsroom, tmp_path):
    """Without PHP's XML extensions WordPress's importer reads the file with regular
    expressions; a title written as XML text came in with its entities undecoded ("&amp;" in
    the title), so every text field is CDATA, and both readings agree."""
    first, _ = newsroom
    comment = Comment.objects.filter(article=first).first()
    comment.website = "https://ann.example/?a=1&b=2"
    comment.save()
    image = first.lead_image
    image.title = "Boats & nets"
    image.save()
    path = tmp_path / "site.xml"
    export_wxr(path, base_url="https://news.example")
    raw = path.read_text()
    items = list(items_by_id(path).values())
    raw_items = re.findall(r"<item>(.*?)</item>", raw, re.S)
    assert len(raw_items) == len(items)
    fields = ["title", "dc:creator", "wp:post_name", "wp:status", "wp:post_date"]
    comment_fields = ["wp:comment_author", "wp:comment_author_url", "wp:comment_content"]
    checked = 0
    for item, raw_item in zip(items, raw_items, strict=True):
        for field in fields:
            element = item.find(
                field.replace("dc:", "{http://purl.org/dc/elements/1.1/}").replace("wp:", WP)
            )
            if element is not None:
                assert regex_reader_view(raw_item, field) == (element.text or ""), field
                checked += 1
        raw_comments = re.findall(r"<wp:comment>(.+?)</wp:comment>", raw_item, re.S)
        for element, raw_comment in zip(item.findall(f"{WP}comment"), raw_comments, strict=True):
            for field in comment_fields:
                want = element.find(field.replace("wp:", WP)).text or ""
                assert regex_reader_view(raw_comment, field) == want, field
                checked += 1
    assert checked > 20
