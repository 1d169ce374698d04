"""The newsroom's pages: home, sections, articles and author profiles.

Reads of articles go through one door, ``ArticlePage.objects.published()``: views, feeds,
the API and the cache all ask it, so a draft cannot leak by one path and not another.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Orderable, Page, PageManager, PageQuerySet, PageViewRestriction
from wagtail.search import index

from gazette.cache import tags as cache_tags
from gazette.news import readiness
from gazette.news.forms import ArticlePageForm, validate_banner_link

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "blockquote", "hr"]


class QuoteBlock(blocks.StructBlock):
    """A pulled or block quote with its attribution: the heart of wire copy."""

    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, help_text="Who said it, e.g. “Jane Roe, mayor”")

    class Meta:
        icon = "openquote"
        template = "news/blocks/quote.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(
        required=False, help_text="Leave blank to use the image's own caption."
    )

    class Meta:
        icon = "image"
        template = "news/blocks/image.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, template="news/blocks/text.html")
    quote = QuoteBlock()
    image = ImageBlock()


@dataclass(frozen=True)
class PageLink:
    """A link to a page without loading the page: what lists and previous/next show."""

    pk: int
    title: str
    url: str


_home_url_path: tuple[float, str | None] = (0.0, None)


def home_url_path() -> str | None:
    """The home page's url_path ("/home/"), kept a minute per process: pages' URLs are
    their url_path less this prefix (Gazette has one home page, one site)."""
    global _home_url_path
    fetched, value = _home_url_path
    if value is None or time.monotonic() - fetched > 60:
        value = HomePage.objects.values_list("url_path", flat=True).first()
        _home_url_path = (time.monotonic(), value)
    return value


def relative_url(url_path: str) -> str:
    home = home_url_path() or "/"
    return "/" + url_path[len(home) :] if url_path.startswith(home) else url_path


def page_links(queryset) -> list[PageLink]:
    return [
        PageLink(pk, title, relative_url(url_path))
        for pk, title, url_path in queryset.values_list("pk", "title", "url_path")
    ]


class ListPage:
    """One page of a list, found without counting the whole list.

    Django's Paginator counts every row to know the number of pages; on a site with
    100,000 articles that COUNT costs more than the rest of the page. A list page only
    needs to know whether there is a next one, so it fetches one row more than it shows.
    """

    def __init__(self, items: Any, number: int, per_page: int):
        offset = (number - 1) * per_page
        rows = list(items[offset : offset + per_page + 1])
        self.number = number
        self.object_list = rows[:per_page]
        self._has_next = len(rows) > per_page

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __bool__(self) -> bool:
        return bool(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def paginate(request: HttpRequest, items: Any, per_page: int | None = None) -> ListPage:
    """The page of ``items`` asked for by ?page=N; a page number out of range is a 404."""
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or not 0 < int(raw) < 1_000_000:
        raise Http404("No such page")
    page = ListPage(items, int(raw), per_page or settings.GAZETTE_ARTICLES_PER_PAGE)
    if not page and page.number > 1:
        raise Http404("No such page")
    return page


def children_of(queryset: Any, parent: Page) -> Any:
    """Wagtail's child_of() without its LIKE 'path%' (which SQLite cannot answer from an
    index): treebeard paths are [0-9A-Z], so a child's path lies in a plain range."""
    return queryset.filter(path__gt=parent.path, path__lt=parent.path + "~", depth=parent.depth + 1)


class FastRestrictionsMixin:
    """Page view restrictions of a page and its ancestors in one query, where Wagtail makes
    two (ancestors, then restrictions) on every page served. A restriction set on an alias's
    source still applies."""

    def get_view_restrictions(self):
        steplen = self.steplen
        paths = [self.path[:i] for i in range(steplen, len(self.path) + 1, steplen)]
        aliased = Page.objects.filter(path__in=paths, alias_of__isnull=False)
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths) | Q(page__in=aliased.values("alias_of"))
        )


class HomePage(FastRestrictionsMixin, Page):
    """The front page: a top story, featured slots, then the latest-news river."""

    intro = models.CharField(max_length=255, blank=True, help_text="A line under the masthead.")
    top_story = models.ForeignKey(
        "news.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Pinned at the top of the front page until unpinned (cleared).",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        PageChooserPanel("top_story", "news.ArticlePage"),
        InlinePanel("featured", label="Featured article", heading="Featured slots", max_num=8),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.SectionPage", "news.AuthorIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = "home page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        chosen = [self.top_story_id, *(slot.article_id for slot in self.featured.all())]
        # The river leaves out what is shown above it, on every page, so that its pages
        # neither skip nor repeat an article.
        river = ArticlePage.objects.published()
        if any(chosen):
            river = river.exclude(pk__in=[pk for pk in chosen if pk])
        if request.GET.get("page", "1") == "1":
            # Curated articles are resolved through the one door: a slot whose article was
            # unpublished, deleted or is not yet due simply disappears.
            top, featured = curated(chosen)
            context["top_story"], context["featured"] = [top] if top else [], featured
            cache_tags.add_listed(request, [a for a in (top, *featured) if a is not None])
        context["articles"] = paginate(request, river.for_listing())
        cache_tags.add(request, cache_tags.page(self.pk), cache_tags.HOME)
        cache_tags.add_listed(request, context["articles"])
        return context


def curated(ids: list[int | None]) -> tuple[ArticlePage | None, list[ArticlePage]]:
    """The published articles among ``ids`` (the first is the top story), in that order,
    each at most once, in the queries of one list."""
    wanted = [pk for pk in ids if pk is not None]
    if not wanted:
        return None, []
    found = {a.pk: a for a in ArticlePage.objects.published().filter(pk__in=wanted).for_listing()}
    top = found.get(ids[0]) if ids[0] is not None else None
    seen = {top.pk} if top else set()
    featured = []
    for pk in ids[1:]:
        if pk in found and pk not in seen:
            seen.add(pk)
            featured.append(found[pk])
    return top, featured


class HomeFeatured(Orderable):
    """One featured slot on the front page, in order."""

    page = ParentalKey("news.HomePage", on_delete=models.CASCADE, related_name="featured")
    article = models.ForeignKey("news.ArticlePage", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("article", "news.ArticlePage")]


class SectionFeatured(Orderable):
    """One of a section's own featured articles, shown above its list."""

    page = ParentalKey("news.SectionPage", on_delete=models.CASCADE, related_name="featured")
    article = models.ForeignKey("news.ArticlePage", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("article", "news.ArticlePage")]


class SectionPage(FastRestrictionsMixin, Page):
    """A section of the paper (News, World, ...): lists its own articles."""

    intro = models.TextField(blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel(
            "featured", label="Featured article", heading="Featured in this section", max_num=4
        ),
    ]
    parent_page_types = ["news.HomePage"]
    subpage_types = ["news.ArticlePage"]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = "section"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        chosen = [slot.article_id for slot in self.featured.all()]
        articles = ArticlePage.objects.published().filter(section_page=self)
        if chosen:
            articles = articles.exclude(pk__in=chosen)
        if request.GET.get("page", "1") == "1":
            context["featured"] = curated([None, *chosen])[1]
            cache_tags.add_listed(request, context["featured"])
        context["articles"] = paginate(request, articles.for_listing())
        cache_tags.add(request, cache_tags.page(self.pk), cache_tags.section_list(self.pk))
        cache_tags.add_listed(request, context["articles"])
        return context


class AuthorIndexPage(FastRestrictionsMixin, Page):
    """/authors/: the newsroom's people."""

    parent_page_types = ["news.HomePage"]
    subpage_types = ["news.AuthorPage"]
    max_count = 1

    class Meta:
        verbose_name = "list of authors"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        authors = children_of(AuthorPage.objects.live(), self)
        authors = authors.select_related("photo").order_by("title")
        context["authors"] = paginate(request, authors, per_page=48)
        cache_tags.add(request, cache_tags.page(self.pk), "list:authors")
        cache_tags.add(request, *(cache_tags.page(a.pk) for a in context["authors"]))
        return context


class AuthorPage(FastRestrictionsMixin, Page):
    """An author's profile: name (the page title), bio, photo and their articles."""

    job_title = models.CharField(max_length=255, blank=True)
    bio = RichTextField(features=["bold", "italic", "link"], blank=True)
    photo = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        FieldPanel("title", heading="Name"),
        FieldPanel("job_title"),
        FieldPanel("bio"),
        FieldPanel("photo"),
    ]
    parent_page_types = ["news.AuthorIndexPage"]
    subpage_types: list[str] = []
    search_fields = [*Page.search_fields, index.SearchField("bio")]

    class Meta:
        verbose_name = "author profile"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.published().by_author(self).for_listing()
        context["articles"] = paginate(request, articles)
        cache_tags.add(request, cache_tags.page(self.pk), cache_tags.author_list(self.pk))
        cache_tags.add_listed(request, context["articles"])
        return context


class ArticleQuerySet(PageQuerySet):
    def published(self) -> ArticleQuerySet:
        """The one door for reads: articles a reader may see, newest first.

        Live (published in Wagtail), dated no later than now and out of embargo, so an
        article given a future date or an embargo is not shown before its time.
        """
        now = timezone.now()
        return (
            self.live()
            .filter(date__isnull=False, date__lte=now)
            .filter(Q(embargo_until__isnull=True) | Q(embargo_until__lte=now))
            .order_by("-date", "-pk")
        )

    def for_listing(self) -> ArticleQuerySet:
        """What a list of articles shows: section, lead image, authors, in a fixed number of
        queries however long the list."""
        return self.select_related("lead_image").prefetch_related(
            models.Prefetch(
                "authors",
                queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order"),
            )
        )

    def by_author(self, author: AuthorPage) -> ArticleQuerySet:
        return self.filter(authors__author=author).distinct()

    def tagged(self, slug: str) -> ArticleQuerySet:
        return self.filter(tagged_items__tag__slug=slug).distinct()


ArticleManager = PageManager.from_queryset(ArticleQuerySet)


def next_publication_time() -> float | None:
    """When the next live but future-dated or embargoed article becomes visible (a Unix
    time): cached lists and neighbours' links change by themselves at that moment."""
    now = timezone.now()
    live = ArticlePage.objects.live()
    times = [
        live.filter(**{f"{field}__gt": now}).order_by(field).values_list(field, flat=True).first()
        for field in ("date", "embargo_until")
    ]
    times = [t for t in times if t is not None]
    return min(times).timestamp() if times else None


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticleAuthor(Orderable):
    """One name in an article's byline, in order."""

    article = ParentalKey("news.ArticlePage", on_delete=models.CASCADE, related_name="authors")
    author = models.ForeignKey("news.AuthorPage", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(
        max_length=100,
        blank=True,
        help_text="Optional, e.g. “Reporting by”, “Translated by”, “Additional reporting”.",
    )

    panels = [FieldPanel("author"), FieldPanel("role")]


class ArticleNote(Orderable):
    """A correction or an update note on an article, shown to readers with its time.

    Notes are part of the article's revisions (a ParentalKey), so a note added to a live
    article is public only once that revision is published, and Wagtail keeps its history.
    """

    CORRECTION = "correction"
    UPDATE = "update"
    KINDS = [(CORRECTION, "Correction"), (UPDATE, "Update")]

    article = ParentalKey("news.ArticlePage", on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=20, choices=KINDS, default=CORRECTION)
    text = models.TextField(help_text="What was wrong and what is right now, or what changed.")
    created_at = models.DateTimeField("time", default=timezone.now)

    panels = [FieldPanel("kind"), FieldPanel("text"), FieldPanel("created_at")]

    class Meta(Orderable.Meta):
        indexes = [models.Index(fields=["kind", "created_at"], name="note_kind_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class ArticlePage(FastRestrictionsMixin, Page):
    """A news article. Its URL (section/slug) is kept once published: Wagtail redirects any
    old URL after a slug change or a move (WAGTAILREDIRECTS_AUTO_CREATE)."""

    standfirst = models.TextField(
        blank=True, help_text="The summary under the headline, also used in lists and feeds."
    )
    lead_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(ArticleBodyBlock(), blank=True)
    date = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        db_index=True,
        help_text="Leave blank to use the time the article is first published.",
    )
    updated = models.DateTimeField(
        "last updated",
        null=True,
        blank=True,
        help_text="Shown to readers as “Updated” when set.",
    )
    embargo_until = models.DateTimeField(
        "embargo until",
        null=True,
        blank=True,
        help_text="Published but hidden from every page, feed, sitemap, search and the API "
        "until this time (in the newsroom's time zone).",
    )
    tags = ClusterTaggableManager(through=ArticleTag, blank=True)
    # The parent section, kept beside the date so that a section's list is one walk down
    # the (section, date) index; Wagtail's tree alone makes it a scan of the section's
    # subtree and a sort. Set whenever the article is published or moved (publishing.py).
    section_page = models.ForeignKey(
        "news.SectionPage",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    source_id = models.CharField(
        max_length=255,
        blank=True,
        db_index=True,
        editable=False,
        help_text="Where an imported article came from (a Markdown file, a WordPress post), "
        "so that importing it again updates it instead of duplicating it.",
    )
    comments_open = models.BooleanField(
        default=True, help_text="Untick to close comments: readers see “Comments are closed.”"
    )
    # With comments_open, the article's comment policy (gazette/comments/policy.py): open,
    # hold-all (every comment waits for a moderator) or closed, and when it closes by itself.
    comments_hold_all = models.BooleanField(
        "hold every comment for moderation",
        default=False,
        help_text="For sensitive stories: no comment appears before a moderator approves it.",
    )
    comments_close_after_days = models.PositiveSmallIntegerField(
        "close comments after (days)",
        null=True,
        blank=True,
        help_text="Days after publication; blank for the site's setting, 0 for never.",
    )
    credit = models.CharField(
        "source credit",
        max_length=100,
        blank=True,
        help_text="A wire service or partner shown in the byline, e.g. “Reuters” or "
        "“Associated Press”, with or without authors.",
    )

    objects = ArticleManager()

    content_panels = [
        FieldPanel("title", heading="Headline"),
        FieldPanel("standfirst"),
        InlinePanel("authors", label="Byline"),
        FieldPanel("credit"),
        FieldPanel("lead_image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("date"),
                FieldPanel("updated"),
                FieldPanel("embargo_until"),
                FieldPanel("tags"),
            ],
            heading="Details",
        ),
        MultiFieldPanel(
            [
                FieldPanel("comments_open"),
                FieldPanel("comments_hold_all"),
                FieldPanel("comments_close_after_days"),
            ],
            heading="Comments",
        ),
        InlinePanel(
            "notes",
            label="Correction or update",
            heading="Corrections and updates",
            help_text="Shown to readers with their time once the article is published: "
            "corrections at the top, updates at the end.",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("section_page"),  # the search page's section filter
        index.FilterField("embargo_until"),  # published() filters on it, searches too
    ]
    parent_page_types = ["news.SectionPage"]
    subpage_types: list[str] = []
    base_form_class = ArticlePageForm

    class Meta:
        verbose_name = "article"
        indexes = [
            models.Index(fields=["date", "page_ptr"], name="article_date_id"),
            models.Index(fields=["section_page", "date"], name="article_section_date"),
        ]

    def publish(self, revision: Any, *args: Any, **kwargs: Any) -> Any:
        """Every way of publishing (the editor, a workflow approval, the scheduler, the CLI,
        the API, bulk actions) arrives here: refuse an article that is not ready
        (gazette.news.readiness), whichever way it came."""
        readiness.refuse_unready(revision)
        return super().publish(revision, *args, **kwargs)

    @property
    def comments_closed_reason(self) -> str:
        """Why readers cannot comment here now ("" while they can)."""
        from gazette.comments.policy import closed_reason

        return closed_reason(self)

    @property
    def section(self) -> SectionPage:
        """The section is the article's parent page."""
        cached = getattr(self, "_section", None)
        if cached is None:
            cached = self._section = SectionPage.objects.get(path=self.path[: -self.steplen])
        return cached

    @cached_property
    def section_link(self) -> PageLink:
        return page_links(Page.objects.filter(path=self.path[: -self.steplen]))[0]

    @cached_property
    def corrections(self) -> list[ArticleNote]:
        return [n for n in self._notes if n.kind == ArticleNote.CORRECTION]

    @cached_property
    def updates(self) -> list[ArticleNote]:
        return [n for n in self._notes if n.kind == ArticleNote.UPDATE]

    @cached_property
    def _notes(self) -> list[ArticleNote]:
        # Publishing a note sets "last updated" (publishing.article_noted), so an article
        # never updated has no notes and most articles skip the query. A preview holds the
        # revision's notes in memory (modelcluster) and shows them.
        in_memory = "notes" in getattr(self, "_cluster_related_objects", {})
        if self.updated is None and not in_memory:
            return []
        # Newest first.
        return sorted(self.notes.all(), key=lambda n: (n.created_at, n.pk or 0), reverse=True)

    @cached_property
    def tag_list(self) -> list[Any]:
        """The article's tags, read once for the page (its list and its structured data)."""
        return list(self.tags.all())

    @cached_property
    def byline(self) -> list[ArticleAuthor]:
        credits = list(
            self.authors.select_related("author")
            .only("role", "sort_order", "article_id", "author__title", "author__url_path")
            .order_by("sort_order")
        )
        # The page being served shows its authors' names wherever the byline is read: it
        # declares their tags then, so a kept fragment that skips the byline skips the query.
        cache_tags.add(
            getattr(self, "_serving_request", None),
            *(cache_tags.author(credit.author_id) for credit in credits),
        )
        return credits

    def adjacent(self) -> tuple[PageLink | None, PageLink | None]:
        """The published articles just before and after this one by publication date."""
        if self.date is None:
            return None, None
        published = ArticlePage.objects.published()
        # The plain range on date lets the database walk the (date, id) index from here;
        # the second condition only breaks ties between articles of the same second.
        older = published.filter(date__lte=self.date).filter(
            Q(date__lt=self.date) | Q(pk__lt=self.pk)
        )
        newer = (
            published.filter(date__gte=self.date)
            .filter(Q(date__gt=self.date) | Q(pk__gt=self.pk))
            .order_by("date", "pk")
        )
        return (
            next(iter(page_links(older[:1])), None),
            next(iter(page_links(newer[:1])), None),
        )

    def permissions_for_user(self, user: Any) -> Any:
        # An Author publishes only their own articles (gazette/newsroom/roles.py).
        from gazette.newsroom.roles import NewsroomPermissionTester

        return NewsroomPermissionTester(user, self)

    def hidden_until(self) -> dt.datetime | None:
        """The future moment (date or embargo) before which readers may not see this
        article, or None: the same rule as published(), for one article."""
        now = timezone.now()
        times = [t for t in (self.date, self.embargo_until) if t is not None and t > now]
        return max(times) if times else None

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.hidden_until() and not getattr(request, "is_preview", False):
            # Dated in the future or under embargo: hidden until then, here as in every
            # list (published()). Editors still see it in the admin's preview.
            raise Http404("No such article")
        if request.method == "POST":
            # The comment form posts to the article's own URL so that a form with errors is
            # shown again in place, with the reader's values kept.
            from gazette.comments.views import post_comment

            return post_comment(request, self)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from gazette.comments.views import comments_context

        context = super().get_context(request, *args, **kwargs)
        self._serving_request = request
        # What the article shows of itself and its section; the template's kept fragment
        # depends on these too.
        context["content_tags"] = [
            cache_tags.page(self.pk),
            cache_tags.section(self.section_page_id or self.section_link.pk),
        ]
        cache_tags.add(request, *context["content_tags"])

        # Read only if the template shows them: a kept fragment (gazette_cache) that holds
        # the previous/next links skips their queries, and their tags are declared then.
        def adjacent() -> tuple[PageLink | None, PageLink | None]:
            links = self.adjacent()
            cache_tags.add(request, *(cache_tags.link(a.pk) for a in links if a is not None))
            return links

        links = SimpleLazyObject(adjacent)
        context["previous_article"] = SimpleLazyObject(lambda: links[0])
        context["next_article"] = SimpleLazyObject(lambda: links[1])
        context.update(comments_context(request, self, form=kwargs.get("comment_form")))
        return context


@register_setting(icon="warning")
class BreakingNews(BaseGenericSetting):
    """The breaking-news banner: one line and a link on every public page until it expires.

    A site-wide setting rather than a field of the home page, since it shows on every page;
    each cached page carries the tag ``banner`` and expires at ``expires_at`` (expiry.py)."""

    text = models.CharField(max_length=200, blank=True, help_text="Leave empty to show no banner.")
    link = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_banner_link],
        help_text="An article's address (/news/story/) or a full https:// link.",
    )
    expires_at = models.DateTimeField(
        "expires at",
        null=True,
        blank=True,
        help_text="The banner disappears from every page at this time. Empty: until removed.",
    )

    panels = [FieldPanel("text"), FieldPanel("link"), FieldPanel("expires_at")]

    class Meta:
        verbose_name = "breaking news banner"

    def showing(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return bool(self.text) and (self.expires_at is None or self.expires_at > now)


def banner_expiry_time() -> float | None:
    """When a showing banner expires (a Unix time): every cached page changes then."""
    banner = BreakingNews.objects.order_by("pk").values("text", "expires_at").first()
    if banner and banner["text"] and banner["expires_at"] and banner["expires_at"] > timezone.now():
        return banner["expires_at"].timestamp()
    return None
