"""Bad input and attacks through the comment form: each gets a clear answer, no 500, and
nothing legitimate is lost. And the Markdown subset comes out safe."""

from __future__ import annotations

import pytest

from gazette.comments.checks import CommentRefused
from gazette.comments.markup import render
from gazette.comments.models import Comment
from gazette.comments.moderation import comment_approve, comment_submit
from tests.comment_helpers import post

pytestmark = pytest.mark.django_db

XSS = '"><script>alert(1)</script><img src=x onerror="alert(2)">'


def test_stored_xss_in_name_website_and_body_is_shown_as_text(client, make_article):
    article = make_article()
    post(client, article, name=f"Eve {XSS}"[:100], body=f"Hello {XSS} [x](javascript:alert(3))")
    comment_approve(comment=Comment.objects.get())
    html = client.get(article.url).content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html  # the tag is text, so its onerror is never an attribute
    assert "&lt;img src=x onerror=" in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        'https://x" onmouseover="a',
    ],
)
def test_dangerous_websites_are_refused_with_a_message(client, make_article, website):
    response = post(client, make_article(), website=website)
    assert response.status_code == 400
    assert "web address" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "Eve\r\nBcc: victim@example.org"},
        {"email": "eve@example.org\r\nBcc: victim@example.org"},
        {"body": "Null \x00 byte"},
        {"name": "Null\x00Name"},
        {"body": "x" * 100_000},
    ],
    ids=["name-header", "email-header", "nul-body", "nul-name", "100kb-body"],
)
def test_bad_input_gets_400_and_saves_nothing(client, make_article, changes):
    response = post(client, make_article(), **changes)
    assert response.status_code == 400
    assert "Your comment was not posted" in response.content.decode()
    assert not Comment.objects.exists()


def test_invalid_utf8_is_no_500(client, make_article):
    article = make_article()
    body = b"body=caf\xe9+\xff\xfe&name=Ann&email=ann%40example.org"
    response = client.post(article.url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (303, 400)


def test_api_callers_get_the_same_refusals(make_article):
    article = make_article()
    with pytest.raises(CommentRefused) as refused:
        comment_submit(article=article, name="A", email="a@example.org", body="x" * 100_000)
    assert refused.value.status == 400 and refused.value.field == "body"
    with pytest.raises(CommentRefused) as refused:
        comment_submit(
            article=article, name="A", email="a@example.org", body="ok", website="javascript:x"
        )
    assert refused.value.field == "website"
    article.comments_open = False
    with pytest.raises(CommentRefused) as refused:
        comment_submit(article=article, name="A", email="a@example.org", body="ok")
    assert refused.value.status == 403
    assert not Comment.objects.exists()


def test_api_comment_goes_through_the_checks(make_article):
    comment = comment_submit(
        article=make_article(), name="A", email="A@Example.org", body="Hi", ip="203.0.113.5"
    )
    assert comment.status == Comment.Status.PENDING
    assert comment.reasons == ["first-time"]
    assert comment.email == "a@example.org"
    assert comment.ip_network == "203.0.113.0/24"


# The Markdown subset -----------------------------------------------------------------


def test_markdown_subset_renders_emphasis_links_quotes_and_lists():
    html = render("*soft* **loud** [docs](https://ex.example/)\n\n> quoted\n\n- one\n- two")
    assert "<em>soft</em>" in html and "<strong>loud</strong>" in html
    assert '<a href="https://ex.example/" rel="nofollow ugc">docs</a>' in html
    assert "<blockquote>" in html and "<li>one</li>" in html


def test_markdown_keeps_raw_html_headings_and_images_as_text():
    html = render("# Title\n\n<b onclick=x>hi</b> ![i](https://ex.example/i.png)")
    assert "<h1" not in html and "<b" not in html and "<img" not in html
    assert "&lt;b onclick=x&gt;" in html


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x"]
)
def test_markdown_links_to_other_schemes_lose_their_href(link):
    html = render(f"[click]({link})")
    assert "href" not in html


def test_bare_urls_become_nofollow_ugc_links_and_quotes_are_escaped():
    html = render('See https://ex.example/a?b=1&c="2" now.')
    assert 'rel="nofollow ugc"' in html
    assert '"2"' not in html.split(">", 1)[0]
