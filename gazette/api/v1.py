"""Gazette's REST API, /api/v1/, with its OpenAPI document at /api/v1/openapi.json.

Built on django-ninja (already a Wagtail dependency): the document is generated from the
same type hints that validate requests, so it cannot drift from the code. Reads go through
``ArticlePage.objects.published()`` and ``Comment.objects.approved()``; writes through
Wagtail revisions and Gazette's own functions, with Wagtail's page permissions deciding
who may do what, exactly as in the admin.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from ninja import File, Form, NinjaAPI, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.security import HttpBearer
from taggit.models import Tag
from wagtail.images import get_image_model, get_permission_policy
from wagtail.images.fields import WagtailImageField
from wagtail.rich_text import RichText

from gazette.api import schemas, serialise
from gazette.api.errors import ApiError, bearer_user, check_body_size, error_response
from gazette.api.queries import (
    BadQuery,
    evaluate,
    page_numbers,
    paginate,
    parse_when,
    search,
    search_words,
)
from gazette.cache import tags as cache_tags
from gazette.comments.models import Comment
from gazette.comments.moderation import ACTIONS
from gazette.images.validation import check_image_file
from gazette.news.markdown_import import body_blocks
from gazette.news.models import ArticleAuthor, ArticlePage, ArticleTag, AuthorPage, SectionPage
from gazette.news.readiness import NotReadyToPublish
from gazette.text import sanitise_rich_text

MODERATE = "comments.change_comment"  # the admin's comment queue asks the same permission


class TokenAuth(HttpBearer):
    """Authorization: Bearer TOKEN, checked before the body is read (so a huge body from
    anyone is refused at once)."""

    def __call__(self, request: HttpRequest) -> Any:
        check_body_size(request)
        if "Authorization" not in request.headers:
            raise ApiError(401, "This needs a token: `Authorization: Bearer TOKEN`.")
        return bearer_user(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover
        return bearer_user(request)


class GazetteNinjaAPI(NinjaAPI):
    def create_response(self, request: HttpRequest, data: Any, **kwargs: Any) -> HttpResponse:
        response = super().create_response(request, data, **kwargs)
        if "Authorization" in request.headers:
            # What a token holder sees (drafts, the moderation queue) is theirs alone.
            response["Cache-Control"] = "private, no-store"
        return response


api = GazetteNinjaAPI(
    title="Gazette API",
    version="1",
    description=(
        "Published articles, sections, authors, tags and approved comments, and writes "
        "with per-user tokens (`gazette token create USERNAME`, sent as "
        '`Authorization: Bearer TOKEN`). Errors are JSON: `{"error": ..., "detail": ...}`.'
    ),
    urls_namespace="api-v1",
    docs_url="/docs/",
    openapi_url="/openapi.json",
)
auth = TokenAuth()
ERRORS: dict[int, Any] = {400: schemas.Error, 404: schemas.Error}
WRITE_ERRORS: dict[int, Any] = {
    400: schemas.Error,
    401: schemas.Error,
    403: schemas.Error,
    404: schemas.Error,
    413: schemas.Error,
    422: schemas.Error,
}


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.detail, exc.error)


@api.exception_handler(NotReadyToPublish)
def _not_ready(request: HttpRequest, exc: NotReadyToPublish) -> HttpResponse:
    # Raised inside the write's transaction: nothing of the request was saved.
    return error_response(422, [{"field": "publish", "message": p} for p in exc.problems])


@api.exception_handler(BadQuery)
def _bad_query(request: HttpRequest, exc: BadQuery) -> HttpResponse:
    return error_response(400, exc.message)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        detail = "The request body is not valid JSON."
    return error_response(exc.status_code, detail)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    detail = [
        {
            # ("body", "payload", "title") -> "title": where the client put it.
            "field": ".".join(str(p) for p in e.get("loc", ())[2:] or e.get("loc", ())),
            "message": "Unknown field." if e.get("type") == "extra_forbidden" else e.get("msg"),
        }
        for e in exc.errors
    ]
    return error_response(422, detail)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, str(exc) or "Not found.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(403, str(exc) or "Your role does not allow this.")


@api.exception_handler(DjangoValidationError)
def _model_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        detail = [
            {"field": field, "message": " ".join(str(m) for e in errors for m in e.messages)}
            for field, errors in exc.error_dict.items()
        ]
    else:
        detail = [{"field": "", "message": m} for m in exc.messages]
    return error_response(422, detail)


# Helpers -------------------------------------------------------------------------------


def public(request: HttpRequest, *tags: str) -> Any:
    """Reads: the reader's token, if any, checked. Anonymous answers name their content
    tags for the page cache; answers to a token holder are never stored anywhere."""
    check_body_size(request)
    user = bearer_user(request)
    if user is None:
        cache_tags.add(request, *tags)
    return user


def listing(request: HttpRequest, page: Any, results: list[Any]) -> dict[str, Any]:
    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return serialise.absolute(request, f"{request.path}?{urlencode(query, doseq=True)}")

    return {
        "count": page.total,
        "page": page.number,
        "per_page": page.per_page,
        "pages": page.pages,
        "next": link(page.number + 1) if page.number < page.pages else None,
        "previous": link(page.number - 1) if page.number > 1 else None,
        "results": results,
    }


def article_status(article: ArticlePage) -> dict[str, Any]:
    if not article.live:
        status = "draft"
    elif article.date and article.date > timezone.now():
        status = "scheduled"
    else:
        status = "published"
    return {"status": status, "draft_changes": bool(article.has_unpublished_changes)}


def detail(request: HttpRequest, article: ArticlePage, shown: ArticlePage) -> dict[str, Any]:
    """``shown`` is the version to show (live, or the latest revision for an editor)."""
    if shown.section_page_id is None:
        shown.section_page_id = article.section_page_id
    serialise.with_listing_data([shown])
    return {**serialise.article_detail(request, shown), **article_status(article)}


def editable_article(user: Any, article_id: int) -> ArticlePage:
    """An article the user may edit. One they may not edit is a 403 when readers can see
    it anyway, and a 404 when it is someone's draft: its existence is not theirs to know."""
    article = ArticlePage.objects.filter(pk=article_id).first()
    if article is None:
        raise ApiError(404, "No such article.")
    if not article.permissions_for_user(user).can_edit():
        if ArticlePage.objects.published().filter(pk=article.pk).exists():
            raise ApiError(403, "Your role does not allow editing this article.")
        raise ApiError(404, "No such article.")
    return article


# Reads ---------------------------------------------------------------------------------


@api.get(
    "/articles/",
    response={200: schemas.ArticleList, **ERRORS},
    summary="List published articles",
    tags=["articles"],
)
def articles(
    request: HttpRequest,
    section: str | None = None,
    tag: str | None = None,
    author: str | None = None,
    after: str | None = None,
    before: str | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = 10,
) -> Any:
    """Newest first, or by relevance with `q`. `section`, `tag` and `author` take slugs;
    `after` and `before` take ISO 8601 dates or date-times."""
    public(request, cache_tags.API)
    number, size = page_numbers(request.GET)
    found = ArticlePage.objects.published()
    if section:
        found = found.filter(section_page__slug=section)
    if tag:
        found = found.tagged(tag)
    if author:
        found = found.filter(authors__author__slug=author).distinct()
    if after:
        found = found.filter(date__gt=parse_when("after", after))
    if before:
        found = found.filter(date__lt=parse_when("before", before, end_of_day=True))
    if q is not None:
        words = search_words("q", q)
        result = evaluate(lambda: paginate(search(found, words), number, size))
    else:
        result = paginate(found, number, size)
    items = serialise.with_listing_data(result.items)
    if "Authorization" not in request.headers:
        cache_tags.add_listed(request, items)
    return listing(request, result, [serialise.article(request, a) for a in items])


@api.get(
    "/articles/{article_id}/",
    response={200: schemas.ArticleDetail, 401: schemas.Error, 404: schemas.Error},
    summary="One article with its body",
    tags=["articles"],
)
def article(request: HttpRequest, article_id: int) -> Any:
    """A published article. With a token, also a draft the token's user may edit (its
    latest revision)."""
    user = public(request, cache_tags.page(article_id))
    found = ArticlePage.objects.published().filter(pk=article_id).first()
    if found is not None and (user is None or not found.has_unpublished_changes):
        cache_tags.add(request, cache_tags.section(found.section_page_id or 0))
        cache_tags.add(request, *(cache_tags.author(a.author_id) for a in found.byline))
        return detail(request, found, found)
    if user is not None:
        draft = ArticlePage.objects.filter(pk=article_id).first()
        if draft is not None and draft.permissions_for_user(user).can_edit():
            return detail(request, draft, draft.get_latest_revision_as_object())
        if found is not None:
            return detail(request, found, found)
    raise ApiError(404, "No such article.")


@api.get(
    "/articles/{article_id}/comments/",
    response={200: schemas.CommentList, **ERRORS},
    summary="An article's approved comments",
    tags=["comments"],
)
def article_comments(request: HttpRequest, article_id: int, page: int = 1, per_page: int = 10):
    """Oldest first, as on the article's page."""
    public(request, cache_tags.page(article_id))
    number, size = page_numbers(request.GET)
    found = ArticlePage.objects.published().filter(pk=article_id).only("url_path").first()
    if found is None:
        raise ApiError(404, "No such article.")
    comments = Comment.objects.approved().filter(article_id=article_id)
    result = paginate(comments.only(*serialise.COMMENT_FIELDS), number, size)
    url = serialise.page_url(request, found.url_path)
    return listing(request, result, [serialise.comment(request, c, url) for c in result.items])


@api.get(
    "/sections/",
    response={200: schemas.SectionList, **ERRORS},
    summary="The sections",
    tags=["sections"],
)
def sections(request: HttpRequest, page: int = 1, per_page: int = 10) -> Any:
    public(request, cache_tags.NAV)
    number, size = page_numbers(request.GET)
    found = SectionPage.objects.live().public().order_by("path")
    result = paginate(found.only("pk", "title", "slug", "url_path"), number, size)
    cache_tags.add(request, *(cache_tags.section(s.pk) for s in result.items))
    return listing(request, result, [serialise.section(request, s) for s in result.items])


@api.get(
    "/authors/",
    response={200: schemas.AuthorList, **ERRORS},
    summary="The newsroom's authors",
    tags=["authors"],
)
def authors(request: HttpRequest, page: int = 1, per_page: int = 10) -> Any:
    """Public profile data only: name, job title, bio, photo."""
    public(request, "list:authors")
    number, size = page_numbers(request.GET)
    found = AuthorPage.objects.live().public().select_related("photo").order_by("title", "pk")
    result = paginate(found, number, size)
    cache_tags.add(request, *(cache_tags.page(a.pk) for a in result.items))
    return listing(request, result, [serialise.author(request, a) for a in result.items])


def published_tags() -> Any:
    """Tags with at least one published article. Asked per tag (EXISTS, stopping at its
    first published article), not as a join of every tagging with DISTINCT: on 100,000
    articles the join took 0.4 s for the count and as much again for the page."""
    published = ArticlePage.objects.published().filter(pk=OuterRef("content_object_id"))
    used = ArticleTag.objects.filter(tag=OuterRef("pk")).filter(Exists(published))
    return Tag.objects.filter(Exists(used))


@api.get(
    "/tags/",
    response={200: schemas.TagList, **ERRORS},
    summary="Tags of published articles",
    tags=["tags"],
)
def tags(request: HttpRequest, page: int = 1, per_page: int = 10) -> Any:
    public(request, cache_tags.API)
    number, size = page_numbers(request.GET)
    result = paginate(published_tags().order_by("name", "pk"), number, size)
    return listing(request, result, [serialise.tag(request, t.name, t.slug) for t in result.items])


# Writes --------------------------------------------------------------------------------


def _body(fields: schemas.ArticleFields) -> list[tuple[str, Any]] | None:
    if fields.body is not None and fields.body_markdown is not None:
        raise ApiError(422, [{"field": "body", "message": "Send body or body_markdown, not both."}])
    if fields.body_markdown is not None:
        return body_blocks(fields.body_markdown)
    if fields.body is None:
        return None
    images = get_image_model().objects.in_bulk(
        [b.value.image for b in fields.body if isinstance(b, schemas.ImageIn)]
    )
    blocks: list[tuple[str, Any]] = []
    for i, block in enumerate(fields.body):
        if isinstance(block, schemas.ParagraphIn):
            blocks.append(("paragraph", RichText(sanitise_rich_text(block.value))))
        elif isinstance(block, schemas.QuoteIn):
            blocks.append(("quote", block.value.model_dump()))
        else:
            found = images.get(block.value.image)
            if found is None:
                message = {"field": f"body.{i}.value.image", "message": "No such image."}
                raise ApiError(422, [message])
            blocks.append(("image", {"image": found, "caption": block.value.caption}))
    return blocks


def _apply(article: ArticlePage, fields: schemas.ArticleFields) -> None:
    """Put the sent fields on an article (a new one, or a draft from its latest revision)."""
    for name in ("title", "slug", "standfirst", "date", "updated", "comments_open"):
        value = getattr(fields, name)
        if value is not None:
            setattr(article, name, value)
    if fields.lead_image is not None:
        if not get_image_model().objects.filter(pk=fields.lead_image).exists():
            raise ApiError(422, [{"field": "lead_image", "message": "No such image."}])
        article.lead_image_id = fields.lead_image
    body = _body(fields)
    if body is not None:
        article.body = body
    if fields.authors is not None:
        found = AuthorPage.objects.in_bulk(fields.authors)
        unknown = [pk for pk in fields.authors if pk not in found]
        if unknown:
            detail = f"No author profile with id {', '.join(map(str, unknown))}."
            raise ApiError(422, [{"field": "authors", "message": detail}])
        article.authors = [ArticleAuthor(author=found[pk]) for pk in fields.authors]
    if fields.tags is not None:
        article.tags.set(fields.tags)


@api.post(
    "/articles/",
    response={201: schemas.ArticleDetail, **WRITE_ERRORS},
    summary="Create an article",
    auth=auth,
    tags=["writes"],
)
def article_create(request: HttpRequest, payload: schemas.ArticleCreate) -> Any:
    """A draft in a section (any role that may add pages there), published at once with
    `"publish": true` when the role may publish."""
    user = request.auth
    section = SectionPage.objects.filter(pk=payload.section).first()
    if section is None:
        raise ApiError(422, [{"field": "section", "message": "No such section."}])
    permissions = section.permissions_for_user(user)
    if not permissions.can_add_subpage():
        raise ApiError(403, "Your role does not allow adding articles to this section.")
    if payload.publish and not permissions.can_publish_subpage():
        raise ApiError(403, "Your role does not allow publishing; send it as a draft.")
    with transaction.atomic():
        article = ArticlePage(
            title=payload.title,
            slug=payload.slug or slugify(payload.title)[:255] or "article",
            owner=user,
            live=False,
        )
        _apply(article, payload)
        section.add_child(instance=article)
        revision = article.save_revision(user=user, log_action=True)
        if payload.publish:
            revision.publish(user=user)
    article = ArticlePage.objects.get(pk=article.pk)
    return Status(201, detail(request, article, article.get_latest_revision_as_object()))


@api.patch(
    "/articles/{article_id}/",
    response={200: schemas.ArticleDetail, **WRITE_ERRORS},
    summary="Change an article",
    auth=auth,
    tags=["writes"],
)
def article_update(request: HttpRequest, article_id: int, payload: schemas.ArticleFields) -> Any:
    """Saves a new revision with the fields sent (others are kept); readers see it once it
    is published (`"publish": true`, or POST .../publish/)."""
    user = request.auth
    article = editable_article(user, article_id)
    if payload.publish and not article.permissions_for_user(user).can_publish():
        raise ApiError(403, "Your role does not allow publishing this article.")
    with transaction.atomic():
        draft = article.get_latest_revision_as_object()
        _apply(draft, payload)
        revision = draft.save_revision(user=user, log_action=True)
        if payload.publish:
            revision.publish(user=user)
    article = ArticlePage.objects.get(pk=article.pk)
    return detail(request, article, article.get_latest_revision_as_object())


def _publish(request: HttpRequest, article_id: int, date: Any = None) -> Any:
    user = request.auth
    article = editable_article(user, article_id)
    if not article.permissions_for_user(user).can_publish():
        raise ApiError(403, "Your role does not allow publishing this article.")
    with transaction.atomic():
        if date is not None:
            draft = article.get_latest_revision_as_object()
            draft.date = date
            revision = draft.save_revision(user=user, log_action=True)
        else:
            revision = article.get_latest_revision() or article.save_revision(user=user)
        # Wagtail's own publish: the page_published signal reaches Gazette's bridge
        # (news/signals.py), which dates the article and purges the cache.
        revision.publish(user=user)
    article = ArticlePage.objects.get(pk=article.pk)
    return detail(request, article, article)


@api.post(
    "/articles/{article_id}/publish/",
    response={200: schemas.ArticleDetail, **WRITE_ERRORS},
    summary="Publish an article's latest revision",
    auth=auth,
    tags=["writes"],
)
def article_publish(request: HttpRequest, article_id: int) -> Any:
    return _publish(request, article_id)


@api.post(
    "/articles/{article_id}/schedule/",
    response={200: schemas.ArticleDetail, **WRITE_ERRORS},
    summary="Publish an article for a future time",
    auth=auth,
    tags=["writes"],
)
def article_schedule(request: HttpRequest, article_id: int, payload: schemas.Schedule) -> Any:
    """The article is published with this publication date: like every future-dated
    article, readers (pages, feeds, this API) see it from that moment, with no job to run."""
    date = payload.date if timezone.is_aware(payload.date) else timezone.make_aware(payload.date)
    if date <= timezone.now():
        raise ApiError(422, [{"field": "date", "message": "Must be in the future."}])
    return _publish(request, article_id, date)


@api.post(
    "/articles/{article_id}/unpublish/",
    response={200: schemas.ArticleDetail, **WRITE_ERRORS},
    summary="Withdraw a published article",
    auth=auth,
    tags=["writes"],
)
def article_unpublish(request: HttpRequest, article_id: int) -> Any:
    user = request.auth
    article = editable_article(user, article_id)
    if not article.live:
        raise ApiError(422, [{"field": "", "message": "The article is not published."}])
    if not article.permissions_for_user(user).can_unpublish():
        raise ApiError(403, "Your role does not allow unpublishing this article.")
    article.unpublish(user=user)
    article = ArticlePage.objects.get(pk=article.pk)
    return detail(request, article, article.get_latest_revision_as_object())


@api.post(
    "/images/",
    response={201: schemas.Image, **WRITE_ERRORS},
    summary="Upload an image",
    auth=auth,
    tags=["writes"],
)
def image_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    title: Form[str] = "",
    alt: Form[str] = "",
    caption: Form[str] = "",
    credit: Form[str] = "",
) -> Any:
    """multipart/form-data. Checked as the admin checks uploads: the role's image
    permission, the file type, its size (WAGTAILIMAGES_MAX_UPLOAD_SIZE) and pixels."""
    user = request.auth
    policy = get_permission_policy()
    # The shared library (the root collection) when the role may add there; otherwise the
    # one collection the role may upload to (contributors': an editor reviews it first).
    collections = list(policy.collections_user_has_permission_for(user, "add"))
    if not collections:
        raise ApiError(403, "Your role does not allow uploading images.")
    collection = min(collections, key=lambda c: c.depth)
    field = WagtailImageField()
    try:
        cleaned = field.clean(file)
        check_image_file(cleaned)  # by content, as the admin's upload form does
    except DjangoValidationError as exc:
        status = 413 if getattr(exc, "code", "") == "file_too_large" else 422
        raise ApiError(status, [{"field": "file", "message": " ".join(exc.messages)}]) from exc
    model = get_image_model()
    img = model(
        title=(title or file.name or "image")[:255],
        file=cleaned,
        description=alt[:255],
        caption=caption[:500],
        credit=credit[:255],
        uploaded_by_user=user,
        collection=collection,
    )
    img._set_image_file_metadata()
    img.full_clean()
    img.save()
    return Status(201, serialise.image(request, img))


@api.get(
    "/comments/",
    response={200: schemas.ModerationList, **WRITE_ERRORS},
    summary="Comments for moderators",
    auth=auth,
    tags=["writes"],
)
def comments_queue(
    request: HttpRequest, status: str = "pending", page: int = 1, per_page: int = 10
) -> Any:
    """Newest first, by status (pending, approved, spam, trash). Never an email address."""
    if not request.auth.has_perm(MODERATE):
        raise ApiError(403, "Only moderators (editors, admins) see this.")
    if status not in Comment.Status.values:
        raise BadQuery("status", f"status: one of {', '.join(Comment.Status.values)}.")
    number, size = page_numbers(request.GET)
    found = Comment.objects.filter(status=status).select_related("article")
    found = found.only(*serialise.COMMENT_FIELDS, "status", "article__url_path")
    result = paginate(found.order_by("-created_at", "-pk"), number, size)
    rows = [
        {
            **serialise.comment(request, c, serialise.page_url(request, c.article.url_path)),
            "status": c.status,
        }
        for c in result.items
    ]
    return listing(request, result, rows)


@api.post(
    "/comments/{comment_id}/moderate/",
    response={200: schemas.ModerationComment, **WRITE_ERRORS},
    summary="Approve, mark as spam or trash a comment",
    auth=auth,
    tags=["writes"],
)
def comment_moderate(request: HttpRequest, comment_id: int, payload: schemas.Moderation) -> Any:
    user = request.auth
    if not user.has_perm(MODERATE):
        raise ApiError(403, "Only moderators (editors, admins) may moderate comments.")
    try:
        item = Comment.objects.select_related("article").get(pk=comment_id)
    except ObjectDoesNotExist as exc:
        raise ApiError(404, "No such comment.") from exc
    ACTIONS[payload.action](comment=item, by=user)
    url = serialise.page_url(request, item.article.url_path)
    return {**serialise.comment(request, item, url), "status": item.status}
