"""Metrics the reporting module provides: every element of every form (`form.<code>`),
shares between two elements of the same report (`form.<a>/<b>`), and the plan's named
figures built on them.

Only approved reports count (EDUPLAN_FIGURES_INCLUDE_SUBMITTED adds submitted ones), so
an approval shows in every figure at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Value
from django.utils.translation import pgettext_lazy

from eduplan.core.figure_store import register_source
from eduplan.core.metrics import Metric, OverTime, OverUnits, Rows, register, register_family
from eduplan.org.models import Ownership
from eduplan.reporting.models import DataElement, DataValue, Status, Submission

NUMBER = DecimalField(max_digits=20, decimal_places=4)


def counted_statuses() -> list[str]:
    if settings.EDUPLAN_FIGURES_INCLUDE_SUBMITTED:
        return [Status.APPROVED, Status.SUBMITTED]
    return [Status.APPROVED]


def element_rows(code: str, **filters: Any) -> Callable[[list[str]], QuerySet[DataValue]]:
    def rows(periods: list[str]) -> QuerySet[DataValue]:
        return DataValue.objects.filter(
            element__code=code,
            period__in=periods,
            number__isnull=False,
            submission__status__in=counted_statuses(),
            **filters,
        ).annotate(
            unit_path=F("org_unit__path"), num=F("number"), den=Value(1, output_field=NUMBER)
        )

    return rows


def share_rows(top: str, bottom: str) -> Rows:
    def rows(periods: list[str]) -> QuerySet[Any]:
        denominator = DataValue.objects.filter(
            submission=OuterRef("submission"), element__code=bottom
        ).values("number")[:1]
        return element_rows(top)(periods).annotate(den=Subquery(denominator, output_field=NUMBER))

    return rows


def _element_metric(key: str) -> Metric | None:
    spec = key.removeprefix("form.")
    top, _, bottom = spec.partition("/")
    element = DataElement.objects.filter(code=top).first()
    if element is None:
        return None
    kind = element.period_type
    if bottom:
        if not DataElement.objects.filter(code=bottom).exists():
            return None
        return Metric(
            key=key,
            name=element.name,
            unit="%",
            over_units=OverUnits.SHARE,
            over_time=OverTime.LATEST,
            period_type=kind,
            rows=share_rows(top, bottom),
            provider="reporting",
        )
    over_units = OverUnits.AVERAGE if element.aggregation == "average" else OverUnits.SUM
    return Metric(
        key=key,
        name=element.name,
        unit=element.unit or ("个" if element.value_type == "boolean" else ""),
        over_units=over_units,
        over_time=OverTime(element.over_time),
        period_type=kind,
        rows=element_rows(top),
        provider="reporting",
    )


def register_metrics() -> None:
    register_sources()
    register_family("form", _element_metric, provider="reporting")
    register(
        Metric(
            key="preschool.inclusive_share",
            name=pgettext_lazy("metric", "Inclusive share"),
            unit="%",
            over_units=OverUnits.SHARE,
            over_time=OverTime.LATEST,
            period_type="term",
            rows=inclusive_rows,
            provider="reporting",
            description=pgettext_lazy(
                "metric",
                "Children in public and inclusive private kindergartens ÷ all children in"
                " kindergarten (counted by children, not by kindergartens)",
            ),
        )
    )
    register(
        Metric(
            key="preschool.gross_enrolment",
            name=pgettext_lazy("metric", "Gross preschool enrolment (three years)"),
            unit="%",
            over_units=OverUnits.SHARE,
            over_time=OverTime.LATEST,
            period_type="term",
            rows=None,
            provider="reporting",
            ratio_of=("form.kg_children", "form.pop_3_5"),
            description=pgettext_lazy("metric", "Children in kindergarten ÷ children aged 3–5"),
        )
    )
    register(
        Metric(
            key="preschool.private_inclusive",
            name=pgettext_lazy("metric", "Inclusive private kindergartens"),
            unit="所",
            over_units=OverUnits.SUM,
            over_time=OverTime.LATEST,
            period_type="term",
            rows=element_rows("kg_inclusive", org_unit__ownership=Ownership.PRIVATE),
            provider="reporting",
        )
    )


def inclusive_rows(periods: list[str]) -> QuerySet[Any]:
    """Children (numerator only where the kindergarten is 普惠) over all children."""
    flag = DataValue.objects.filter(
        submission=OuterRef("submission"), element__code="kg_inclusive"
    ).values("number")[:1]
    return (
        element_rows("kg_children")(periods)
        .annotate(flag=Subquery(flag, output_field=NUMBER))
        .annotate(num=F("number") * F("flag"), den=F("number"))
    )


def _counts(submission: Submission) -> bool:
    """A draft never counts, nor a submitted report unless submitted ones are counted (no
    transition leads from a counted status back to these)."""
    return submission.status in counted_statuses() or submission.status not in (
        Status.DRAFT,
        Status.SUBMITTED,
    )


def register_sources() -> None:
    """Values count for their unit once their report counts (marked for the store)."""
    register_source(DataValue, lambda v: [v.org_unit_id])
    register_source(Submission, lambda s: [s.org_unit_id], counts=_counts)
