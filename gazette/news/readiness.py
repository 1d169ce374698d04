"""What an article needs before readers may see it, checked on every way of publishing.

The admin's article form (news/forms.py) shows these problems next to the fields while an
editor works. That alone is not enough: an article is also published by an editor approving
a contributor's draft from the dashboard, by the scheduler at the chosen minute, by
`gazette publish` from Markdown, by the API and by Wagtail's bulk actions. All of those end
in ``Page.publish(revision)``, so ``ArticlePage.publish`` asks ``refuse_unready`` there, once,
and every path refuses the same way. Each path only chooses how to show the refusal: the
admin a message (newsroom/middleware.py), the API a 422, the CLI a line on stderr, the
scheduler a log entry and an unscheduled revision.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from gazette.images.validation import article_image_problems

_waived = contextvars.ContextVar[str]("gazette_readiness_waived", default="")


BYLINE_MISSING = (
    "Give the article a byline before publishing: at least one author, or a source credit "
    "such as “Reuters”."
)


class NotReadyToPublish(Exception):
    """Publishing was refused; ``problems`` says, one sentence each, what to fix."""

    def __init__(self, page_id: int, title: str, problems: list[str]) -> None:
        self.page_id = page_id
        self.title = title
        self.problems = problems
        super().__init__(f"“{title}” was not published: " + " ".join(problems))


def byline_problems(article: Any) -> list[str]:
    if getattr(article, "credit", "") or any(credit.author_id for credit in article.authors.all()):
        return []
    return [BYLINE_MISSING]


def publication_problems(article: Any) -> list[str]:
    """Everything the article (a revision's content) lacks before it can be published."""
    return byline_problems(article) + article_image_problems(article.lead_image, article.body)


def refuse_unready(revision: Any) -> None:
    """Raise NotReadyToPublish if the revision's article is not ready, unless waived."""
    if _waived.get():
        return
    article = revision.as_object()
    problems = publication_problems(article)
    if problems:
        raise NotReadyToPublish(article.pk, article.title, problems)


@contextlib.contextmanager
def waived(reason: str) -> Iterator[None]:
    """Publish without the checks, for content that readers have already seen elsewhere:
    a WordPress archive carries no image credits, and refusing it would leave the archive
    behind. ``reason`` names the caller, for whoever reads this in a traceback."""
    token = _waived.set(reason)
    try:
        yield
    finally:
        _waived.reset(token)
