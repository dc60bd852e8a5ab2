"""The demo's simulated truth (world.py): the rules every derived report follows."""

from __future__ import annotations

import datetime
import itertools
import random

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from eduplan.core.periods import PeriodType, period_from_code, periods_between
from eduplan.demo.world import (
    BEHIND,
    DONE,
    NOT_STARTED,
    ON_SCHEDULE,
    PLACES_PER_PROJECT_MAX,
    MeasurePace,
    NewSchool,
    census_year_of,
    district_programme,
    measure_pace,
    measure_status,
    measure_values,
    narrative_agrees,
    programme_values,
    vocational_classes,
)
from eduplan.org.models import UnitType

BIMONTHLY = periods_between(period_from_code("2016B1"), period_from_code("2018B6"))


def test_a_term_report_repeats_the_census_of_the_school_year_in_progress():
    assert census_year_of(period_from_code("2015T2")) == 2015  # autumn 2015: school year 2015
    assert census_year_of(period_from_code("2016T1")) == 2015  # spring 2016: still 2015
    assert census_year_of(period_from_code("2016T2")) == 2016
    assert period_from_code("2016T1").type is PeriodType.TERM


def test_a_vocational_school_has_one_class_count_from_its_students():
    assert vocational_classes({"students": 900}) == 20
    assert vocational_classes({"students": 901}) == 21
    assert vocational_classes({}) == 1


new_schools = st.lists(
    st.builds(
        NewSchool,
        opened_on=st.sampled_from([datetime.date(y, 9, 1) for y in (2016, 2017, 2018)]),
        type=st.sampled_from([UnitType.PRIMARY, UnitType.JUNIOR]),
        classes=st.integers(6, 80),
    ),
    max_size=5,
)


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10**6), new=new_schools, extensions=st.integers(0, 6), late=st.booleans()
)
def test_a_district_programme_only_grows_and_keeps_its_order(seed, new, extensions, late):
    projects = district_programme(
        rng=random.Random(seed), new_schools=new, extensions=extensions, lagging=late
    )
    figures = [programme_values(projects, p.end) for p in BIMONTHLY]
    for f in figures:
        assert f["build_completed"] <= f["build_topped"] <= f["build_started"]
        assert f["build_started"] <= f["build_planned"]
        assert f["build_places"] <= f["build_started"] * PLACES_PER_PROJECT_MAX
        assert f"已开工{f['build_started']}所" in f["build_narrative"]
    for before, after in itertools.pairwise(figures):
        assert all(after[k] >= before[k] for k in before if k != "build_narrative")
    # Every new school is ready before it opens.
    last = figures[-1]
    assert last["build_completed"] >= len(new)


def test_the_same_seed_gives_the_same_programme():
    new = [NewSchool(datetime.date(2017, 9, 1), UnitType.PRIMARY, 24)]

    def make(seed: int) -> list:
        return district_programme(
            rng=random.Random(seed), new_schools=new, extensions=3, lagging=True
        )

    assert make(5) == make(5) != make(6)


def test_a_measure_is_behind_below_the_targets_on_track_threshold(settings):
    assert measure_status(0, 10) == NOT_STARTED
    assert measure_status(100, 90) == DONE
    assert measure_status(48, 50) == ON_SCHEDULE  # 96% of what was due
    assert measure_status(47, 50) == BEHIND  # 94%
    settings.EDUPLAN_ON_TRACK_MIN = 0.9
    assert measure_status(47, 50) == ON_SCHEDULE


@hypothesis_settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_a_measure_reports_a_growing_percent_with_its_status_and_a_text_that_agree(seed):
    pace = measure_pace(random.Random(seed))
    reports = [measure_values(pace, p.end, start_year=2016, end_year=2018) for p in BIMONTHLY]
    percents = [r["mp_percent"] for r in reports]
    assert percents == sorted(percents)
    for r in reports:
        assert narrative_agrees(r["mp_status"], r["mp_narrative"])


def test_a_lagging_measure_says_why_it_is_behind():
    report = measure_values(
        MeasurePace(0.7, 0, 0), datetime.date(2017, 6, 30), start_year=2016, end_year=2018
    )
    assert report["mp_status"] == BEHIND
    assert "滞后" in report["mp_narrative"] and "滞后原因" in report["mp_problems"]
    assert "按计划推进" not in report["mp_narrative"]
