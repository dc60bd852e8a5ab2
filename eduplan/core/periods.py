"""Reporting periods as values: bimonthly first, also monthly, quarterly, term, yearly.

A period is named by a code (2016B3, 201605, 2016Q2, 2016T1, 2016) and knows its first
and last day and its Chinese label. Pure functions, no database.
"""

from __future__ import annotations

import calendar
import datetime
import enum
import re
from dataclasses import dataclass


class PeriodType(enum.StrEnum):
    MONTHLY = "monthly"
    BIMONTHLY = "bimonthly"
    QUARTERLY = "quarterly"
    TERM = "term"
    YEARLY = "yearly"


# Spring term Feb–Jul, autumn term Sep–Jan of the next year, as Chinese schools run.
TERM_MONTHS = {1: (2, 7), 2: (9, 1)}
CODE_PATTERNS: list[tuple[PeriodType, re.Pattern[str]]] = [
    (PeriodType.BIMONTHLY, re.compile(r"^(\d{4})B([1-6])$")),
    (PeriodType.QUARTERLY, re.compile(r"^(\d{4})Q([1-4])$")),
    (PeriodType.TERM, re.compile(r"^(\d{4})T([12])$")),
    (PeriodType.MONTHLY, re.compile(r"^(\d{4})(0[1-9]|1[0-2])$")),
    (PeriodType.YEARLY, re.compile(r"^(\d{4})$")),
]
PER_YEAR = {
    PeriodType.MONTHLY: 12,
    PeriodType.BIMONTHLY: 6,
    PeriodType.QUARTERLY: 4,
    PeriodType.TERM: 2,
    PeriodType.YEARLY: 1,
}


class PeriodCodeError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period: `index` counts from 1 within the year."""

    year: int
    type: PeriodType
    index: int

    def __post_init__(self) -> None:
        if not 1 <= self.index <= PER_YEAR[self.type]:
            raise PeriodCodeError(f"{self.type} period index out of range: {self.index}")
        if not 1900 <= self.year <= 2999:
            raise PeriodCodeError(f"year out of range: {self.year}")

    @property
    def code(self) -> str:
        match self.type:
            case PeriodType.MONTHLY:
                return f"{self.year}{self.index:02d}"
            case PeriodType.BIMONTHLY:
                return f"{self.year}B{self.index}"
            case PeriodType.QUARTERLY:
                return f"{self.year}Q{self.index}"
            case PeriodType.TERM:
                return f"{self.year}T{self.index}"
        return f"{self.year}"

    @property
    def start(self) -> datetime.date:
        if self.type is PeriodType.TERM:
            return datetime.date(self.year, TERM_MONTHS[self.index][0], 1)
        months = 12 // PER_YEAR[self.type]
        return datetime.date(self.year, (self.index - 1) * months + 1, 1)

    @property
    def end(self) -> datetime.date:
        if self.type is PeriodType.TERM:
            last_month = TERM_MONTHS[self.index][1]
            year = self.year + 1 if self.index == 2 else self.year
        else:
            months = 12 // PER_YEAR[self.type]
            last_month, year = self.index * months, self.year
        return datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])

    @property
    def label(self) -> str:
        """The Chinese label: 2016年第3双月（5—6月）, 2016年5月, 2016年第2季度 …"""
        match self.type:
            case PeriodType.MONTHLY:
                return f"{self.year}年{self.index}月"
            case PeriodType.BIMONTHLY:
                first = self.start.month
                return f"{self.year}年第{self.index}双月（{first}—{first + 1}月）"
            case PeriodType.QUARTERLY:
                return f"{self.year}年第{self.index}季度"
            case PeriodType.TERM:
                return f"{self.year}年{'春季' if self.index == 1 else '秋季'}学期"
        return f"{self.year}年"

    def next(self) -> Period:
        if self.index < PER_YEAR[self.type]:
            return Period(self.year, self.type, self.index + 1)
        return Period(self.year + 1, self.type, 1)

    def previous(self) -> Period:
        if self.index > 1:
            return Period(self.year, self.type, self.index - 1)
        return Period(self.year - 1, self.type, PER_YEAR[self.type])

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def period_from_code(code: str) -> Period:
    """Parse a period code, or raise PeriodCodeError saying what was expected."""
    text = code.strip().upper()
    for period_type, pattern in CODE_PATTERNS:
        match = pattern.match(text)
        if match:
            return Period(
                int(match.group(1)), period_type, int(match.group(2) if match.lastindex == 2 else 1)
            )
    raise PeriodCodeError(
        f"not a period code: {code!r} (expected e.g. 2016B3, 201605, 2016Q2, 2016T1, 2016)"
    )


def period_containing(day: datetime.date, period_type: PeriodType) -> Period:
    """The period of the given type that contains the day (terms: the gap months
    August and, for spring, January belong to the term just ended)."""
    if period_type is PeriodType.TERM:
        if day.month >= 9:
            return Period(day.year, PeriodType.TERM, 2)
        if day.month == 1:
            return Period(day.year - 1, PeriodType.TERM, 2)
        return Period(day.year, PeriodType.TERM, 1)
    months = 12 // PER_YEAR[period_type]
    return Period(day.year, period_type, (day.month - 1) // months + 1)


def periods_between(first: Period, last: Period) -> list[Period]:
    """Every period from first to last inclusive (same type)."""
    if first.type != last.type:
        raise PeriodCodeError("periods of different types")
    out = []
    current = first
    while current <= last:
        out.append(current)
        current = current.next()
    return out


def periods_in_year(year: int, period_type: PeriodType) -> list[Period]:
    return [Period(year, period_type, i) for i in range(1, PER_YEAR[period_type] + 1)]
