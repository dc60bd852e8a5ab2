"""Metrics the campus-safety register provides (project 8, 学校安全), counted from the
register itself at each school: hazards found, hazards rectified by their deadline
(a share of those whose deadline fell in the period), and inspections made."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat, ExtractMonth, ExtractYear, LPad
from django.utils.translation import pgettext_lazy

from eduplan.core.figure_store import register_source
from eduplan.core.metrics import Metric, OverTime, OverUnits, register
from eduplan.core.periods import period_from_code
from eduplan.safety.models import Hazard, HazardStatus, Inspection


def _month(field: str) -> Concat:
    return Concat(
        Cast(ExtractYear(field), CharField()),
        LPad(Cast(ExtractMonth(field), CharField()), 2, Value("0")),
    )


def _between(periods: list[str]) -> tuple[Any, Any]:
    return period_from_code(periods[0]).start, period_from_code(periods[-1]).end


def hazards_found_rows(periods: list[str]) -> QuerySet[Any]:
    """Hazards found in the month, at the school."""
    first, last = _between(periods)
    return Hazard.objects.filter(found_on__gte=first, found_on__lte=last).annotate(
        unit_path=F("school__path"), period=_month("found_on"), num=Value(1), den=Value(1)
    )


def rectified_in_time_rows(periods: list[str]) -> QuerySet[Any]:
    """Hazards whose rectification deadline fell in the month (den), and of them those
    verified closed with the fix made by the deadline (num)."""
    first, last = _between(periods)
    in_time = Q(status=HazardStatus.CLOSED, fixed_on__lte=F("deadline"))
    return Hazard.objects.filter(deadline__gte=first, deadline__lte=last).annotate(
        unit_path=F("school__path"),
        period=_month("deadline"),
        num=Case(When(in_time, then=Value(1)), default=Value(0), output_field=IntegerField()),
        den=Value(1),
    )


def inspections_rows(periods: list[str]) -> QuerySet[Any]:
    """Objects (buildings, buses) inspected in the month, at the school."""
    first, last = _between(periods)
    return Inspection.objects.filter(inspected_on__gte=first, inspected_on__lte=last).annotate(
        unit_path=F("school__path"), period=_month("inspected_on"), num=Value(1), den=Value(1)
    )


def register_metrics() -> None:
    register_sources()
    register(
        Metric(
            key="safety.hazards_found",
            name=pgettext_lazy("metric", "Safety hazards found"),
            unit="项",
            over_units=OverUnits.SUM,
            over_time=OverTime.SUM,
            period_type="monthly",
            rows=hazards_found_rows,
            provider="safety",
            absent_is_zero=True,
            description=pgettext_lazy(
                "metric", "Hazards recorded in inspections, by the day found"
            ),
        )
    )
    register(
        Metric(
            key="safety.rectified_in_time",
            name=pgettext_lazy("metric", "Hazards rectified by their deadline"),
            unit="%",
            over_units=OverUnits.SHARE,
            over_time=OverTime.SUM,
            period_type="monthly",
            rows=rectified_in_time_rows,
            provider="safety",
            description=pgettext_lazy(
                "metric",
                "Of the hazards whose rectification deadline fell in the period, the share"
                " fixed by the deadline and verified",
            ),
        )
    )
    register(
        Metric(
            key="safety.inspections",
            name=pgettext_lazy("metric", "Safety inspections made"),
            unit="次",
            over_units=OverUnits.SUM,
            over_time=OverTime.SUM,
            period_type="monthly",
            rows=inspections_rows,
            provider="safety",
            absent_is_zero=True,
            description=pgettext_lazy(
                "metric", "School buildings and buses inspected in the rounds, by the day"
            ),
        )
    )


def register_sources() -> None:
    """Hazards and inspections count for their school (marked for the figures store)."""
    register_source(Hazard, lambda h: [h.school_id], moves=True)
    register_source(Inspection, lambda i: [i.school_id], moves=True)
