"""Reads of plans: the plan as JSON, project and work point pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, Prefetch, QuerySet, Value, When

from eduplan.core.numbers import number
from eduplan.org.access import Action, User, can
from eduplan.plans.models import (
    Goal,
    Plan,
    PlanStatus,
    Project,
    ProjectOwner,
    Section,
    Target,
    WorkPoint,
)


def plans_in_preference() -> QuerySet[Plan]:
    """Plans with the one to show by default first: active before draft and closed,
    then the newest (an imported draft never displaces the plan being run)."""
    active_first = Case(When(status=PlanStatus.ACTIVE, then=Value(0)), default=Value(1))
    return Plan.objects.select_related("organisation").order_by(active_first, "-start_year", "-id")


def plan_default(code: str | None = None) -> Plan | None:
    """The plan with this code, or the plan shown by default."""
    plans = plans_in_preference()
    return plans.filter(code=code).first() if code else plans.first()


def plans_visible_to(*, user: User) -> list[Plan]:
    """The plans whose area overlaps the user's scope."""
    plans = plans_in_preference()
    return [plan for plan in plans if can(user, Action.PLAN_VIEW, plan)]


def target_as_exchange(target: Target, *, section: str) -> dict[str, Any]:
    """One target in the exchange format of TARGETS_FORMAT.md, with its place."""
    row: dict[str, Any] = {
        "value": number(target.value, places=None),
        "value_max": number(target.value_max, places=None),
        "unit": target.unit,
        "comparator": target.comparator,
        "change": target.change or None,
        "baseline_year": target.baseline_year,
        "year": target.year,
        "indicator": target.indicator,
        "source": target.source,
        "section": section,
    }
    if target.pair:
        row["pair"] = target.pair
    return row


def plan_projects(*, plan: Plan) -> QuerySet[Project]:
    """Projects with goals, targets, measures, owners and work points prefetched."""
    return plan.projects.prefetch_related(
        Prefetch(
            "goals", queryset=Goal.objects.prefetch_related("targets").select_related("project")
        ),
        "measures",
        "milestones",
        Prefetch("project_owners", queryset=ProjectOwner.objects.select_related("department")),
        Prefetch("work_points", queryset=WorkPoint.objects.order_by("number")),
    )


def plan_overview_projects(*, plan: Plan) -> QuerySet[Project]:
    """Projects with their owners and counts of goals' targets and measures."""
    return plan.projects.annotate(
        target_count=Count("goals__targets", distinct=True),
        measure_count=Count("measures", distinct=True),
        work_point_count=Count("work_points", distinct=True),
    ).prefetch_related(
        Prefetch("project_owners", queryset=ProjectOwner.objects.select_related("department"))
    )


def plan_sections(*, plan: Plan) -> QuerySet[Section]:
    """Sections with their work points, targets and linked projects prefetched."""
    return plan.sections.prefetch_related(
        Prefetch(
            "work_points",
            queryset=WorkPoint.objects.order_by("number").prefetch_related(
                "targets", Prefetch("projects", queryset=Project.objects.order_by("number"))
            ),
        )
    )


def plan_as_json(*, plan: Plan) -> dict[str, Any]:
    """The whole plan as printed by `eduplan plan show --json`."""
    projects = []
    for project in plan_projects(plan=plan):
        goals = list(project.goals.all())
        projects.append(
            {
                "number": project.number,
                "name": project.name,
                "owners": [
                    {"department": o.department.name, "code": o.department.code, "role": o.role}
                    for o in project.project_owners.all()
                ],
                "goals": [{"horizon": g.horizon, "year": g.year, "text": g.text} for g in goals],
                "targets": [
                    target_as_exchange(t, section=g.section_label)
                    for g in goals
                    for t in g.targets.all()
                ],
                "measures": [m.text for m in project.measures.all()],
                "milestones": [
                    {"year": m.year, "title": m.title} for m in project.milestones.all()
                ],
            }
        )
    work_points = [
        {
            "number": wp.number,
            "section": section.number,
            "section_title": section.title,
            "text": wp.text,
            "projects": [p.number for p in wp.projects.all()],
            "targets": [target_as_exchange(t, section=wp.section_label) for t in wp.targets.all()],
        }
        for section in plan_sections(plan=plan)
        for wp in section.work_points.all()
    ]
    loose = Target.objects.filter(plan=plan, goal__isnull=True, work_point__isnull=True)
    return {
        # Targets a document states for the plan as a whole (imported plans only).
        "targets": [target_as_exchange(t, section="") for t in loose],
        "plan": {
            "code": plan.code,
            "name": plan.name,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
        },
        "projects": projects,
        "work_points": work_points,
    }
