"""Every newsroom role against every action, through Wagtail's admin over HTTP and through
the CLI. Each case asserts the outcome in the database (published or not, edited or not),
not a status code alone: Wagtail answers a refusal with a redirect and a message."""

from __future__ import annotations

import io
import textwrap

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from PIL import Image
from wagtail.models import Collection

from gazette.comments.models import Comment
from gazette.comments.moderation import comment_submit
from gazette.images.models import GazetteImage
from gazette.news.models import ArticlePage, SectionPage
from gazette.newsroom.roles import CONTRIBUTOR_COLLECTION, user_create
from tests.newsroom_admin import article_form, existing_form

ROLES = ["contributor", "author", "editor", "admin"]
EVERYONE = set(ROLES)
PUBLISHERS = {"author", "editor", "admin"}
EDITORS = {"editor", "admin"}

# action -> the roles allowed to do it
MATRIX = {
    "create_draft": EVERYONE,
    "edit_own_draft": EVERYONE,
    "publish_own": PUBLISHERS,
    "publish_own_on_create": PUBLISHERS,
    "edit_others": EDITORS,
    "publish_others": EDITORS,
    "unpublish_others": EDITORS,
    "bulk_publish_own": PUBLISHERS,
    "unpublish_own": PUBLISHERS,
    "bulk_publish_others": EDITORS,
    "bulk_unpublish_others": EDITORS,
    "delete_others": EDITORS,
    "move_others": EDITORS,
    "create_section": EDITORS,
    "upload_image_to_shared_library": PUBLISHERS,
    "upload_image_for_review": EVERYONE,
    "moderate_comments": EDITORS,
    "cli_publish": PUBLISHERS,
    "cli_save_draft": EVERYONE,
    "cli_update_others": EDITORS,
    "cli_moderate_comments": EDITORS,
}


@pytest.fixture
def people(site):
    return {
        role: user_create(username=f"{role}-user", role=role, password="pw-long-enough-1")
        for role in ROLES
    } | {"other": user_create(username="olga", role="author", password="pw-long-enough-1")}


@pytest.fixture
def desk(people, make_article, news, world, author):
    """Olga's published story, Olga's draft, and the acting user's own draft."""

    def owned(article, user):
        ArticlePage.objects.filter(pk=article.pk).update(owner=user)
        article.refresh_from_db()
        return article

    return {
        "others_live": owned(make_article("Olga's published story"), people["other"]),
        "others_draft": owned(make_article("Olga's draft", live=False), people["other"]),
        "own_draft": lambda user: owned(make_article("My own draft", live=False), user),
    }


def png(name: str = "photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def act(action: str, user, client, desk, news, world, author, tmp_path) -> bool:
    """Try ``action`` as ``user``; return whether it took effect."""
    client.force_login(user)
    others_live, others_draft = desk["others_live"], desk["others_draft"]
    if action == "create_draft":
        client.post(
            f"/admin/pages/add/news/articlepage/{news.pk}/",
            article_form(title="Fresh copy", slug="fresh-copy", author_id=author.pk),
        )
        return ArticlePage.objects.filter(slug="fresh-copy", owner=user).exists()
    if action == "publish_own_on_create":
        client.post(
            f"/admin/pages/add/news/articlepage/{news.pk}/",
            article_form(
                title="Straight out",
                slug="straight-out",
                author_id=author.pk,
                **{"action-publish": "1"},
            ),
        )
        return ArticlePage.objects.filter(slug="straight-out", live=True).exists()
    if action in ("edit_own_draft", "publish_own"):
        mine = desk["own_draft"](user)
        extra = {"action-publish": "1"} if action == "publish_own" else {}
        client.post(
            f"/admin/pages/{mine.pk}/edit/", existing_form(mine, title="Mine, edited", **extra)
        )
        mine.refresh_from_db()
        if action == "publish_own":
            return mine.live
        return mine.get_latest_revision_as_object().title == "Mine, edited"
    if action in ("edit_others", "publish_others"):
        extra = {"action-publish": "1"} if action == "publish_others" else {}
        client.post(
            f"/admin/pages/{others_draft.pk}/edit/",
            existing_form(others_draft, title="Olga's draft, edited", **extra),
        )
        others_draft.refresh_from_db()
        if action == "publish_others":
            return others_draft.live
        return others_draft.get_latest_revision_as_object().title == "Olga's draft, edited"
    if action == "unpublish_others":
        client.post(f"/admin/pages/{others_live.pk}/unpublish/")
        others_live.refresh_from_db()
        return not others_live.live
    if action == "bulk_publish_own":
        mine = desk["own_draft"](user)
        client.post(f"/admin/bulk/wagtailcore/page/publish/?id={mine.pk}", {})
        mine.refresh_from_db()
        return mine.live
    if action == "unpublish_own":
        # Their own story, published earlier (by an editor, for a contributor).
        mine = desk["own_draft"](user)
        mine.get_latest_revision().publish()
        client.post(f"/admin/pages/{mine.pk}/unpublish/")
        mine.refresh_from_db()
        return not mine.live
    if action == "bulk_publish_others":
        client.post(
            f"/admin/bulk/wagtailcore/page/publish/?id={others_draft.pk}",
            {"include_descendants": ""},
        )
        others_draft.refresh_from_db()
        return others_draft.live
    if action == "bulk_unpublish_others":
        client.post(f"/admin/bulk/wagtailcore/page/unpublish/?id={others_live.pk}", {})
        others_live.refresh_from_db()
        return not others_live.live
    if action == "delete_others":
        client.post(f"/admin/pages/{others_draft.pk}/delete/")
        return not ArticlePage.objects.filter(pk=others_draft.pk).exists()
    if action == "move_others":
        client.post(f"/admin/pages/{others_live.pk}/move/{world.pk}/confirm/")
        others_live.refresh_from_db()
        return others_live.get_parent().pk == world.pk
    if action == "create_section":
        client.post(
            f"/admin/pages/add/news/sectionpage/{news.get_parent().pk}/",
            {
                "title": "Sport",
                "slug": "sport",
                "intro": "",
                "seo_title": "",
                "search_description": "",
                "go_live_at": "",
                "expire_at": "",
                "comments-TOTAL_FORMS": "0",
                "comments-INITIAL_FORMS": "0",
                "comments-MIN_NUM_FORMS": "0",
                "comments-MAX_NUM_FORMS": "1000",
                # The section's featured articles (none yet).
                "featured-TOTAL_FORMS": "0",
                "featured-INITIAL_FORMS": "0",
                "featured-MIN_NUM_FORMS": "0",
                "featured-MAX_NUM_FORMS": "1000",
            },
        )
        return SectionPage.objects.filter(slug="sport").exists()
    if action in ("upload_image_to_shared_library", "upload_image_for_review"):
        shared = Collection.get_first_root_node()
        target = (
            shared
            if action == "upload_image_to_shared_library"
            else Collection.objects.get(name=CONTRIBUTOR_COLLECTION)
        )
        client.post(
            "/admin/images/add/",
            {
                "title": "Pier",
                "file": png(),
                "collection": target.pk,
                "tags": "",
                "caption": "",
                "credit": "",
                "description": "The pier at dawn",
            },
        )
        return GazetteImage.objects.filter(title="Pier", collection=target).exists()
    if action == "moderate_comments":
        comment = comment_submit(
            article=others_live, name="Reader", email="r@example.com", body="Well said."
        )
        client.post("/admin/comments/moderate/", {"one": f"approve:{comment.pk}"})
        comment.refresh_from_db()
        return comment.status == Comment.Status.APPROVED
    if action in ("cli_publish", "cli_save_draft", "cli_update_others"):
        status = "draft" if action == "cli_save_draft" else "published"
        file_id = "olga-file" if action == "cli_update_others" else f"{action}-{user.pk}"
        if action == "cli_update_others":
            call_command("publish", _markdown(tmp_path, file_id, "draft", "Olga's file"))
            ArticlePage.objects.filter(source_id=f"md:{file_id}").update(owner=desk["other"])
        path = _markdown(tmp_path, file_id, status, "From the command line")
        try:
            call_command(
                "publish", path, "--user", user.username, stdout=io.StringIO(), stderr=io.StringIO()
            )
        except CommandError:
            return False
        article = ArticlePage.objects.get(source_id=f"md:{file_id}")
        if action == "cli_save_draft":
            return article.owner_id == user.pk and not article.live
        return article.live and article.title == "From the command line"
    if action == "cli_moderate_comments":
        comment = comment_submit(
            article=others_live, name="Reader", email="r@example.com", body="Hello."
        )
        try:
            call_command(
                "comments",
                "approve",
                str(comment.pk),
                "--user",
                user.username,
                stdout=io.StringIO(),
            )
        except CommandError:
            pass
        comment.refresh_from_db()
        return comment.status == Comment.Status.APPROVED and comment.moderated_by_id == user.pk
    raise AssertionError(action)


def _markdown(tmp_path, file_id: str, status: str, title: str) -> str:
    path = tmp_path / f"{file_id}.md"
    path.write_text(
        textwrap.dedent(f"""\
        ---
        id: {file_id}
        title: {title}
        section: News
        authors: [Jane Roe]
        status: {status}
        ---
        The harbour reopened on Monday.
        """)
    )
    return str(path)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_role_matrix(role, action, people, desk, client, news, world, author, tmp_path):
    desk["other"] = people["other"]
    allowed = role in MATRIX[action]
    done = act(action, people[role], client, desk, news, world, author, tmp_path)
    assert done == allowed, f"{role} {'should' if allowed else 'should not'} be able to {action}"


def test_contributor_cannot_publish_by_a_direct_post_of_the_workflow_approve_action(
    people, desk, client
):
    """The workflow's own approve action is the Editors' alone: a contributor who submits
    their draft and then posts "approve" leaves it in review, unpublished."""
    contributor = people["contributor"]
    mine = desk["own_draft"](contributor)
    client.force_login(contributor)
    client.post(f"/admin/pages/{mine.pk}/edit/", existing_form(mine, **{"action-submit": "1"}))
    mine.refresh_from_db()
    assert mine.workflow_in_progress
    state = mine.current_workflow_state
    client.post(
        f"/admin/pages/workflow/action/{mine.pk}/approve/{state.current_task_state.pk}/",
        {"comment": ""},
    )
    mine.refresh_from_db()
    assert not mine.live and mine.workflow_in_progress


def test_cli_refuses_an_unknown_user(site, tmp_path):
    with pytest.raises(CommandError, match="No active user named 'nobody'"):
        call_command("publish", _markdown(tmp_path, "x", "published", "X"), "--user", "nobody")
