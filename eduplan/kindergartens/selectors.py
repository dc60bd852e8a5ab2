"""Reads of the kindergarten register: 双90% by district, the public list of certified
普惠 kindergartens, notices running, applications and rounds for the pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from eduplan.indicators.aggregation import Figure, metric_by_child, metric_value
from eduplan.kindergartens.metrics import GROSS_ENROLMENT, INCLUSIVE_SHARE
from eduplan.kindergartens.models import (
    Application,
    Certification,
    Kindergarten,
    Ownership,
    RecheckRound,
)
from eduplan.org.models import OrgUnit, UnitType

# 双90%: both rates at least 90 percent.
DOUBLE_NINETY = Decimal(90)


@dataclass(frozen=True)
class Rates:
    """One unit's 双90% figures with the counts they are made from."""

    unit: OrgUnit
    children: Decimal | None  # children in kindergarten (the register)
    population: Decimal | None  # children aged 3–5 (the population report)
    inclusive_children: Decimal | None
    gross: Decimal | None  # percent
    inclusive: Decimal | None  # percent

    @property
    def reaches_both(self) -> bool:
        return (
            self.gross is not None
            and self.inclusive is not None
            and self.gross >= DOUBLE_NINETY
            and self.inclusive >= DOUBLE_NINETY
        )


def _rates(unit: OrgUnit, gross: Figure | None, inclusive: Figure | None) -> Rates:
    return Rates(
        unit=unit,
        children=gross.num if gross else (inclusive.den if inclusive else None),
        population=gross.den if gross else None,
        inclusive_children=inclusive.num if inclusive else None,
        gross=gross.value if gross else None,
        inclusive=inclusive.value if inclusive else None,
    )


def year_span(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def double_ninety(*, unit: OrgUnit, year: int) -> Rates:
    """The unit's 双90% in a year (its subtree's counts added, divided at the end)."""
    start, end = year_span(year)
    gross = metric_value(key=GROSS_ENROLMENT, unit=unit, start=start, end=end)
    inclusive = metric_value(key=INCLUSIVE_SHARE, unit=unit, start=start, end=end)
    return _rates(unit, gross, inclusive if inclusive.den else None)


def double_ninety_by_district(*, city: OrgUnit, year: int) -> list[Rates]:
    """Every county-level unit under the city with its 双90% (one query per figure)."""
    start, end = year_span(year)
    gross = metric_by_child(key=GROSS_ENROLMENT, unit=city, start=start, end=end)
    inclusive = metric_by_child(key=INCLUSIVE_SHARE, unit=city, start=start, end=end)
    districts = OrgUnit.objects.filter(parent=city, type=UnitType.DISTRICT).order_by("code")
    return [_rates(d, gross.get(d.code), inclusive.get(d.code)) for d in districts]


def certified_in_force(day: datetime.date) -> Exists:
    return Exists(
        Certification.objects.filter(kindergarten=OuterRef("pk"), certified_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day)
        )
    )


def inclusive_private_list(
    *, day: datetime.date, district: OrgUnit | None = None
) -> QuerySet[Kindergarten]:
    """The private kindergartens certified 普惠 on `day` (the public list), by district."""
    found = (
        Kindergarten.objects.filter(ownership=Ownership.PRIVATE, unit__closed_on__isnull=True)
        .annotate(certified=certified_in_force(day))
        .filter(certified=True)
        .select_related("unit", "unit__parent")
        .order_by("unit_path")
    )
    if district is not None:
        found = found.filter(unit_path__startswith=district.path)
    return found


def notices_running(*, day: datetime.date) -> QuerySet[Application]:
    """Applications on public notice on `day`."""
    return (
        Application.objects.filter(
            status=Application.Status.NOTICE, notice_starts__lte=day, notice_ends__gte=day
        )
        .select_related("kindergarten__unit__parent")
        .order_by("notice_ends", "kindergarten__unit_path")
    )


def applications_for(*, scope: OrgUnit, status: str = "") -> QuerySet[Application]:
    """Applications of the kindergartens in a scope, newest first."""
    found = Application.objects.filter(kindergarten__unit_path__startswith=scope.path)
    if status:
        found = found.filter(status=status)
    return found.select_related("kindergarten__unit__parent")


def rounds() -> QuerySet[RecheckRound]:
    return RecheckRound.objects.order_by("-year")
