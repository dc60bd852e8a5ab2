"""Metrics the org tree provides: schools opened (the plan builds 90 in 2016–2018)."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast, Concat, ExtractMonth, ExtractYear, LPad

from eduplan.core.metrics import Metric, OverTime, OverUnits, register
from eduplan.org.models import OrgUnit, UnitType
from eduplan.reporting.periods import period_from_code

# 中小学: the plan's building targets count primary and secondary schools.
PRIMARY_AND_SECONDARY = [
    UnitType.PRIMARY,
    UnitType.JUNIOR,
    UnitType.SENIOR,
    UnitType.NINE_YEAR,
    UnitType.COMPLETE,
]


def schools_opened_rows(periods: list[str]) -> QuerySet[Any]:
    first, last = period_from_code(periods[0]), period_from_code(periods[-1])
    return OrgUnit.objects.filter(
        type__in=PRIMARY_AND_SECONDARY, opened_on__gte=first.start, opened_on__lte=last.end
    ).annotate(
        unit_path=F("path"),
        period=Concat(
            Cast(ExtractYear("opened_on"), CharField()),
            LPad(Cast(ExtractMonth("opened_on"), CharField()), 2, Value("0")),
        ),
        num=Value(1),
        den=Value(1),
    )


def register_metrics() -> None:
    register(
        Metric(
            key="org.schools_opened",
            name="新建改扩建中小学",
            unit="所",
            over_units=OverUnits.SUM,
            over_time=OverTime.SUM,
            period_type="monthly",
            rows=schools_opened_rows,
            provider="org",
            absent_is_zero=True,
            description="在统计期内开办的中小学（含新建、改扩建后重新开办）",
        )
    )
