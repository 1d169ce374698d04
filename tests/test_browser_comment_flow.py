"""A reader comments and a moderator approves it, in a real browser (Debian's Chromium)."""

from __future__ import annotations

import os

import pytest

from gazette.comments.models import Comment
from tests.browser import chromium_available, launch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

if not chromium_available():  # make test installs it; a bare pytest run may not have it
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture
def browser():
    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


def axe_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]
    ]


def test_reader_comments_moderator_approves_and_page_shows_it(
    live_server, browser, make_article, alice
):
    article = make_article("What did Putin say to Biden?")
    url = live_server.url + article.url

    reader = browser.new_page(viewport={"width": 390, "height": 844})
    reader.goto(url)
    expect(reader.get_by_role("heading", name="What did Putin say to Biden?")).to_be_visible()
    expect(reader.get_by_role("heading", name="No comments")).to_be_visible()
    assert axe_violations(reader) == []

    # Sending the form empty: messages per field, nothing saved.
    reader.get_by_role("button", name="Post Comment").click()
    expect(reader.get_by_role("alert")).to_contain_text("Your comment was not posted")
    expect(reader.locator("#error_email")).to_contain_text("email")
    assert Comment.objects.count() == 0
    assert axe_violations(reader) == []

    reader.get_by_role("textbox", name="Comment").fill(
        "The quotes in the third paragraph say it all."
    )
    reader.get_by_role("textbox", name="Name").fill("Ann Reader")
    reader.get_by_role("textbox", name="Email").fill("ann@example.org")
    reader.get_by_role("button", name="Post Comment").click()
    expect(reader.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    expect(reader.get_by_role("heading", name="No comments")).to_be_visible()
    assert "ann@example.org" not in reader.content()

    # Another reader does not see the pending comment.
    other = browser.new_page()
    other.goto(url)
    expect(other.get_by_text("The quotes in the third paragraph")).to_have_count(0)

    moderator = browser.new_page(viewport={"width": 1280, "height": 900})
    moderator.goto(live_server.url + "/admin/login/")
    moderator.get_by_label("Username").fill("alice")
    moderator.get_by_label("Password").fill("alice-password-1")
    moderator.get_by_role("button", name="Sign in").click()
    expect(moderator.get_by_text("Comments (1)")).to_be_visible()
    moderator.goto(live_server.url + "/admin/comments/")
    row = moderator.locator("tr", has_text="The quotes in the third paragraph")
    row.get_by_role("button", name="Approve").click()
    expect(moderator.get_by_text("1 comment approved.")).to_be_visible()

    other.reload()
    expect(other.get_by_role("heading", name="1 comment")).to_be_visible()
    expect(other.get_by_text("The quotes in the third paragraph say it all.")).to_be_visible()
    expect(other.get_by_text("Ann Reader")).to_be_visible()
    assert "ann@example.org" not in other.content()
