"""What the APIs show of articles, sections, authors, tags, images and comments.

Each function builds a dict from an allowlist of fields: nothing reaches a response by
being on a model (a commenter's email, a user's password hash, a draft's fields), and the
tests check every endpoint's keys against the same lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from wagtail.rich_text import expand_db_html

from gazette.comments.models import Comment
from gazette.news.models import ArticleAuthor, ArticlePage, AuthorPage, SectionPage, relative_url
from gazette.text import plain_text_to_html


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def page_url(request: HttpRequest, url_path: str) -> str:
    return absolute(request, relative_url(url_path))


def with_listing_data(articles: list[ArticlePage]) -> list[ArticlePage]:
    """Bylines, tags, sections and lead images of a page of articles in three queries
    however many articles (works on search results too, which are lists)."""
    prefetch_related_objects(
        articles,
        "lead_image",
        "section_page",
        Prefetch(
            "authors",
            queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order"),
        ),
        "tagged_items__tag",
    )
    return articles


def image(request: HttpRequest, img: Any) -> dict[str, Any] | None:
    if img is None:
        return None
    return {
        "id": img.pk,
        "url": absolute(request, img.file.url),
        "width": img.width,
        "height": img.height,
        "alt": img.description or "",
        "caption": img.caption,
        "credit": img.credit,
    }


def section(request: HttpRequest, page: SectionPage | Any) -> dict[str, Any]:
    return {
        "id": page.pk,
        "name": page.title,
        "slug": page.slug,
        "url": page_url(request, page.url_path),
    }


def author(request: HttpRequest, page: AuthorPage) -> dict[str, Any]:
    return {
        "id": page.pk,
        "name": page.title,
        "slug": page.slug,
        "job_title": page.job_title,
        "bio_html": expand_db_html(page.bio) if page.bio else "",
        "url": page_url(request, page.url_path),
        "photo": image(request, page.photo),
    }


def tag(request: HttpRequest, name: str, slug: str) -> dict[str, Any]:
    return {"name": name, "slug": slug, "url": absolute(request, f"/tags/{slug}/")}


def article(request: HttpRequest, page: ArticlePage) -> dict[str, Any]:
    """An article as lists show it (with_listing_data() first, for a whole page of them)."""
    return {
        "id": page.pk,
        "title": page.title,
        "slug": page.slug,
        "url": page_url(request, page.url_path),
        "date": page.date,
        "updated": page.updated,
        "standfirst": page.standfirst,
        "section": section(request, page.section_page) if page.section_page_id else None,
        "authors": [
            {
                "id": credit.author_id,
                "name": credit.author.title,
                "slug": credit.author.slug,
                "role": credit.role,
            }
            for credit in page.authors.all()
        ],
        "tags": [tag(request, item.tag.name, item.tag.slug) for item in page.tagged_items.all()],
        "lead_image": image(request, page.lead_image),
        "comments_open": page.comments_open,
    }


def article_detail(request: HttpRequest, page: ArticlePage) -> dict[str, Any]:
    """One article with its body: the HTML readers see, and the blocks it is made of."""
    data = article(request, page)
    data["body_html"] = str(page.body.render_as_block()) if page.body else ""
    data["body"] = list(body_blocks(request, page))
    return data


def body_blocks(request: HttpRequest, page: ArticlePage) -> Iterable[dict[str, Any]]:
    for block in page.body:
        if block.block_type == "paragraph":
            yield {"type": "paragraph", "value": expand_db_html(block.value.source)}
        elif block.block_type == "quote":
            yield {
                "type": "quote",
                "value": {
                    "quote": block.value["quote"],
                    "attribution": block.value["attribution"],
                },
            }
        elif block.block_type == "image":
            yield {
                "type": "image",
                "value": {
                    "image": image(request, block.value["image"]),
                    "caption": block.value["caption"],
                },
            }


# The only fields of a Comment that any response may show.
COMMENT_FIELDS = ("pk", "article_id", "parent_id", "name", "website", "body", "created_at")


def comment(request: HttpRequest, item: Comment, article_url: str) -> dict[str, Any]:
    return {
        "id": item.pk,
        "article": item.article_id,
        "parent": item.parent_id,
        "name": item.name,
        "website": item.website,
        "body": item.body,
        "body_html": str(plain_text_to_html(item.body)),
        "date": item.created_at,
        "url": f"{article_url}#{item.anchor}",
    }
