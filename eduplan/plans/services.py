"""Writes to plans: loading a checked plan specification into the database."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplan.core.errors import InputError
from eduplan.core.figures_cache import figures_changed
from eduplan.org.access import Action, User, require, signed_in
from eduplan.org.models import OrgUnit, UnitType
from eduplan.plans.loading import PlanSpec, TargetSpec, restated_key
from eduplan.plans.models import (
    Goal,
    Measure,
    Milestone,
    Plan,
    PlanStatus,
    Project,
    ProjectOwner,
    Section,
    Target,
    WorkPoint,
    goal_place,
)


def _target(spec: TargetSpec, *, plan: Plan, order: int, **owner: Goal | WorkPoint) -> Target:
    return Target(
        plan=plan,
        order=order,
        indicator=spec.indicator,
        value=spec.value,
        value_max=spec.value_max,
        unit=spec.unit,
        comparator=spec.comparator,
        change=spec.change or "",
        baseline_year=spec.baseline_year,
        year=spec.year,
        source=spec.source,
        pair=spec.pair,
        note=spec.note,
        metric_key=spec.metric,
        **owner,
    )


@transaction.atomic
def plan_load(*, spec: PlanSpec, status: str = PlanStatus.ACTIVE) -> Plan:
    """Store a checked plan as a new plan; refuses, writing nothing, when its code
    exists or it names an org unit the database does not hold."""
    organisation, departments = _plan_units(spec)
    plan = Plan.objects.create(
        code=spec.code,
        name=spec.name,
        organisation=organisation,
        start_year=spec.start_year,
        end_year=spec.end_year,
        status=status,
        intro=spec.intro,
        work_points_intro=spec.work_points_intro,
        source_digest=spec.digest,
    )
    # Every target in the plan's order: the projects' goals, the work points, the plan's own.
    targets: list[Target] = []
    projects = _projects_create(plan, spec, departments, targets)
    _sections_create(plan, spec, projects, targets)
    targets += [_target(t, plan=plan, order=len(targets) + i) for i, t in enumerate(spec.targets)]
    Target.objects.bulk_create(targets)
    specs = [t for p in spec.projects for g in p.goals for t in g.targets]
    specs += [t for s in spec.sections for w in s.work_points for t in w.targets] + spec.targets
    _restatements_link(list(zip(specs, targets, strict=True)))
    figures_changed()
    return plan


def _plan_units(spec: PlanSpec) -> tuple[OrgUnit, dict[str, OrgUnit]]:
    """The plan's org unit and its owner departments by code; refuses a code already
    loaded and a unit or department the database does not hold, naming its place (in the
    file it was read from)."""
    if Plan.objects.filter(code=spec.code).exists():
        raise InputError(_("a plan with this code is already loaded"), where=f"code: {spec.code}")
    try:
        organisation = OrgUnit.objects.get(code=spec.organisation)
    except OrgUnit.DoesNotExist:
        raise InputError(
            _("unknown org unit: %(code)s") % {"code": spec.organisation},
            where=spec.place("organisation"),
        ) from None
    departments = {
        u.code: u
        for u in OrgUnit.objects.filter(code__in=spec.department_codes(), type=UnitType.DEPARTMENT)
    }
    for p_index, checked in enumerate(spec.projects):
        for o_index, (code, _role) in enumerate(checked.owners):
            if code not in departments:
                raise InputError(
                    _("unknown department: %(code)s") % {"code": code},
                    where=spec.place(f"projects[{p_index}].owners[{o_index}].department"),
                )
    return organisation, departments


def _projects_create(
    plan: Plan, spec: PlanSpec, departments: dict[str, OrgUnit], targets: list[Target]
) -> dict[int, Project]:
    """The projects with their owners, goals, measures and milestones, by number; their
    goals' targets are appended to `targets` (unsaved)."""
    projects: dict[int, Project] = {}
    for project_spec in spec.projects:
        project = Project.objects.create(
            plan=plan, number=project_spec.number, name=project_spec.name
        )
        projects[project.number] = project
        ProjectOwner.objects.bulk_create(
            ProjectOwner(project=project, department=departments[code], role=role)
            for code, role in project_spec.owners
        )
        for goal_spec in project_spec.goals:
            goal = Goal.objects.create(
                project=project, horizon=goal_spec.horizon, year=goal_spec.year, text=goal_spec.text
            )
            targets += [
                _target(t, plan=plan, order=len(targets) + i, goal=goal)
                for i, t in enumerate(goal_spec.targets)
            ]
        Measure.objects.bulk_create(
            Measure(project=project, number=i, text=text)
            for i, text in enumerate(project_spec.measures, start=1)
        )
        Milestone.objects.bulk_create(
            Milestone(project=project, year=year, title=title, due_on=datetime.date(year, 12, 31))
            for year, title in project_spec.milestones
        )
    return projects


def _sections_create(
    plan: Plan, spec: PlanSpec, projects: dict[int, Project], targets: list[Target]
) -> None:
    """The sections and their work points, linked to their projects; the work points'
    targets are appended to `targets` (unsaved)."""
    for section_spec in spec.sections:
        section = Section.objects.create(
            plan=plan, number=section_spec.number, title=section_spec.title
        )
        for wp_spec in section_spec.work_points:
            work_point = WorkPoint.objects.create(
                plan=plan, section=section, number=wp_spec.number, text=wp_spec.text
            )
            work_point.projects.set([projects[n] for n in wp_spec.projects])
            targets += [
                _target(t, plan=plan, order=len(targets) + i, work_point=work_point)
                for i, t in enumerate(wp_spec.targets)
            ]


def _restatements_link(created: list[tuple[TargetSpec, Target]]) -> None:
    """Point each restating target at the project target it repeats (the loader checked
    that it exists)."""
    originals = {
        (goal_place(t.goal.project.number, t.goal.horizon, t.goal.year), t.indicator): t
        for _spec, t in created
        if t.goal is not None
    }
    restating = []
    for spec, target in created:
        if spec.restates:
            target.restates = originals[restated_key(spec)]
            restating.append(target)
    Target.objects.bulk_update(restating, ["restates"])


EVIDENCE_MAX = 2000


@transaction.atomic
def milestone_complete(
    *, user: User, milestone: Milestone, done_on: datetime.date, evidence: str
) -> Milestone:
    """Mark a milestone done on a day, with what shows it (a document number, a link to
    the evidence). Only the project's owner departments (and the supervision office) may;
    refuses a day in the future and missing evidence, changing nothing."""
    require(user, Action.PLAN_CHANGE, milestone)
    evidence = evidence.strip()
    if done_on > timezone.localdate():
        raise InputError(_("The day it was done cannot be in the future."), where="done_on")
    if not evidence:
        raise InputError(_("Say what shows it was done (a document, a link)."), where="evidence")
    if len(evidence) > EVIDENCE_MAX:
        raise InputError(
            _("Keep the evidence under %(n)s characters.") % {"n": EVIDENCE_MAX}, where="evidence"
        )
    milestone.done_on = done_on
    milestone.done_by = signed_in(user)
    milestone.evidence = evidence
    milestone.save(update_fields=["done_on", "done_by", "evidence"])
    return milestone
