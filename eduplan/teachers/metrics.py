"""Metrics the teachers' register provides: 骨干教师培训 counted from the completions
themselves (teachers.backbone_trained, in 人次: a teacher completing two such courses in
a year counts twice), by the year completed, at the teacher's school."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast
from django.utils.translation import pgettext_lazy

from eduplan.core.figure_store import register_source
from eduplan.core.metrics import Metric, OverTime, OverUnits, register
from eduplan.core.periods import period_from_code
from eduplan.teachers.models import Completion, Course, Teacher


def backbone_trained_rows(periods: list[str]) -> QuerySet[Any]:
    """Completed courses of 骨干教师培训 within the years of the periods."""
    first, last = period_from_code(periods[0]), period_from_code(periods[-1])
    return Completion.objects.filter(
        course__backbone=True, year__gte=first.start.year, year__lte=last.end.year
    ).annotate(
        unit_path=F("teacher__school__path"),
        period=Cast("year", CharField()),
        num=Value(1),
        den=Value(1),
    )


def register_metrics() -> None:
    register_sources()
    register(
        Metric(
            key="teachers.backbone_trained",
            name=pgettext_lazy("metric", "Backbone teachers trained"),
            unit="人次",
            over_units=OverUnits.SUM,
            over_time=OverTime.SUM,
            period_type="yearly",
            rows=backbone_trained_rows,
            provider="teachers",
            absent_is_zero=True,
            description=pgettext_lazy(
                "metric",
                "Courses of backbone teacher training (骨干教师培训) completed, by the year"
                " completed, at the teacher's school",
            ),
        )
    )


def _school(teacher_id: int) -> list[int | None]:
    return list(Teacher.objects.filter(pk=teacher_id).values_list("school_id", flat=True))


def register_sources() -> None:
    """A completion counts for its teacher's school; a teacher who moves moves them; a
    course's level (骨干 or not) moves every school's (all units are marked: rare)."""
    register_source(Completion, lambda c: _school(c.teacher_id))
    register_source(Teacher, lambda t: [t.school_id], moves=True)
    register_source(Course, lambda c: None)
