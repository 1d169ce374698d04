"""Webhooks in the Wagtail admin: the endpoints (admins edit them) and the delivery log
(read-only). Only users with the webhooks permissions see them, i.e. superusers unless a
group is given them: a webhook's secret and a receiver's URL are not an editor's business."""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from gazette.webhooks.models import Delivery, Webhook


class WebhookViewSet(ModelViewSet):
    model = Webhook
    icon = "link-external"
    menu_label = "Endpoints"
    form_fields = [
        "name",
        "url",
        "secret",
        "on_published",
        "on_updated",
        "on_unpublished",
        "active",
    ]
    list_display = ["name", "url", "active", "created_at"]
    copy_view_enabled = False


class ReadOnlyPolicy(ModelPermissionPolicy):
    """The log is written by the worker only: admins read it, nobody edits it."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


register_permission_policy(Delivery, ReadOnlyPolicy(Delivery))


class DeliveryViewSet(ModelViewSet):
    model = Delivery
    icon = "history"
    menu_label = "Delivery log"
    list_display = [
        "webhook",
        "event",
        "article_id",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "event", "webhook"]
    inspect_view_enabled = True
    inspect_view_fields = [*list_display, "delivered_at", "body"]
    copy_view_enabled = False
    form_fields = ["status"]  # required by ModelViewSet; the policy forbids editing


class WebhooksGroup(ModelViewSetGroup):
    menu_label = "Webhooks"
    menu_icon = "link-external"
    menu_order = 900
    items = (WebhookViewSet("webhooks"), DeliveryViewSet("webhook_deliveries"))


@hooks.register("register_admin_viewset")
def register_webhooks_viewset():
    return WebhooksGroup()
