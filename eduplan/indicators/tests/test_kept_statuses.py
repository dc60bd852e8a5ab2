"""After a change, a target's status is computed again only if a part of what it depends
on moved (its metric's stored figures, its provider's rows, what is judged), and what is
kept equals what a fresh count gives; the plan's work is kept across a school's figures."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.cache import caches

from eduplan.construction.models import SchoolClass
from eduplan.core.figure_reads import counted_from_rows, part_stamps
from eduplan.core.figures_cache import REPORTS, WORK, figures_scope, figures_stamp
from eduplan.core.periods import period_from_code
from eduplan.indicators import projects, work
from eduplan.indicators.models import GoalMode, TargetAssessment, TargetBinding
from eduplan.indicators.status import target_status_list
from eduplan.org.tests.factories import OrgUnitFactory
from eduplan.plans.models import PlanStatus, Target
from eduplan.plans.tests.factories import make_plan, make_task

AT = period_from_code("2016B6")


@pytest.fixture
def plan(city):
    plan = make_plan(
        code="kept", organisation=city.root, owners={1: city.dept_basic, 2: city.dept_sports}
    )
    plan.status = PlanStatus.ACTIVE
    plan.save(update_fields=["status"])
    return plan


def _bind(target: Target, key: str) -> None:
    TargetBinding.objects.create(
        target=target,
        metric_key=key,
        goal_mode=GoalMode.ABSOLUTE,
        baseline_value=Decimal(0),
        baseline_on=datetime.date(2015, 12, 31),
        start_on=datetime.date(2016, 1, 1),
        due_on=datetime.date(2018, 12, 31),
    )


@pytest.fixture
def bound(plan, city):
    """Project 1's target on classes (a census of the schools), project 2's on schools
    opened (the org tree)."""
    classes, opened = (Target.objects.get(plan=plan, goal__project__number=n) for n in (1, 2))
    _bind(classes, "construction.classes")
    _bind(opened, "org.schools_opened")
    SchoolClass.objects.create(
        school=city.jinshui_one, school_year=2016, grade=1, number=1, pupils=70
    )
    return classes, opened


@pytest.fixture
def computed(monkeypatch):
    """The targets each read computed (None: all of them)."""
    seen: list[list[int] | None] = []
    real = projects.target_status_list

    def spy(**kwargs):
        only = kwargs.get("only")
        seen.append(None if only is None else sorted(only))
        return real(**kwargs)

    monkeypatch.setattr(projects, "target_status_list", spy)
    caches["figures"].clear()
    return seen


def _read(plan):
    with figures_scope():
        return projects.target_statuses_cached(
            stamp=figures_stamp(), plan=plan, at=AT, unit=plan.organisation
        )


def _fresh(plan):
    with figures_scope(), counted_from_rows():
        return target_status_list(plan=plan, at=AT, unit=plan.organisation)


def _shown(statuses):
    return [(s.target.pk, s.status, s.actual, s.expected) for s in statuses]


@pytest.mark.django_db
def test_a_change_computes_again_only_the_targets_whose_figures_it_moved(
    plan, city, bound, computed
):
    classes, opened = bound
    everyone = sorted(Target.objects.filter(plan=plan).values_list("pk", flat=True))
    _read(plan)  # builds the two metrics in the store
    with figures_scope():  # each target now kept under its metric's own figures
        projects._kept_statuses(plan=plan, at=AT, unit=plan.organisation)
    computed.clear()
    assert _shown(_read(plan)) == _shown(_fresh(plan))
    assert computed == []  # nothing moved: the page's list is kept whole
    # A class moves the classes' figures, not the schools opened.
    SchoolClass.objects.create(
        school=city.jinshui_one, school_year=2016, grade=1, number=2, pupils=60
    )
    kept = _read(plan)
    assert computed == [[classes.pk]]
    assert _shown(kept) == _shown(_fresh(plan))
    assert next(s for s in kept if s.target == classes).actual == Decimal(2)
    # What is judged moves every target's status (here an assessment).
    computed.clear()
    TargetAssessment.objects.create(
        target=opened,
        period="2016B6",
        status="off_track",
        comment="进度滞后",
        assessed_by=city.users["dan"],
    )
    assert _shown(_read(plan)) == _shown(_fresh(plan))
    assert computed == [everyone]
    # A new school moves every metric's figures (the org tree filters every provider's).
    computed.clear()
    OrgUnitFactory(code="410105-P9", name="金水九小", parent=city.jinshui)
    assert _shown(_read(plan)) == _shown(_fresh(plan))
    assert computed == [everyone]


@pytest.mark.django_db
def test_the_plans_work_is_kept_across_a_schools_figures_and_moves_with_a_task(plan, city):
    caches["figures"].clear()
    runs: list[int] = []
    real = work.plan_work

    def counted(**kwargs):
        runs.append(1)
        return real(**kwargs)

    work.plan_work, restore = counted, work.plan_work
    try:
        read = lambda: work.plan_work_cached(plan=plan, at=AT, unit=plan.organisation)  # noqa: E731
        read()
        SchoolClass.objects.create(
            school=city.jinshui_one, school_year=2016, grade=1, number=1, pupils=50
        )
        read()
        assert len(runs) == 1
        make_task(plan=plan, lead=city.jinshui, title="出台《学位办法》")
        assert [t.task.title for t in read().tasks] == ["出台《学位办法》"]
        assert len(runs) == 2
    finally:
        work.plan_work = restore


@pytest.mark.django_db
def test_a_report_submitted_moves_the_reports_due_and_a_progress_report_the_work_too(city):
    from eduplan.indicators.work import PROGRESS_FORM
    from eduplan.reporting.definitions import definition_from_data
    from eduplan.reporting.models import Form, Submission
    from eduplan.reporting.services import form_load
    from eduplan.reporting.tests.conftest import CLASS_FORM

    def moved(form: Form) -> set[str]:
        before = part_stamps()
        Submission.objects.create(
            form=form,
            form_version=form.current_version,
            org_unit=city.jinshui_one,
            period="2016T1",
            status="submitted",
        )
        after = part_stamps()
        return {p for p in after if after[p] != before.get(p, 0)}

    data, progress = (
        form_load(definition=definition_from_data({**CLASS_FORM, "code": code}, source="t"))[0]
        for code in ("class-census", PROGRESS_FORM)
    )
    by_data, by_progress = moved(data), moved(progress)
    assert REPORTS in by_data and WORK not in by_data
    assert {REPORTS, WORK} <= by_progress
