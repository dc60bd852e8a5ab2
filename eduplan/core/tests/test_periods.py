from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eduplan.core.periods import (
    Period,
    PeriodCodeError,
    PeriodType,
    period_containing,
    period_from_code,
    periods_between,
    periods_in_year,
)


@pytest.mark.parametrize(
    ("code", "start", "end", "label"),
    [
        ("2016B1", "2016-01-01", "2016-02-29", "2016年第1双月（1—2月）"),
        ("2016B3", "2016-05-01", "2016-06-30", "2016年第3双月（5—6月）"),
        ("2016B6", "2016-11-01", "2016-12-31", "2016年第6双月（11—12月）"),
        ("201605", "2016-05-01", "2016-05-31", "2016年5月"),
        ("2016Q2", "2016-04-01", "2016-06-30", "2016年第2季度"),
        ("2016T1", "2016-02-01", "2016-07-31", "2016年春季学期"),
        ("2016T2", "2016-09-01", "2017-01-31", "2016年秋季学期"),
        ("2016", "2016-01-01", "2016-12-31", "2016年"),
    ],
)
def test_a_period_knows_its_days_and_chinese_label(code, start, end, label):
    period = period_from_code(code)
    assert period.code == code
    assert period.start.isoformat() == start
    assert period.end.isoformat() == end
    assert period.label == label


def test_2016_has_six_bimonthly_periods():
    assert [p.code for p in periods_in_year(2016, PeriodType.BIMONTHLY)] == [
        "2016B1",
        "2016B2",
        "2016B3",
        "2016B4",
        "2016B5",
        "2016B6",
    ]


@pytest.mark.parametrize("bad", ["2016B7", "2016B0", "2016M13", "16B1", "", "2016Q5", "abc"])
def test_a_bad_code_is_refused_saying_what_was_expected(bad):
    with pytest.raises(PeriodCodeError, match="2016B3"):
        period_from_code(bad)


periods = st.builds(
    lambda year, kind, raw: Period(
        year,
        kind,
        raw % {"monthly": 12, "bimonthly": 6, "quarterly": 4, "term": 2, "yearly": 1}[kind] + 1,
    ),
    st.integers(min_value=1990, max_value=2090),
    st.sampled_from(list(PeriodType)),
    st.integers(min_value=0, max_value=11),
)


@given(periods)
def test_next_and_previous_are_inverse_and_adjacent(period):
    assert period.next().previous() == period
    assert period.previous().next() == period
    assert period_from_code(period.code) == period
    if period.type is not PeriodType.TERM:
        assert period.next().start == period.end + datetime.timedelta(days=1)
    assert period.start <= period.end


@given(
    st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2090, 12, 31)),
    st.sampled_from(
        [PeriodType.MONTHLY, PeriodType.BIMONTHLY, PeriodType.QUARTERLY, PeriodType.YEARLY]
    ),
)
def test_every_day_lies_in_exactly_one_period_of_a_calendar_type(day, kind):
    period = period_containing(day, kind)
    assert period.contains(day)
    assert not period.next().contains(day) and not period.previous().contains(day)


def test_periods_between_counts_both_ends():
    assert len(periods_between(period_from_code("2016B5"), period_from_code("2017B2"))) == 4
