"""Shared by the API tests: tokens for each role, and the allowlists every response is
checked against (no email address or password hash may ever leave the API)."""

from __future__ import annotations

import json
from typing import Any

IMAGE = {"id", "url", "width", "height", "alt", "caption", "credit"}
SECTION = {"id", "name", "slug", "url"}
CREDIT = {"id", "name", "slug", "role"}
TAG = {"name", "slug", "url"}
AUTHOR = {"id", "name", "slug", "job_title", "bio_html", "url", "photo"}
ARTICLE = {
    "id", "title", "slug", "url", "date", "updated", "standfirst", "section", "authors",
    "tags", "lead_image", "comments_open",
}  # fmt: skip
ARTICLE_DETAIL = ARTICLE | {"body_html", "body", "status", "draft_changes"}
COMMENT = {"id", "article", "parent", "name", "website", "body", "body_html", "date", "url"}
PAGE = {"count", "page", "per_page", "pages", "next", "previous", "results"}
BLOCK = {"type", "value"}
ERROR = {"error", "detail"}
# Keys inside blocks' values, and of error details.
OTHER = {"quote", "attribution", "image", "caption", "field", "message", "status"}
ALLOWED_V1 = IMAGE | SECTION | CREDIT | TAG | AUTHOR | ARTICLE_DETAIL | COMMENT | PAGE | BLOCK
ALLOWED_V1 |= ERROR | OTHER

SECRETS = ("@example.com", "@example.org", "md5$", "pbkdf2", "argon2", "password")


def keys_everywhere(data: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            found.add(key)
            found |= keys_everywhere(value)
    elif isinstance(data, list):
        for value in data:
            found |= keys_everywhere(value)
    return found


def assert_public(response: Any, allowed: set[str] = ALLOWED_V1) -> Any:
    """The response's JSON holds only allowlisted keys and no address or password hash."""
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text.lower(), secret
    data = json.loads(text)
    unexpected = keys_everywhere(data) - allowed
    assert not unexpected, unexpected
    return data


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
