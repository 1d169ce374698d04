"""The review workflow: a contributor submits, an editor approves (or asks for changes),
editors discuss a draft in Wagtail's comments, and what waits for review is listed."""

from __future__ import annotations

import pytest
from wagtail.models import Comment as PageComment
from wagtail.models import CommentReply, Page, Workflow, WorkflowPage

from gazette.news.models import ArticlePage
from gazette.newsroom.roles import TASK_NAME, WORKFLOW_NAME, ensure_roles, user_create
from tests.newsroom_admin import article_form, existing_form


@pytest.fixture
def newsroom(site):
    return {
        name: user_create(username=name, role=role, password="pw-long-enough-1")
        for name, role in [
            ("carol", "contributor"),
            ("ann", "author"),
            ("alice", "editor"),
            ("ed", "editor"),
        ]
    }


@pytest.fixture
def submitted(newsroom, news, author, client):
    """Carol's story, written in the admin and submitted for review."""
    client.force_login(newsroom["carol"])
    client.post(
        f"/admin/pages/add/news/articlepage/{news.pk}/",
        article_form(
            title="Harbour seals return",
            slug="seals",
            author_id=author.pk,
            **{"action-submit": "1"},
        ),
    )
    client.logout()
    return ArticlePage.objects.get(slug="seals")


def test_setup_creates_one_review_workflow_for_the_whole_site_with_editors_approving(site):
    ensure_roles()
    ensure_roles()  # gazette setup runs on every upgrade
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert WorkflowPage.objects.get(page=Page.get_first_root_node()).workflow == workflow
    task = workflow.tasks.get().specific
    assert task.name == TASK_NAME
    assert [g.name for g in task.groups.all()] == ["Editors"]


def test_a_workflow_chosen_by_an_admin_is_kept_on_upgrade(site):
    other = Workflow.objects.create(name="Legal review")
    WorkflowPage.objects.filter(page=Page.get_first_root_node()).update(workflow=other)
    ensure_roles()
    assert WorkflowPage.objects.get(page=Page.get_first_root_node()).workflow == other


def test_contributor_submission_waits_for_an_editor_and_is_listed_for_editors_only(
    submitted, newsroom, client
):
    assert submitted.workflow_in_progress and not submitted.live
    assert submitted.current_workflow_task.name == TASK_NAME
    for name, sees in [("alice", True), ("ed", True), ("ann", False), ("carol", False)]:
        client.force_login(newsroom[name])
        dashboard = client.get("/admin/").content.decode()
        assert ("Awaiting your review" in dashboard) is sees, name
        assert ("Harbour seals return" in dashboard) is (sees or name == "carol"), name
    # The workflow report lists it too, for editors.
    client.force_login(newsroom["alice"])
    report = client.get("/admin/reports/workflow/")
    assert report.status_code == 200 and "Harbour seals return" in report.content.decode()


def test_contributor_cannot_edit_while_in_review(submitted, newsroom, client):
    client.force_login(newsroom["carol"])
    client.post(
        f"/admin/pages/{submitted.pk}/edit/", existing_form(submitted, title="Sneaky change")
    )
    assert submitted.get_latest_revision_as_object().title == "Harbour seals return"


def test_editor_requests_changes_then_approves_and_it_is_published(
    submitted, newsroom, client, django_capture_on_commit_callbacks
):
    client.force_login(newsroom["alice"])
    task_state = submitted.current_workflow_state.current_task_state
    client.post(
        f"/admin/pages/workflow/action/{submitted.pk}/reject/{task_state.pk}/",
        {"comment": "Name the source, please."},
    )
    submitted.refresh_from_db()
    assert not submitted.workflow_in_progress and not submitted.live

    # Carol fixes it and submits again; Ed approves.
    client.force_login(newsroom["carol"])
    client.post(
        f"/admin/pages/{submitted.pk}/edit/",
        existing_form(submitted, standfirst="Says the harbour master.", **{"action-submit": "1"}),
    )
    submitted.refresh_from_db()
    assert submitted.workflow_in_progress
    client.force_login(newsroom["ed"])
    task_state = submitted.current_workflow_state.current_task_state
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/pages/workflow/action/{submitted.pk}/approve/{task_state.pk}/",
            {"comment": ""},
        )
    assert ArticlePage.objects.published().filter(pk=submitted.pk).exists()
    client.logout()
    assert "Harbour seals return" in client.get("/").content.decode()


def test_editors_comment_on_a_draft_and_reply_to_each_other(submitted, newsroom, client):
    client.force_login(newsroom["alice"])
    response = client.post(
        f"/admin/pages/{submitted.pk}/edit/",
        existing_form(
            submitted,
            **{
                "comments-TOTAL_FORMS": "1",
                "comments-INITIAL_FORMS": "0",
                "comments-0-id": "",
                "comments-0-contentpath": "title",
                "comments-0-text": "Is “seals” right? The source said sea lions.",
                "comments-0-position": "",
                "comments-0-resolved": "",
                "comments-0-replies-TOTAL_FORMS": "0",
                "comments-0-replies-INITIAL_FORMS": "0",
                "comments-0-replies-MIN_NUM_FORMS": "0",
                "comments-0-replies-MAX_NUM_FORMS": "1000",
            },
        ),
    )
    assert response.status_code == 302
    comment = PageComment.objects.get(page=submitted)
    assert comment.user == newsroom["alice"] and "sea lions" in comment.text

    # Ed opens the draft, sees Alice's comment, and answers it.
    client.force_login(newsroom["ed"])
    editor_page = client.get(f"/admin/pages/{submitted.pk}/edit/").content.decode()
    assert "The source said sea lions." in editor_page
    client.post(
        f"/admin/pages/{submitted.pk}/edit/",
        existing_form(
            submitted,
            **{
                "comments-TOTAL_FORMS": "1",
                "comments-INITIAL_FORMS": "1",
                "comments-MIN_NUM_FORMS": "0",
                "comments-MAX_NUM_FORMS": "1000",
                "comments-0-id": str(comment.pk),
                "comments-0-contentpath": "title",
                "comments-0-text": comment.text,
                "comments-0-position": "",
                "comments-0-resolved": "",
                "comments-0-replies-TOTAL_FORMS": "1",
                "comments-0-replies-INITIAL_FORMS": "0",
                "comments-0-replies-MIN_NUM_FORMS": "0",
                "comments-0-replies-MAX_NUM_FORMS": "1000",
                "comments-0-replies-0-id": "",
                "comments-0-replies-0-text": "Checked: seals.",
            },
        ),
    )
    reply = CommentReply.objects.get(comment=comment)
    assert reply.user == newsroom["ed"] and reply.text == "Checked: seals."
    # Comments are the newsroom's: nothing of them reaches the public page once published.
    ArticlePage.objects.get(pk=submitted.pk).get_latest_revision().publish()
    client.logout()
    public = client.get(ArticlePage.objects.get(pk=submitted.pk).url).content.decode()
    assert "sea lions" not in public and "Checked: seals." not in public


def test_two_editors_saving_the_same_article_lose_nothing(make_article, newsroom, client):
    story = make_article("Bridge repairs approved")
    loaded = str(story.latest_revision_id)  # both editors open the editor now
    client.force_login(newsroom["alice"])
    client.post(
        f"/admin/pages/{story.pk}/edit/",
        existing_form(story, title="Bridge repairs approved by council", loaded_revision_id=loaded),
    )
    client.force_login(newsroom["ed"])
    response = client.post(
        f"/admin/pages/{story.pk}/edit/",
        existing_form(story, title="Bridge repairs: council says yes", loaded_revision_id=loaded),
        follow=True,
    )
    assert "alice saved this page while you were editing it" in response.content.decode()
    titles = [r.content["title"] for r in story.revisions.order_by("pk")]
    assert titles[-2:] == ["Bridge repairs approved by council", "Bridge repairs: council says yes"]
    # The two versions can be compared side by side in the history.
    older, newer = story.revisions.order_by("-pk")[1], story.revisions.order_by("-pk")[0]
    compare = client.get(f"/admin/pages/{story.pk}/revisions/compare/{older.pk}...{newer.pk}/")
    assert compare.status_code == 200 and "council says yes" in compare.content.decode()


def test_saving_without_a_concurrent_edit_shows_no_warning(make_article, newsroom, client):
    story = make_article("Quiet day")
    client.force_login(newsroom["alice"])
    response = client.post(
        f"/admin/pages/{story.pk}/edit/",
        existing_form(story, title="Quiet day indeed", loaded_revision_id=story.latest_revision_id),
        follow=True,
    )
    assert "while you were editing" not in response.content.decode()
