"""Credit arithmetic: cycles, pro-rata requirements and the verdicts, at year and cycle
ends, with the clock frozen where the day comes from the clock."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from eduplan.teachers.credits import (
    CreditRules,
    Cycle,
    credits_of,
    cycle_of,
    cycle_required,
    is_behind,
    judged_year,
    standing,
)

RULES = CreditRules(
    cycle_start=2016, cycle_years=5, cycle_min_hours=360, annual_min_hours=72, hours_per_credit=10
)
D = Decimal


def test_cycles_run_five_years_from_the_start_and_back_before_it():
    assert cycle_of(2016, RULES) == Cycle(2016, 2020)
    assert cycle_of(2020, RULES) == Cycle(2016, 2020)
    assert cycle_of(2021, RULES) == Cycle(2021, 2025)
    assert cycle_of(2015, RULES) == Cycle(2011, 2015)
    assert cycle_of(2016, RULES).label == "2016–2020"


@given(st.integers(min_value=1950, max_value=2150), st.integers(min_value=1, max_value=10))
def test_every_year_lies_in_exactly_one_cycle_of_the_set_length(year, length):
    rules = CreditRules(2016, length, 360, 72, 10)
    cycle = cycle_of(year, rules)
    assert cycle.first <= year <= cycle.last
    assert cycle.last - cycle.first + 1 == length
    assert (cycle.first - 2016) % length == 0


def test_the_cycle_minimum_is_required_pro_rata_and_whole_at_its_end():
    cycle = Cycle(2016, 2020)
    assert cycle_required(cycle=cycle, through=2016, rules=RULES) == D(72)
    assert cycle_required(cycle=cycle, through=2018, rules=RULES) == D(216)
    assert cycle_required(cycle=cycle, through=2020, rules=RULES) == D(360)
    assert cycle_required(cycle=cycle, through=2023, rules=RULES) == D(360)
    assert cycle_required(cycle=cycle, through=2015, rules=RULES) == D(0)


def test_hours_become_credits_by_the_set_conversion():
    assert credits_of(D(72), RULES) == D("7.20")
    assert credits_of(D("12.5"), CreditRules(2016, 5, 360, 72, 8)) == D("1.56")


def test_a_year_is_judged_once_it_has_ended():
    assert judged_year(datetime.date(2016, 12, 31)) == 2015
    assert judged_year(datetime.date(2017, 1, 1)) == 2016


def _standing(hours: dict[int, int], at: datetime.date):
    return standing(hours_by_year={y: D(h) for y, h in hours.items()}, at=at, rules=RULES)


def test_on_the_last_day_of_a_year_its_hours_are_progress_not_a_verdict():
    s = _standing({2016: 30}, datetime.date(2016, 12, 31))
    assert s.judged_year == 2015 and s.current_year == 2016
    assert s.current_hours == D(30) and s.current_needed == D(42)
    # 2015 lies in the cycle 2011–2015, long over, with nothing recorded: behind.
    assert s.cycle == Cycle(2011, 2015) and s.cycle_over


def test_the_day_after_the_year_ends_a_short_year_is_behind():
    s = _standing({2016: 30}, datetime.date(2017, 1, 1))
    assert s.judged_year == 2016
    assert s.year_hours == D(30) and s.year_short == D(42)
    assert s.cycle_required == D(72) and s.cycle_short == D(42)
    assert s.behind and not s.cycle_over


def test_a_teacher_ahead_in_the_cycle_is_behind_only_on_the_short_year():
    # 200 hours in 2016, 40 in 2017: the cycle needs 144 by the end of 2017 (met), the
    # year 72 (missed).
    s = _standing({2016: 200, 2017: 40}, datetime.date(2018, 1, 1))
    assert s.year_short == D(32) and s.cycle_hours == D(240) and s.cycle_short == D(0)
    assert s.behind


def test_across_the_cycle_end_the_verdict_is_final_and_the_new_cycle_starts_from_nothing():
    hours = {2016: 72, 2017: 72, 2018: 72, 2019: 72, 2020: 60}
    last_day = _standing(hours, datetime.date(2020, 12, 31))
    assert last_day.judged_year == 2019 and not last_day.behind and not last_day.cycle_over
    after = _standing(hours, datetime.date(2021, 1, 1))
    assert after.cycle == Cycle(2016, 2020) and after.cycle_over
    assert after.cycle_hours == D(348) and after.cycle_required == D(360)
    assert after.cycle_short == D(12) and after.year_short == D(12)
    # A year on, the old cycle no longer counts: 2021 alone is judged, in the new cycle.
    next_year = _standing({**hours, 2021: 80}, datetime.date(2022, 1, 1))
    assert next_year.cycle == Cycle(2021, 2025) and next_year.cycle_hours == D(80)
    assert next_year.cycle_required == D(72) and not next_year.behind


def test_hours_of_the_previous_cycle_never_count_in_the_next():
    s = _standing({2020: 500}, datetime.date(2022, 1, 1))
    assert s.cycle_hours == D(0) and s.behind


@given(
    st.dictionaries(
        st.integers(min_value=2014, max_value=2026),
        st.integers(min_value=0, max_value=200).map(Decimal),
        max_size=13,
    ),
    st.dates(min_value=datetime.date(2015, 1, 1), max_value=datetime.date(2027, 12, 31)),
)
def test_the_query_test_and_the_teacher_standing_agree(hours, at):
    s = standing(hours_by_year=hours, at=at, rules=RULES)
    year_behind, cycle_behind = is_behind(
        year_hours=s.year_hours, cycle_hours=s.cycle_hours, year=s.judged_year, rules=RULES
    )
    assert year_behind is (s.year_short > 0)
    assert cycle_behind is (s.cycle_short > 0)
    assert s.cycle_hours == sum(
        (h for y, h in hours.items() if s.cycle.first <= y <= s.judged_year), Decimal(0)
    )


@pytest.mark.parametrize(
    ("instant", "judged"),
    [
        # Asia/Shanghai is UTC+8: the year ends at 16:00 UTC on 31 December.
        ("2016-12-31T15:59:59Z", 2015),
        ("2016-12-31T16:00:00Z", 2016),
        ("2020-12-31T15:59:59Z", 2019),
        ("2020-12-31T16:00:00Z", 2020),
    ],
)
def test_the_judged_year_turns_at_local_midnight_on_new_years_eve(instant, judged):
    with time_machine.travel(instant, tick=False):
        assert judged_year(timezone.localdate()) == judged
