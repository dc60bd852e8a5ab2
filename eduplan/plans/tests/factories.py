"""Small plans for tests; the curated Zhengzhou plan is loaded from its file elsewhere."""

from __future__ import annotations

from decimal import Decimal

from eduplan.org.models import OrgUnit
from eduplan.plans.models import Goal, Plan, Project, ProjectOwner, Section, Target, WorkPoint


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
