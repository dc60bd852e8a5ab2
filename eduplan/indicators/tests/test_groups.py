"""Targets bound to a unit group (市区, 直属学校) count only the group's units, in every
path a figure is read by (value, breakdown by child, whole-tree roll-up, baseline), at
one query per figure however many members the group has."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eduplan.core.errors import InputError
from eduplan.core.periods import period_from_code
from eduplan.indicators.aggregation import metric_by_child, metric_value
from eduplan.indicators.loading import bindings_load
from eduplan.indicators.models import TargetBinding
from eduplan.indicators.projects import project_statuses_from
from eduplan.indicators.rollup import metric_all_units
from eduplan.indicators.status import (
    Status,
    baseline_for,
    measured_status_by_child,
    target_status_list,
)
from eduplan.indicators.tests.test_aggregation import _store
from eduplan.org.models import OrgUnit, UnitType
from eduplan.org.services import group_specs_from_data, org_groups_create
from eduplan.org.tests.factories import OrgUnitFactory
from eduplan.plans.tests.factories import make_plan

START, END = datetime.date(2016, 1, 1), datetime.date(2016, 12, 31)
AT = period_from_code("2016B6")
URBAN = "units: 市区, provisional: 只统计新开办的学校"


def bindings_yaml(*, metric: str = "org.schools_opened", first: str = URBAN) -> str:
    """Two targets on schools opened: project 1's with `first` (市区 by default), project
    2's over the whole city."""
    return f"""
plan: city
bindings:
  - {{where: 第一项工程 三年总目标, indicator: 示范学校, metric: {metric}, goal: absolute,
     baseline: 0, baseline_on: 2015-12-31, start: 2016-01-01, due: 2018-12-31, {first}}}
  - {{where: 第二项工程 三年总目标, indicator: 示范学校, metric: org.schools_opened, goal: absolute,
     baseline: 0, baseline_on: 2015-12-31, start: 2016-01-01, due: 2018-12-31}}
"""


@pytest.fixture
def county(city):
    return OrgUnitFactory(code="410181", name="巩义市", type=UnitType.DISTRICT, parent=city.root)


@pytest.fixture
def groups(city, county):
    """市区 = 金水区 and 二七区; 县（市） = 巩义市; 直属学校 = the schools under the bureau."""
    data = {
        "groups": [
            {"code": "urban", "name": "市区", "members": ["410105", "410103"]},
            {"code": "counties", "name": "县（市）", "members": ["410181"]},
            {"code": "direct", "name": "直属学校", "members": [{"schools_under": "410100"}]},
        ]
    }
    return {
        g.code: g for g in org_groups_create(specs=group_specs_from_data(data=data, source="t"))
    }


@pytest.fixture
def bound(city, groups, tmp_path: Path):
    plan = make_plan(
        code="city", organisation=city.root, owners={1: city.dept_basic, 2: city.dept_sports}
    )
    path = tmp_path / "bindings.yaml"
    path.write_text(bindings_yaml(), encoding="utf-8")
    bindings_load(path=path)
    return plan


def school_opens(code: str, parent: OrgUnit, day: datetime.date) -> None:
    OrgUnitFactory(code=code, name=f"新校{code}", parent=parent, opened_on=day)


def actual_by_project(plan):
    return {
        s.target.goal.project.number: s.actual
        for s in target_status_list(plan=plan, at=AT, unit=plan.organisation)
    }


def test_a_binding_names_its_group_in_the_key_every_reader_aggregates(bound):
    urban = TargetBinding.objects.get(target__goal__project__number=1)
    assert (urban.metric_key, urban.group.name) == ("org.schools_opened@urban", "市区")
    city_wide = TargetBinding.objects.get(target__goal__project__number=2)
    assert (city_wide.metric_key, city_wide.group) == ("org.schools_opened", None)


def test_a_school_opening_in_a_county_moves_the_city_figure_but_not_the_urban_one(
    city, county, bound
):
    school_opens("410105-N1", city.jinshui, datetime.date(2016, 3, 1))
    assert actual_by_project(bound) == {1: 1, 2: 1}
    school_opens("410181-N1", county, datetime.date(2016, 4, 1))
    assert actual_by_project(bound) == {1: 1, 2: 2}


def test_each_districts_figure_on_an_urban_target_leaves_the_county_out(city, county, bound):
    school_opens("410105-N1", city.jinshui, datetime.date(2016, 3, 1))
    school_opens("410181-N1", county, datetime.date(2016, 4, 1))
    by_child = metric_by_child(key="org.schools_opened@urban", unit=city.root, start=START, end=END)
    assert {code: f.value for code, f in by_child.items()} == {"410105": 1}
    binding = TargetBinding.objects.get(target__goal__project__number=1)
    statuses = measured_status_by_child(binding.target, binding, parent=city.root, at=AT)
    # The county holds none of the 市区 units: the urban target is not its target (its own
    # school does not count, and no 0 is shown as if it were judged).
    assert statuses["410105"].actual == 1
    assert statuses["410181"].status == Status.NOT_APPORTIONED
    assert statuses["410181"].actual is None
    city_wide = metric_by_child(key="org.schools_opened", unit=city.root, start=START, end=END)
    assert city_wide["410181"].value == 1


def test_the_whole_tree_at_once_counts_only_the_groups_units(city, county, bound):
    school_opens("410105-N1", city.jinshui, datetime.date(2016, 3, 1))
    school_opens("410181-N1", county, datetime.date(2016, 4, 1))
    everything = metric_all_units(key="org.schools_opened@urban", start=START, end=END)
    assert everything[city.root.path].value == 1
    assert county.path not in everything
    city_wide = metric_all_units(key="org.schools_opened", start=START, end=END)
    assert city_wide[city.root.path].value == 2


def test_a_baseline_read_from_the_metric_counts_only_the_group(city, county, bound):
    school_opens("410105-N0", city.jinshui, datetime.date(2015, 12, 10))
    school_opens("410181-N0", county, datetime.date(2015, 12, 20))
    binding = TargetBinding.objects.get(target__goal__project__number=1)
    binding.baseline_value = None
    assert baseline_for(binding, city.root, is_plan_area=True) == 1
    binding.metric_key = "org.schools_opened"
    assert baseline_for(binding, city.root, is_plan_area=True) == 2


def test_direct_schools_are_the_schools_under_the_bureau_even_those_opened_later(city, groups):
    # The group was declared before this school existed: a rule, not a list.
    later = OrgUnitFactory(
        code="410100-S2",
        name="局属二中",
        type=UnitType.SENIOR,
        parent=city.root,
        opened_on=datetime.date(2016, 9, 1),
    )
    school_opens("410105-N1", city.jinshui, datetime.date(2016, 9, 1))
    figure = metric_value(key="org.schools_opened@direct", unit=city.root, start=START, end=END)
    assert figure.value == 1
    assert metric_value(key="org.schools_opened@direct", unit=later, start=START, end=END).value
    assert metric_value(key="org.schools_opened", unit=city.root, start=START, end=END).value == 2


def test_a_form_metric_and_a_share_over_direct_schools_leave_departments_and_districts_out(
    city, groups, agg_form
):
    form, version = agg_form
    _store(
        form,
        version,
        [city.bureau_school, city.jinshui_one, city.dept_basic],
        [(3, 10), (50, 100), (7, 7)],
    )
    direct = metric_value(key="form.agg_a@direct", unit=city.root, start=START, end=END)
    assert direct.value == 3
    share = metric_value(key="form.agg_a/agg_b@direct", unit=city.root, start=START, end=END)
    assert share.value == 30
    assert metric_value(key="form.agg_a", unit=city.root, start=START, end=END).value == 60


def test_a_groups_figure_is_one_query_whatever_its_number_of_members(city, groups, agg_form):
    form, version = agg_form
    _store(form, version, [city.jinshui_one, city.erqi_one], [(1, 1), (2, 2)])

    def queries(key: str) -> int:
        metric_value(key=key, unit=city.root, start=START, end=END)  # built once, then kept
        with CaptureQueriesContext(connection) as captured:
            metric_value(key=key, unit=city.root, start=START, end=END)
            metric_by_child(key=key, unit=city.root, start=START, end=END)
        return len(captured.captured_queries)

    city_wide = queries("form.agg_a")
    assert queries("form.agg_a@urban") == city_wide
    for n in range(20, 32):
        unit = OrgUnitFactory(code=f"4101{n}", type=UnitType.DISTRICT, parent=city.root)
        groups["urban"].members.create(unit=unit)
    assert groups["urban"].members.count() == 14
    assert queries("form.agg_a@urban") == city_wide
    figure = metric_value(key="form.agg_a@urban", unit=city.root, start=START, end=END)
    assert figure.value == 3


@pytest.mark.parametrize(
    ("metric", "first", "where"),
    [
        ("org.schools_opened", "units: 郊区", "units"),
        ("org.schools_opened", "units: [市区]", "units"),
        ("org.schools_opened@urban", "note: x", "metric"),
        ("org.schools_opened", "provisional: true", "provisional"),
        ("org.schools_opened", 'provisional: ""', "provisional"),
        ("org.schools_opened", "provisonal: 学校自报", "provisonal"),
    ],
)
def test_a_bad_group_or_provisional_reason_is_refused_with_its_place_and_changes_nothing(
    city, bound, tmp_path: Path, metric, first, where
):
    before = list(TargetBinding.objects.values_list("metric_key", "provisional").order_by("pk"))
    path = tmp_path / "bad.yaml"
    path.write_text(bindings_yaml(metric=metric, first=first), encoding="utf-8")
    with pytest.raises(
        InputError, match=rf"^bad\.yaml:\d+:\d+ bindings\[0\]\.{where}: "
    ) as refused:
        bindings_load(path=path)
    assert re.fullmatch(rf"bad\.yaml:\d+:\d+ bindings\[0\]\.{where}", refused.value.where)
    after = list(TargetBinding.objects.values_list("metric_key", "provisional").order_by("pk"))
    assert after == before


def test_a_district_with_none_of_the_groups_units_reads_not_its_target(city, groups, tmp_path):
    plan = make_plan(
        code="city", organisation=city.root, owners={1: city.dept_basic, 2: city.dept_sports}
    )
    path = tmp_path / "bindings.yaml"
    path.write_text(bindings_yaml(first="units: 直属学校, reach: each_unit"), encoding="utf-8")
    bindings_load(path=path)
    for district in (city.jinshui, city.erqi):
        rows = {
            r.target.goal.project.number: r
            for r in target_status_list(plan=plan, at=AT, unit=district)
        }
        # 直属学校 lie under the bureau, none in a district: the target is not the district's.
        assert rows[1].status == Status.NOT_APPORTIONED
    [first, _second] = project_statuses_from(
        plan, target_status_list(plan=plan, at=AT, unit=city.jinshui)
    )
    assert first.status is None and first.label == "未分解到本单位"
    city_rows = target_status_list(plan=plan, at=AT, unit=city.root)
    assert city_rows[0].status != Status.NOT_APPORTIONED
