"""Reading a discussion as threads: one page of top-level comments with every approved reply
below them, in two queries whatever the depth, and where a comment's permalink lands."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.http import Http404

from gazette.comments.models import Comment
from gazette.news.models import ListPage

if TYPE_CHECKING:
    from gazette.news.models import ArticlePage

# What a public page may read of a comment: never the email address or the IP network.
PUBLIC_FIELDS = (
    "pk",
    "article_id",
    "parent_id",
    "name",
    "website",
    "body",
    "created_at",
    "badge",
    "pinned",
    "edited_at",
)
ORDERS = ("oldest", "newest")


def max_depth() -> int:
    # Depth 1 would allow no replies at all while the form offers them: 2 is the least.
    return max(2, settings.GAZETTE_COMMENTS_MAX_DEPTH)


def _thread_sql(root_ids: list[int], picks_of: int | None) -> RawSQL:
    """The ids of every approved reply below these comments, at any depth, as one
    recursive query (SQLite and PostgreSQL alike), and, with ``picks_of``, the ids of that
    article's editor's picks (through their partial index). A reply whose parent is not
    approved is not reached: it would answer something readers cannot see."""
    table = Comment._meta.db_table
    approved = Comment.Status.APPROVED
    # Only the table name (ours) and placeholders are formatted in; every value is a
    # parameter. UNION, not UNION ALL: a (corrupt) cycle of parents ends instead of looping.
    parts, params = [], []
    if root_ids:
        marks = ", ".join(["%s"] * len(root_ids))
        parts.append(
            f"WITH RECURSIVE thread(id) AS ("  # noqa: S608
            f"SELECT id FROM {table} WHERE parent_id IN ({marks}) AND status = %s "
            f"UNION SELECT c.id FROM {table} c JOIN thread t ON c.parent_id = t.id "
            f"WHERE c.status = %s"
            f") SELECT id FROM thread"
        )
        params += [*root_ids, approved, approved]
    if picks_of is not None:
        parts.append(
            f"SELECT id FROM {table} WHERE article_id = %s AND pinned = %s AND status = %s"  # noqa: S608
        )
        params += [picks_of, True, approved]
    return RawSQL(" UNION ".join(parts), params)  # noqa: S611


@dataclass
class Discussion:
    page: ListPage  # the top-level comments of this page, each with .thread_replies
    picks: list[Comment] = field(default_factory=list)
    shown: int = 0  # comments on this page, replies included


def discussion_page(article: ArticlePage, number: int, order: str) -> Discussion:
    """Page ``number`` of the article's discussion: GAZETTE_COMMENTS_PER_PAGE top-level
    comments in ``order``, each with its replies (oldest first) nested to max_depth();
    deeper replies sit at the last level, marked with whom they answer. On the first page,
    the editor's picks as well. Two queries, and no COUNT."""
    if order not in ORDERS:
        order = ORDERS[0]
    approved = Comment.objects.approved().filter(article=article).only(*PUBLIC_FIELDS)
    roots = approved.filter(parent__isnull=True)
    if order == "newest":
        roots = roots.order_by("-created_at", "-pk")
    page = ListPage(roots, number, settings.GAZETTE_COMMENTS_PER_PAGE)
    if not page and number > 1:
        raise Http404("No such page of comments")
    root_ids = [c.pk for c in page]
    # The replies, and on the first page the picks, come in one query.
    picks_of = article.pk if number == 1 else None
    others = []
    if root_ids or picks_of is not None:
        others = list(approved.filter(pk__in=_thread_sql(root_ids, picks_of)))
    by_pk: dict[int, Comment] = {c.pk: c for c in page}
    for comment in page:
        comment.depth, comment.thread_replies, comment.reply_to = 1, [], None
    picks = sorted((c for c in others if c.pinned), key=lambda c: (c.created_at, c.pk))
    replies = [c for c in others if c.pk not in by_pk and c.parent_id is not None]
    # Replies from the recursive query: keep those below this page's comments.
    for reply in replies:
        by_pk.setdefault(reply.pk, reply)
    replies = sorted({c.pk: c for c in replies}.values(), key=lambda c: (c.created_at, c.pk))
    limit = max_depth()
    shown = len(page)
    for reply in replies:
        reply = by_pk[reply.pk]
        _place(reply, by_pk, limit)
        if getattr(reply, "depth", 0):
            shown += 1
    # A pick shown on this page keeps its marks; picks are otherwise the same objects.
    picks = [by_pk.get(p.pk, p) for p in picks]
    return Discussion(page=page, picks=picks, shown=shown)


def _place(reply: Comment, by_pk: dict[int, Comment], limit: int) -> None:
    """Put ``reply`` under its parent, or, past the depth limit, at the last level under
    its ancestor there, remembering whom it answers."""
    if getattr(reply, "depth", 0):
        return
    parent = by_pk.get(reply.parent_id) if reply.parent_id else None
    if parent is None:
        return  # not below this page's comments (a pick from another page)
    if not getattr(parent, "depth", 0):
        _place(parent, by_pk, limit)
        if not getattr(parent, "depth", 0):
            return
    reply.thread_replies, reply.reply_to = [], None
    if parent.depth < limit:
        reply.depth = parent.depth + 1
        parent.thread_replies.append(reply)
    else:
        holder = parent
        while holder.depth >= limit:
            holder = by_pk[holder.parent_id]
        reply.depth = limit
        reply.reply_to = parent
        holder.thread_replies.append(reply)


def permalink_page(comment: Comment) -> int | None:
    """The page of its article's discussion (oldest first) that shows ``comment``, or None
    when readers cannot see it (it, or a comment it answers, is not approved)."""
    root = comment
    seen = {comment.pk}
    while True:
        if root.status != Comment.Status.APPROVED:
            return None
        if root.parent_id is None:
            break
        if root.parent_id in seen:
            return None
        seen.add(root.parent_id)
        root = Comment.objects.only("pk", "parent_id", "status", "created_at").get(
            pk=root.parent_id
        )
    before = (
        Comment.objects.approved()
        .filter(article_id=comment.article_id, parent__isnull=True)
        .filter(Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk))
        .count()
    )
    return before // settings.GAZETTE_COMMENTS_PER_PAGE + 1
