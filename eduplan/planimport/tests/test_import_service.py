"""importing.py: a parsed plan becomes a new draft plan, in one transaction, or nothing."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from eduplan.core.errors import InputError
from eduplan.planimport.importing import (
    ERR_CODE_TAKEN,
    ERR_MAX_BELOW_VALUE,
    ERR_RANGE_NEEDS_MAX,
    parsed_plan_to_spec,
    plan_code_free,
    plan_code_from_filename,
    plan_import,
)
from eduplan.planimport.parsing import ParsedPlan, parse_plan
from eduplan.planimport.tests.test_import_cli import SMALL_PLAN
from eduplan.plans.models import Goal, Plan, PlanStatus, Target, WorkPoint
from eduplan.plans.selectors import plan_as_json
from eduplan.plans.tests.factories import make_plan

RESTARTING = """新安县教育局2017年工作要点
一、加强党建
1. 建成党建示范校10所。
2. 培训党务干部200人次。
二、推进建校
1. 新建幼儿园5所。
"""

NO_SECTIONS = """2018年为民办实事
1. 新建中小学12所。
2. 培训乡村教师3000人。
"""


def test_the_spec_keeps_projects_goals_measures_and_puts_loose_targets_on_the_plan() -> None:
    spec = parsed_plan_to_spec(
        parse_plan(SMALL_PLAN), code="shifan", name="示范县", organisation_code="410100"
    )
    (project,) = spec.projects
    assert (project.number, project.name, project.owners) == (1, "学校建设工程", [])
    assert [(g.horizon, g.year, len(g.targets)) for g in project.goals] == [
        ("three_year", 2018, 2),
        ("annual", 2016, 1),
    ]
    assert project.measures == ["加快规划", "保障土地"]
    decrease = project.goals[0].targets[1]
    assert (decrease.value, decrease.change, decrease.baseline_year) == (
        Decimal("60"),
        "decrease",
        2013,
    )
    assert [(s.number, s.title) for s in spec.sections] == [(1, "狠抓党建"), (2, "力推建校")]
    assert [t.indicator for t in spec.targets] == ["新增学位"]


def test_work_points_are_numbered_through_the_plan_when_the_text_restarts_them() -> None:
    spec = parsed_plan_to_spec(
        parse_plan(RESTARTING), code="xinan", name="新安", organisation_code="410100"
    )
    assert [[wp.number for wp in s.work_points] for s in spec.sections] == [[1, 2], [3]]
    assert spec.sections[1].work_points[0].targets[0].indicator == "新建幼儿园"


def test_work_points_before_any_section_get_a_section_of_their_own() -> None:
    spec = parsed_plan_to_spec(
        parse_plan(NO_SECTIONS), code="shishi", name="实事", organisation_code="410100"
    )
    assert [(s.number, s.title, len(s.work_points)) for s in spec.sections] == [(1, "工作要点", 2)]
    assert (spec.start_year, spec.end_year) == (2018, 2018)


@pytest.mark.parametrize(
    ("filename", "code"),
    [
        ("zhengzhou-2016-plan.txt", "zhengzhou-2016-plan"),
        ("district-2021-safety.docx.txt", "district-2021-safety"),
        ("郑州2016.docx", "plan-2016"),
        ("郑州市规划.txt", "plan"),
        ("import.txt", "plan-import"),
        ("Plan Of Jinshui.TXT", "plan-of-jinshui"),
    ],
)
def test_a_code_is_made_from_the_file_name(filename: str, code: str) -> None:
    assert plan_code_from_filename(filename) == code


def test_a_free_code_counts_up_past_the_taken_ones(city) -> None:
    assert plan_code_free(base="shifan") == "shifan"
    make_plan(code="shifan", organisation=city.root)
    make_plan(code="shifan-2", organisation=city.root)
    assert plan_code_free(base="shifan") == "shifan-3"


def test_plan_import_stores_a_draft_and_checks_the_users_right(city) -> None:
    parsed = parse_plan(SMALL_PLAN)
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        plan_import(
            parsed=parsed,
            code="shifan",
            name="示范",
            organisation=city.root,
            user=city.users["bob"],
        )
    with pytest.raises(
        PermissionDenied, match="您无权在此执行该操作"
    ):  # department staff change only projects they own
        plan_import(
            parsed=parsed,
            code="shifan",
            name="示范",
            organisation=city.root,
            user=city.users["dan"],
        )
    assert not Plan.objects.exists()
    plan = plan_import(
        parsed=parsed, code="shifan", name="示范", organisation=city.root, user=city.users["sue"]
    )
    assert (plan.status, plan.organisation, plan.name) == (PlanStatus.DRAFT, city.root, "示范")
    assert plan.targets.count() == 6


def test_a_taken_code_is_refused_and_the_existing_plan_is_untouched(city) -> None:
    existing = make_plan(code="shifan", organisation=city.root, owners={1: city.dept_basic})
    before = plan_as_json(plan=existing)
    with pytest.raises(
        InputError, match=re.escape(str(ERR_CODE_TAKEN % {"code": "shifan"}))
    ) as refused:
        plan_import(
            parsed=parse_plan(SMALL_PLAN), code="shifan", name="示范", organisation=city.root
        )
    assert refused.value.where == "code"
    assert refused.value.message == str(ERR_CODE_TAKEN % {"code": "shifan"})
    assert Plan.objects.count() == 1 and plan_as_json(plan=existing) == before


def _with_first_target(parsed: ParsedPlan, **changes: object) -> ParsedPlan:
    project = parsed.projects[0]
    goal = project.goals[0]
    bad = replace(goal.targets[0], **changes)
    goals = [replace(goal, targets=[bad, *goal.targets[1:]]), *project.goals[1:]]
    projects = [replace(project, goals=goals), *parsed.projects[1:]]
    targets = [bad if t is goal.targets[0] else t for t in parsed.targets]
    return replace(parsed, projects=projects, targets=targets)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"comparator": "between"}, ERR_RANGE_NEEDS_MAX),
        ({"comparator": "between", "value_max": 10.0}, ERR_MAX_BELOW_VALUE),
    ],
)
def test_an_inconsistent_target_is_refused_by_its_place_and_nothing_is_stored(
    city, changes: dict[str, object], message: object
) -> None:
    parsed = _with_first_target(parse_plan(SMALL_PLAN), **changes)
    with pytest.raises(InputError, match=re.escape(str(message))) as refused:
        plan_import(parsed=parsed, code="shifan", name="示范", organisation=city.root)
    assert refused.value.where == "projects[0].goals[0].targets[0].value_max"
    assert refused.value.message == str(message)
    assert not Plan.objects.exists() and not Target.objects.exists()


def test_a_failure_after_the_first_write_leaves_nothing_behind(city, monkeypatch) -> None:
    calls = []

    def targets_break(objs, *args, **kwargs):
        # The targets are written last, after the plan, its projects and work points.
        calls.append(1)
        assert Plan.objects.filter(code="shifan").exists()
        raise IntegrityError("disk full")

    monkeypatch.setattr(Target.objects, "bulk_create", targets_break)
    with pytest.raises(IntegrityError, match="disk full"):
        plan_import(
            parsed=parse_plan(SMALL_PLAN), code="shifan", name="示范", organisation=city.root
        )
    assert len(calls) == 1
    assert not Plan.objects.exists() and not Target.objects.exists()


def test_a_target_may_belong_to_the_plan_but_never_to_both_a_goal_and_a_work_point(city) -> None:
    plan = make_plan(code="city", organisation=city.root, owners={1: city.dept_basic})
    goal, work_point = Goal.objects.get(), WorkPoint.objects.get()
    fields = {"indicator": "学位", "value": 10, "unit": "个", "comparator": "=", "source": "x"}
    Target.objects.create(plan=plan, **fields)  # on the plan itself
    with (
        pytest.raises(IntegrityError, match="target_belongs_to_at_most_one_place"),
        transaction.atomic(),
    ):
        Target.objects.create(plan=plan, goal=goal, work_point=work_point, **fields)
