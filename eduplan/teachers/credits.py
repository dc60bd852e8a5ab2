"""Continuing-education arithmetic (继续教育学分): cycles, credits and who is behind, as
pure functions of the hours a teacher completed each year and the day it is judged on.

A year is judged once it has ended: on 1 January the year before is over, and a teacher
who completed fewer than the annual minimum in it is behind on the year. The cycle (five
years from EDUPLAN_TEACHERS_CYCLE_START by default) is judged pro rata at each year's
end: after k of its n years a teacher needs k/n of the cycle minimum; after its last
year that is the whole minimum, and the verdict is final (the cycle is missed). The
current year is shown as progress (hours so far, hours still needed), never as behind.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

ZERO = Decimal(0)


@dataclass(frozen=True)
class CreditRules:
    """The settings the arithmetic depends on (EDUPLAN_TEACHERS_*)."""

    cycle_start: int
    cycle_years: int
    cycle_min_hours: int
    annual_min_hours: int
    hours_per_credit: int

    @classmethod
    def from_settings(cls) -> CreditRules:
        return cls(
            cycle_start=settings.EDUPLAN_TEACHERS_CYCLE_START,
            cycle_years=settings.EDUPLAN_TEACHERS_CYCLE_YEARS,
            cycle_min_hours=settings.EDUPLAN_TEACHERS_CYCLE_MIN_HOURS,
            annual_min_hours=settings.EDUPLAN_TEACHERS_ANNUAL_MIN_HOURS,
            hours_per_credit=settings.EDUPLAN_TEACHERS_HOURS_PER_CREDIT,
        )


@dataclass(frozen=True)
class Cycle:
    """A training cycle: its first and last year (both included)."""

    first: int
    last: int

    @property
    def label(self) -> str:
        return f"{self.first}–{self.last}"

    def years(self) -> range:
        return range(self.first, self.last + 1)


def cycle_of(year: int, rules: CreditRules) -> Cycle:
    """The cycle a year belongs to (cycles run back before the first one too)."""
    offset = (year - rules.cycle_start) // rules.cycle_years
    first = rules.cycle_start + offset * rules.cycle_years
    return Cycle(first, first + rules.cycle_years - 1)


def judged_year(at: datetime.date) -> int:
    """The last year that has ended on `at` (a year ends with its 31 December)."""
    return at.year - 1


def credits_of(hours: Decimal, rules: CreditRules) -> Decimal:
    """Hours as credits, to two places (half up)."""
    return (hours / rules.hours_per_credit).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def cycle_required(*, cycle: Cycle, through: int, rules: CreditRules) -> Decimal:
    """Hours a teacher needs in `cycle` by the end of year `through`: the cycle minimum
    pro rata of the cycle's years ended (all of it once the cycle is over)."""
    done = min(max(through - cycle.first + 1, 0), rules.cycle_years)
    return (Decimal(rules.cycle_min_hours) * done / rules.cycle_years).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Standing:
    """A teacher's credits as judged on a day."""

    judged_year: int  # the last year ended
    year_hours: Decimal  # hours completed in the judged year
    year_short: Decimal  # hours below the annual minimum in the judged year (0: met)
    cycle: Cycle  # the cycle the judged year belongs to
    cycle_hours: Decimal  # hours in that cycle up to the end of the judged year
    cycle_required: Decimal  # hours needed by then
    cycle_short: Decimal  # hours below that (0: met)
    cycle_over: bool  # the judged year closed the cycle: the verdict is final
    current_year: int
    current_hours: Decimal  # hours completed so far in the current year
    current_needed: Decimal  # hours still needed for the current year's minimum

    @property
    def behind(self) -> bool:
        return self.year_short > 0 or self.cycle_short > 0


def standing(
    *, hours_by_year: Mapping[int, Decimal], at: datetime.date, rules: CreditRules
) -> Standing:
    """Where a teacher stands on `at`, from the hours completed in each year."""
    year = judged_year(at)
    cycle = cycle_of(year, rules)
    year_hours = hours_by_year.get(year, ZERO)
    cycle_hours = sum((hours_by_year.get(y, ZERO) for y in range(cycle.first, year + 1)), ZERO)
    required = cycle_required(cycle=cycle, through=year, rules=rules)
    current = hours_by_year.get(at.year, ZERO)
    return Standing(
        judged_year=year,
        year_hours=year_hours,
        year_short=max(Decimal(rules.annual_min_hours) - year_hours, ZERO),
        cycle=cycle,
        cycle_hours=cycle_hours,
        cycle_required=required,
        cycle_short=max(required - cycle_hours, ZERO),
        cycle_over=year == cycle.last,
        current_year=at.year,
        current_hours=current,
        current_needed=max(Decimal(rules.annual_min_hours) - current, ZERO),
    )


def is_behind(
    *, year_hours: Decimal, cycle_hours: Decimal, year: int, rules: CreditRules
) -> tuple[bool, bool]:
    """(behind on year `year`, behind on its cycle by the end of it): the test the
    who-is-behind query applies to each teacher's sums."""
    required = cycle_required(cycle=cycle_of(year, rules), through=year, rules=rules)
    return year_hours < rules.annual_min_hours, cycle_hours < required
