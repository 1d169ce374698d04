"""The read side of WordPress's REST API (/wp-json/wp/v2/...), for existing clients, apps
and newsletter tools, and its one write: posting a comment.

Posts are Gazette's published articles, categories its sections, users its author
profiles (public data only: never an account, an email or a password hash), media the
images published articles and profiles show, comments the approved ones. Gazette has no
standalone pages, so /pages answers an empty list. Parameters WordPress does not know, or
that Gazette does not support, are ignored, as WordPress ignores them; errors have
WordPress's shape ({"code", "message", "data": {"status"}}).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.http import HttpRequest, JsonResponse, QueryDict
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.views.decorators.csrf import csrf_exempt
from taggit.models import Tag
from wagtail.images import get_image_model

from gazette.api import serialise
from gazette.api.errors import ApiError, bearer_user
from gazette.api.queries import BadQuery, evaluate, parse_when, search, search_words
from gazette.cache import tags as cache_tags
from gazette.comments.forms import CommentForm
from gazette.comments.models import Comment
from gazette.comments.moderation import comment_submit
from gazette.crossorigin import is_cross_origin
from gazette.news.context_processors import site as site_context
from gazette.news.models import ArticlePage, AuthorPage, SectionPage
from gazette.text import plain_text_to_html

NAMESPACE = "wp/v2"
MAX_PER_PAGE = 100


class WPError(Exception):
    def __init__(self, status: int, code: str, message: str, **data: Any):
        super().__init__(message)
        self.status, self.code, self.message, self.data = status, code, message, data


def invalid_param(name: str, message: str) -> WPError:
    return WPError(
        400, "rest_invalid_param", f"Invalid parameter(s): {name}", params={name: message}
    )


def wp_view(methods: tuple[str, ...] = ("GET", "HEAD")) -> Callable:
    """WordPress's answers: JSON errors of its shape, never a 500 for bad input, no caching
    for anyone who sent credentials, and CORS for the public reads, as WordPress sends."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
            try:
                if request.method not in methods:
                    raise WPError(
                        404,
                        "rest_no_route",
                        "No route was found matching the URL and request method.",
                    )
                if request.headers.get("Authorization"):
                    # A token holder sees what readers see; a broken token is still refused.
                    try:
                        bearer_user(request)
                    except ApiError as exc:
                        raise WPError(401, "rest_not_logged_in", str(exc.detail)) from exc
                response = view(request, *args, **kwargs)
            except WPError as exc:
                response = JsonResponse(
                    {
                        "code": exc.code,
                        "message": exc.message,
                        "data": {"status": exc.status, **exc.data},
                    },
                    status=exc.status,
                )
            except BadQuery as exc:
                response = JsonResponse(
                    {
                        "code": "rest_invalid_param",
                        "message": f"Invalid parameter(s): {exc.param}",
                        "data": {"status": 400, "params": {exc.param: exc.message}},
                    },
                    status=400,
                )
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "X-WP-Total, X-WP-TotalPages, Link"
            response["Allow"] = ", ".join(m for m in methods if m != "HEAD")
            if request.headers.get("Authorization"):
                response["Cache-Control"] = "private, no-store"
            return response

        return wrapper

    return decorate


def _tag(request: HttpRequest, *tags: str) -> None:
    """Collections only, at their WordPress URL without a trailing slash: the page cache
    keeps /wp-json/wp/v2/posts as a file, so /posts/7 and /posts/ (which would need a
    folder of that name) are not cached, and single items are not tagged at all."""
    if not request.headers.get("Authorization") and not request.path.endswith("/"):
        cache_tags.add(request, *tags)


def _local(value: Any) -> str | None:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M:%S") if value else None


def _gmt(value: Any) -> str | None:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S") if value else None


def _route(request: HttpRequest, path: str) -> str:
    return serialise.absolute(request, f"/wp-json/{NAMESPACE}/{path}")


def _ids(request: HttpRequest, name: str) -> list[int] | None:
    """A WordPress list parameter: ?name=1,2 or ?name[]=1&name[]=2."""
    raw = [*request.GET.getlist(name), *request.GET.getlist(name + "[]")]
    if not raw:
        return None
    values = [v.strip() for item in raw for v in item.split(",") if v.strip()]
    if not all(v.isdigit() and len(v) < 12 for v in values):
        raise invalid_param(name, f"{name} is not of type integer.")
    return [int(v) for v in values]


def _strings(request: HttpRequest, name: str) -> list[str] | None:
    raw = [*request.GET.getlist(name), *request.GET.getlist(name + "[]")]
    if not raw:
        return None
    return [v.strip() for item in raw for v in item.split(",") if v.strip()][:100]


def _choice(request: HttpRequest, name: str, choices: tuple[str, ...], default: str) -> str:
    value = request.GET.get(name) or default
    if value not in choices:
        raise invalid_param(name, f"{name} is not one of {', '.join(choices)}.")
    return value


def _paged(request: HttpRequest, items: Any, serialize: Callable[[list[Any]], list[Any]]):
    """One page of ``items`` with WordPress's X-WP-Total, X-WP-TotalPages and Link."""
    raw_size = request.GET.get("per_page") or "10"
    raw_page = request.GET.get("page") or "1"
    if not raw_size.isdigit() or not 1 <= int(raw_size) <= MAX_PER_PAGE:
        raise invalid_param(
            "per_page", "per_page must be between 1 (inclusive) and 100 (inclusive)"
        )
    if not raw_page.isdigit() or not 1 <= int(raw_page) < 1_000_000:
        raise invalid_param("page", "page must be greater than or equal to 1")
    size, number = int(raw_size), int(raw_page)
    offset_raw = request.GET.get("offset")
    offset = (number - 1) * size
    if offset_raw:
        if not offset_raw.isdigit() or len(offset_raw) > 7:
            raise invalid_param("offset", "offset is not of type integer.")
        offset = int(offset_raw)
    total = items.count()
    pages = math.ceil(total / size) if total else 0
    if number > 1 and number > pages:
        raise WPError(
            400,
            "rest_post_invalid_page_number",
            "The page number requested is larger than the number of pages available.",
        )
    rows = serialize(list(items[offset : offset + size]))
    response = JsonResponse(rows, safe=False)
    response["X-WP-Total"] = str(total)
    response["X-WP-TotalPages"] = str(pages)
    links = []
    base = request.GET.copy()
    for rel, target in (("prev", number - 1), ("next", number + 1)):
        if 1 <= target <= pages:
            base["page"] = str(target)
            links.append(
                f'<{serialise.absolute(request, request.path)}?{base.urlencode()}>; rel="{rel}"'
            )
    if links:
        response["Link"] = ", ".join(links)
    return response


def _order(request: HttpRequest, default: str = "desc") -> str:
    return "-" if _choice(request, "order", ("asc", "desc"), default) == "desc" else ""


def _filter_fields(request: HttpRequest, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """?_fields=id,title: only those top-level fields, as WordPress does."""
    fields = _strings(request, "_fields")
    if not fields:
        return rows
    keep = {f.split(".")[0] for f in fields}
    return [{k: v for k, v in row.items() if k in keep} for row in rows]


# Objects ---------------------------------------------------------------------------------


def user_data(request: HttpRequest, author: AuthorPage) -> dict[str, Any]:
    return {
        "id": author.pk,
        "name": author.title,
        "url": "",
        "description": strip_tags(author.bio or "").strip(),
        "link": serialise.page_url(request, author.url_path),
        "slug": author.slug,
        "avatar_urls": {},
        "meta": [],
        "_links": {
            "self": [{"href": _route(request, f"users/{author.pk}")}],
            "collection": [{"href": _route(request, "users")}],
        },
    }


def media_data(request: HttpRequest, img: Any, post: int | None = None) -> dict[str, Any]:
    source = serialise.absolute(request, img.file.url)
    caption = f"<p>{escape(img.caption)}</p>\n" if img.caption else ""
    return {
        "id": img.pk,
        "date": _local(img.created_at),
        "date_gmt": _gmt(img.created_at),
        "guid": {"rendered": source},
        "modified": _local(img.created_at),
        "modified_gmt": _gmt(img.created_at),
        "slug": str(img.pk),
        "status": "inherit",
        "type": "attachment",
        "link": source,
        "title": {"rendered": escape(img.title)},
        "author": 0,
        "comment_status": "closed",
        "ping_status": "closed",
        "template": "",
        "meta": [],
        "description": {"rendered": caption},
        "caption": {"rendered": caption},
        "alt_text": img.description or "",
        "media_type": "image",
        "mime_type": _mime(img.file.name),
        "media_details": {
            "width": img.width,
            "height": img.height,
            "file": img.file.name,
            "filesize": img.file_size,
            "sizes": {},
            "image_meta": {"credit": img.credit, "caption": img.caption},
        },
        "post": post,
        "source_url": source,
        "_links": {
            "self": [{"href": _route(request, f"media/{img.pk}")}],
            "collection": [{"href": _route(request, "media")}],
        },
    }


def _mime(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    return {
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "gif": "image/gif",
        "webp": "image/webp",
        "avif": "image/avif",
        "svg": "image/svg+xml",
    }.get(extension, "application/octet-stream")


def category_data(request: HttpRequest, section: SectionPage, count: int) -> dict[str, Any]:
    return {
        "id": section.pk,
        "count": count,
        "description": section.intro,
        "link": serialise.page_url(request, section.url_path),
        "name": section.title,
        "slug": section.slug,
        "taxonomy": "category",
        "parent": 0,
        "meta": [],
        "_links": {
            "self": [{"href": _route(request, f"categories/{section.pk}")}],
            "collection": [{"href": _route(request, "categories")}],
            "wp:post_type": [{"href": _route(request, f"posts?categories={section.pk}")}],
        },
    }


def tag_data(request: HttpRequest, tag: Tag, count: int) -> dict[str, Any]:
    return {
        "id": tag.pk,
        "count": count,
        "description": "",
        "link": serialise.absolute(request, f"/tags/{tag.slug}/"),
        "name": tag.name,
        "slug": tag.slug,
        "taxonomy": "post_tag",
        "meta": [],
        "_links": {
            "self": [{"href": _route(request, f"tags/{tag.pk}")}],
            "collection": [{"href": _route(request, "tags")}],
            "wp:post_type": [{"href": _route(request, f"posts?tags={tag.pk}")}],
        },
    }


def post_data(request: HttpRequest, article: ArticlePage, embed: bool) -> dict[str, Any]:
    """An article as WordPress shows a post (with_listing_data() first)."""
    credits = list(article.authors.all())
    tag_items = list(article.tagged_items.all())
    link = serialise.page_url(request, article.url_path)
    modified = article.updated or article.last_published_at or article.date
    excerpt = f"<p>{escape(article.standfirst)}</p>\n" if article.standfirst else ""
    data: dict[str, Any] = {
        "id": article.pk,
        "date": _local(article.date),
        "date_gmt": _gmt(article.date),
        "guid": {"rendered": link},
        "modified": _local(modified),
        "modified_gmt": _gmt(modified),
        "slug": article.slug,
        "status": "publish",
        "type": "post",
        "link": link,
        "title": {"rendered": escape(article.title)},
        "content": {
            "rendered": str(article.body.render_as_block()) if article.body else "",
            "protected": False,
        },
        "excerpt": {"rendered": excerpt, "protected": False},
        "author": credits[0].author_id if credits else 0,
        "featured_media": article.lead_image_id or 0,
        "comment_status": "open" if article.comments_open else "closed",
        "ping_status": "closed",
        "sticky": False,
        "template": "",
        "format": "standard",
        "meta": [],
        "categories": [article.section_page_id] if article.section_page_id else [],
        "tags": [item.tag_id for item in tag_items],
        "_links": {
            "self": [{"href": _route(request, f"posts/{article.pk}")}],
            "collection": [{"href": _route(request, "posts")}],
            "about": [{"href": _route(request, "types/post")}],
            "author": [
                {"embeddable": True, "href": _route(request, f"users/{c.author_id}")}
                for c in credits
            ],
            "replies": [
                {"embeddable": True, "href": _route(request, f"comments?post={article.pk}")}
            ],
            "wp:term": [
                {
                    "taxonomy": "category",
                    "embeddable": True,
                    "href": _route(request, f"categories?post={article.pk}"),
                },
                {
                    "taxonomy": "post_tag",
                    "embeddable": True,
                    "href": _route(request, f"tags?post={article.pk}"),
                },
            ],
        },
    }
    if article.lead_image_id:
        data["_links"]["wp:featuredmedia"] = [
            {"embeddable": True, "href": _route(request, f"media/{article.lead_image_id}")}
        ]
    if embed:
        section = article.section_page
        embedded: dict[str, Any] = {
            "author": [user_data(request, c.author) for c in credits],
            "wp:term": [
                [category_data(request, section, -1)] if section else [],
                [tag_data(request, item.tag, -1) for item in tag_items],
            ],
        }
        for terms in embedded["wp:term"]:
            for term in terms:
                del term["count"]  # WordPress leaves counts out of embedded terms too
        if article.lead_image is not None:
            embedded["wp:featuredmedia"] = [media_data(request, article.lead_image, article.pk)]
        data["_embedded"] = embedded
    return data


def comment_data(request: HttpRequest, item: Comment, article_url: str) -> dict[str, Any]:
    status = {"approved": "approved", "pending": "hold"}.get(item.status, item.status)
    return {
        "id": item.pk,
        "post": item.article_id,
        "parent": item.parent_id or 0,
        "author": 0,
        "author_name": item.name,
        "author_url": item.website,
        "date": _local(item.created_at),
        "date_gmt": _gmt(item.created_at),
        "content": {"rendered": str(plain_text_to_html(item.body))},
        "link": f"{article_url}#{item.anchor}",
        "status": status,
        "type": "comment",
        "author_avatar_urls": {},
        "meta": [],
        "_links": {
            "self": [{"href": _route(request, f"comments/{item.pk}")}],
            "collection": [{"href": _route(request, "comments")}],
            "up": [
                {
                    "embeddable": True,
                    "post_type": "post",
                    "href": _route(request, f"posts/{item.article_id}"),
                }
            ],
        },
    }


# Posts -----------------------------------------------------------------------------------

_POST_ORDER = {
    "date": ("date",),
    "id": ("pk",),
    "title": ("title",),
    "slug": ("slug",),
    "modified": ("last_published_at",),
    "include": ("pk",),
}


@wp_view()
def posts(request: HttpRequest) -> JsonResponse:
    status = request.GET.get("status")
    if status and status != "publish":
        raise WPError(
            400,
            "rest_invalid_param",
            "Invalid parameter(s): status",
            params={"status": "Status is forbidden."},
        )
    found = ArticlePage.objects.published()
    if (ids := _ids(request, "include")) is not None:
        found = found.filter(pk__in=ids)
    if (ids := _ids(request, "exclude")) is not None:
        found = found.exclude(pk__in=ids)
    if (ids := _ids(request, "categories")) is not None:
        found = found.filter(section_page_id__in=ids)
    if (ids := _ids(request, "categories_exclude")) is not None:
        found = found.exclude(section_page_id__in=ids)
    if (ids := _ids(request, "tags")) is not None:
        found = found.filter(tagged_items__tag_id__in=ids).distinct()
    if (ids := _ids(request, "author")) is not None:
        found = found.filter(authors__author_id__in=ids).distinct()
    if (slugs := _strings(request, "slug")) is not None:
        found = found.filter(slug__in=slugs)
    if after := request.GET.get("after"):
        found = found.filter(date__gt=parse_when("after", after))
    if before := request.GET.get("before"):
        found = found.filter(date__lt=parse_when("before", before))
    orderby = _choice(request, "orderby", (*_POST_ORDER, "relevance"), "date")
    direction = _order(request)
    query = request.GET.get("search")
    embed = "_embed" in request.GET
    if query:
        words = search_words("search", query)
        if orderby == "relevance":
            found = search(found, words)
        else:
            found = search(found, words)  # ranked, then ordered below when asked
            ordered = ArticlePage.objects.published().filter(pk__in=[p.pk for p in found[:1000]])
            found = ordered.order_by(
                *(direction + f for f in _POST_ORDER[orderby]), direction + "pk"
            )
    elif orderby == "relevance":
        raise invalid_param("orderby", "You need to define a search term to order by relevance.")
    else:
        found = found.order_by(*(direction + f for f in _POST_ORDER[orderby]), direction + "pk")

    def rows(items: list[ArticlePage]) -> list[dict[str, Any]]:
        serialise.with_listing_data(items)
        _tag(request, *(cache_tags.section(a.section_page_id or 0) for a in items))
        _tag(request, *(cache_tags.author(c.author_id) for a in items for c in a.authors.all()))
        return _filter_fields(request, [post_data(request, a, embed) for a in items])

    _tag(request, cache_tags.API)
    return evaluate(lambda: _paged(request, found, rows))


@wp_view()
def post(request: HttpRequest, pk: str) -> JsonResponse:
    article = ArticlePage.objects.published().filter(pk=int(pk)).first()
    if article is None:
        raise WPError(404, "rest_post_invalid_id", "Invalid post ID.")
    serialise.with_listing_data([article])
    return JsonResponse(post_data(request, article, "_embed" in request.GET))


@wp_view()
def pages(request: HttpRequest) -> JsonResponse:
    """Gazette has no standalone pages: an empty collection, with WordPress's headers."""
    return _paged(request, ArticlePage.objects.none(), lambda items: [])


@wp_view()
def page(request: HttpRequest, pk: str) -> JsonResponse:
    raise WPError(404, "rest_post_invalid_id", "Invalid post ID.")


# Terms -----------------------------------------------------------------------------------


def _published_ids() -> Any:
    return ArticlePage.objects.published().order_by().values("pk")


def _term_filters(request: HttpRequest, found: Any, name_field: str = "title") -> Any:
    if (ids := _ids(request, "include")) is not None:
        found = found.filter(pk__in=ids)
    if (ids := _ids(request, "exclude")) is not None:
        found = found.exclude(pk__in=ids)
    if (slugs := _strings(request, "slug")) is not None:
        found = found.filter(slug__in=slugs)
    if query := request.GET.get("search"):
        if len(query) > 1000:
            raise invalid_param("search", "search: at most 1,000 characters.")
        found = found.filter(Q(**{f"{name_field}__icontains": query}) | Q(slug__icontains=query))
    return found


@wp_view()
def categories(request: HttpRequest) -> JsonResponse:
    counts = (
        ArticlePage.objects.published()
        .filter(section_page=OuterRef("pk"))
        .order_by()
        .values("section_page")
        .annotate(n=Count("pk"))
        .values("n")
    )
    found = (
        SectionPage.objects.live()
        .public()
        .annotate(n=Subquery(counts, output_field=IntegerField()))
    )
    found = _term_filters(request, found)
    if (ids := _ids(request, "post")) is not None:
        found = found.filter(
            pk__in=ArticlePage.objects.published().filter(pk__in=ids).values("section_page")
        )
    if request.GET.get("hide_empty") in ("1", "true"):
        found = found.filter(n__gt=0)
    if (parent := request.GET.get("parent")) and parent != "0":
        found = found.none()
    orderby = {"id": "pk", "name": "title", "slug": "slug", "count": "n"}[
        _choice(request, "orderby", ("name", "id", "slug", "count"), "name")
    ]
    direction = _order(request, "asc")
    found = found.order_by(direction + orderby, direction + "pk")
    _tag(request, cache_tags.NAV, cache_tags.API)

    def rows(items: list[Any]) -> list[dict[str, Any]]:
        _tag(request, *(cache_tags.section(s.pk) for s in items))
        return _filter_fields(request, [category_data(request, s, s.n or 0) for s in items])

    return _paged(request, found, rows)


@wp_view()
def category(request: HttpRequest, pk: str) -> JsonResponse:
    section = SectionPage.objects.live().public().filter(pk=int(pk)).first()
    if section is None:
        raise WPError(404, "rest_term_invalid", "Term does not exist.")
    count = ArticlePage.objects.published().filter(section_page=section).count()
    return JsonResponse(category_data(request, section, count))


def _published_tags() -> Any:
    return Tag.objects.filter(news_articletag_items__content_object__in=_published_ids())


@wp_view()
def tags(request: HttpRequest) -> JsonResponse:
    found = _published_tags().annotate(n=Count("news_articletag_items", distinct=True))
    found = _term_filters(request, found, name_field="name")
    if (ids := _ids(request, "post")) is not None:
        found = found.filter(news_articletag_items__content_object__in=ids)
    orderby = {"id": "pk", "name": "name", "slug": "slug", "count": "n"}[
        _choice(request, "orderby", ("name", "id", "slug", "count"), "name")
    ]
    direction = _order(request, "asc")
    found = found.order_by(direction + orderby, direction + "pk")
    _tag(request, cache_tags.API)
    return _paged(
        request,
        found,
        lambda items: _filter_fields(request, [tag_data(request, t, t.n) for t in items]),
    )


@wp_view()
def tag(request: HttpRequest, pk: str) -> JsonResponse:
    found = (
        _published_tags()
        .filter(pk=int(pk))
        .annotate(n=Count("news_articletag_items", distinct=True))
        .first()
    )
    if found is None:
        raise WPError(404, "rest_term_invalid", "Term does not exist.")
    return JsonResponse(tag_data(request, found, found.n))


# Users, media, comments ----------------------------------------------------------------


@wp_view()
def users(request: HttpRequest) -> JsonResponse:
    found = _term_filters(request, AuthorPage.objects.live().public())
    orderby = {"id": "pk", "name": "title", "slug": "slug"}[
        _choice(request, "orderby", ("name", "id", "slug"), "name")
    ]
    direction = _order(request, "asc")
    found = found.order_by(direction + orderby, direction + "pk")
    _tag(request, "list:authors")

    def rows(items: list[AuthorPage]) -> list[dict[str, Any]]:
        _tag(request, *(cache_tags.page(a.pk) for a in items))
        return _filter_fields(request, [user_data(request, a) for a in items])

    return _paged(request, found, rows)


@wp_view()
def user(request: HttpRequest, pk: str) -> JsonResponse:
    author = AuthorPage.objects.live().public().filter(pk=int(pk)).first()
    if author is None:
        raise WPError(404, "rest_user_invalid_id", "Invalid user ID.")
    return JsonResponse(user_data(request, author))


def _public_images() -> Any:
    """Images a reader can already see: lead images of published articles and the photos
    of published author profiles. An image uploaded for a draft stays private. Not cached:
    an image's title or alt text can change without any page being republished."""
    return get_image_model().objects.filter(
        Q(pk__in=ArticlePage.objects.published().order_by().values("lead_image"))
        | Q(pk__in=AuthorPage.objects.live().public().order_by().values("photo"))
    )


@wp_view()
def media(request: HttpRequest) -> JsonResponse:
    found = _public_images()
    if (ids := _ids(request, "include")) is not None:
        found = found.filter(pk__in=ids)
    if (ids := _ids(request, "parent")) is not None:
        found = found.filter(
            pk__in=ArticlePage.objects.published().filter(pk__in=ids).values("lead_image")
        )
    if query := request.GET.get("search"):
        if len(query) > 1000:
            raise invalid_param("search", "search: at most 1,000 characters.")
        found = found.filter(title__icontains=query)
    media_type = request.GET.get("media_type")
    if media_type and media_type != "image":
        found = found.none()
    direction = _order(request)
    orderby = {"date": "created_at", "id": "pk", "title": "title"}[
        _choice(request, "orderby", ("date", "id", "title"), "date")
    ]
    found = found.order_by(direction + orderby, direction + "pk")
    return _paged(
        request,
        found,
        lambda items: _filter_fields(request, [media_data(request, i) for i in items]),
    )


@wp_view()
def medium(request: HttpRequest, pk: str) -> JsonResponse:
    img = _public_images().filter(pk=int(pk)).first()
    if img is None:
        raise WPError(404, "rest_post_invalid_id", "Invalid post ID.")
    return JsonResponse(media_data(request, img))


def _approved() -> Any:
    return (
        Comment.objects.approved()
        .filter(article__in=_published_ids())
        .select_related("article")
        .only(
            "pk",
            "article_id",
            "parent_id",
            "name",
            "website",
            "body",
            "created_at",
            "status",
            "article__url_path",
        )
    )


@wp_view(methods=("GET", "HEAD", "POST"))
def comments(request: HttpRequest) -> JsonResponse:
    if request.method == "POST":
        return comment_create(request)
    status = request.GET.get("status")
    if status and status not in ("approve", "approved"):
        raise WPError(401, "rest_forbidden_param", "Query parameter not permitted: status")
    found = _approved()
    if (ids := _ids(request, "post")) is not None:
        found = found.filter(article_id__in=ids)
    if (ids := _ids(request, "include")) is not None:
        found = found.filter(pk__in=ids)
    if (ids := _ids(request, "parent")) is not None:
        found = found.filter(
            Q(parent_id__in=ids) | Q(parent__isnull=True) if 0 in ids else Q(parent_id__in=ids)
        )
    if query := request.GET.get("search"):
        if len(query) > 1000:
            raise invalid_param("search", "search: at most 1,000 characters.")
        found = found.filter(body__icontains=query)
    direction = _order(request)
    orderby = {"date": "created_at", "date_gmt": "created_at", "id": "pk", "post": "article_id"}[
        _choice(request, "orderby", ("date_gmt", "date", "id", "post"), "date_gmt")
    ]
    found = found.order_by(direction + orderby, direction + "pk")
    # Comment lists are not cached: any article's new comment would change them, and no
    # content tag names "every comment".
    return _paged(
        request,
        found,
        lambda items: _filter_fields(
            request,
            [
                comment_data(request, c, serialise.page_url(request, c.article.url_path))
                for c in items
            ],
        ),
    )


@wp_view()
def comment(request: HttpRequest, pk: str) -> JsonResponse:
    item = _approved().filter(pk=int(pk)).first()
    if item is None:
        raise WPError(404, "rest_comment_invalid_id", "Invalid comment ID.")
    return JsonResponse(
        comment_data(request, item, serialise.page_url(request, item.article.url_path))
    )


def _comment_fields(request: HttpRequest) -> QueryDict | dict[str, Any]:
    """WordPress takes a comment as JSON, as a form, or in the query string."""
    length = int(request.headers.get("Content-Length") or 0)
    if length > settings.GAZETTE_API_MAX_BODY:
        raise WPError(413, "rest_too_large", "The request body is too large.")
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError) as exc:
            raise WPError(400, "rest_invalid_json", "Invalid JSON body passed.") from exc
        if not isinstance(data, dict):
            raise WPError(400, "rest_invalid_json", "Invalid JSON body passed.")
        return {**request.GET.dict(), **data}
    return {**request.GET.dict(), **request.POST.dict()}


def comment_create(request: HttpRequest) -> JsonResponse:
    """POST /wp-json/wp/v2/comments: through the same checks and the same function as the
    form under each article (gazette.comments: form validation, comment_submit and
    whatever moderation it runs). The comment waits for moderation like any other."""
    if is_cross_origin(request):
        raise WPError(403, "rest_forbidden", "Comments from another site's pages are refused.")
    data = _comment_fields(request)
    raw_post = str(data.get("post", ""))
    article = (
        ArticlePage.objects.published().filter(pk=int(raw_post)).first()
        if raw_post.isdigit() and len(raw_post) < 12
        else None
    )
    if article is None:
        raise WPError(
            403,
            "rest_comment_invalid_post_id",
            "Sorry, you are not allowed to create this comment without a post.",
        )
    if not article.comments_open:
        raise WPError(403, "rest_comment_closed", "Sorry, comments are closed for this item.")
    content = data.get("content", "")
    if isinstance(content, dict):  # {"raw": ...} as the block editor sends it
        content = content.get("raw", "")
    form = CommentForm(
        {
            "name": str(data.get("author_name", "")),
            "email": str(data.get("author_email", "")),
            "website": str(data.get("author_url", "")),
            "body": str(content),
        }
    )
    if not form.is_valid():
        errors = form.errors.get_json_data()
        if "name" in errors or "email" in errors:
            code, message = (
                "rest_comment_author_data_required",
                "Creating a comment requires valid author name and email values.",
            )
        elif "body" in errors:
            code, message = "rest_comment_content_invalid", "Invalid comment content."
        else:
            code, message = "rest_invalid_param", "Invalid parameter(s): author_url"
        wp_names = {
            "name": "author_name",
            "email": "author_email",
            "website": "author_url",
            "body": "content",
        }
        params = {wp_names.get(k, k): " ".join(e["message"] for e in v) for k, v in errors.items()}
        raise WPError(400, code, message, params=params)
    try:
        item = comment_submit(
            article=article,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            body=form.cleaned_data["body"],
            website=form.cleaned_data["website"],
            ip=request.META.get("REMOTE_ADDR", ""),
        )
    except DjangoValidationError as exc:
        raise WPError(400, "rest_comment_rejected", " ".join(exc.messages)) from exc
    response = JsonResponse(
        comment_data(request, item, serialise.page_url(request, article.url_path)), status=201
    )
    response["Location"] = _route(request, f"comments/{item.pk}")
    return response


@wp_view(methods=("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"))
def no_route(request: HttpRequest) -> JsonResponse:
    raise WPError(404, "rest_no_route", "No route was found matching the URL and request method.")


# The index ---------------------------------------------------------------------------------

_COLLECTION_ARGS = (
    "context",
    "page",
    "per_page",
    "search",
    "include",
    "exclude",
    "order",
    "orderby",
)
_ROUTES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # route: (methods, arguments WordPress clients may send)
    "posts": (
        ("GET",),
        (
            *_COLLECTION_ARGS,
            "after",
            "before",
            "author",
            "offset",
            "slug",
            "status",
            "categories",
            "categories_exclude",
            "tags",
            "_embed",
            "_fields",
        ),
    ),
    "pages": (("GET",), (*_COLLECTION_ARGS, "slug", "offset")),
    "categories": (("GET",), (*_COLLECTION_ARGS, "slug", "post", "hide_empty", "parent")),
    "tags": (("GET",), (*_COLLECTION_ARGS, "slug", "post")),
    "users": (("GET",), (*_COLLECTION_ARGS, "slug")),
    "media": (("GET",), (*_COLLECTION_ARGS, "parent", "media_type")),
    "comments": (
        ("GET", "POST"),
        (
            *_COLLECTION_ARGS,
            "post",
            "parent",
            "status",
            "author_name",
            "author_email",
            "author_url",
            "content",
        ),
    ),
}


def _args(names: tuple[str, ...]) -> dict[str, Any]:
    return {name: {"required": False} for name in names}


def _routes(request: HttpRequest) -> dict[str, Any]:
    routes: dict[str, Any] = {
        "/": {
            "namespace": "",
            "methods": ["GET"],
            "endpoints": [{"methods": ["GET"], "args": {}}],
            "_links": {"self": [{"href": serialise.absolute(request, "/wp-json/")}]},
        },
        f"/{NAMESPACE}": {
            "namespace": NAMESPACE,
            "methods": ["GET"],
            "endpoints": [
                {
                    "methods": ["GET"],
                    "args": {"namespace": {"default": NAMESPACE, "required": False}},
                }
            ],
            "_links": {"self": [{"href": _route(request, "")}]},
        },
    }
    for name, (methods, args) in _ROUTES.items():
        endpoints = [{"methods": ["GET"], "args": _args(args)}]
        if "POST" in methods:
            endpoints.append({"methods": ["POST"], "args": _args(args)})
        routes[f"/{NAMESPACE}/{name}"] = {
            "namespace": NAMESPACE,
            "methods": list(methods),
            "endpoints": endpoints,
            "_links": {"self": [{"href": _route(request, name)}]},
        }
        routes[f"/{NAMESPACE}/{name}/(?P<id>[\\d]+)"] = {
            "namespace": NAMESPACE,
            "methods": ["GET"],
            "endpoints": [{"methods": ["GET"], "args": _args(("id", "context"))}],
        }
    return routes


@wp_view()
def index(request: HttpRequest) -> JsonResponse:
    name = site_context(request).get("site_name") or settings.WAGTAIL_SITE_NAME
    home = serialise.absolute(request, "/")
    return JsonResponse(
        {
            "name": name,
            "description": "",
            "url": home.rstrip("/"),
            "home": home.rstrip("/"),
            "gmt_offset": round(timezone.localtime().utcoffset().total_seconds() / 3600, 2),
            "timezone_string": settings.TIME_ZONE,
            "namespaces": [NAMESPACE],
            "authentication": {},
            "routes": _routes(request),
            "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
        }
    )


@wp_view()
def namespace_index(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"namespace": NAMESPACE, "routes": _routes(request)})
