"""Metrics the kindergarten register provides: 双90% counted from the register itself.

学前三年毛入园率 = children in kindergarten (the register's autumn count) ÷ children aged
3–5 (each district's population report); 普惠率 = children in public, collective and
certified 普惠 private kindergartens ÷ all children in kindergarten, counted by children.
A kindergarten is 普惠 in a year when a certification was in force on its count day.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils.translation import pgettext_lazy

from eduplan.core.figure_store import register_source
from eduplan.core.metrics import Metric, OverTime, OverUnits, register
from eduplan.kindergartens.models import (
    PUBLIC_OWNERSHIPS,
    Certification,
    Enrolment,
    Kindergarten,
    Ownership,
)

CHILDREN = "kindergartens.children"
GROSS_ENROLMENT = "kindergartens.gross_enrolment"
INCLUSIVE_SHARE = "kindergartens.inclusive_share"
CERTIFIED_PRIVATE = "kindergartens.certified_private"
POPULATION = "form.pop_3_5"


def certified_then() -> Exists:
    """Whether the enrolment's kindergarten had a certification in force on its count day."""
    return Exists(
        Certification.objects.filter(
            kindergarten=OuterRef("kindergarten"), certified_on__lte=OuterRef("counted_on")
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("counted_on")))
    )


def enrolment_rows(periods: list[str]) -> QuerySet[Any]:
    """Each kindergarten's children in the years named (a period code is a year)."""
    years = [int(p) for p in periods]
    return Enrolment.objects.filter(year__in=years).annotate(
        period=Cast("year", CharField()),
        num=F("children_3") + F("children_4") + F("children_5"),
        den=Value(1, output_field=IntegerField()),
    )


def inclusive_rows(periods: list[str]) -> QuerySet[Any]:
    """Children in 普惠 kindergartens over all children, each kindergarten's own."""
    children = F("children_3") + F("children_4") + F("children_5")
    return (
        Enrolment.objects.filter(year__in=[int(p) for p in periods])
        .annotate(inclusive=certified_then())
        .annotate(
            period=Cast("year", CharField()),
            num=Case(
                When(kindergarten__ownership__in=PUBLIC_OWNERSHIPS, then=children),
                When(inclusive=True, then=children),
                default=Value(0),
                output_field=IntegerField(),
            ),
            den=children,
        )
    )


def certified_private_rows(periods: list[str]) -> QuerySet[Any]:
    """The private kindergartens whose certification is in force at the end of the last
    period (a stock: the city's list as it stands then)."""
    last = periods[-1]
    end = datetime.date(int(last), 12, 31)
    return (
        Certification.objects.filter(
            kindergarten__ownership=Ownership.PRIVATE, certified_on__lte=end
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=end))
        .annotate(
            unit_path=F("kindergarten__unit_path"),
            period=Value(last, output_field=CharField()),
            num=Value(1, output_field=IntegerField()),
            den=Value(1, output_field=IntegerField()),
        )
    )


def register_metrics() -> None:
    register_sources()
    register(
        Metric(
            key=CHILDREN,
            name=pgettext_lazy("metric", "Children in kindergarten"),
            unit="人",
            over_units=OverUnits.SUM,
            over_time=OverTime.LATEST,
            period_type="yearly",
            rows=enrolment_rows,
            provider="kindergartens",
            absent_is_zero=True,
            description=pgettext_lazy(
                "metric", "Children aged 3, 4 and 5 in the register's autumn count"
            ),
        )
    )
    register(
        Metric(
            key=GROSS_ENROLMENT,
            name=pgettext_lazy("metric", "Gross preschool enrolment (three years)"),
            unit="%",
            over_units=OverUnits.SHARE,
            over_time=OverTime.LATEST,
            period_type="yearly",
            rows=None,
            provider="kindergartens",
            ratio_of=(CHILDREN, POPULATION),
            description=pgettext_lazy(
                "metric",
                "Children in kindergarten (the register) ÷ children aged 3–5 (the population"
                " report)",
            ),
        )
    )
    register(
        Metric(
            key=INCLUSIVE_SHARE,
            name=pgettext_lazy("metric", "Inclusive share"),
            unit="%",
            over_units=OverUnits.SHARE,
            over_time=OverTime.LATEST,
            period_type="yearly",
            rows=inclusive_rows,
            provider="kindergartens",
            description=pgettext_lazy(
                "metric",
                "Children in public, collective and certified inclusive private"
                " kindergartens ÷ all children in kindergarten (the register, counted by"
                " children)",
            ),
        )
    )
    register(
        Metric(
            key=CERTIFIED_PRIVATE,
            name=pgettext_lazy("metric", "Certified inclusive private kindergartens"),
            unit="所",
            over_units=OverUnits.SUM,
            over_time=OverTime.LATEST,
            period_type="yearly",
            rows=certified_private_rows,
            provider="kindergartens",
            absent_is_zero=True,
            per_period=False,  # the list as it stands at the end of the last year
            description=pgettext_lazy(
                "metric",
                "Private kindergartens on the city's list of certified inclusive ones at the"
                " end of the year",
            ),
        )
    )


def _unit(kindergarten_id: int) -> list[int | None]:
    return list(Kindergarten.objects.filter(pk=kindergarten_id).values_list("unit_id", flat=True))


def register_sources() -> None:
    """A kindergarten's enrolment and its own fields (ownership, 普惠) move its figures."""
    register_source(Kindergarten, lambda k: [k.unit_id], moves=True)
    register_source(Enrolment, lambda e: _unit(e.kindergarten_id))
