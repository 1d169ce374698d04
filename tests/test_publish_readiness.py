"""An article is ready before readers see it (a byline; alt text, caption and credit on
every image), whichever way it is published: the admin's form, an editor's approval from
the dashboard, a bulk action, the scheduler, `gazette publish`, and the API. The check sits
in ArticlePage.publish (gazette.news.readiness); each path only shows the refusal its way."""

from __future__ import annotations

import datetime as dt
import io
import json
import textwrap

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import PageLogEntry, Revision

from gazette.api.tokens import token_create
from gazette.images.models import GazetteImage
from gazette.news.models import ArticlePage
from gazette.news.readiness import NotReadyToPublish
from gazette.newsroom import scheduler
from gazette.newsroom.roles import user_create
from tests.api_helpers import bearer
from tests.images import png_image
from tests.newsroom_admin import article_form
from tests.test_markdown_publish import make_png

pytestmark = pytest.mark.django_db


def messages_on(client, url: str) -> str:
    """The page the refusal redirected to, with Django's messages in it."""
    return client.get(url).content.decode()


@pytest.fixture
def newsroom(site):
    return {
        "carol": user_create(username="carol", role="contributor", password="pw-long-enough-1"),
        "ed": user_create(username="ed", role="editor", password="pw-long-enough-1"),
    }


@pytest.fixture
def submitted(newsroom, news, author, client):
    """Carol's story with a complete lead image, submitted for review from the admin;
    then someone clears the image's credit under Images before an editor gets to it."""
    image = png_image(1)
    client.force_login(newsroom["carol"])
    response = client.post(
        f"/admin/pages/add/news/articlepage/{news.pk}/",
        article_form(
            title="Harbour seals return",
            slug="seals",
            author_id=author.pk,
            lead_image=image.pk,
            **{"action-submit": "1"},
        ),
    )
    assert response.status_code == 302
    client.logout()
    GazetteImage.objects.filter(pk=image.pk).update(credit="")
    story = ArticlePage.objects.get(slug="seals")
    assert story.workflow_in_progress
    return story


@pytest.mark.parametrize("xhr", [False, True], ids=["button", "modal"])
def test_approving_from_the_dashboard_refuses_an_unready_article_and_says_why(
    submitted, newsroom, client, xhr
):
    client.force_login(newsroom["ed"])
    task_state = submitted.current_workflow_state.current_task_state
    headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if xhr else {}
    response = client.post(
        f"/admin/pages/workflow/action/{submitted.pk}/approve/{task_state.pk}/",
        {"comment": ""},
        **headers,
    )
    edit = f"/admin/pages/{submitted.pk}/edit/"
    if xhr:
        assert json.loads(response.content)["redirect"] == edit
    else:
        assert response.status_code == 302 and response["Location"] == edit
    page = messages_on(client, edit)
    assert "“Harbour seals return” was not published." in page
    assert "The lead image, “Picture 1”, needs a credit before the article can be published" in (
        page
    )
    submitted.refresh_from_db()
    assert not submitted.live
    # The approval was rolled back with the publication: the story still waits for review.
    assert submitted.workflow_in_progress
    task_state.refresh_from_db()
    assert task_state.status == "in_progress"

    # Once the credit is back, the same button publishes it.
    image = submitted.get_latest_revision_as_object().lead_image
    GazetteImage.objects.filter(pk=image.pk).update(credit="Gazette")
    client.post(f"/admin/pages/workflow/action/{submitted.pk}/approve/{task_state.pk}/", {})
    assert ArticlePage.objects.published().filter(pk=submitted.pk).exists()


def test_bulk_publish_in_the_page_list_refuses_an_unready_article(make_article, alice, client):
    story = make_article("Dock strike ends", live=False)
    draft = story.get_latest_revision_as_object()
    draft.lead_image = png_image(2, alt="")
    draft.save_revision()
    client.force_login(alice)
    response = client.post(
        f"/admin/bulk/wagtailcore/page/publish/?id={story.pk}", {"include_descendants": ""}
    )
    assert response.status_code == 302
    assert "needs alt text (the description)" in messages_on(client, response["Location"])
    assert not ArticlePage.objects.get(pk=story.pk).live


def test_the_scheduler_takes_an_article_that_is_no_longer_ready_off_the_schedule(
    make_article, alice, client
):
    story = make_article("Ferry timetable changes", live=False)
    image = png_image(3)
    draft = story.get_latest_revision_as_object()
    draft.lead_image = image
    draft.go_live_at = scheduler.timezone.now() + dt.timedelta(minutes=5)
    draft.save_revision().publish()  # scheduled: it was ready then
    scheduled = Revision.objects.get(object_id=str(story.pk), approved_go_live_at__isnull=False)

    GazetteImage.objects.filter(pk=image.pk).update(description="")
    Revision.objects.filter(pk=scheduled.pk).update(
        approved_go_live_at=scheduler.timezone.now() - dt.timedelta(seconds=1)
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("worker", "--once", stdout=out, stderr=err)
    assert "Published 0, unpublished 0." in out.getvalue()
    assert (
        f"Refused 1 (not ready, taken off the schedule; see each article's history): "
        f"pages {story.pk}." in err.getvalue()
    )
    assert not ArticlePage.objects.get(pk=story.pk).live
    scheduled.refresh_from_db()
    assert scheduled.approved_go_live_at is None  # not tried again on every pass
    assert scheduler.publish_due().refused == []
    # Editors read it in the article's history.
    entry = PageLogEntry.objects.get(page=story, action="gazette.publish.refused")
    assert "needs alt text" in entry.data["problems"][0]
    client.force_login(alice)
    history = client.get(f"/admin/pages/{story.pk}/history/").content.decode()
    assert "Scheduled publication refused" in history


def test_gazette_publish_refuses_a_markdown_file_whose_image_has_no_credit(site, tmp_path):
    make_png(tmp_path / "pier.png")
    path = tmp_path / "pier.md"
    path.write_text(
        textwrap.dedent("""\
            ---
            title: Pier closed
            section: News
            authors: Jane Roe
            image: pier.png
            image_caption: The pier.
            image_alt: A wooden pier
            ---
            Text.
            """),
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"1 of 1 file\(s\) not published"):
        call_command("publish", str(path), stdout=io.StringIO(), stderr=err)
    assert f"{path}: The lead image, “The pier.”, needs a credit" in err.getvalue()
    assert f"{path}: not published (nothing written)" in err.getvalue()
    assert not ArticlePage.objects.exists()
    assert not GazetteImage.objects.exists()

    path.write_text(path.read_text().replace("image_alt:", "image_credit: Gazette\nimage_alt:"))
    out = io.StringIO()
    call_command("publish", str(path), stdout=out, stderr=io.StringIO())
    assert "created, published" in out.getvalue()


def test_a_markdown_file_may_carry_a_source_credit_instead_of_authors(site, client, tmp_path):
    path = tmp_path / "wire.md"
    path.write_text(
        "---\ntitle: Markets fall\nsection: Business\ncredit: Reuters\n---\nShares fell.\n",
        encoding="utf-8",
    )
    call_command("publish", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    article = ArticlePage.objects.get(title="Markets fall")
    assert article.live and article.credit == "Reuters" and not article.authors.exists()
    assert "Reuters" in client.get(article.url).content.decode()


def test_the_api_refuses_to_publish_an_unready_article_with_a_json_error(
    make_article, alice, client
):
    story = make_article("Tram line extended", live=False)
    draft = story.get_latest_revision_as_object()
    draft.lead_image = png_image(4, caption="")
    draft.save_revision()
    token = token_create(user=alice, name="test")[1]
    response = client.post(f"/api/v1/articles/{story.pk}/publish/", **bearer(token))
    assert response.status_code == 422
    body = response.json()
    assert body["error"] and "needs a caption" in body["detail"][0]["message"]
    assert not ArticlePage.objects.get(pk=story.pk).live


def test_publishing_in_code_raises_with_every_problem(make_article):
    story = make_article("No byline", live=False)
    draft = story.get_latest_revision_as_object()
    draft.authors.clear()
    draft.lead_image = png_image(5, alt="", caption="", credit="")
    with pytest.raises(NotReadyToPublish) as refused:
        draft.save_revision().publish()
    assert [p.split(",")[0] for p in refused.value.problems] == [
        "Give the article a byline before publishing: at least one author",
        "The lead image",
    ]
    assert "alt text (the description), a caption and a credit" in refused.value.problems[1]
