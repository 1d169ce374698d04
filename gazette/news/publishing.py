"""Writes to articles: plain functions called by the admin bridge, the CLI and tests.

Each ends by naming what changed for the page cache (gazette.cache.tags)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from wagtail.models import Page

from gazette import cache
from gazette.cache import tags
from gazette.news.models import ArticleNote, ArticlePage, AuthorPage, HomePage, SectionPage
from gazette.webhooks import events as webhooks

BANNER = "banner"  # every public page: the breaking-news banner's slot
CORRECTIONS = "list:corrections"  # /corrections/


def sitemap_number(pk: int) -> int:
    """The article sitemap file that lists this article (gazette.distribution.sitemaps)."""
    return pk // min(settings.GAZETTE_SITEMAP_SIZE, 50_000) + 1


def article_tags(article: ArticlePage) -> set[str]:
    """Every page that shows this article, or lists it, or would list it now: the article
    itself, links to it, and the lists of its home, section, authors and tags, and the
    API's lists (gazette.api), which filter by any of these at once."""
    names = {tags.page(article.pk), tags.link(article.pk), tags.HOME, tags.API}
    # Feeds follow the same lists (site, section, author, tag); sitemaps have their own.
    names.update({tags.SITEMAPS, tags.sitemap_articles(sitemap_number(article.pk))})
    if article.section_page_id:  # kept by article_placed(), no look-up of the parent needed
        names.add(tags.section_list(article.section_page_id))
    names.update(tags.author_list(a) for a in article.authors.values_list("author_id", flat=True))
    names.update(tags.tag_list(slug) for slug in article.tags.values_list("slug", flat=True))
    if article.notes.filter(kind=ArticleNote.CORRECTION).exists():
        names.add(CORRECTIONS)  # a correction removed later: /corrections/ shows link:<id>
    return names


def article_published(*, article: ArticlePage) -> None:
    """What follows any publication, however it happened (admin, CLI, schedule).

    An article without a publication date takes the time it was first published, so its
    place among its neighbours never moves on later edits. Then the cache forgets every page
    that shows it, and the pages of its new neighbours, whose previous/next links change.
    """
    if article.date is None:
        date = article.first_published_at or timezone.now()
        ArticlePage.objects.filter(pk=article.pk, date__isnull=True).update(date=date)
        article.date = date
    article_placed(article=article)
    article_noted(article=article)
    article = ArticlePage.objects.get(pk=article.pk)
    names = article_tags(article)
    names.update(tags.page(a.pk) for a in article.adjacent() if a is not None)
    cache.purge(names)
    webhooks.article_published_event(article=article)


def article_noted(*, article: ArticlePage) -> None:
    """A correction or update note added: the article's "last updated" time becomes the
    newest note's, unless an editor already set a later one."""
    latest = (
        ArticleNote.objects.filter(article_id=article.pk)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if latest is not None and (article.updated is None or latest > article.updated):
        ArticlePage.objects.filter(pk=article.pk).update(updated=latest)
        article.updated = latest


def article_placed(*, article: ArticlePage) -> None:
    """Record the article's section (its parent page) beside its date, for section lists."""
    section_id = (
        Page.objects.filter(path=article.path[: -article.steplen]).values_list("pk", flat=True)
    ).first()
    ArticlePage.objects.filter(pk=article.pk).exclude(section_page_id=section_id).update(
        section_page_id=section_id
    )
    article.section_page_id = section_id


def article_moved(*, article: ArticlePage, old_section_id: int | None) -> None:
    """A move changes the article's section: both sections' lists and its own page."""
    article_placed(article=article)
    if article.live:
        names = article_tags(article)
        if old_section_id:
            names.add(tags.section_list(old_section_id))
        cache.purge(names)


def article_unpublished(*, article: ArticlePage) -> None:
    """Lists shift and the neighbours link to each other again: all show tag link:<id>."""
    cache.purge(article_tags(article))
    webhooks.article_event(article=article, event=webhooks.EVENT_UNPUBLISHED)


def page_changed(*, page: Page) -> None:
    """A section or an author profile was published, unpublished or deleted."""
    specific = page.specific
    if isinstance(specific, HomePage):
        # The front page's own content: top story, featured slots, intro.
        cache.purge({tags.page(page.pk)})
    elif isinstance(specific, SectionPage):
        cache.purge({tags.page(page.pk), tags.section(page.pk), tags.NAV, tags.HOME})
    elif isinstance(specific, AuthorPage):
        cache.purge({tags.page(page.pk), tags.author(page.pk), "list:authors"})
    else:
        cache.purge({tags.page(page.pk)})


def banner_changed() -> None:
    """The breaking-news banner was set, changed or removed: every page shows its slot."""
    cache.purge({BANNER})


def front_page_pin(*, article: ArticlePage, by=None) -> None:
    """Pin an article as the front page's top story (published as a new revision of the
    home page, so the history keeps who pinned what and when)."""
    _front_page_set(top_story=article, by=by)


def front_page_unpin(*, by=None) -> None:
    """Clear the top story: the front page leads with the latest article again."""
    _front_page_set(top_story=None, by=by)


def _front_page_set(*, top_story: ArticlePage | None, by) -> None:
    home = HomePage.objects.get()
    home.top_story = top_story
    # From the live version, not a pending draft of the home page: a pin must not publish
    # an editor's unfinished changes to the featured slots.
    home.save_revision(user=by, log_action=True).publish(user=by)
