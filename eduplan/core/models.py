from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataStamp(models.Model):
    """A counter raised by every change that can move a figure (one row, "figures").

    Computed figures are cached under the counter's value, so a change is seen by the
    next request in every process, with no nightly rebuild and no stale page."""

    name = models.CharField(_("name"), max_length=32, primary_key=True)
    number = models.BigIntegerField(_("number"), default=0)

    class Meta:
        verbose_name = _("data stamp")
        verbose_name_plural = _("data stamps")

    def __str__(self) -> str:
        return f"{self.name} #{self.number}"


class ChangeEvent(models.Model):
    """One field of one register entry changed: who, when, old → new (append-only).

    The history of the registers kept outside the ledger engine (the class census, the
    football league). `subject` names the entry ("census:410105-P1:2016",
    "football.match:12"), `field` what changed in it; an entry added or removed has
    old or new None."""

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("changed entry"), max_length=120)
    field = models.CharField(_("field"), max_length=120)
    old = models.JSONField(_("old value"), null=True, blank=True)
    new = models.JSONField(_("new value"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("change event")
        verbose_name_plural = _("change events")
        ordering = ["subject", "at", "id"]
        indexes = [models.Index(fields=["subject", "at"], name="change_subject_at")]

    def __str__(self) -> str:
        return f"{self.subject} {self.field}: {self.old} → {self.new}"


class NoticeChoice(models.Model):
    """How a user wants to be told of work handed to them: every notice is in their inbox;
    `by_email` says whether it is also mailed (a user without a row gets e-mail)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notice_choice",
        verbose_name=_("user"),
    )
    by_email = models.BooleanField(_("also by e-mail"), default=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("notice choice")
        verbose_name_plural = _("notice choices")

    def __str__(self) -> str:
        return f"{self.user_id} e-mail={self.by_email}"
