"""Metrics of the plan's 信访 project (工程 9), counted from the register itself and
summed up the tree from the unit each case concerns: cases answered in time, backlog
cases resolved, and the repeat rate (cases that repeat an earlier one)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Cast, Concat, ExtractMonth, ExtractYear, LPad
from django.utils.translation import pgettext_lazy

from eduplan.core.figure_store import register_source
from eduplan.core.metrics import Metric, OverTime, OverUnits, register
from eduplan.core.periods import period_from_code
from eduplan.petitions.models import BacklogCase, CaseLink, PetitionCase


def _month(field: str) -> Concat:
    return Concat(
        Cast(ExtractYear(field), CharField()),
        LPad(Cast(ExtractMonth(field), CharField()), 2, Value("0")),
    )


def _span(periods: list[str]) -> tuple[Any, Any]:
    return period_from_code(periods[0]).start, period_from_code(periods[-1]).end


def answered_in_time_rows(periods: list[str]) -> QuerySet[Any]:
    """Cases answered in the month (den) and those answered within their deadline (num)."""
    first, last = _span(periods)
    return PetitionCase.objects.filter(replied_on__gte=first, replied_on__lte=last).annotate(
        unit_path=F("concerned_unit__path"),
        period=_month("replied_on"),
        num=Case(
            When(replied_in_time=True, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
        den=Value(1),
    )


def backlog_resolved_rows(periods: list[str]) -> QuerySet[Any]:
    """Backlog campaign cases (积案) resolved in the month."""
    first, last = _span(periods)
    return BacklogCase.objects.filter(resolved_on__gte=first, resolved_on__lte=last).annotate(
        unit_path=F("case__concerned_unit__path"),
        period=_month("resolved_on"),
        num=Value(1),
        den=Value(1),
    )


def repeat_rows(periods: list[str]) -> QuerySet[Any]:
    """Cases received in the month (den) and those repeating an earlier case (num)."""
    first, last = _span(periods)
    repeats = CaseLink.objects.values("case_id")
    return PetitionCase.objects.filter(received_on__gte=first, received_on__lte=last).annotate(
        unit_path=F("concerned_unit__path"),
        period=_month("received_on"),
        num=Case(
            When(pk__in=repeats, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
        den=Value(1),
    )


def register_metrics() -> None:
    register_sources()
    register(
        Metric(
            key="petitions.answered_in_time",
            name=pgettext_lazy("metric", "Petition cases answered in time"),
            unit="%",
            over_units=OverUnits.SHARE,
            over_time=OverTime.SUM,
            period_type="monthly",
            rows=answered_in_time_rows,
            provider="petitions",
            description=pgettext_lazy(
                "metric",
                "Cases answered within their statutory deadline (with its extension), of the"
                " cases answered, by the month of the answer",
            ),
        )
    )
    register(
        Metric(
            key="petitions.backlog_resolved",
            name=pgettext_lazy("metric", "Backlog petition cases resolved"),
            unit="件",
            over_units=OverUnits.SUM,
            over_time=OverTime.SUM,
            period_type="monthly",
            rows=backlog_resolved_rows,
            provider="petitions",
            absent_is_zero=True,
            description=pgettext_lazy(
                "metric", "Cases of the backlog campaign resolved, by the month resolved"
            ),
        )
    )
    register(
        Metric(
            key="petitions.repeat_rate",
            name=pgettext_lazy("metric", "Repeat petition rate"),
            unit="%",
            over_units=OverUnits.SHARE,
            over_time=OverTime.SUM,
            period_type="monthly",
            rows=repeat_rows,
            provider="petitions",
            description=pgettext_lazy(
                "metric",
                "Cases repeating an earlier case (same petitioner or same matter), of the"
                " cases received, by the month received",
            ),
        )
    )


def _concerned(case_id: int) -> list[int | None]:
    return list(PetitionCase.objects.filter(pk=case_id).values_list("concerned_unit_id", flat=True))


def register_sources() -> None:
    """A case counts for the unit it concerns (marked for the figures store)."""
    register_source(PetitionCase, lambda c: [c.concerned_unit_id], moves=True)
    register_source(BacklogCase, lambda b: _concerned(b.case_id))
    register_source(CaseLink, lambda link: _concerned(link.case_id))
