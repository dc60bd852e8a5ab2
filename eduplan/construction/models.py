"""Class-size census: every class of every school with its enrolment, per school year."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eduplan.org.models import OrgUnit


class SchoolClass(models.Model):
    """One class (教学班) in one school year; pupils are counted, not listed."""

    school = models.ForeignKey(
        OrgUnit, verbose_name=_("school"), on_delete=models.PROTECT, related_name="classes"
    )
    school_year = models.PositiveSmallIntegerField(
        _("school year"), help_text=_("The calendar year the school year starts in")
    )
    grade = models.PositiveSmallIntegerField(_("grade"))
    number = models.PositiveSmallIntegerField(_("class number"))
    pupils = models.PositiveSmallIntegerField(_("pupils"))

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["school", "school_year", "grade", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "grade", "number"], name="school_class_unique"
            ),
            models.CheckConstraint(
                condition=Q(pupils__gte=1) & Q(pupils__lte=150), name="school_class_pupils_range"
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1) & Q(grade__lte=12), name="school_class_grade_range"
            ),
        ]
        indexes = [models.Index(fields=["school_year", "school"], name="school_class_year_school")]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year} {self.grade}年级{self.number}班"

    @property
    def scope_unit(self) -> OrgUnit:
        return self.school
