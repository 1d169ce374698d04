"""A real WordPress API client library, wpapi (npm), against a running Gazette: discovery
from the home page's Link header, the routes of /wp-json/, paging headers, filters, _embed,
and posting a comment. Skipped only where node is not installed; `make test` installs the
library (tests/wpapi/package-lock.json)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from gazette.comments.models import Comment
from gazette.comments.moderation import comment_approve, comment_submit
from gazette.news.markdown_import import _author

CLIENT_DIR = Path(__file__).parent / "wpapi"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
]


def test_wpapi_client_reads_the_site_and_posts_a_comment(live_server, make_article, news, world):
    if not (CLIENT_DIR / "node_modules" / "wpapi").is_dir():
        pytest.fail("wpapi is not installed: run `make test`, or `npm ci --prefix tests/wpapi`")
    other = _author("Tom Reyes")
    now = timezone.now()
    strike = make_article(
        "Harbour workers vote to end strike",
        section=news,
        tags=["labour", "port"],
        date=now - dt.timedelta(days=1),
        body="The strike is over.",
    )
    fire = make_article(
        "Fire at the old mill",
        section=world,
        authors=[other],
        date=now - dt.timedelta(days=3),
        body="Smoke over the valley.",
    )
    draft = make_article("Secret draft", section=news, live=False)
    comment_approve(
        comment=comment_submit(article=strike, name="Ann", email="ann@example.com", body="Hi")
    )
    from taggit.models import Tag

    fixtures = {
        "strike": strike.pk,
        "draft": draft.pk,
        "world": world.pk,
        "labour": Tag.objects.get(slug="labour").pk,
        "fireSlug": fire.slug,
        "between": (now - dt.timedelta(days=2)).isoformat(),
    }
    result = subprocess.run(
        [NODE, str(CLIENT_DIR / "client.js"), live_server.url + "/", json.dumps(fixtures)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=CLIENT_DIR,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    both = ["Harbour workers vote to end strike", "Fire at the old mill"]
    assert seen["titles"] == both
    assert seen["total"] == 2 and seen["totalPages"] == 1
    assert seen["pageTwo"] == ["Fire at the old mill"]
    assert seen["pageTwoPaging"] == {"total": 2, "totalPages": 2}
    assert seen["nextPage"] == ["Fire at the old mill"] and not seen["lastHasNext"]
    assert seen["search"] == ["Harbour workers vote to end strike"]
    assert seen["byCategory"] == ["Fire at the old mill"]
    assert seen["byTag"] == ["Harbour workers vote to end strike"]
    assert seen["bySlug"] == ["Fire at the old mill"]
    assert seen["before"] == ["Fire at the old mill"]
    assert seen["after"] == ["Harbour workers vote to end strike"]
    assert seen["ascending"] == ["Fire at the old mill", "Harbour workers vote to end strike"]
    assert seen["embeddedAuthor"] == "Jane Roe"
    assert seen["embeddedTerms"] == [["news"], ["labour", "port"]]
    assert seen["one"] == "Harbour workers vote to end strike"
    assert seen["withLocale"] == 2
    assert sorted(seen["categories"]) == [["news", 1], ["world", 1]]
    assert seen["tags"] == ["labour", "port"]
    assert seen["users"] == ["Jane Roe", "Tom Reyes"]
    assert seen["media"] == 0 and seen["pages"] == 0
    assert seen["comments"] == ["Ann"]
    assert seen["created"]["status"] == "hold" and not seen["created"]["hasEmail"]
    created = Comment.objects.get(pk=seen["created"]["id"])
    assert created.status == "pending" and created.email == "client@example.com"
    assert seen["draft"] == "rest_post_invalid_id"
    assert seen["beyond"] == "rest_post_invalid_page_number"
