from __future__ import annotations

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
