"""``gazette import wordpress FILE.xml``: a WordPress export (WXR 1.0-1.2) into Gazette.

Two passes over the file, both streamed:

1. ``check()`` reads the whole file and writes nothing. A malformed or truncated file, a
   DTD or entity (billion laughs, external entities), an unknown or missing WXR version or
   a WordPress ID used twice stops the import here, with the line and column, before
   anything is written. It also counts what the file holds, for the summary.
2. ``import_wxr()`` reads it again and writes. Authors and categories (a few) are made
   through Wagtail's API; posts are written in batches, each batch one transaction holding
   its pages, articles, bylines, tags, redirects, comments and the ``Imported`` rows that
   key each of them by the WordPress site and ID. Whatever is already in ``Imported`` with
   the same content is left alone, so a second run changes nothing, and a run killed in a
   batch (rolled back whole) is finished by running it again.

Posts are bulk-inserted with the techniques of gazette/newsroom/generate.py (treebeard
paths computed as ``add_child()`` would, ``url_path``, ``numchild`` bumped in the same
transaction) and skip, as it does, revisions and the search and reference indexes (``gazette
update_index`` fills the search index afterwards). WordPress pages are few and go through
Wagtail's API with a revision.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import nh3
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from gazette.cache import purge_all
from gazette.comments.models import Comment
from gazette.comments.moderation import truncate_ip
from gazette.news import readiness
from gazette.news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticleTag,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
)
from gazette.newsroom.generate import (
    _AS_IS,
    Progress,
    _children,
    _last_position,
    insert_rows,
)
from gazette.wordpress import convert as converter
from gazette.wordpress import media as media_module
from gazette.wordpress import wxr
from gazette.wordpress.models import Imported, StandardPage

Write = Callable[[str], None]
K = Imported.Kind

MAX_BODY_BYTES = 10 * 1024 * 1024  # a larger post is skipped and reported, not imported
BATCH_POSTS = 200
BATCH_COMMENTS = 5000
FEATURED_TAG = "Featured"  # what a sticky post gets: Gazette has no "sticky" of its own
COMMENT_STATUS = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
IMPORTED_TYPES = ("post", "page", "attachment", "")  # "" is read as a post
SKIPPED_TYPES = {"revision", "nav_menu_item", "custom_css", "customize_changeset",
                 "oembed_cache", "wp_global_styles", "wp_navigation", "wp_template",
                 "wp_template_part", "wp_block", "user_request"}  # fmt: skip


class ImportRefused(Exception):
    """The import cannot start (no site set up, ...): a readable message, nothing written."""


@dataclass
class Plan:
    """What the file holds, from the checking pass."""

    channel: wxr.Channel = field(default_factory=wxr.Channel)
    authors: int = 0
    terms: Counter[str] = field(default_factory=Counter)
    items: Counter[str] = field(default_factory=Counter)  # by post type
    statuses: Counter[str] = field(default_factory=Counter)  # posts by status
    comments: int = 0
    attachments: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (url, title)
    too_big: set[int] = field(default_factory=set)
    logins: set[str] = field(default_factory=set)
    term_keys: set[tuple[str, str]] = field(default_factory=set)
    pages: set[int] = field(default_factory=set)  # IDs of the pages the file holds
    children: dict[int, list[int]] = field(default_factory=dict)  # post → its attachments

    @property
    def item_total(self) -> int:
        return sum(self.items.values())


@dataclass
class Report:
    plan: Plan
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    dry_run: bool = False

    def lines(self) -> list[str]:
        plan = self.plan
        items = ", ".join(
            f"{n:,} {t}{'' if n == 1 else 's'}" for t, n in sorted(plan.items.items())
        )
        holds = [
            items or "no items",
            f"{plan.comments:,} comments",
            f"{plan.authors:,} authors",
            *(f"{n:,} {t}" for t, n in sorted(plan.terms.items())),
        ]
        out = [
            f"WXR {plan.channel.version} from {plan.channel.site or 'an unnamed site'}: "
            + ", ".join(holds)
        ]
        if plan.statuses:
            out.append(
                "Posts by status: "
                + ", ".join(f"{n:,} {s}" for s, n in sorted(plan.statuses.items()))
            )
        if self.dry_run:
            out.append("Dry run: the file is valid; nothing was written.")
            return out
        for label, counter in (
            ("Imported", self.created),
            ("Updated", self.updated),
            ("Unchanged", self.unchanged),
        ):
            if counter:
                out.append(
                    f"{label}: " + ", ".join(f"{n:,} {k}" for k, n in sorted(counter.items()))
                )
        for (kind, reason), n in sorted(self.skipped.items()):
            out.append(f"Skipped {n:,} {kind}: {reason}")
        for note, n in sorted(self.notes.items()):
            out.append(f"Note ({n:,}): {note}")
        out.append(f"Done in {self.seconds:.1f} s.")
        return out


def check(path: Path, progress: Callable[[int], None] | None = None) -> Plan:
    """The first pass: read everything, write nothing; WXRError on anything that stops
    the import."""
    plan = Plan()
    post_ids: dict[int, int] = {}
    comment_ids: dict[int, int] = {}
    for event in wxr.read(path):
        if isinstance(event, wxr.Channel):
            plan.channel = event
        elif isinstance(event, wxr.Author):
            plan.authors += 1
            plan.logins.add(event.login)
        elif isinstance(event, wxr.Term):
            # A term is counted once, though WordPress.com lists some twice (as
            # <wp:category> and again as <wp:term>).
            if (event.taxonomy, event.slug) not in plan.term_keys:
                plan.term_keys.add((event.taxonomy, event.slug))
                plan.terms[{"post_tag": "tags", "category": "categories"}.get(
                    event.taxonomy, "other terms")] += 1  # fmt: skip
        else:
            if event.post_type in IMPORTED_TYPES and event.id in post_ids:
                raise wxr.WXRError(
                    f"post ID {event.id} is used twice (first on line {post_ids[event.id]}): "
                    "the file is not one export of one site",
                    event.line,
                )
            if event.post_type in IMPORTED_TYPES:
                # Only where it matters: WordPress.com exports list a menu item once per
                # menu it is in (the Theme Unit Test data does), and menus are skipped.
                post_ids.setdefault(event.id, event.line)
            plan.items[event.post_type or "post"] += 1
            if event.post_type == "post":
                plan.statuses[event.status or "publish"] += 1
            if event.post_type == "attachment" and event.attachment_url:
                plan.attachments[event.id] = (event.attachment_url, _title(event.title))
                if event.parent:
                    plan.children.setdefault(event.parent, []).append(event.id)
            if event.post_type == "page":
                plan.pages.add(event.id)
            if len(event.content.encode()) > MAX_BODY_BYTES:
                plan.too_big.add(event.id)
            for comment in event.comments:
                if comment.id in comment_ids:
                    raise wxr.WXRError(
                        f"comment ID {comment.id} is used twice (first on line "
                        f"{comment_ids[comment.id]})",
                        comment.line,
                    )
                comment_ids[comment.id] = comment.line
            plan.comments += len(event.comments)
            if progress is not None:
                progress(1)
    return plan


def _digest(*parts: Any) -> str:
    return hashlib.sha1(
        json.dumps(parts, default=str, sort_keys=True).encode(), usedforsecurity=False
    ).hexdigest()


def _plain(text: str) -> str:
    """Comment and excerpt HTML to the plain text Gazette stores (it escapes on output)."""
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = re.sub(r"</p\s*>", "\n\n", text, flags=re.I)
    return html.unescape(nh3.clean(text, tags=set())).strip()


def _slug(value: str, fallback: str) -> str:
    return slugify(unquote(value), allow_unicode=True)[:200].strip("-") or fallback


def _tag_slug(name: str) -> str:
    """An ASCII slug that no tag has yet. Written when tag pages took ASCII slugs only;
    gazette/urls.py now takes taggit's own ("περιεχόμενο") too, as for tags made in the
    admin, so this only keeps imported tags' addresses ASCII (a hash where nothing of the
    name is ASCII)."""
    base = (
        slugify(name)[:90].strip("-")
        or "tag-" + hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:8]
    )
    slug, n = base, 1
    while Tag.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


_TITLE_MARKUP = re.compile(
    r"</?(?:a|abbr|b|big|br|cite|code|del|em|i|ins|mark|q|s|small|span|strong|sub|sup|u)"
    r"\b[^<>]*>",
    re.I,
)


def _title(value: str) -> str:
    """A post title as text: WordPress titles may hold inline markup ("Title <em>With</em>
    Markup") and entities, which readers must not see as tags. Anything else that looks
    like a tag ("Council <approves> budget", as Gazette's own export writes it) is text."""
    return html.unescape(_TITLE_MARKUP.sub("", value)).strip()


def _path_of(url: str) -> str | None:
    """The path (and query) a WordPress URL would be asked for, or None for the home page."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if path == "/" and not parts.query:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


class Importer:
    def __init__(
        self,
        plan: Plan,
        *,
        media: media_module.MediaSource,
        users: bool,
        progress: Progress | None,
    ) -> None:
        self.plan = plan
        self.site = plan.channel.site or "wordpress"
        self.media = media
        self.users = users
        self.progress = progress
        self.report = Report(plan=plan)
        home = HomePage.objects.first()
        index = AuthorIndexPage.objects.first()
        if home is None or index is None:
            raise ImportRefused("The site is not set up yet: run `gazette setup` first.")
        self.home, self.author_index = home, index
        self.article_type = ContentType.objects.get_for_model(ArticlePage).pk
        self.categories: dict[str, wxr.Term] = {}
        self.sections: dict[str, int] = {}  # root category slug → section pk
        self.authors: dict[str, int] = {}  # login → author page pk
        self.tags: dict[str, int] = {}  # tag name → taggit Tag pk
        self.slugs: dict[int, set[str]] = {}  # section pk → its children's slugs
        self.batch: list[wxr.Item] = []
        self.not_fetched: set[int] = set()  # attachments skipped for want of a media source
        # Pages whose parent page comes later in the file (WordPress does not sort them):
        # made once their parent is.
        self.deferred: list[wxr.Item] = []
        self.batch_comments = 0
        self.attachment_by_url = {self._url_key(url): i for i, (url, _) in plan.attachments.items()}

    # -- mapping -------------------------------------------------------------------------

    def mapped(self, kind: str, ids: Iterable[Any]) -> dict[str, Imported]:
        ids = [str(i) for i in ids]
        found: dict[str, Imported] = {}
        for start in range(0, len(ids), 900):
            for row in Imported.objects.filter(
                site=self.site, kind=kind, wp_id__in=ids[start : start + 900]
            ):
                found[row.wp_id] = row
        return found

    def remember(self, kind: str, wp_id: Any, object_id: int, digest: str = "") -> None:
        Imported.objects.update_or_create(
            site=self.site,
            kind=kind,
            wp_id=str(wp_id),
            defaults={"object_id": object_id, "digest": digest},
        )

    # -- authors, categories, tags ----------------------------------------------------------

    def author(self, login: str, display_name: str = "", event: wxr.Author | None = None) -> int:
        if login in self.authors:
            return self.authors[login]
        row = self.mapped(K.AUTHOR, [login]).get(login)
        if row is not None and AuthorPage.objects.filter(pk=row.object_id).exists():
            self.authors[login] = row.object_id
            self.report.unchanged["authors"] += 1
            return row.object_id
        name = (display_name or login)[:255]
        with transaction.atomic():
            base = _slug(login, "author")
            slug, n = base, 1
            # Two authors with the same display name stay two people: keyed by login, and
            # their pages get different addresses.
            while _children(self.author_index).filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            page = AuthorPage(title=name, slug=slug)
            self.author_index.add_child(instance=page)
            page.save_revision().publish()
            self.remember(K.AUTHOR, login, page.pk)
            if event is not None and self.users:
                self.user(event)
        self.authors[login] = page.pk
        self.report.created["authors"] += 1
        Redirect.objects.get_or_create(
            old_path=Redirect.normalise_path(f"/author/{login}/"),
            site=None,
            defaults={"redirect_page_id": page.pk, "is_permanent": True},
        )
        return page.pk

    def login_of(self, creator: str) -> str:
        """The author a post names. A hand-edited export may wrap the login in a stray
        ">" or "<" ("<dc:creator>>login</dc:creator>"): that is still the declared
        author, not a new person."""
        if not creator:
            return "wordpress"
        cleaned = creator.strip("<> \t")
        if creator not in self.plan.logins and cleaned in self.plan.logins:
            return cleaned
        return creator

    def user(self, author: wxr.Author) -> None:
        username = author.login[:150]
        if User.objects.filter(username=username).exists():
            self.report.skipped[("user accounts", f"the username exists already ({username})")] += 1
            return
        user = User(
            username=username,
            email=author.email[:254],
            first_name=author.first_name[:150],
            last_name=author.last_name[:150],
        )
        # No usable password: the person sets one through "forgotten password" or an admin.
        user.set_unusable_password()
        user.save()
        self.report.created["user accounts"] += 1

    def category(self, term: wxr.Term) -> None:
        if term.slug and term.slug not in self.categories:
            self.categories[term.slug] = term

    def root(self, slug: str) -> str:
        seen = set()
        while (term := self.categories.get(slug)) and term.parent and slug not in seen:
            seen.add(slug)
            slug = term.parent
        return slug

    def section(self, slug: str) -> int:
        """The section of a top-level category (made on first use)."""
        root = self.root(slug)
        if root in self.sections:
            return self.sections[root]
        row = self.mapped(K.CATEGORY, [root]).get(root)
        if row is not None and SectionPage.objects.filter(pk=row.object_id).exists():
            self.sections[root] = row.object_id
            return row.object_id
        term = self.categories.get(root)
        title = html.unescape(term.name) if term and term.name else root.replace("-", " ").title()
        slug_ = _slug(root, "section")
        with transaction.atomic():
            page = SectionPage.objects.filter(
                pk__in=_children(self.home).filter(slug=slug_).values("pk")
            ).first()
            if page is None:
                page = SectionPage(title=title[:255], slug=slug_, show_in_menus=True)
                self.home.add_child(instance=page)
                page.save_revision().publish()
                self.report.created["sections"] += 1
            self.remember(K.CATEGORY, root, page.pk)
        Redirect.objects.get_or_create(
            old_path=Redirect.normalise_path(f"/category/{root}/"),
            site=None,
            defaults={"redirect_page_id": page.pk, "is_permanent": True},
        )
        self.sections[root] = page.pk
        return page.pk

    def tag_ids(self, names: Iterable[str]) -> list[int]:
        ids = []
        for name in dict.fromkeys(n.strip()[:100] for n in names if n.strip()):
            if name not in self.tags:
                tag = Tag.objects.filter(name__iexact=name).first()
                if tag is None:
                    tag = Tag.objects.create(name=name, slug=_tag_slug(name))
                    self.report.created["tags"] += 1
                self.tags[name] = tag.pk
            ids.append(self.tags[name])
        return list(dict.fromkeys(ids))

    # -- media ---------------------------------------------------------------------------

    @staticmethod
    def _url_key(url: str) -> str:
        path = urlsplit(url).path
        return re.sub(r"-\d+x\d+(?=\.\w+$)", "", path)  # WordPress's resized copies

    def image(self, attachment_id: int) -> int | None:
        row = self.mapped(K.ATTACHMENT, [attachment_id]).get(str(attachment_id))
        if row is not None:
            return row.object_id
        if attachment_id not in self.plan.attachments:
            return None
        url, title = self.plan.attachments[attachment_id]
        if not self.media.enabled:
            # Counted once per image, however many posts show it: the summary's count is
            # the file's.
            if attachment_id not in self.not_fetched:
                self.not_fetched.add(attachment_id)
                self.report.skipped[("images", "no --media-dir or --media-from-url given")] += 1
            return None
        try:
            data = self.media.get(url)
            pk = media_module.save_image(data, url=url, title=title)
        except media_module.MediaError as exc:
            self.report.skipped[("images", str(exc).split(":")[0])] += 1
            self.report.notes[f"image not imported: {exc}"[:300]] += 1
            return None
        with transaction.atomic():
            self.remember(K.ATTACHMENT, attachment_id, pk)
        self.report.created["images"] += 1
        return pk

    def image_for(self, src: str, attachment: str) -> int | None:
        if attachment.isdigit():
            return self.image(int(attachment))
        found = self.attachment_by_url.get(self._url_key(src)) if src else None
        return self.image(found) if found is not None else None

    # -- posts and pages -------------------------------------------------------------------

    def item(self, item: wxr.Item) -> None:
        kind = item.post_type or "post"
        if kind == "attachment":
            if self.media.enabled:
                self.image(item.id)
            self.tick()
            return
        if kind not in ("post", "page"):
            reason = "not content" if kind in SKIPPED_TYPES else "a type Gazette does not have"
            self.report.skipped[(kind, reason)] += 1
            self.tick()
            return
        if item.status in ("trash", "auto-draft", "inherit"):
            self.report.skipped[(f"{kind}s", f"status {item.status}")] += 1
            self.tick()
            return
        if item.id in self.plan.too_big:
            self.report.skipped[
                (f"{kind}s", f"content larger than {MAX_BODY_BYTES // 2**20} MB")
            ] += 1
            self.report.notes[f"{kind} {item.id} (line {item.line}) is too large"] += 1
            self.tick()
            return
        self.batch.append(item)
        self.batch_comments += len(item.comments)
        if len(self.batch) >= BATCH_POSTS or self.batch_comments >= BATCH_COMMENTS:
            self.flush()

    def tick(self, n: int = 1) -> None:
        if self.progress is not None:
            self.progress.advance(n)

    def flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch, self.batch_comments = self.batch, [], 0
        with transaction.atomic():
            posts = self.mapped(K.POST, [i.id for i in batch if i.post_type != "page"])
            pages = self.mapped(K.PAGE, [i.id for i in batch if i.post_type == "page"])
            new_posts = []
            article_of: dict[int, int] = {}
            for item in batch:
                if item.post_type == "page":
                    self.page(item, pages.get(str(item.id)))
                    continue
                row = posts.get(str(item.id))
                if row is not None and row.digest == self.digest(item):
                    # Unchanged since the last run: not even converted again.
                    self.report.unchanged["posts"] += 1
                    article_of[item.id] = row.object_id
                    continue
                prepared = self.prepare(item)
                if row is None:
                    new_posts.append(prepared)
                else:
                    self.update(row, prepared)
                    article_of[item.id] = row.object_id
            article_of.update(self.insert_posts(new_posts))
            self.comments(batch, article_of)
        self.tick(len(batch))

    def prepare(self, item: wxr.Item) -> dict[str, Any]:
        terms = item.terms
        cats = [slug for tax, slug, _ in terms if tax == "category" and slug]
        for tax, slug, name in terms:
            if tax == "category" and slug:
                self.category(wxr.Term("category", slug, name))
        section = self.section(cats[0] if cats else "uncategorized")
        tags = [html.unescape(name) for tax, _, name in terms if tax == "post_tag"]
        # A subcategory is a tag in its top-level category's section, and so is any
        # top-level category after the first (an article has one section): nothing of
        # how the post was filed is lost.
        for n, slug in enumerate(cats):
            term = self.categories.get(slug)
            if (n > 0 or self.root(slug) != slug) and term is not None:
                tags.append(html.unescape(term.name or slug))
        if item.sticky:
            tags.append(FEATURED_TAG)
            self.report.notes["sticky posts tagged “Featured”"] += 1
        status = item.status or "publish"
        live = status in ("publish", "future") and not item.password
        if item.password:
            self.report.notes["password-protected posts imported as drafts"] += 1
        elif status == "private":
            self.report.notes["private posts imported as drafts"] += 1
        elif status == "future":
            self.report.notes["scheduled posts imported live, shown from their date"] += 1
        elif not live:
            self.report.notes[f"{status} posts imported as drafts"] += 1
        converted = converter.convert(self.content(item), self.image_for)
        for code in converted.shortcodes:
            self.report.notes[f"shortcode [{code}] kept as text"] += 1
        if converted.embeds:
            self.report.notes["embeds converted to links"] += converted.embeds
        author_login = self.login_of(item.creator)
        return {
            "item": item,
            "section": section,
            "title": (_title(item.title) or f"Untitled {item.id}")[:255],
            "slug": _slug(item.slug or item.title, f"post-{item.id}"),
            "body": converted.blocks,
            "standfirst": _plain(item.excerpt)[:5000],
            # A published post always has a date (pages show it): WordPress's own, else
            # the feed's <pubDate>, else now.
            "date": item.date or (item.pub_date or self.now if live else None),
            "live": live,
            "author": self.author(author_login),
            "tags": self.tag_ids(tags),
            "comments_open": item.comment_status == "open",
            "thumbnail": item.thumbnail_id,
            "digest": self.digest(item),
        }

    def content(self, item: wxr.Item) -> str:
        """The post's text, its [gallery] without ids= given the images attached to the
        post, as WordPress shows them."""
        return converter.fill_galleries(item.content, self.plan.children.get(item.id, []))

    @staticmethod
    def digest(item: wxr.Item) -> str:
        return _digest(
            item.title, item.content, item.excerpt, item.status, item.password, item.date,
            item.slug, item.terms, item.creator, item.sticky, item.thumbnail_id,
            item.comment_status,
        )  # fmt: skip

    def insert_posts(self, prepared: list[dict[str, Any]]) -> dict[int, int]:
        """Bulk-insert new articles; returns WordPress ID → article pk."""
        if not prepared:
            return {}
        section_ids = {p["section"] for p in prepared}
        locked = {
            p.pk: p
            for p in Page.objects.select_for_update()
            .filter(pk__in=section_ids)
            .only("pk", "path", "depth", "url_path", "locale_id")
        }
        position = {pk: _last_position(p) for pk, p in locked.items()}
        added: Counter[int] = Counter()
        pages = []
        for p in prepared:
            section = locked[p["section"]]
            if section.pk not in self.slugs:
                self.slugs[section.pk] = set(_children(section).values_list("slug", flat=True))
            taken = self.slugs[section.pk]
            slug, n = p["slug"], 1
            while slug in taken:
                n += 1
                slug = f"{p['slug']}-{n}"
            taken.add(slug)
            position[section.pk] += 1
            added[section.pk] += 1
            date = p["date"]
            pages.append(
                Page(
                    title=p["title"],
                    draft_title=p["title"],
                    slug=slug,
                    content_type_id=self.article_type,
                    locale_id=section.locale_id,
                    path=Page._get_path(section.path, section.depth + 1, position[section.pk]),
                    depth=section.depth + 1,
                    numchild=0,
                    url_path=f"{section.url_path}{slug}/",
                    live=p["live"],
                    has_unpublished_changes=not p["live"],
                    first_published_at=date if p["live"] else None,
                    last_published_at=date if p["live"] else None,
                )
            )
        Page.objects.bulk_create(pages)
        articles, bylines, tagged, redirects, rows = [], [], [], [], []
        thumbs = self.mapped(K.ATTACHMENT, [p["thumbnail"] for p in prepared if p["thumbnail"]])
        result = {}
        home_path = self.home.url_path
        for page, p in zip(pages, prepared, strict=True):
            item: wxr.Item = p["item"]
            thumb = thumbs.get(str(p["thumbnail"])) if p["thumbnail"] else None
            if p["thumbnail"] and thumb is None and self.media.enabled:
                image_pk = self.image(p["thumbnail"])
            else:
                image_pk = thumb.object_id if thumb else None
            articles.append(
                {
                    "page_ptr_id": page.pk,
                    "section_page_id": p["section"],
                    "standfirst": p["standfirst"],
                    "body": p["body"],
                    "date": p["date"],
                    "updated": None,
                    "comments_open": p["comments_open"],
                    "lead_image_id": image_pk,
                    "source_id": f"wordpress:{self.site}:{item.id}"[:255],
                }
            )
            bylines.append(
                {"article_id": page.pk, "author_id": p["author"], "sort_order": 0, "role": ""}
            )
            tagged.extend({"content_object_id": page.pk, "tag_id": t} for t in p["tags"])
            new_path = "/" + page.url_path[len(home_path) :]
            redirects.extend(self.redirects(item, page.pk, new_path))
            rows.append(
                Imported(
                    site=self.site,
                    kind=K.POST,
                    wp_id=str(item.id),
                    object_id=page.pk,
                    digest=p["digest"],
                    thumbnail=str(p["thumbnail"] or "") if image_pk is None else "",
                )
            )
            result[item.id] = page.pk
        insert_rows(ArticlePage, articles)
        insert_rows(ArticleAuthor, bylines)
        insert_rows(ArticleTag, tagged)
        Redirect.objects.bulk_create(redirects, ignore_conflicts=True)
        Imported.objects.bulk_create(rows)
        for pk, n in added.items():
            Page.objects.filter(pk=pk).update(numchild=F("numchild") + n)
        self.report.created["posts"] += len(pages)
        return result

    def redirects(self, item: wxr.Item, page_id: int, new_path: str) -> list[Redirect]:
        """The post's old permalink (dated, category-based, ... whatever <link> shows);
        /?p=ID and /?page_id=ID are answered by views.wordpress_root from Imported, but
        not /blog/?p=ID of a WordPress in a folder: those are redirects too (from <link>,
        or <guid> when it names this post)."""
        urls = [item.link]
        guid = urlsplit(item.guid)
        if guid.netloc == urlsplit(item.link).netloc and guid.query in (
            f"p={item.id}",
            f"page_id={item.id}",
        ):
            urls.append(item.guid)
        out = []
        for url in dict.fromkeys(urls):
            path = _path_of(url) if url else None
            if path is None or (urlsplit(path).query and urlsplit(path).path in ("", "/")):
                continue
            old = Redirect.normalise_path(path)
            if old != Redirect.normalise_path(new_path) and len(old) <= 255:
                out.append(
                    Redirect(old_path=old, site=None, is_permanent=True, redirect_page_id=page_id)
                )
        return out

    def update(self, row: Imported, p: dict[str, Any]) -> None:
        """A post changed in WordPress since the last import: its article follows."""
        pk = row.object_id
        Page.objects.filter(pk=pk).update(
            title=p["title"], draft_title=p["title"], live=p["live"],
            has_unpublished_changes=not p["live"],
        )  # fmt: skip
        ArticlePage.objects.filter(pk=pk).update(
            standfirst=p["standfirst"],
            body=p["body"],
            date=p["date"],
            comments_open=p["comments_open"],
        )
        ArticleTag.objects.filter(content_object_id=pk).delete()
        insert_rows(ArticleTag, [{"content_object_id": pk, "tag_id": t} for t in p["tags"]])
        ArticleAuthor.objects.filter(article_id=pk).delete()
        insert_rows(
            ArticleAuthor,
            [{"article_id": pk, "author_id": p["author"], "sort_order": 0, "role": ""}],
        )
        Imported.objects.filter(pk=row.pk).update(digest=p["digest"])
        self.report.updated["posts"] += 1

    def page(self, item: wxr.Item, row: Imported | None, *, final: bool = False) -> None:
        """A WordPress page: a StandardPage, made the normal way (pages are few)."""
        parent: Page = self.home
        if row is None and item.parent:
            mapped = self.mapped(K.PAGE, [item.parent]).get(str(item.parent))
            if mapped is not None:
                parent = Page.objects.get(pk=mapped.object_id)
            elif item.parent in self.plan.pages and item.parent != item.id and not final:
                self.deferred.append(item)
                return
            else:
                self.report.notes["pages whose parent page is missing put under home"] += 1
        converted = converter.convert(self.content(item), self.image_for)
        body = converter.to_html(
            converted.blocks,
            lambda pk, caption: (
                f'<embed embedtype="image" id="{pk}" format="fullwidth" '
                f'alt="{html.escape(caption)}"/>'
            ),
        )
        digest = _digest(item.title, item.content, item.status, item.slug, item.parent)
        live = item.status == "publish" and not item.password
        if row is not None:
            if row.digest == digest:
                self.report.unchanged["pages"] += 1
                return
            page = StandardPage.objects.get(pk=row.object_id)
            page.title, page.body = (_title(item.title) or page.title)[:255], body
            revision = page.save_revision()
            if live:
                revision.publish()
            Imported.objects.filter(pk=row.pk).update(digest=digest)
            self.report.updated["pages"] += 1
            return
        base = _slug(item.slug or item.title, f"page-{item.id}")
        slug, n = base, 1
        while _children(parent).filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        title = _title(item.title) or f"Page {item.id}"
        page = StandardPage(title=title[:255], slug=slug, body=body)
        parent.add_child(instance=page)
        revision = page.save_revision()
        if live:
            revision.publish()
        else:
            self.report.notes[f"{item.status or 'draft'} pages imported as drafts"] += 1
        self.remember(K.PAGE, item.id, page.pk, digest)
        page.refresh_from_db()
        redirects = self.redirects(item, page.pk, "/" + page.url_path[len(self.home.url_path) :])
        Redirect.objects.bulk_create(redirects, ignore_conflicts=True)
        self.report.created["pages"] += 1

    # -- comments --------------------------------------------------------------------------

    def comments(self, batch: list[wxr.Item], article_of: dict[int, int]) -> None:
        wanted = [c for item in batch for c in item.comments]
        if not wanted:
            return
        known = self.mapped(K.COMMENT, [c.id for c in wanted])
        todo: list[tuple[int, wxr.WPComment]] = []
        for item in batch:
            for comment in item.comments:
                if str(comment.id) in known:
                    self.report.unchanged["comments"] += 1
                elif item.post_type == "page":
                    self.report.skipped[
                        ("comments", "on a page (Gazette has them on articles)")
                    ] += 1
                elif item.id not in article_of:
                    self.report.skipped[("comments", "their post was not imported")] += 1
                elif comment.type in ("pingback", "trackback"):
                    self.report.skipped[("comments", f"{comment.type}s")] += 1
                else:
                    todo.append((article_of[item.id], comment))
        if not todo:
            return
        # Parents first: comments are inserted a generation at a time, so that each reply
        # is written knowing its parent's new id (no second pass of UPDATEs).
        ids = {c.id for _, c in todo}
        outside = {c.parent for _, c in todo if c.parent and c.parent not in ids}
        pk_of: dict[int, tuple[int, int]] = {}  # WordPress ID → (comment pk, article pk)
        for wp_id, row in self.mapped(K.COMMENT, outside).items():
            pk_of[int(wp_id)] = (row.object_id, 0)
        if pk_of:
            articles = dict(
                Comment.objects.filter(pk__in=[v[0] for v in pk_of.values()]).values_list(
                    "pk", "article_id"
                )
            )
            pk_of = {k: (v[0], articles.get(v[0], 0)) for k, v in pk_of.items()}
        remaining = todo
        while remaining:
            ready, later = [], []
            for article_id, c in remaining:
                if not c.parent or c.parent in pk_of or c.parent not in ids:
                    ready.append((article_id, c))
                else:
                    later.append((article_id, c))
            if not ready:  # a loop of parents: the rest become top-level comments
                ready, later = later, []
                for _, c in ready:
                    c.parent = 0
            objs: list[dict[str, Any]] = []
            for article_id, c in ready:
                parent = pk_of.get(c.parent) if c.parent else None
                if c.parent and (parent is None or parent[1] != article_id):
                    self.report.notes["comments whose parent is missing kept as top-level"] += 1
                    parent = None
                status = COMMENT_STATUS.get(c.approved, Comment.Status.PENDING)
                website = c.url if c.url.startswith(("http://", "https://")) else ""
                objs.append(
                    {
                        "article_id": article_id,
                        "parent_id": parent[0] if parent else None,
                        "name": (html.unescape(c.author).strip() or "Anonymous")[:100],
                        "email": c.email if len(c.email) <= 254 else "",
                        "website": website if len(website) <= 500 else "",
                        "body": _plain(c.content),
                        "status": status.value,
                        "created_at": c.date or self.now,
                        "ip_network": truncate_ip(c.ip),
                        "moderated_at": None if status == Comment.Status.PENDING else c.date,
                        "moderated_by_id": None,
                    }
                )
            pks = insert_returning(Comment, objs)
            now = self.now
            insert_rows(
                Imported,
                [
                    {"site": self.site, "kind": K.COMMENT.value, "wp_id": str(c.id),
                     "object_id": pk, "digest": "", "thumbnail": "", "created_at": now}
                    for (_, c), pk in zip(ready, pks, strict=True)
                ],
            )  # fmt: skip
            for (article_id, c), pk in zip(ready, pks, strict=True):
                pk_of[c.id] = (pk, article_id)
            self.report.created["comments"] += len(objs)
            remaining = later

    @property
    def now(self) -> dt.datetime:
        return timezone.now()

    # -- the end ---------------------------------------------------------------------------

    def finish(self) -> None:
        self.flush()
        # Pages that came before their parent, a generation at a time; what is left when
        # a pass places none (a parent skipped, or a loop) goes under the home page.
        while self.deferred:
            todo, self.deferred = self.deferred, []
            with transaction.atomic():
                for item in todo:
                    self.page(item, None, final=False)
            if len(self.deferred) == len(todo):
                with transaction.atomic():
                    for item in self.deferred:
                        self.page(item, None, final=True)
                self.deferred = []
        # Featured images whose attachment came later in the file than their post.
        pending = Imported.objects.filter(site=self.site, kind=K.POST).exclude(thumbnail="")
        for row in pending.iterator():
            image_pk = self.image(int(row.thumbnail)) if row.thumbnail.isdigit() else None
            with transaction.atomic():
                if image_pk is not None:
                    ArticlePage.objects.filter(pk=row.object_id, lead_image__isnull=True).update(
                        lead_image_id=image_pk
                    )
                Imported.objects.filter(pk=row.pk).update(thumbnail="")


def insert_returning(model: type[Model], rows: list[dict[str, Any]]) -> list[int]:
    """Multi-row INSERTs that return the new primary keys in order (SQLite 3.35+ and
    PostgreSQL), without bulk_create's per-object work: replies need their parents' ids."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    # Columns the rows don't name get the model's defaults, as save() would give them (a
    # field added to the model later must not break the import).
    named = {opts.get_field(name.removesuffix("_id")).attname for name in rows[0]}
    missing = [f for f in opts.concrete_fields if not f.primary_key and f.attname not in named]
    if missing:
        rows = [{**row, **{f.attname: f.get_default() for f in missing}} for row in rows]
    fields = [opts.get_field(name.removesuffix("_id")) for name in rows[0]]
    qn = connection.ops.quote_name
    prep = [(f.attname, None if f.get_internal_type() in _AS_IS else f) for f in fields]
    pks: list[int] = []
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(chunk))
        # Names come from the model's metadata, quoted; every value is a parameter.
        sql = "INSERT INTO {} ({}) VALUES {} RETURNING {}".format(  # noqa: S608
            qn(opts.db_table),
            ", ".join(qn(f.column) for f in fields),
            values,
            qn(opts.pk.column),
        )
        params = [
            row[name] if f is None else f.get_db_prep_save(row[name], connection)
            for row in chunk
            for name, f in prep
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            pks.extend(r[0] for r in cursor.fetchall())
    return pks


def import_wxr(
    path: Path,
    *,
    media: media_module.MediaSource | None = None,
    users: bool = False,
    dry_run: bool = False,
    write: Write | None = None,
    tty: bool = False,
) -> Report:
    """Check the whole file, then import it (see the module's docstring)."""
    started = time.monotonic()
    if write is not None:
        write(f"Checking {path.name}…\n")
    plan = check(path)
    if dry_run:
        report = Report(plan=plan, dry_run=True)
        report.seconds = time.monotonic() - started
        return report
    progress = Progress("Items", plan.item_total, write, tty=tty) if write else None
    importer = Importer(plan, media=media or media_module.MediaSource(), users=users,
                        progress=progress)  # fmt: skip
    # An archive was public on WordPress already, and WordPress has no image credits: the
    # checks an article must pass before publishing (gazette.news.readiness) would refuse
    # most of it. The imported images are listed under Images for editors to complete.
    with readiness.waived("WordPress import"):
        for event in wxr.read(path):
            if isinstance(event, wxr.Author):
                importer.author(event.login, event.display_name, event)
            elif isinstance(event, wxr.Term):
                if event.taxonomy == "category":
                    importer.category(event)
            elif isinstance(event, wxr.Item):
                importer.item(event)
        # Sections for categories no post used yet: the site's structure comes along whole.
        for slug, term in list(importer.categories.items()):
            if not term.parent:
                importer.section(slug)
        importer.finish()
    if progress is not None:
        progress.finish()
    # Rows went in around the publishing functions, so no page was purged one by one.
    purge_all()
    importer.report.seconds = time.monotonic() - started
    return importer.report
