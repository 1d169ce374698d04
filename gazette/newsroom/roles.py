"""The newsroom's roles, as Django groups with Wagtail page and image permissions.

``ensure_roles()`` is idempotent: `gazette setup` runs it on every upgrade, so a role's
permissions follow the code.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

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
_IMAGE_PERMISSIONS = {
    "contributor": ["choose_image"],
    "author": ["add_gazetteimage", "choose_image"],
    "editor": ["add_gazetteimage", "change_gazetteimage", "delete_gazetteimage", "choose_image"],
}
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
                group=group, collection=collection, permission=_permission(f"images.{codename}")
            )
            # Wagtail checks a custom image model's permissions against its base Image
            # model (wagtail.images.get_permission_policy: auth_model=Image), in the admin
            # and the API alike: grant the same actions there.
            base = codename.replace("gazetteimage", "image")
            GroupCollectionPermission.objects.create(
                group=group, collection=collection, permission=_permission(f"wagtailimages.{base}")
            )
        groups[role] = group
    return groups


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
