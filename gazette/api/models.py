"""When an API token expires.

The tokens themselves are Wagtail's own (wagtail.models.APIToken: only an HMAC digest is
stored, the token is shown once, revocation, last use, the admin's token views). Wagtail's
tokens never expire, so Gazette keeps the expiry beside them, one row per token that has
one.
"""

from __future__ import annotations

from django.db import models


class TokenExpiry(models.Model):
    token = models.OneToOneField(
        "wagtailcore.APIToken",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="gazette_expiry",
    )
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = "API token expiry"
        verbose_name_plural = "API token expiries"

    def __str__(self) -> str:
        return f"{self.token_id} expires {self.expires_at:%Y-%m-%d %H:%M}"
