"""Pupils' exam records by cohort: prior attainment (中考) and outcomes (高考, 学业水平考试).

A pupil is known by the exam number alone: no name is stored. A cohort is the year the
pupils entered senior high school; its records are imported as one workbook, which
replaces the cohort's records (so importing the same file again changes nothing).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from eduplan.org.models import OrgUnit, UnitType

# The org tree's unit types that teach senior high school (高中).
HIGH_SCHOOL_TYPES = (UnitType.SENIOR, UnitType.COMPLETE)


class Pupil(models.Model):
    cohort = models.PositiveSmallIntegerField(_("cohort"), help_text=_("Year of entry."))
    school = models.ForeignKey(
        OrgUnit, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    exam_number = models.CharField(_("exam number"), max_length=32)
    prior_total = models.FloatField(_("Zhongkao total"))
    # 中考 subject scores by code (subjects.PRIOR_SUBJECTS).
    prior = models.JSONField(_("Zhongkao subjects"), default=dict, blank=True)
    disadvantaged = models.BooleanField(_("economically disadvantaged"), default=False)
    # The sum of the 高考 subjects, kept so the model reads one column for a million pupils.
    outcome_total = models.FloatField(_("Gaokao total"), null=True, blank=True)
    # Outcome scores by code (subjects.OUTCOME_SUBJECTS).
    outcomes = models.JSONField(_("outcomes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("pupil record")
        verbose_name_plural = _("pupil records")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "exam_number"], name="valueadded_pupil_once_per_cohort"
            ),
        ]
        indexes = [models.Index(fields=["cohort", "school"], name="valueadded_pupil_cohort")]

    def __str__(self) -> str:
        return f"{self.cohort} {self.exam_number}"


class CohortImport(models.Model):
    """Who imported which cohort's workbook, when, and how many records it held."""

    cohort = models.PositiveSmallIntegerField(_("cohort"))
    file_name = models.CharField(_("file name"), max_length=255)
    pupils = models.PositiveIntegerField(_("pupils"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cohort import")
        verbose_name_plural = _("cohort imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.cohort} {self.file_name}"
