"""An article's URL stays good once published: later slug changes and moves redirect."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_old_url_redirects_after_the_slug_changes(
    client, make_article, django_capture_on_commit_callbacks
):
    article = make_article("Council votes on the bridge")
    old_url = article.url
    revision = article.get_latest_revision_as_object()
    revision.slug = "council-approves-bridge-repairs"
    # Wagtail creates the redirect once the publishing transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        revision.save_revision().publish()
    article.refresh_from_db()
    assert article.url != old_url

    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].endswith(article.url)
    assert client.get(article.url).status_code == 200


def test_old_url_redirects_after_a_move_to_another_section(client, make_article, world):
    article = make_article("Treaty signed")
    old_url = article.url
    article.move(world, pos="last-child")
    article.refresh_from_db()
    assert article.url.startswith("/world/")

    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].endswith(article.url)
