"""The API's shapes, from which django-ninja writes the OpenAPI document. Input schemas
forbid unknown fields: a misspelt field is a 422, not silently ignored."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class Error(Schema):
    error: str
    detail: Any


class Image(Schema):
    id: int
    url: str
    width: int
    height: int
    alt: str
    caption: str
    credit: str


class Section(Schema):
    id: int
    name: str
    slug: str
    url: str


class Author(Schema):
    id: int
    name: str
    slug: str
    job_title: str
    bio_html: str
    url: str
    photo: Image | None


class Credit(Schema):
    id: int
    name: str
    slug: str
    role: str


class Tag(Schema):
    name: str
    slug: str
    url: str


class Article(Schema):
    id: int
    title: str
    slug: str
    url: str
    date: dt.datetime | None
    updated: dt.datetime | None
    standfirst: str
    section: Section | None
    authors: list[Credit]
    tags: list[Tag]
    lead_image: Image | None
    comments_open: bool


class Block(Schema):
    type: str
    value: Any


class ArticleDetail(Article):
    body_html: str
    body: list[Block]
    status: Literal["published", "scheduled", "draft"]
    draft_changes: bool = Field(description="The latest revision is not the live one.")


class Comment(Schema):
    id: int
    article: int
    parent: int | None
    name: str
    website: str
    body: str
    body_html: str
    date: dt.datetime
    url: str


class ModerationComment(Comment):
    status: str


class PageOf(Schema):
    count: int = Field(description="Items in the whole list.")
    page: int
    per_page: int
    pages: int
    next: str | None
    previous: str | None


class ArticleList(PageOf):
    results: list[Article]


class SectionList(PageOf):
    results: list[Section]


class AuthorList(PageOf):
    results: list[Author]


class TagList(PageOf):
    results: list[Tag]


class CommentList(PageOf):
    results: list[Comment]


class ModerationList(PageOf):
    results: list[ModerationComment]


# Input ---------------------------------------------------------------------------------


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ParagraphIn(Strict):
    type: Literal["paragraph"]
    value: str = Field(min_length=1, description="HTML; cleaned to what the editor allows.")


class QuoteValue(Strict):
    quote: str = Field(min_length=1)
    attribution: str = ""


class QuoteIn(Strict):
    type: Literal["quote"]
    value: QuoteValue


class ImageValue(Strict):
    image: int = Field(description="An image id (POST /images/).")
    caption: str = ""


class ImageIn(Strict):
    type: Literal["image"]
    value: ImageValue


BlockIn = Annotated[ParagraphIn | QuoteIn | ImageIn, Field(discriminator="type")]


class ArticleFields(Strict):
    title: str | None = Field(None, min_length=1, max_length=255)
    slug: str | None = Field(None, min_length=1, max_length=255, pattern=r"^[-\w]+$")
    standfirst: str | None = None
    body: list[BlockIn] | None = None
    body_markdown: str | None = Field(
        None, description="The body in Markdown, as `gazette publish` reads it (instead of body)."
    )
    authors: list[Annotated[int, Field(gt=0)]] | None = Field(
        None, min_length=1, description="Author profile ids, in byline order."
    )
    tags: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = None
    date: dt.datetime | None = None
    updated: dt.datetime | None = None
    lead_image: int | None = None
    comments_open: bool | None = None
    publish: bool = Field(False, description="Publish at once (needs the publish role).")


class ArticleCreate(ArticleFields):
    title: str = Field(min_length=1, max_length=255)
    section: int = Field(description="The section's id (GET /sections/).")
    authors: list[Annotated[int, Field(gt=0)]] = Field(min_length=1)


class Schedule(Strict):
    date: dt.datetime = Field(description="When readers first see the article (future).")


class Moderation(Strict):
    action: Literal["approve", "spam", "trash"]
