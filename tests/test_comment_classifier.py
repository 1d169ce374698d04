"""The spam classifier learns from moderators' decisions and may only hold a comment."""

from __future__ import annotations

import pytest

from gazette.comments import classifier
from gazette.comments.models import ClassifierToken, Comment
from gazette.comments.moderation import comment_approve, comment_spam
from tests.comment_helpers import post

pytestmark = pytest.mark.django_db


def stored(article, body, email):
    return Comment.objects.create(article=article, name="N", email=email, body=body)


def train(article, n=12):
    for i in range(n):
        comment_spam(
            comment=stored(article, f"cheap pills casino bonus offer {i}", f"s{i}@spam.example")
        )
        comment_approve(
            comment=stored(article, f"the harbour meeting was useful {i}", f"h{i}@mail.example")
        )


def test_moderation_teaches_the_classifier(make_article):
    article = make_article()
    comment = stored(article, "cheap pills here", "a@spam.example")
    comment_spam(comment=comment)
    assert ClassifierToken.objects.get(token="pills").spam == 1
    assert ClassifierToken.objects.get(token=classifier.TOTAL).spam == 1


def test_a_moderator_changing_their_mind_moves_the_counts(make_article):
    article = make_article()
    comment = stored(article, "cheap pills here", "a@spam.example")
    comment_spam(comment=comment)
    comment_approve(comment=comment)
    comment_approve(comment=comment)
    row = ClassifierToken.objects.get(token="pills")
    assert (row.spam, row.ham) == (0, 1)


def test_untrained_classifier_says_nothing(make_article):
    article = make_article()
    assert classifier.score(stored(article, "cheap pills casino", "x@spam.example")) is None


def test_trained_classifier_scores_spam_high_and_news_talk_low(make_article):
    article = make_article()
    train(article)
    assert classifier.score(stored(article, "casino bonus pills", "z@spam.example")) > 0.9
    assert classifier.score(stored(article, "useful harbour meeting", "y@mail.example")) < 0.1


def test_classifier_holds_but_never_rejects(client, make_article):
    article = make_article()
    train(article)
    response = post(client, article, body="Cheap pills, casino bonus offer!", email="q@x.example")
    assert response.status_code == 303  # accepted into the queue, not refused
    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.PENDING
    assert any(r.startswith("classifier:") for r in comment.reasons)
