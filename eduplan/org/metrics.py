"""Metrics the org tree provides: schools opened (the plan builds 90 in 2016–2018), and
any metric counted over one unit group only (`<key>@<group code>`)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast, Concat, ExtractMonth, ExtractYear, LPad
from django.utils.translation import pgettext_lazy

from eduplan.core.figure_store import register_source, register_unit_paths
from eduplan.core.metrics import (
    Metric,
    OverTime,
    OverUnits,
    Rows,
    register,
    register_scope,
    scoped_key,
)
from eduplan.core.periods import period_from_code
from eduplan.org.models import OrgGroup, OrgGroupMember, OrgUnit, UnitType
from eduplan.org.selectors import rows_in_group

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


def metric_in_group(base: Metric, group_code: str) -> Metric:
    """`base` counted over the units of one group: its rows filtered by the group (one
    EXISTS in the same query), a ratio's two parts each so. Reads nothing itself: an
    unknown group simply has no rows, and the bindings loader refuses one."""
    if base.ratio_of is not None:
        top, bottom = base.ratio_of
        return dataclasses.replace(
            base,
            key=scoped_key(base.key, group_code),
            ratio_of=(scoped_key(top, group_code), scoped_key(bottom, group_code)),
        )
    assert base.rows is not None
    base_rows: Rows = base.rows

    def rows(periods: list[str]) -> QuerySet[Any]:
        return rows_in_group(base_rows(periods), group_code=group_code)

    return dataclasses.replace(base, key=scoped_key(base.key, group_code), rows=rows)


def register_metrics() -> None:
    register_sources()
    register_scope(metric_in_group)
    register(
        Metric(
            key="org.schools_opened",
            name=pgettext_lazy("metric", "Schools opened"),
            unit="所",
            over_units=OverUnits.SUM,
            over_time=OverTime.SUM,
            period_type="monthly",
            rows=schools_opened_rows,
            provider="org",
            absent_is_zero=True,
            # New units only: the plan's 新建改扩建 targets are measured from the
            # school-projects ledger, which also lists expansions and relocations.
            description=pgettext_lazy(
                "metric",
                "Primary and secondary schools opened in the period (by their opening date);"
                " expansions are in the school-projects ledger",
            ),
        )
    )


def _paths(ids: set[int]) -> dict[int, str]:
    return dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "path"))


def register_sources() -> None:
    """A unit's own fields (opened, closed, ownership, type) move its figures; a group's
    members move every figure counted over the group (all units are marked: rare)."""
    register_unit_paths(_paths)
    register_source(OrgUnit, lambda u: [u.pk], every_metric=True)
    register_source(OrgGroup, lambda g: None, every_metric=True)
    register_source(OrgGroupMember, lambda g: None, every_metric=True)
