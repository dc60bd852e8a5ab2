"""API tokens (only their hash is stored).

A keyed write's first response is kept with its key in `reporting.IdempotencyKey`, the
one store the web form and the API share."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token for programs, valid until it expires; the token is shown once and
    only its SHA-256 kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    # A token stops working at this time (EDUPLAN_API_TOKEN_DAYS after it was issued);
    # the program then gets a 401 that says so.
    expires = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["user", "created"]
        constraints = [
            models.CheckConstraint(condition=~Q(key_hash=""), name="api_token_hash_not_empty")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"
