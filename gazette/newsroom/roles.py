"""The newsroom's roles, as Django groups with Wagtail page and image permissions.

``ensure_roles()`` is idempotent: `gazette setup` runs it on every upgrade, so a role's
permissions follow the code.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PagePermissionTester,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

ROLES = ("admin", "editor", "author", "contributor")

# Wagtail page permissions on the whole site, per role. "add" alone lets a user create pages
# and edit their own drafts; "publish" lets them publish what they may edit; "change" lets
# them edit everyone's pages.
_PAGE_PERMISSIONS = {
    "contributor": ["add_page"],
    "author": ["add_page", "publish_page"],
    "editor": [
        "add_page",
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
        "bulk_delete_page",
    ],
}
# Wagtail checks image permissions against its own Image model (wagtailimages.add_image),
# even with a custom image model such as GazetteImage.
_IMAGE_PERMISSIONS = {
    "contributor": ["choose_image"],
    "author": ["add_image", "choose_image"],
    "editor": ["add_image", "change_image", "delete_image", "choose_image"],
}
# Contributors upload only into their own collection, never into the shared library: an
# editor looks at each picture there and moves it to the root collection (Wagtail's image
# permissions are per collection, so this needs no code of our own).
CONTRIBUTOR_COLLECTION = "Contributors' uploads"
_CONTRIBUTOR_UPLOAD_PERMISSIONS = ["add_image", "choose_image"]
WORKFLOW_NAME = "Editorial review"
TASK_NAME = "Editor approval"
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"
_MODEL_PERMISSIONS = {
    "contributor": ["wagtailadmin.access_admin"],
    "author": ["wagtailadmin.access_admin"],
    "editor": [
        "wagtailadmin.access_admin",
        "comments.change_comment",
        "comments.view_comment",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
    ],
}
GROUP_NAMES = {"editor": "Editors", "author": "Authors", "contributor": "Contributors"}


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    """Create or update the Editors, Authors and Contributors groups. Admins are superusers."""
    root = Page.get_first_root_node()
    collection = Collection.get_first_root_node()
    if collection is None:  # an emptied database: see site_ensure()
        collection = Collection.add_root(name="Root")
    groups = {}
    for role, name in GROUP_NAMES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([_permission(p) for p in _MODEL_PERMISSIONS[role]])
        GroupPagePermission.objects.filter(group=group).delete()
        for codename in _PAGE_PERMISSIONS[role]:
            GroupPagePermission.objects.create(
                group=group, page=root, permission=_permission(f"wagtailcore.{codename}")
            )
        GroupCollectionPermission.objects.filter(group=group).delete()
        for codename in _IMAGE_PERMISSIONS[role]:
            GroupCollectionPermission.objects.create(
                group=group,
                collection=collection,
                permission=_permission(f"wagtailimages.{codename}"),
            )
        groups[role] = group
    uploads = Collection.objects.filter(name=CONTRIBUTOR_COLLECTION, depth=2).first()
    if uploads is None:
        uploads = collection.add_child(name=CONTRIBUTOR_COLLECTION)
    for codename in _CONTRIBUTOR_UPLOAD_PERMISSIONS:
        # get_or_create: the grant may already be there (made by a migration or an admin).
        GroupCollectionPermission.objects.get_or_create(
            group=groups["contributor"],
            collection=uploads,
            permission=_permission(f"wagtailimages.{codename}"),
        )
    ensure_workflow(editors=groups["editor"])
    return groups


def ensure_workflow(*, editors: Group) -> Workflow:
    """The editorial review: one approval step by the Editors group, assigned to the whole
    site. Contributors, who cannot publish, can only submit to it; Authors and Editors may
    publish directly (Wagtail lets whoever holds publish permission skip a workflow)."""
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([editors])
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    # Wagtail's first migrations assign its own "Moderators approval" workflow to the root;
    # ours replaces it, but a workflow an admin chose later is left alone.
    root = Page.get_first_root_node()
    assigned = WorkflowPage.objects.filter(page=root).select_related("workflow").first()
    if assigned is None:
        WorkflowPage.objects.create(page=root, workflow=workflow)
    elif assigned.workflow.name == WAGTAIL_DEFAULT_WORKFLOW:
        assigned.workflow = workflow
        assigned.save(update_fields=["workflow"])
    return workflow


class NewsroomPermissionTester(PagePermissionTester):
    """Wagtail's page permissions with the newsroom's one extra rule: an Author (publish
    permission without "change") publishes, unpublishes and schedules only their own
    articles. Wagtail alone lets publish permission act on every page of the subtree, so an
    author could publish or take down a colleague's story from the page listing's actions
    or a bulk action."""

    def _own_or_editor(self) -> bool:
        return (
            self.user.is_superuser
            or "change" in self.permissions
            or self.page.owner_id == self.user.pk
        )

    def can_publish(self) -> bool:
        return super().can_publish() and self._own_or_editor()

    def can_unpublish(self) -> bool:
        return super().can_unpublish() and self._own_or_editor()


@transaction.atomic
def user_create(*, username: str, role: str, password: str, email: str = "") -> User:
    """Create a newsroom account with one role. Refuses an existing username."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    if User.objects.filter(username=username).exists():
        raise ValueError(f"A user named {username!r} already exists.")
    groups = ensure_roles()
    user = User.objects.create_user(username=username, email=email, password=password)
    user.is_staff = role in ("admin", "editor")
    user.is_superuser = role == "admin"
    user.save()
    if role != "admin":
        user.groups.add(groups[role])
    return user


def acting_user(username: str) -> User:
    """The newsroom account a CLI command acts as (`--user`)."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValueError(f"No active user named {username!r}.")
    return user


def may_import(*, user: User, source: Any) -> str | None:
    """Why ``user`` may not write this Markdown article (`gazette publish --user`), or None.
    The same rules as the admin: Wagtail's page permissions plus NewsroomPermissionTester."""
    from gazette.news.models import ArticlePage, HomePage, SectionPage

    publish = source.status == "published"
    article = ArticlePage.objects.filter(source_id=source.source_id).first()
    if article is not None:
        perms = article.permissions_for_user(user)
        if not perms.can_edit():
            return f"{user.username} may not edit “{article.title}”, which is not theirs"
        if publish and not perms.can_publish():
            return f"{user.username} may not publish; save it as a draft (status: draft)"
        if not publish and article.live and not perms.can_unpublish():
            return f"{user.username} may not unpublish “{article.title}”"
        return None
    section = SectionPage.objects.filter(title__iexact=source.section).first()
    if section is None:
        home = HomePage.objects.first()
        if home is None or not home.permissions_for_user(user).can_edit():
            return f"no section “{source.section}”, and only an editor may create one"
        return None
    perms = section.permissions_for_user(user)
    if not perms.can_add_subpage():
        return f"{user.username} may not write articles"
    if publish and not perms.can_publish_subpage():
        return f"{user.username} may not publish; save it as a draft (status: draft)"
    return None


def may_moderate_comments(user: User) -> bool:
    return user.is_active and user.has_perm("comments.change_comment")
