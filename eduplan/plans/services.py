"""Writes to plans: loading a checked plan specification into the database."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.figures_cache import figures_changed
from eduplan.core.uploads import upload_check
from eduplan.org.access import Action, User, require, signed_in
from eduplan.org.models import OrgUnit, UnitType
from eduplan.plans.breakdown import TaskSpec
from eduplan.plans.loading import PlanSpec, TargetSpec, restated_key
from eduplan.plans.models import (
    Goal,
    Measure,
    Milestone,
    MilestoneEvidence,
    MilestoneKind,
    Plan,
    PlanStatus,
    Project,
    ProjectOwner,
    Section,
    Target,
    Task,
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
    tasks_create(plan=plan, specs=spec.tasks)
    figures_changed(rows=False)  # what is judged changed, not what is counted
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


# The work breakdown ---------------------------------------------------------------------

TASK_UNIT_TYPES = (UnitType.DEPARTMENT, UnitType.DISTRICT)


def _task_units(plan: Plan, specs: list[TaskSpec]) -> dict[str, OrgUnit]:
    """The lead and co-operating units by code: departments or districts under the plan's
    organisation; refuses any other, naming its place."""
    codes = {code for t in specs for code in [t.lead, *t.co]}
    units = {
        u.code: u
        for u in OrgUnit.objects.filter(code__in=codes, type__in=TASK_UNIT_TYPES)
        if plan.organisation.contains(u)
    }
    for spec in specs:
        for key, code in [("lead", spec.lead)] + [(f"co[{j}]", c) for j, c in enumerate(spec.co)]:
            if code not in units:
                raise InputError(
                    _("no department or district %(code)s in this plan's organisation")
                    % {"code": code},
                    where=spec.place(key),
                )
    return units


def tasks_create(*, plan: Plan, specs: list[TaskSpec]) -> list[Task]:
    """Store a plan's checked breakdown (inside `plan_load`'s transaction): tasks numbered
    in their measure (else their work point), their co-operating units and milestones."""
    if not specs:
        return []
    units = _task_units(plan, specs)
    measures = {
        (m.project.number, m.number): m
        for m in Measure.objects.filter(project__plan=plan).select_related("project")
    }
    points = {w.number: w for w in WorkPoint.objects.filter(plan=plan)}
    numbers: dict[tuple[str, int, int], int] = {}
    tasks = []
    for spec in specs:
        owner: dict[str, Measure | WorkPoint] = (
            {"measure": measures[spec.measure]} if spec.measure else {}
        )
        if spec.work_point is not None:
            owner["work_point"] = points[spec.work_point]
        key = ("m", *spec.measure) if spec.measure else ("w", spec.work_point or 0, 0)
        numbers[key] = numbers.get(key, 0) + 1
        tasks.append(
            Task(
                plan=plan,
                number=numbers[key],
                title=spec.title,
                lead_unit=units[spec.lead],
                deadline=spec.deadline,
                year=spec.year,
                confirmed=spec.confirmed,
                note=spec.note,
                **owner,
            )
        )
    Task.objects.bulk_create(tasks)
    Task.co_units.through.objects.bulk_create(
        Task.co_units.through(task_id=task.pk, orgunit_id=units[code].pk)
        for task, spec in zip(tasks, specs, strict=True)
        for code in spec.co
    )
    Milestone.objects.bulk_create(
        Milestone(
            task=task,
            kind=m.kind,
            year=m.year,
            title=m.title,
            document_title=m.document_title,
            due_on=m.due_on,
        )
        for task, spec in zip(tasks, specs, strict=True)
        for m in spec.milestones
    )
    return tasks


ERR_NO_EVIDENCE = gettext_lazy("Add at least one piece of evidence (a file or a link) first.")
ERR_NO_DOCUMENT_NUMBER = gettext_lazy("A document milestone needs the document's number (文号).")
ERR_DONE_IN_FUTURE = gettext_lazy("The day it was done cannot be in the future.")


def _milestone_require(user: User, milestone: Milestone) -> None:
    """A task's milestone: its lead unit's staff (and the supervision office); a project's
    milestone: the project's owners (and the supervision office)."""
    if milestone.task is not None:
        require(user, Action.TASK_REPORT, milestone.task)
    else:
        require(user, Action.PLAN_CHANGE, milestone)


@transaction.atomic
def milestone_evidence_add(
    *,
    user: User,
    milestone: Milestone,
    file: UploadedFile[Any] | None = None,
    url: str = "",
    note: str = "",
) -> MilestoneEvidence:
    """Attach a file or a link that shows the milestone was met; refuses neither or both,
    a file over the size limit and a note too long, storing nothing."""
    _milestone_require(user, milestone)
    url, note = url.strip(), note.strip()
    if (file is None) == (not url):
        raise InputError(_("Give either a file or a link."), where="evidence")
    if file is not None:
        upload_check(file, where="file")
    if url and not url.startswith(("http://", "https://")):
        raise InputError(_("A link starts with http:// or https://."), where="url")
    if len(note) > 500:
        raise InputError(_("Keep the note under %(n)s characters.") % {"n": 500}, where="note")
    item = MilestoneEvidence(milestone=milestone, url=url, note=note, added_by=signed_in(user))
    if file is not None:
        item.file.save(file.name or "evidence", file, save=False)
    item.save()
    return item


@transaction.atomic
def milestone_mark_done(
    *,
    user: User,
    milestone: Milestone,
    done_on: datetime.date,
    document_number: str = "",
) -> Milestone:
    """Mark a milestone done on a day. Refuses, changing nothing, without at least one
    evidence item, a document milestone without its 文号, and a day in the future."""
    _milestone_require(user, milestone)
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    document_number = document_number.strip() or locked.document_number
    if done_on > timezone.localdate():
        raise InputError(str(ERR_DONE_IN_FUTURE), where="done_on")
    if not locked.evidence_items.exists():
        raise InputError(str(ERR_NO_EVIDENCE), where="evidence")
    if locked.kind == MilestoneKind.DOCUMENT and not document_number:
        raise InputError(str(ERR_NO_DOCUMENT_NUMBER), where="document_number")
    if len(document_number) > 100:
        raise InputError(
            _("Keep the number under %(n)s characters.") % {"n": 100}, where="document_number"
        )
    locked.done_on, locked.done_by = done_on, signed_in(user)
    locked.document_number = document_number
    locked.save(update_fields=["done_on", "done_by", "document_number"])
    return locked


TASK_FIELDS = ("title", "lead_unit", "deadline", "note")


@transaction.atomic
def task_update(
    *,
    user: User,
    task: Task,
    title: str,
    lead_unit: OrgUnit,
    co_units: list[OrgUnit],
    deadline: datetime.date,
    note: str = "",
    confirm: bool = False,
) -> Task:
    """Change a task (the plan's owners and the supervision office), and confirm it
    when asked; refuses a lead unit outside the plan's departments and districts."""
    require(user, Action.PLAN_CHANGE, task)
    title = title.strip()
    if not title:
        raise InputError(_("A task needs a title."), where="title")
    for unit in [lead_unit, *co_units]:
        if unit.type not in TASK_UNIT_TYPES or not task.plan.organisation.contains(unit):
            raise InputError(
                _("no department or district %(code)s in this plan's organisation")
                % {"code": unit.code},
                where="lead_unit" if unit == lead_unit else "co_units",
            )
    task.title, task.lead_unit, task.deadline, task.note = title, lead_unit, deadline, note.strip()
    task.year = deadline.year
    fields = [*TASK_FIELDS, "year"]
    if confirm:
        task.confirmed = True
        fields.append("confirmed")
    task.save(update_fields=fields)
    task.co_units.set([u for u in co_units if u != lead_unit])
    return task


@transaction.atomic
def task_delete(*, user: User, task: Task) -> None:
    """Delete a proposed (unconfirmed) task and its milestones; a confirmed one stays."""
    require(user, Action.PLAN_CHANGE, task)
    if task.confirmed:
        raise InputError(_("A confirmed task is not deleted."), where=task.title)
    task.delete()
