"""The yearly assessment (考核) of departments and districts: the weights as versioned
data, and the adjustments leaders and the supervision office record.

Scores themselves are not stored: they are computed from the records (reports, orders,
milestones, targets) whenever they are read, so a change of weights or a late report
re-scores at once and re-scoring never writes to any record.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplan.org.models import OrgUnit, UnitType


class Part(models.TextChoices):
    """The parts of a score, each counted from one kind of record."""

    REPORTS_ON_TIME = "reports_on_time", _("Reports on time")
    ORDERS_CLOSED_ON_TIME = "orders_closed_on_time", _("Orders closed on time")
    MILESTONES_MET = "milestones_met", _("Milestones met")
    TARGETS_REACHED = "targets_reached", _("Targets reached")


class UnitKind(models.TextChoices):
    """The kinds of unit assessed (the org unit's type)."""

    DEPARTMENT = UnitType.DEPARTMENT.value, _("Bureau department")
    DISTRICT = UnitType.DISTRICT.value, _("County-level unit")


class Formula(models.TextChoices):
    SHARE_TIMES_WEIGHT = "share_x_weight", _("share × weight")


class WeightSet(models.Model):
    """One version of a year's weights, as loaded from its data file; the latest version
    of a year is the one scores are computed with."""

    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"))
    digest = models.CharField(_("content hash"), max_length=64)
    source = models.CharField(_("source file"), max_length=200)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("appraisal weights")
        verbose_name_plural = _("appraisal weights")
        ordering = ["year", "version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="appraisal_weights_version"),
        ]

    def __str__(self) -> str:
        return f"{self.year} v{self.version}"


class Weight(models.Model):
    """The weight of one part for one kind of unit, in one version of the weights."""

    weight_set = models.ForeignKey(WeightSet, on_delete=models.CASCADE, related_name="weights")
    unit_kind = models.CharField(_("kind of unit"), max_length=12, choices=UnitKind.choices)
    part = models.CharField(_("part"), max_length=24, choices=Part.choices)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    formula = models.CharField(_("formula"), max_length=16, choices=Formula.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("weight")
        verbose_name_plural = _("weights")
        ordering = ["weight_set", "unit_kind", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["weight_set", "unit_kind", "part"], name="appraisal_weight_once"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100), name="appraisal_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_kind} {self.part} {self.weight}"


class Adjustment(models.Model):
    """Points a leader or the supervision office added to (or took from) a unit's score
    for a year, with the reason. Append-only: it is its own audit record, and a
    correction is a further adjustment."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    points = models.DecimalField(_("points"), max_digits=4, decimal_places=1)
    reason = models.TextField(_("reason"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    made_at = models.DateTimeField(_("made at"), default=timezone.now)
    # The form's one-time key: a retried request finds the adjustment already stored.
    request_key = models.CharField(_("request key"), max_length=64)

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        ordering = ["unit", "year", "made_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="appraisal_adjustment_reason"),
            models.CheckConstraint(condition=~Q(points=0), name="appraisal_adjustment_points"),
            models.UniqueConstraint(
                fields=["made_by", "request_key"], name="appraisal_adjustment_once"
            ),
        ]
        indexes = [models.Index(fields=["unit", "year"], name="appraisal_adjustment_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.points:+}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("appraisal adjustments are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("appraisal adjustments are append-only")

    @property
    def scope_unit(self) -> OrgUnit:
        return self.unit
