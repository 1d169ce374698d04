"""The public "Leave a comment" form: what a reader sends, sees and is told, and what is
stored (or, on bad input, not stored)."""

from __future__ import annotations

import html as html_lib
import re
import time
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client

from gazette.comments.models import Comment
from gazette.comments.moderation import comment_approve, comment_spam
from gazette.comments.views import moderation_token

pytestmark = pytest.mark.django_db

AWAITING = "Your comment is awaiting moderation"
GOOD = {
    "body": "The pier was rebuilt once before, in 1952.",
    "name": "Ann Reader",
    "email": "ann.reader@example.org",
    "website": "https://ann.example.org/",
}


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


class _FormValues(HTMLParser):
    """The values the comment form shows in its inputs and textarea, by field name."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.attrs: dict[str, dict[str, str]] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        name = attrs.get("name")
        if tag == "input" and name:
            self.values[name] = attrs.get("value", "")
            self.attrs[name] = attrs
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
            self.attrs[name] = attrs

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_fields(html: str) -> _FormValues:
    parser = _FormValues()
    parser.feed(html)
    return parser


def post_comment(client, article, **changes):
    return client.post(article.url, {**GOOD, **changes})


def moderation_link(response) -> tuple[str, str, str]:
    """(path, token, fragment) of the redirect after posting a comment."""
    parts = urlsplit(response["Location"])
    return parts.path, parse_qs(parts.query)["moderation"][0], parts.fragment


# Posting a valid comment ------------------------------------------------------------------


def test_valid_comment_redirects_to_the_article_with_a_link_to_the_new_comment(
    client, make_article
):
    article = make_article()
    response = post_comment(client, article)

    assert response.status_code == 303
    comment = Comment.objects.get()
    path, token, fragment = moderation_link(response)
    assert path == article.url
    assert token
    assert fragment == f"comment-{comment.pk}"


def test_valid_comment_is_stored_pending_with_the_readers_values(client, make_article):
    article = make_article()
    post_comment(client, article)

    comment = Comment.objects.get()
    assert comment.article_id == article.pk
    assert comment.status == Comment.Status.PENDING
    assert (comment.name, comment.email, comment.website, comment.body) == (
        GOOD["name"],
        GOOD["email"],
        GOOD["website"],
        GOOD["body"],
    )
    assert comment.moderated_at is None
    assert comment.moderated_by is None


def test_stored_comment_keeps_only_the_network_of_an_ipv4_address(client, make_article):
    article = make_article()
    client.post(article.url, GOOD, REMOTE_ADDR="203.0.113.77")
    assert Comment.objects.get().ip_network == "203.0.113.0/24"


def test_stored_comment_keeps_only_the_network_of_the_test_clients_address(client, make_article):
    article = make_article()
    post_comment(client, article)
    assert Comment.objects.get().ip_network == "127.0.0.0/24"


def test_stored_comment_keeps_only_a_48_bit_network_of_an_ipv6_address(client, make_article):
    article = make_article()
    client.post(article.url, GOOD, REMOTE_ADDR="2001:db8:1234:5678:9abc:def0:1234:5678")
    assert Comment.objects.get().ip_network == "2001:db8:1234::/48"


def test_website_is_optional(client, make_article):
    article = make_article()
    response = post_comment(client, article, website="")
    assert response.status_code == 303
    assert Comment.objects.get().website == ""


def test_following_the_redirect_shows_the_reader_their_comment_awaiting_moderation(
    client, make_article
):
    article = make_article()
    response = post_comment(client, article)
    page = client.get(response["Location"])

    assert page.status_code == 200
    html = page.content.decode()
    comment = Comment.objects.get()
    assert f'id="comment-{comment.pk}"' in html
    text = visible_text(html)
    assert AWAITING in text
    assert GOOD["body"] in text
    assert GOOD["name"] in text


def test_pending_comment_is_not_counted_even_for_its_author(client, make_article):
    article = make_article()
    response = post_comment(client, article)
    text = visible_text(client.get(response["Location"]).content.decode())
    assert "No comments" in text
    assert "1 comment" not in text


def test_another_reader_without_the_link_does_not_see_the_pending_comment(client, make_article):
    article = make_article()
    post_comment(client, article)

    for reader in (client, Client()):
        html = reader.get(article.url).content.decode()
        assert GOOD["body"] not in html
        assert AWAITING not in html
        assert "No comments" in visible_text(html)


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), id="altered-signature"),
        pytest.param(lambda t: "x" + t, id="altered-payload"),
        pytest.param(lambda t: t.rsplit(":", 1)[0], id="signature-removed"),
        pytest.param(lambda t: "not-a-token", id="garbage"),
    ],
)
def test_tampered_moderation_link_shows_nothing(client, make_article, tamper):
    article = make_article()
    response = post_comment(client, article)
    _, token, _ = moderation_link(response)

    page = client.get(article.url, {"moderation": tamper(token)})
    assert page.status_code == 200
    html = page.content.decode()
    assert GOOD["body"] not in html
    assert AWAITING not in html


def test_moderation_token_forged_for_another_comment_id_shows_nothing(client, make_article):
    article = make_article()
    post_comment(client, article, body="First comment, mine.")
    post_comment(client, article, body="Second comment, someone else's.")
    first, second = Comment.objects.order_by("pk")
    forged = signing.dumps(second.pk, salt="some.other.salt", compress=True)

    html = client.get(article.url, {"moderation": forged}).content.decode()
    assert second.body not in html
    assert first.body not in html


def test_moderation_link_for_one_article_shows_nothing_on_another(client, make_article):
    article, other = make_article(), make_article()
    _, token, _ = moderation_link(post_comment(client, article))

    html = client.get(other.url, {"moderation": token}).content.decode()
    assert GOOD["body"] not in html
    assert AWAITING not in html


def test_moderation_link_stops_working_after_a_day(client, make_article, monkeypatch):
    article = make_article()
    post_comment(client, article)
    comment = Comment.objects.get()
    real_time = time.time
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: real_time() - 25 * 3600)
        stale = moderation_token(comment)
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: real_time() - 23 * 3600)
        recent = moderation_token(comment)

    assert AWAITING not in client.get(article.url, {"moderation": stale}).content.decode()
    assert AWAITING in client.get(article.url, {"moderation": recent}).content.decode()


def test_moderation_link_no_longer_shows_a_comment_marked_as_spam(client, make_article):
    article = make_article()
    response = post_comment(client, article)
    comment_spam(comment=Comment.objects.get())

    html = client.get(response["Location"]).content.decode()
    assert GOOD["body"] not in html
    assert AWAITING not in html


def test_moderation_link_after_approval_shows_the_comment_once_without_the_note(
    client, make_article
):
    article = make_article()
    response = post_comment(client, article)
    comment = Comment.objects.get()
    comment_approve(comment=comment)

    html = client.get(response["Location"]).content.decode()
    assert html.count(f'id="comment-{comment.pk}"') == 1
    assert AWAITING not in html
    assert "1 comment" in visible_text(html)


# Bad input --------------------------------------------------------------------------------

NAME_ERROR = "Please use only letters, numbers and punctuation."
WEBSITE_ERROR = "Please enter a web address starting with http:// or https://."
TOO_LONG = (
    f"Your comment is too long: please keep it under "
    f"{settings.GAZETTE_COMMENT_MAX_LENGTH:,} characters."
)

BAD_INPUT = [
    pytest.param("body", "", "Please type your comment.", id="missing-comment"),
    pytest.param("body", "   \n\t ", "Please type your comment.", id="blank-comment"),
    pytest.param("name", "", "Please enter your name.", id="missing-name"),
    pytest.param(
        "email",
        "",
        "Please enter your email address. It will not be published.",
        id="missing-email",
    ),
    pytest.param(
        "email",
        "ann.reader@",
        "Please enter a valid email address, like name@example.com.",
        id="invalid-email",
    ),
    pytest.param(
        "email",
        "ann reader at example.org",
        "Please enter a valid email address, like name@example.com.",
        id="email-without-at",
    ),
    pytest.param(
        "website", "javascript:alert(document.cookie)", WEBSITE_ERROR, id="javascript-url"
    ),
    pytest.param("website", "JavaScript:alert(1)", WEBSITE_ERROR, id="javascript-url-mixed-case"),
    pytest.param(
        "website",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        WEBSITE_ERROR,
        id="data-url",
    ),
    pytest.param("website", "ftp://files.example.org/", WEBSITE_ERROR, id="ftp-url"),
    pytest.param("body", "x" * 100_000, TOO_LONG, id="100kb-comment"),
    pytest.param(
        "body",
        "a" * (settings.GAZETTE_COMMENT_MAX_LENGTH + 1),
        TOO_LONG,
        id="one-over-limit",
    ),
    pytest.param("body", "Nice\x00 piece", "Null characters are not allowed.", id="nul-in-comment"),
    pytest.param("name", "Ann\x00Reader", "Null characters are not allowed.", id="nul-in-name"),
    pytest.param("name", "Eve\r\nBcc: victim@example.com", NAME_ERROR, id="crlf-header-injection"),
    pytest.param("name", "Eve\nBcc: victim@example.com", NAME_ERROR, id="lf-in-name"),
    pytest.param("name", "Eve\rBcc: victim@example.com", NAME_ERROR, id="cr-in-name"),
    pytest.param("name", "Eve\x85Bcc: victim@example.com", NAME_ERROR, id="next-line-in-name"),
    pytest.param(
        "name", "Eve\u2028Bcc: victim@example.com", NAME_ERROR, id="line-separator-in-name"
    ),
    pytest.param("name", "Eve\x1b[31m", NAME_ERROR, id="escape-in-name"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_bad_input_shows_one_message_for_the_field_and_saves_nothing(
    client, make_article, field, value, message
):
    article = make_article()
    response = post_comment(client, article, **{field: value})

    assert response.status_code == 400
    assert Comment.objects.count() == 0
    html = response.content.decode()
    text = visible_text(html)
    assert "Your comment was not posted." in text
    label = {"body": "Comment", "name": "Name", "email": "Email", "website": "Website"}[field]
    # Once in the summary at the top (naming the field), once next to the field.
    assert text.count(f"{label}: {message}") == 1
    assert html.count(f'<span class="field-error" id="error_{field}">') == 1
    errors = re.findall(rf'<span class="field-error" id="error_{field}">(.*?)</span>', html)
    assert [html_lib.unescape(e) for e in errors] == [message]
    # No other field is flagged.
    assert len(re.findall(r'class="field-error"', html)) == 1
    fields = form_fields(html)
    assert fields.attrs[field].get("aria-invalid") == "true"
    assert f"error_{field}" in fields.attrs[field].get("aria-describedby", "")


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_bad_input_page_keeps_the_other_values_the_reader_entered(
    client, make_article, field, value, message
):
    article = make_article()
    response = post_comment(client, article, **{field: value})

    values = form_fields(response.content.decode()).values
    for other in ("body", "name", "email", "website"):
        if other != field:
            assert values[other].strip() == GOOD[other], other


def test_missing_name_shows_message_and_keeps_values(client, make_article):
    article = make_article()
    response = post_comment(client, article, name="")

    assert response.status_code == 400
    text = visible_text(response.content.decode())
    assert "Please enter your name." in text
    values = form_fields(response.content.decode()).values
    assert values["body"].strip() == GOOD["body"]
    assert values["email"] == GOOD["email"]
    assert values["website"] == GOOD["website"]
    assert not Comment.objects.exists()


def test_invalid_website_is_kept_as_typed_so_the_reader_can_correct_it(client, make_article):
    article = make_article()
    response = post_comment(client, article, website="javascript:alert(1)")
    html = response.content.decode()
    assert form_fields(html).values["website"] == "javascript:alert(1)"
    # Shown as a value, never as a link.
    assert 'href="javascript:' not in html


def test_several_missing_fields_each_get_their_own_message(client, make_article):
    article = make_article()
    response = client.post(article.url, {"body": "", "name": "", "email": "", "website": ""})

    assert response.status_code == 400
    text = visible_text(response.content.decode())
    assert "Comment: Please type your comment." in text
    assert "Name: Please enter your name." in text
    assert "Email: Please enter your email address. It will not be published." in text
    assert "Website:" not in text
    assert not Comment.objects.exists()


def test_bad_input_page_is_the_article_with_its_comment_form(client, make_article):
    article = make_article("Harbour pier to be rebuilt")
    response = post_comment(client, article, email="nope")
    text = visible_text(response.content.decode())
    assert "Harbour pier to be rebuilt" in text
    assert "Leave a comment" in text
    assert "Post Comment" in text


def test_comment_at_the_length_limit_is_accepted(client, make_article):
    article = make_article()
    body = "y" * settings.GAZETTE_COMMENT_MAX_LENGTH
    response = post_comment(client, article, body=body)
    assert response.status_code == 303
    assert Comment.objects.get().body == body


def test_comment_box_tells_the_browser_the_length_limit(client, make_article):
    article = make_article()
    fields = form_fields(client.get(article.url).content.decode())
    assert fields.attrs["body"]["maxlength"] == str(settings.GAZETTE_COMMENT_MAX_LENGTH)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
    ],
    ids=["cross-site", "same-site", "foreign-origin", "null-origin"],
)
def test_cross_site_post_shows_a_readable_page_and_saves_nothing(make_article, headers):
    """A form on another site that posts to ours (CSRF) is refused by the headers every
    browser sends; the page carries no per-visitor token so that it can be cached."""
    article = make_article()
    response = Client(enforce_csrf_checks=True, headers=headers).post(article.url, GOOD)

    assert response.status_code == 403
    text = visible_text(response.content.decode())
    assert "Your form could not be sent" in text
    assert "Nothing was saved." in text
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Origin": "http://testserver"},
        {},
    ],
    ids=["same-origin", "own-origin", "no-browser-headers"],
)
def test_same_origin_post_is_accepted_without_a_token(make_article, headers):
    article = make_article()
    browser = Client(enforce_csrf_checks=True, headers=headers)
    html = browser.get(article.url).content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert not browser.cookies, "an article page must not set a cookie (it is cached)"

    response = browser.post(article.url, GOOD)
    assert response.status_code == 303
    assert Comment.objects.count() == 1


# Comments closed --------------------------------------------------------------------------


def test_closed_comments_refuse_a_post_and_say_comments_are_closed(client, make_article):
    article = make_article(comments_open=False)
    response = post_comment(client, article)

    assert response.status_code == 403
    assert "Comments are closed." in visible_text(response.content.decode())
    assert not Comment.objects.exists()


def test_closed_comments_show_no_form(client, make_article):
    article = make_article(comments_open=False)
    html = client.get(article.url).content.decode()
    assert "Comments are closed." in visible_text(html)
    assert "Leave a comment" not in html
    assert 'name="body"' not in html


def test_open_comments_show_the_form_and_not_the_closed_notice(client, make_article):
    article = make_article()
    html = client.get(article.url).content.decode()
    assert "Leave a comment" in visible_text(html)
    assert "Comments are closed." not in html


# What is shown, and how safely ------------------------------------------------------------


def approved(article, **fields) -> Comment:
    values = {"name": "Ann Reader", "email": "ann@example.org", "body": "Hello."} | fields
    return comment_approve(comment=Comment.objects.create(article=article, **values))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags_in(html: str) -> list[tuple[str, dict[str, str]]]:
    """The real tags (not escaped text) in a piece of HTML, with their attributes."""
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def comment_html(html: str, comment: Comment) -> str:
    match = re.search(rf'<li class="comment[^"]*" id="comment-{comment.pk}">(.*?)</li>', html, re.S)
    assert match, f"comment {comment.pk} not on the page"
    return match.group(1)


def test_html_in_name_and_body_is_shown_as_text_not_run(client, make_article):
    article = make_article()
    name = '"><script>alert("name")</script><img src=x onerror=alert(1)>'
    body = (
        "<script>alert('body')</script> <img src=x onerror=\"alert(2)\"> "
        "<a href=\"javascript:alert(3)\" onclick='alert(4)'>click</a> \"quoted\" & 'single'"
    )
    comment = approved(article, name=name, body=body)

    html = client.get(article.url).content.decode()
    part = comment_html(html, comment)
    # No tag or attribute from the reader survives as markup.
    tags = tags_in(part)
    assert {tag for tag, _ in tags} <= {"article", "p", "span", "a", "time", "div"}
    assert not [name for _, attrs in tags for name in attrs if name.startswith("on")]
    assert not [v for _, attrs in tags for v in attrs.values() if "javascript:" in v.lower()]
    assert "&lt;script&gt;" in part
    assert "&lt;img" in part
    # The reader still sees exactly what was typed.
    text = visible_text(part)
    assert name in text
    assert "<script>alert('body')</script>" in text
    assert "\"quoted\" & 'single'" in text
    # The name in the aria-label attribute cannot close the attribute.
    assert 'aria-label="Comment by &quot;&gt;&lt;script&gt;' in part


def test_page_as_a_whole_carries_no_script_from_a_comment(client, make_article):
    article = make_article()
    approved(article, name="<script>alert(1)</script>", body="<script>alert(2)</script>")
    html = client.get(article.url).content.decode()
    assert "<script>alert(" not in html


def test_url_in_a_comment_becomes_a_nofollow_ugc_link(client, make_article):
    article = make_article()
    comment = approved(article, body="The council report: https://council.example.gov/pier-report")
    part = comment_html(client.get(article.url).content.decode(), comment)

    links = re.findall(r"<a ([^>]*)>([^<]*)</a>", part)
    body_links = [(attrs, text) for attrs, text in links if "council.example.gov" in attrs]
    assert len(body_links) == 1
    attrs, text = body_links[0]
    assert 'href="https://council.example.gov/pier-report"' in attrs
    rel = re.search(r'rel="([^"]*)"', attrs).group(1).split()
    assert {"nofollow", "ugc"} <= set(rel)
    assert text == "https://council.example.gov/pier-report"


def test_javascript_url_in_a_comment_is_not_made_a_link(client, make_article):
    article = make_article()
    comment = approved(article, body="Try javascript:alert(1) or data:text/html,hi")
    part = comment_html(client.get(article.url).content.decode(), comment)
    assert 'href="javascript:' not in part
    assert 'href="data:' not in part
    assert "javascript:alert(1)" in visible_text(part)


def test_commenter_name_links_to_their_website_with_nofollow_ugc(client, make_article):
    article = make_article()
    comment = approved(article, name="Ann Reader", website="https://ann.example.org/")
    part = comment_html(client.get(article.url).content.decode(), comment)

    match = re.search(r'<a href="https://ann\.example\.org/" rel="([^"]*)">Ann Reader</a>', part)
    assert match, part
    assert {"nofollow", "ugc"} <= set(match.group(1).split())


def test_commenter_name_without_website_is_not_a_link(client, make_article):
    article = make_article()
    comment = approved(article, name="Ann Reader", website="")
    part = comment_html(client.get(article.url).content.decode(), comment)
    assert "Ann Reader" in part
    assert not re.search(r"<a [^>]*>Ann Reader</a>", part)


def test_paragraphs_of_a_comment_are_kept(client, make_article):
    article = make_article()
    comment = approved(article, body="First thought.\n\nSecond thought.")
    part = comment_html(client.get(article.url).content.decode(), comment)
    assert "<p>First thought.</p>" in part
    assert "<p>Second thought.</p>" in part


# The email address stays private ----------------------------------------------------------

SECRET_EMAIL = "zq-private-7731@example.net"


def test_commenter_email_never_appears_in_any_public_page(client, make_article, news, author):
    article = make_article("Pier reopens", tags=["harbour"])
    approved(article, name="Visible Commenter", email=SECRET_EMAIL, body="Approved words.")
    response = post_comment(client, article, email=SECRET_EMAIL, body="Pending words.")
    pending_view = response["Location"]

    pages = {
        "article": article.url,
        "pending view with token": pending_view,
        "home": "/",
        "section": news.url,
        "tag": "/tags/harbour/",
        "author": author.url,
    }
    for label, url in pages.items():
        response = Client().get(url)
        assert response.status_code == 200, label
        html = response.content.decode()
        assert SECRET_EMAIL not in html, label
        assert "zq-private-7731" not in html, label
        assert "zq-private-7731" not in html_lib.unescape(html), label

    # The pages checked do show the comments, so the check above is a real one.
    article_html = Client().get(article.url).content.decode()
    assert "Visible Commenter" in article_html
    pending_html = Client().get(pending_view).content.decode()
    assert "Pending words." in pending_html
    assert "Pier reopens" in Client().get("/tags/harbour/").content.decode()
