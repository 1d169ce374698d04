"""The reference article page: every element a reader sees, in order, working for real."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gazette.comments.models import Comment

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_article_page_shows_every_element_of_the_reference_page_in_order(client, make_article):
    now = timezone.now()
    older = make_article(
        "Teacher of an Islamic school in Indonesia sentenced to life in prison "
        "for raping 13 students",
        date=now - dt.timedelta(days=1),
    )
    article = make_article(
        "What did Putin say to Biden?",
        date=now - dt.timedelta(hours=1),
        body="“We spoke frankly,” the spokesman told reporters.",
    )
    Comment.objects.create(
        article=article,
        name="Ann Reader",
        email="ann@example.org",
        body="A thoughtful piece.",
        status="approved",
    )
    response = client.get(article.url)
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    expected = [
        "What did Putin say to Biden?",
        "“We spoke frankly,” the spokesman told reporters.",
        older.title,
        f"Published {article.date.strftime('%B')} {article.date.day}, {article.date.year}",
        "Categorized as News",
        "1 comment",
        "Ann Reader",
        "A thoughtful piece.",
        "Leave a comment",
        # The note stands above the fields, as on WordPress.
        "Your email address will not be published. Required fields are marked *",
        "Comment *",
        "Name *",
        "Email *",
        "Website",
        "Post Comment",
    ]
    positions = [text.find(item) for item in expected]
    assert all(p >= 0 for p in positions), dict(zip(expected, positions, strict=True))
    assert positions == sorted(positions)
    assert "ann@example.org" not in response.content.decode()


def test_section_link_goes_to_the_section_page(client, make_article, news):
    article = make_article()
    html = client.get(article.url).content.decode()
    assert re.search(r'Categorized as <a href="/news/">News</a>', html)
    assert client.get("/news/").status_code == 200


def test_previous_and_next_link_to_adjacent_published_articles_by_date(client, make_article, world):
    now = timezone.now()
    first = make_article("First", date=now - dt.timedelta(days=3))
    make_article("Unpublished draft", date=now - dt.timedelta(days=2), live=False)
    middle = make_article("Middle", date=now - dt.timedelta(days=1), section=world)
    last = make_article("Last", date=now - dt.timedelta(hours=2))
    make_article("Dated in the future", date=now + dt.timedelta(days=1))

    html = client.get(middle.url).content.decode()
    assert f'rel="prev" href="{first.url}"' in html
    assert f'rel="next" href="{last.url}"' in html
    assert "Unpublished draft" not in html

    first_html = client.get(first.url).content.decode()
    assert 'rel="prev"' not in first_html
    last_html = client.get(last.url).content.decode()
    assert 'rel="next"' not in last_html
    assert "Dated in the future" not in last_html


@pytest.mark.parametrize(
    ("approved", "pending", "heading"),
    [(0, 1, "No comments"), (1, 0, "1 comment"), (2, 3, "2 comments")],
)
def test_comment_count_counts_approved_comments_only(
    client, make_article, approved, pending, heading
):
    article = make_article()
    for i in range(approved):
        Comment.objects.create(
            article=article, name=f"R{i}", email="r@example.org", body="ok", status="approved"
        )
    for i in range(pending):
        Comment.objects.create(
            article=article,
            name=f"P{i}",
            email="p@example.org",
            body="secret pending text",
            status="pending",
        )
    Comment.objects.create(
        article=article, name="S", email="s@example.org", body="buy pills", status="spam"
    )
    html = client.get(article.url).content.decode()
    assert f'<h2 id="comments-title">{heading}</h2>' in html
    assert "secret pending text" not in html
    assert "buy pills" not in html


def test_closed_comments_show_a_notice_and_no_form(client, make_article):
    article = make_article(comments_open=False)
    html = client.get(article.url).content.decode()
    assert "Comments are closed." in html
    assert "Leave a comment" not in html


def test_article_page_query_count_stays_flat_as_comments_grow(client, make_article):
    article = make_article()
    client.get(article.url)  # warm Wagtail's site and rendition caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(article.url).status_code == 200
        return len(ctx)

    def add(n: int) -> None:
        Comment.objects.bulk_create(
            Comment(
                article=article, name=f"n{i}", email="a@example.org", body="x", status="approved"
            )
            for i in range(n)
        )

    add(1)
    one = queries()
    add(40)
    forty = queries()
    assert forty == one
    # Past a page of comments, one more query counts them; then it stays flat.
    add(60)
    hundred = queries()
    add(900)
    thousand = queries()
    assert hundred == thousand <= one + 1
    assert thousand <= 12


def test_draft_article_is_not_public(client, make_article):
    article = make_article("Secret draft", live=False)
    response = client.get(f"/news/{article.slug}/")
    assert response.status_code == 404
    assert b"Secret draft" not in response.content
    assert b"Secret draft" not in client.get("/").content
