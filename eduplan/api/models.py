"""API tokens (only their hash is stored) and the first response to each keyed write."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token for programs; the token is shown once and only its SHA-256 kept."""

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

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["user", "created"]
        constraints = [
            models.CheckConstraint(condition=~Q(key_hash=""), name="api_token_hash_not_empty")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"


class ApiReplay(models.Model):
    """The body first returned for a write sent with an Idempotency-Key, returned again,
    unchanged, to a retry with the same key (even if the report changed since)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="api_replay_key_unique"),
            models.CheckConstraint(condition=~Q(key=""), name="api_replay_key_not_empty"),
        ]

    def __str__(self) -> str:
        return self.key
