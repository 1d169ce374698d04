"""Comments as threads: replies nested to the configured depth, pages of top-level
comments, oldest or newest first, permalinks that find a comment on any page, reply links,
badges for staff and the article's authors, and editors' picks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gazette.comments.models import Comment
from gazette.comments.moderation import comment_approve, comment_pin, comment_trash
from gazette.news.markdown_import import _author
from gazette.newsroom.roles import user_create
from tests.comment_helpers import approved, comment_depths

pytestmark = pytest.mark.django_db


def test_replies_are_nested_under_the_comment_they_answer(client, make_article):
    article = make_article()
    first = approved(article, "Where is the new pier?", minutes=1)
    second = approved(article, "Great reporting.", minutes=2)
    answer = approved(article, "By the old ferry slip.", parent=first, minutes=3)
    thanks = approved(article, "Thanks!", parent=answer, minutes=4)

    html = client.get(article.url).content.decode()
    depths, order = comment_depths(html)
    assert order == [first.pk, answer.pk, thanks.pk, second.pk]
    assert depths == {first.pk: 1, answer.pk: 2, thanks.pk: 3, second.pk: 1}
    assert "4 comments" in html


def test_replies_deeper_than_the_limit_are_shown_at_the_last_level(client, make_article, settings):
    settings.GAZETTE_COMMENTS_MAX_DEPTH = 3
    article = make_article()
    chain = [approved(article, "Level 1", minutes=1, name="One")]
    for level in range(2, 7):
        chain.append(
            approved(article, f"Level {level}", parent=chain[-1], minutes=level, name=f"N{level}")
        )
    html = client.get(article.url).content.decode()
    depths, order = comment_depths(html)
    assert order == [c.pk for c in chain]
    assert [depths[c.pk] for c in chain] == [1, 2, 3, 3, 3, 3]
    # A flattened reply says whom it answers, with a link to that comment.
    assert f'in reply to <a href="#comment-{chain[3].pk}">N4</a>' in html
    assert f'in reply to <a href="#comment-{chain[2].pk}">N3</a>' in html


def test_a_depth_of_two_nests_one_level(client, make_article, settings):
    settings.GAZETTE_COMMENTS_MAX_DEPTH = 2
    article = make_article()
    top = approved(article, "Top", minutes=1)
    reply = approved(article, "Reply", parent=top, minutes=2)
    deeper = approved(article, "Deeper", parent=reply, minutes=3)
    depths, _ = comment_depths(client.get(article.url).content.decode())
    assert depths == {top.pk: 1, reply.pk: 2, deeper.pk: 2}


def test_a_reply_to_a_comment_readers_cannot_see_is_not_shown(client, make_article):
    article = make_article()
    top = approved(article, "Visible question", minutes=1)
    hidden = approved(article, "Later trashed", parent=top, minutes=2)
    orphan = approved(article, "Answer to the trashed one", parent=hidden, minutes=3)
    comment_trash(comment=hidden)
    html = client.get(article.url).content.decode()
    assert "Visible question" in html
    assert "Later trashed" not in html
    assert "Answer to the trashed one" not in html
    assert client.get(f"/comments/{orphan.pk}/").status_code == 404


def test_pages_hold_top_level_comments_with_all_their_replies(client, make_article, settings):
    settings.GAZETTE_COMMENTS_PER_PAGE = 2
    article = make_article()
    roots = [approved(article, f"Root {i}", minutes=10 * i) for i in range(3)]
    replies = [
        approved(article, f"Reply {i}", parent=r, minutes=10 * i + 5) for i, r in enumerate(roots)
    ]

    first = client.get(article.url).content.decode()
    assert "Root 0" in first and "Reply 0" in first and "Root 1" in first and "Reply 1" in first
    assert "Root 2" not in first
    assert "6 comments" in first
    assert "?comments=2#comments" in first and "Comments page 1" in first

    second = client.get(article.url + "?comments=2").content.decode()
    depths, order = comment_depths(second)
    assert order == [roots[2].pk, replies[2].pk]
    assert 'rel="prev" href="?comments=1#comments"' in second
    assert 'rel="next"' not in second


@pytest.mark.parametrize("page", ["3", "0", "-1", "x", "99999999", ""])
def test_comment_pages_out_of_range_are_not_found(client, make_article, settings, page):
    settings.GAZETTE_COMMENTS_PER_PAGE = 2
    article = make_article()
    for i in range(3):
        approved(article, f"Root {i}", minutes=i)
    status = client.get(f"{article.url}?comments={page}").status_code
    assert status == (200 if page == "" else 404)


def test_readers_can_read_newest_first(client, make_article, settings):
    settings.GAZETTE_COMMENTS_PER_PAGE = 2
    article = make_article()
    old = approved(article, "Oldest", minutes=1)
    middle = approved(article, "Middle", minutes=2)
    new = approved(article, "Newest", minutes=3)
    answer = approved(article, "Answer to oldest", parent=old, minutes=4)

    default = client.get(article.url).content.decode()
    assert comment_depths(default)[1] == [old.pk, answer.pk, middle.pk]
    assert 'href="?order=newest#comments"' in default

    newest = client.get(article.url + "?order=newest").content.decode()
    assert comment_depths(newest)[1] == [new.pk, middle.pk]
    assert "?comments=2&amp;order=newest#comments" in newest
    assert '<strong aria-current="true">newest first</strong>' in newest
    page2 = client.get(article.url + "?comments=2&order=newest").content.decode()
    assert comment_depths(page2)[1] == [old.pk, answer.pk]
    # Anything else is the default order, not an error.
    other = client.get(article.url + "?order=sideways").content.decode()
    assert comment_depths(other)[1] == [old.pk, answer.pk, middle.pk]


def test_every_comment_has_an_anchor_and_a_visible_permalink(client, make_article):
    article = make_article()
    comment = approved(article, "Link me.")
    html = client.get(article.url).content.decode()
    assert f'id="comment-{comment.pk}"' in html
    assert f'<a class="comment-permalink" href="/comments/{comment.pk}/">Link' in html


def test_permalink_finds_a_reply_on_a_later_page(client, make_article, settings):
    settings.GAZETTE_COMMENTS_PER_PAGE = 2
    article = make_article()
    roots = [approved(article, f"Root {i}", minutes=10 * i) for i in range(5)]
    reply = approved(article, "Deep in page three", parent=roots[4], minutes=60)
    deeper = approved(article, "Deeper still", parent=reply, minutes=61)

    response = client.get(f"/comments/{deeper.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}?comments=3#comment-{deeper.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'id="comment-{deeper.pk}"' in page and "Deeper still" in page

    first = client.get(f"/comments/{roots[0].pk}/")
    assert first["Location"] == f"{article.url}#comment-{roots[0].pk}"


def test_permalink_of_a_comment_readers_cannot_see_is_not_found(client, make_article):
    article = make_article()
    waiting = Comment.objects.create(article=article, name="A", email="a@x.org", body="Wait")
    draft = make_article(live=False)
    on_draft = approved(draft, "On a draft")
    assert client.get(f"/comments/{waiting.pk}/").status_code == 404
    assert client.get(f"/comments/{on_draft.pk}/").status_code == 404
    assert client.get("/comments/987654/").status_code == 404
    assert client.get("/comments/abc/").status_code == 404


def test_each_comment_has_a_reply_link_to_the_form_while_comments_are_open(client, make_article):
    article = make_article()
    comment = approved(article, "Answer me.")
    html = client.get(article.url).content.decode()
    assert (
        f'<a class="comment-reply" href="?reply={comment.pk}#respond" '
        f'aria-label="Reply to Ann Reader">Reply</a>'
    ) in html
    assert 'id="respond"' in html

    closed = make_article(comments_open=False)
    approved(closed, "Too late.")
    assert "comment-reply" not in client.get(closed.url).content.decode()


@pytest.fixture
def jane(site):
    """A newsroom account for Jane Roe, the byline of make_article's articles."""
    user = user_create(
        username="jane", role="author", password="jane-password-1", email="jane@gazette.example"
    )
    user.first_name, user.last_name = "Jane", "Roe"
    user.save()
    return user


def pending_by(article, email: str, body: str, name: str = "Someone") -> Comment:
    return Comment.objects.create(article=article, name=name, email=email, body=body)


def test_the_articles_author_and_staff_get_a_badge_when_approved(client, make_article, jane, alice):
    article = make_article()
    by_author = comment_approve(
        comment=pending_by(article, "Jane@Gazette.example", "Author here.", "Jane")
    )
    by_editor = comment_approve(comment=pending_by(article, "alice@example.com", "Editor."))
    by_reader = comment_approve(comment=pending_by(article, "reader@example.org", "Reader."))
    assert (by_author.badge, by_editor.badge, by_reader.badge) == ("author", "staff", "")

    html = client.get(article.url).content.decode()
    assert html.count('<span class="comment-badge">Author</span>') == 1
    assert html.count('<span class="comment-badge">Staff</span>') == 1

    # On another writer's article, the same author is staff, not the author.
    other = make_article(authors=[_author("John Doe")])
    elsewhere = comment_approve(comment=pending_by(other, "jane@gazette.example", "Hi."))
    assert elsewhere.badge == "staff"


def test_the_badge_is_stored_at_approval_not_worked_out_per_view(client, make_article, alice):
    article = make_article()
    comment = comment_approve(comment=pending_by(article, "alice@example.com", "Editor."))
    alice.email = "moved@example.com"
    alice.save()
    assert '<span class="comment-badge">Staff</span>' in client.get(article.url).content.decode()
    comment.refresh_from_db()
    assert comment.badge == "staff"


def test_a_reader_using_no_staff_address_gets_no_badge_even_with_a_staff_name(make_article, alice):
    comment = comment_approve(
        comment=pending_by(make_article(), "someone@example.org", "Hi", name="alice")
    )
    assert comment.badge == ""


def test_an_editors_pick_is_shown_first_and_marked(client, make_article, alice, settings):
    settings.GAZETTE_COMMENTS_PER_PAGE = 2
    article = make_article()
    approved(article, "Early chatter", minutes=1)
    approved(article, "More chatter", minutes=2)
    insight = approved(article, "The insightful one", minutes=3)
    comment_pin(comment=insight, pinned=True, by=alice)

    html = client.get(article.url).content.decode()
    picks = html.index("Editor's picks")
    assert picks < html.index("Early chatter")
    assert picks < html.index("The insightful one") < html.index("Early chatter")
    assert f'href="/comments/{insight.pk}/">See it in the discussion' in html
    # In its own place (page 2), it carries the mark too.
    page2 = client.get(article.url + "?comments=2").content.decode()
    assert "comment-pick-mark" in page2 and "Editor's picks" not in page2

    comment_pin(comment=insight, pinned=False, by=alice)
    assert "Editor's pick" not in client.get(article.url).content.decode()


def test_only_an_approved_comment_can_be_picked(make_article, alice):
    waiting = pending_by(make_article(), "a@example.org", "Not yet")
    with pytest.raises(ValueError, match="approved"):
        comment_pin(comment=waiting, pinned=True, by=alice)
    waiting.refresh_from_db()
    assert not waiting.pinned


def test_a_pick_that_leaves_the_page_stops_being_a_pick(client, make_article, alice):
    article = make_article()
    pick = comment_pin(comment=approved(article, "Picked"), pinned=True, by=alice)
    comment_trash(comment=pick, by=alice)
    pick.refresh_from_db()
    assert not pick.pinned
    assert "Picked" not in client.get(article.url).content.decode()


def test_pinning_purges_exactly_the_articles_page(make_article, alice, monkeypatch):
    article = make_article()
    comment = approved(article, "Pick me")
    purged: list[set[str]] = []
    monkeypatch.setattr("gazette.cache.purge", lambda tags: purged.append(set(tags)))
    comment_pin(comment=comment, pinned=True, by=alice)
    comment_pin(comment=comment, pinned=True, by=alice)  # no change, no purge
    comment_pin(comment=comment, pinned=False, by=alice)
    assert purged == [{f"page:{article.pk}"}, {f"page:{article.pk}"}]


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_threaded_pages_cost_the_same_queries_however_deep_and_long(
    client, make_article, alice, settings
):
    settings.GAZETTE_COMMENTS_PER_PAGE = 10
    article = make_article()
    approved(article, "Alone")
    one = _queries(client, article.url)

    # 30 threads, each 6 replies deep, and a pick: the first page holds 10 threads.
    rows = []
    for t in range(30):
        parent = approved(article, f"Thread {t}", minutes=t + 1)
        for level in range(6):
            parent = approved(article, f"T{t} L{level}", parent=parent, minutes=t + 1)
            rows.append(parent)
    comment_pin(comment=rows[-1], pinned=True, by=alice)
    client.logout()
    many = _queries(client, article.url)
    later = _queries(client, article.url + "?comments=2")
    newest = _queries(client, article.url + "?order=newest")
    # One more query counts a discussion longer than a page; nothing grows with depth.
    assert many <= one + 1 and later <= one + 1 and newest <= one + 1
    html = client.get(article.url).content.decode()
    assert "T8 L5" in html and "Thread 9" not in html  # "Alone" is the first of ten
