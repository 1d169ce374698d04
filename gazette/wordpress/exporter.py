"""``gazette export wordpress FILE.xml``: the whole site as a WXR 1.2 file.

Written as a stream (one article and its comments at a time) in the shape WordPress's own
exporter writes, which its importer reads: authors, categories (the sections), tags, then
one <item> per article, page and image. Gazette's IDs (shifted above ID_BASE) become
WordPress's post and comment IDs, so importing the file into an empty Gazette reproduces the
site. Checked against WordPress's own importer (the WordPress Importer plugin): see README.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from django.db.models import Prefetch
from wagtail.models import Page, Site
from wagtail.rich_text import expand_db_html

from gazette.comments.models import Comment
from gazette.images.models import GazetteImage
from gazette.news.models import (
    ArticleAuthor,
    ArticlePage,
    AuthorPage,
    HomePage,
    SectionPage,
    relative_url,
)
from gazette.wordpress.models import StandardPage

WP = "http://wordpress.org/export/1.2/"
# WordPress's importer keeps an item's ID only if that ID is free in the target site, and it
# does not renumber the IDs that image blocks name (`"id":N`, `wp-image-N`): those then point
# at whatever has the number there. A new WordPress already holds posts 1-3, the export file
# it was given (an attachment) and a draft or two, so Gazette's IDs start above them: images
# are attachments ID_BASE + pk, articles and pages come after the images.
ID_BASE = 1000
COMMENT_APPROVED = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.TRASH: "trash",
}


def cdata(text: str) -> str:
    """Text as CDATA, which every text field is in: without PHP's XML extensions (Debian's
    wordpress package does not pull them in) WordPress's importer reads the file with regular
    expressions, which take CDATA as it is but leave &amp; and the like undecoded. CDATA
    cannot hold "]]>": it is split across two sections, as WordPress does."""
    return "<![CDATA[" + (text or "").replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _date(value: dt.datetime | None) -> tuple[str, str]:
    """(local, GMT) as WordPress writes them."""
    if value is None:
        return "0000-00-00 00:00:00", "0000-00-00 00:00:00"
    from django.utils import timezone

    local = timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    return local, value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


# In Wagtail's rich text: an image (pages have them), any attribute="value", and an address
# on this site written without it (href="/news/...", src="/media/...").
_EMBEDDED_IMAGE = re.compile(r'<embed\b[^>]*\bembedtype="image"[^>]*>')
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
_SITE_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def _rich_text(value: str, base: str, images: dict[int, GazetteImage]) -> str:
    """Wagtail rich text as WordPress keeps it. Addresses are absolute: a relative /news/...
    would point into the WordPress site, and the importer rewrites only the absolute
    addresses of the files it fetched. An embedded image is its original file, as an
    attachment's image (`wp-image-N`), not a Wagtail rendition the importer knows nothing of.
    """

    def image(match: re.Match[str]) -> str:
        attrs = {k: html.unescape(v) for k, v in _ATTRIBUTE.findall(match.group(0))}
        pk = attrs.get("id", "")
        found = images.get(int(pk)) if pk.isdigit() else None
        if found is None:
            return ""
        return _image_block(found, base, attrs.get("alt", ""))

    expanded = expand_db_html(_EMBEDDED_IMAGE.sub(image, value or ""))
    return _SITE_RELATIVE.sub(lambda m: m.group(1) + base + "/", expanded)


def _image_block(image: GazetteImage, base: str, alt: str, caption: str = "") -> str:
    """A block-editor image naming its attachment (`"id"`, `wp-image-N`), which WordPress's
    importer rewrites to the copy it fetched."""
    wp_id = attachment_id(image.pk)
    figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return (
        f'<!-- wp:image {{"id":{wp_id}}} -->\n<figure class="wp-block-image">'
        f"<img src={quoteattr(base + image.file.url)} alt={quoteattr(alt)} "
        f'class="wp-image-{wp_id}"/>{figcaption}</figure>\n<!-- /wp:image -->'
    )


def _body_html(article: ArticlePage, base: str, images: dict[int, GazetteImage]) -> str:
    """The article's blocks as block-editor markup (which classic WordPress reads too)."""
    parts = []
    for block in article.body.raw_data:
        kind, value = block["type"], block["value"]
        if kind == "paragraph":
            parts.append(_rich_text(value, base, images))
        elif kind == "quote":
            cite = f"<cite>{escape(value.get('attribution') or '')}</cite>"
            parts.append(
                '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>'
                f"{escape(value.get('quote') or '')}</p>{cite}</blockquote>\n<!-- /wp:quote -->"
            )
        elif kind == "image":
            image = images.get(value.get("image"))
            if image is None:
                continue
            caption = value.get("caption") or getattr(image, "caption", "") or ""
            parts.append(_image_block(image, base, image.description or "", caption))
    return "\n\n".join(parts)


def html_text(text: str) -> str:
    """A plain-text name or title as WordPress reads it: as HTML. Its pages show a title
    unescaped, so "<" would open a tag ("Council <approves> budget" loses a word); "&" it
    turns into &amp;/&#038; itself, and is left as it is for importers that read titles as
    text."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _el(name: str, value: str | int, raw: bool = False) -> str:
    return f"<{name}>{value if raw else escape(str(value))}</{name}>"


def export_wxr(path: Path, *, base_url: str = "") -> Counter[str]:
    with path.open("w", encoding="utf-8") as out:
        return write_wxr(out, base_url=base_url)


def write_wxr(out: IO[str], *, base_url: str = "") -> Counter[str]:
    counts: Counter[str] = Counter()
    site = Site.objects.filter(is_default_site=True).first()
    base = (base_url or (site.root_url if site else "http://localhost")).rstrip("/")
    home = HomePage.objects.first()
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8" ?>\n')
    w(
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:wp="{WP}">\n<channel>\n'
    )
    w(_el("title", site.site_name if site and site.site_name else "Gazette") + "\n")
    w(_el("link", base) + "\n<description></description>\n<language>en</language>\n")
    w("<wp:wxr_version>1.2</wp:wxr_version>\n")
    w(_el("wp:base_site_url", base) + _el("wp:base_blog_url", base) + "\n")

    authors = list(AuthorPage.objects.order_by("pk").values_list("pk", "slug", "title"))
    login = {pk: slug for pk, slug, _ in authors}
    for pk, slug, title in authors:
        w(
            "<wp:author>"
            + _el("wp:author_id", pk)
            + _el("wp:author_login", cdata(slug), raw=True)
            + _el("wp:author_email", cdata(""), raw=True)
            + _el("wp:author_display_name", cdata(title), raw=True)
            + "</wp:author>\n"
        )
        counts["authors"] += 1
    sections = list(SectionPage.objects.order_by("path").values_list("pk", "slug", "title"))
    for pk, slug, title in sections:
        w(
            "<wp:category>"
            + _el("wp:term_id", pk)
            + _el("wp:category_nicename", cdata(slug), raw=True)
            + _el("wp:category_parent", cdata(""), raw=True)
            + _el("wp:cat_name", cdata(html_text(title)), raw=True)
            + "</wp:category>\n"
        )
        counts["categories"] += 1
    from taggit.models import Tag

    for pk, slug, name in Tag.objects.order_by("pk").values_list("pk", "slug", "name"):
        w(
            "<wp:tag>"
            + _el("wp:term_id", pk)
            + _el("wp:tag_slug", cdata(slug), raw=True)
            + _el("wp:tag_name", cdata(html_text(name)), raw=True)
            + "</wp:tag>\n"
        )
        counts["tags"] += 1
    section_of = {pk: (slug, title) for pk, slug, title in sections}

    images = {image.pk: image for image in GazetteImage.objects.all()}
    for image in images.values():
        local, gmt = _date(image.created_at)
        url = base + image.file.url
        w(
            "<item>"
            + _el("title", cdata(html_text(image.title)), raw=True)
            + _el("link", url)
            + f'<guid isPermaLink="false">{escape(url)}</guid>'
            + _el("wp:post_id", attachment_id(image.pk))
            + _el("wp:post_date", cdata(local), raw=True)
            + _el("wp:post_date_gmt", cdata(gmt), raw=True)
            + _el("wp:status", cdata("inherit"), raw=True)
            + _el("wp:post_type", cdata("attachment"), raw=True)
            + _el("wp:attachment_url", cdata(url), raw=True)
            # WordPress's own fields for them: the caption is the excerpt, the description
            # the content (here the credit, which it has no field for), and the alt text a
            # meta field its themes read for featured images.
            + _el("excerpt:encoded", cdata(escape(image.caption or "")), raw=True)
            + _el("content:encoded", cdata(escape(image.credit or "")), raw=True)
            + "<wp:postmeta>"
            + _el("wp:meta_key", cdata("_wp_attachment_image_alt"), raw=True)
            + _el("wp:meta_value", cdata(image.description or ""), raw=True)
            + "</wp:postmeta>"
            + "</item>\n"
        )
        counts["attachments"] += 1
    # Attachments and posts share WordPress's ID space: posts are numbered after images.
    offset = attachment_id(max(images, default=0))

    for article in _articles():
        w(_article_item(article, base, images, login, section_of, offset))
        counts["posts"] += 1
        counts["comments"] += len(article.export_comments)
    for page in StandardPage.objects.order_by("path"):
        parent = Page.objects.filter(path=page.path[: -page.steplen]).first()
        parent_id = (
            parent.pk + offset if parent and isinstance(parent.specific, StandardPage) else 0
        )
        w(
            _item(
                post_id=page.pk + offset,
                title=html_text(page.title),
                base=base,
                link=base + relative_url(page.url_path),
                creator="",
                content=_rich_text(page.body, base, images),
                excerpt="",
                date=page.first_published_at,
                status="publish" if page.live else "draft",
                post_type="page",
                slug=page.slug,
                parent=parent_id,
                comment_status="closed",
            )
            + "</item>\n"
        )
        counts["pages"] += 1
    w("</channel>\n</rss>\n")
    del home
    return counts


def _articles() -> Iterator[ArticlePage]:
    queryset = ArticlePage.objects.order_by("pk").prefetch_related(
        Prefetch("authors", queryset=ArticleAuthor.objects.order_by("sort_order")),
        "tags",
        Prefetch("comments", queryset=Comment.objects.order_by("pk"), to_attr="export_comments"),
    )
    # A chunk at a time, so memory stays flat on a large site.
    yield from queryset.iterator(chunk_size=500)


def attachment_id(image_pk: int) -> int:
    """The WordPress ID of the attachment item made from a Gazette image."""
    return ID_BASE + image_pk


def _item(
    *, post_id: int, title: str, base: str, link: str, creator: str, content: str, excerpt: str,
    date: dt.datetime | None, status: str, post_type: str, slug: str, parent: int = 0,
    comment_status: str = "open",
) -> str:  # fmt: skip
    local, gmt = _date(date)
    return (
        "<item>"
        + _el("title", cdata(title), raw=True)
        + _el("link", link)
        # WordPress's own form of a GUID: the site's address and the ID, never reused.
        + f'<guid isPermaLink="false">{escape(base)}/?{"page_id" if post_type == "page" else "p"}'
        f"={post_id}</guid>"
        + _el("dc:creator", cdata(creator), raw=True)
        + _el("content:encoded", cdata(content), raw=True)
        + _el("excerpt:encoded", cdata(excerpt), raw=True)
        + _el("wp:post_id", post_id)
        + _el("wp:post_date", cdata(local), raw=True)
        + _el("wp:post_date_gmt", cdata(gmt), raw=True)
        + _el("wp:comment_status", cdata(comment_status), raw=True)
        + _el("wp:ping_status", cdata("closed"), raw=True)
        + _el("wp:post_name", cdata(slug), raw=True)
        + _el("wp:status", cdata(status), raw=True)
        + _el("wp:post_parent", parent)
        + _el("wp:menu_order", 0)
        + _el("wp:post_type", cdata(post_type), raw=True)
        + _el("wp:post_password", cdata(""), raw=True)
        + _el("wp:is_sticky", 0)
    )


def _article_item(
    article: ArticlePage,
    base: str,
    images: dict[int, GazetteImage],
    login: dict[int, str],
    section_of: dict[int, tuple[str, str]],
    offset: int,
) -> str:
    from django.utils import timezone

    credits = list(article.authors.all())
    creator = login.get(credits[0].author_id, "") if credits else ""
    if not article.live:
        status = "draft"
    elif article.date and article.date > timezone.now():
        status = "future"
    else:
        status = "publish"
    parts = [
        _item(
            post_id=article.pk + offset,
            title=html_text(article.title),
            base=base,
            link=base + relative_url(article.url_path),
            creator=creator,
            content=_body_html(article, base, images),
            excerpt=html.escape(article.standfirst),
            date=article.date,
            status=status,
            post_type="post",
            slug=article.slug,
            comment_status="open" if article.comments_open else "closed",
        )
    ]
    if article.section_page_id in section_of:
        slug, title = section_of[article.section_page_id]
        parts.append(
            f'<category domain="category" nicename={quoteattr(slug)}>'
            f"{cdata(html_text(title))}</category>"
        )
    for tag in article.tags.all():
        parts.append(
            f'<category domain="post_tag" nicename={quoteattr(tag.slug)}>'
            f"{cdata(html_text(tag.name))}</category>"
        )
    if article.lead_image_id in images:
        parts.append(
            "<wp:postmeta>"
            + _el("wp:meta_key", cdata("_thumbnail_id"), raw=True)
            + _el("wp:meta_value", cdata(str(attachment_id(article.lead_image_id))), raw=True)
            + "</wp:postmeta>"
        )
    for comment in article.export_comments:
        local, gmt = _date(comment.created_at)
        parts.append(
            "<wp:comment>"
            + _el("wp:comment_id", comment.pk)
            + _el("wp:comment_author", cdata(comment.name), raw=True)
            + _el("wp:comment_author_email", cdata(comment.email), raw=True)
            + _el("wp:comment_author_url", cdata(comment.website), raw=True)
            + _el("wp:comment_author_IP", cdata(""), raw=True)
            + _el("wp:comment_date", cdata(local), raw=True)
            + _el("wp:comment_date_gmt", cdata(gmt), raw=True)
            + _el("wp:comment_content", cdata(escape(comment.body)), raw=True)
            + _el("wp:comment_approved", cdata(COMMENT_APPROVED.get(comment.status, "0")), raw=True)
            + _el("wp:comment_type", cdata("comment"), raw=True)
            + _el("wp:comment_parent", comment.parent_id or 0)
            + _el("wp:comment_user_id", 0)
            + "</wp:comment>"
        )
    parts.append("</item>\n")
    return "".join(parts)
