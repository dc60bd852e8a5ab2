"""Small plans for tests; the curated Zhengzhou plan is loaded from its file elsewhere."""

from __future__ import annotations

import datetime
from decimal import Decimal

from eduplan.org.models import OrgUnit
from eduplan.plans.models import (
    Goal,
    Measure,
    Milestone,
    Plan,
    Project,
    ProjectOwner,
    Section,
    Target,
    Task,
    WorkPoint,
)


def make_plan(
    *, code: str, organisation: OrgUnit, owners: dict[int, OrgUnit] | None = None
) -> Plan:
    """A plan with one project per entry of `owners` (number -> lead department),
    one three-year goal and target each, and one work point."""
    plan = Plan.objects.create(
        code=code, name=f"规划 {code}", organisation=organisation, start_year=2016, end_year=2018
    )
    for number, department in (owners or {}).items():
        project = Project.objects.create(plan=plan, number=number, name=f"第{number}项工程")
        ProjectOwner.objects.create(project=project, department=department, role="lead")
        goal = Goal.objects.create(project=project, horizon="three_year", year=2018, text="目标")
        Target.objects.create(
            plan=plan,
            goal=goal,
            indicator="示范学校",
            value=Decimal(50),
            unit="所",
            comparator="=",
            year=2018,
            source="遴选50所示范学校",
        )
    section = Section.objects.create(plan=plan, number=1, title="狠抓党建")
    WorkPoint.objects.create(plan=plan, section=section, number=1, text="工作要点一")
    return plan


def make_task(
    *,
    plan: Plan,
    lead: OrgUnit,
    title: str = "出台《示范办法》",
    deadline: datetime.date = datetime.date(2016, 12, 31),
    milestone_kind: str | None = "document",
    confirmed: bool = True,
) -> Task:
    """A task of the plan's first measure of project 1 (made if missing) or, for a plan
    without projects, of its first work point; with one milestone due at its deadline."""
    project = plan.projects.order_by("number").first()
    owner: dict[str, Measure | WorkPoint] = {}
    if project is not None:
        owner["measure"], _created = Measure.objects.get_or_create(
            project=project, number=1, defaults={"text": "研究出台《示范办法》"}
        )
    else:
        owner["work_point"] = plan.work_points.order_by("number").first()  # type: ignore[assignment]
    number = Task.objects.filter(**owner).count() + 1
    task = Task.objects.create(
        plan=plan,
        number=number,
        title=title,
        lead_unit=lead,
        deadline=deadline,
        year=deadline.year,
        confirmed=confirmed,
        **owner,
    )
    if milestone_kind:
        Milestone.objects.create(
            task=task,
            kind=milestone_kind,
            year=deadline.year,
            title=title,
            document_title="示范办法" if milestone_kind == "document" else "",
            due_on=deadline,
        )
    return task
