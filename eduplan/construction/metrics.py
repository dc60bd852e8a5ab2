"""Metrics of the class-size census: classes, 大班额 and 特大班额 per school year.

A school year's census is taken in the autumn term, so school year Y is period YT2.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.utils.translation import pgettext_lazy

from eduplan.construction.models import SchoolClass
from eduplan.construction.selectors import huge_class_filter, large_class_filter
from eduplan.core.figure_store import register_source
from eduplan.core.metrics import Metric, OverTime, OverUnits, register


def _census_rows(flag: Q | None) -> Any:
    def rows(periods: list[str]) -> QuerySet[Any]:
        years = [int(code[:4]) for code in periods if code.endswith("T2")]
        counted = (
            Value(1)
            if flag is None
            else Case(When(flag, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        return SchoolClass.objects.filter(school_year__in=years).annotate(
            unit_path=F("school__path"),
            period=Concat(Cast("school_year", CharField()), Value("T2")),
            num=counted,
            den=Value(1),
        )

    return rows


def register_metrics() -> None:
    register_sources()
    common: dict[str, Any] = {
        "over_time": OverTime.LAST_PERIOD,
        "period_type": "term",
        "provider": "construction",
    }
    register(
        Metric(
            key="construction.classes",
            name=pgettext_lazy("metric", "Classes"),
            unit="个",
            over_units=OverUnits.SUM,
            rows=_census_rows(None),
            **common,
        )
    )
    register(
        Metric(
            key="construction.large_classes",
            name=pgettext_lazy("metric", "Large classes"),
            unit="个",
            over_units=OverUnits.SUM,
            rows=lambda periods: _census_rows(large_class_filter())(periods),
            description=pgettext_lazy(
                "metric",
                "Classes of 56–65 pupils (66 and more too when"
                " EDUPLAN_LARGE_CLASS_INCLUDES_HUGE is set)",
            ),
            **common,
        )
    )
    register(
        Metric(
            key="construction.huge_classes",
            name=pgettext_lazy("metric", "Oversized classes"),
            unit="个",
            over_units=OverUnits.SUM,
            rows=lambda periods: _census_rows(huge_class_filter())(periods),
            **common,
        )
    )
    register(
        Metric(
            key="construction.large_class_share",
            name=pgettext_lazy("metric", "Share of large classes"),
            unit="%",
            over_units=OverUnits.SHARE,
            rows=lambda periods: _census_rows(large_class_filter())(periods),
            **common,
        )
    )


def register_sources() -> None:
    """The figures store marks a school whenever one of its classes changes."""
    register_source(SchoolClass, lambda c: [c.school_id])
