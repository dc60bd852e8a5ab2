"""The records a unit's score is counted from, one collector per part.

Each collector reads one kind of record due in the year for many appraised units at
once and says of each whether it was met (on time), missed (late, overdue, not
reached) or not counted yet (not yet due, or not judged). A district answers for the
records of its whole subtree (its schools' reports, the orders its schools must answer);
a department for its own. Collectors only read.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from eduplan.core.figures_cache import figures_cached
from eduplan.core.periods import PeriodType, period_containing, period_from_code
from eduplan.indicators.projects import target_statuses_cached
from eduplan.indicators.status import Status, TargetStatus, measured_status_by_child
from eduplan.org.models import PATH_SEPARATOR, OrgUnit, UnitType
from eduplan.plans.models import Milestone, OwnerRole, Plan, ProjectOwner, project_ordinal
from eduplan.reporting.models import DONE as REPORT_DONE
from eduplan.reporting.models import ExpectedReport, submissions_of_report_due
from eduplan.supervision.models import SupervisionOrder


class Outcome(enum.StrEnum):
    MET = "met"
    MISSED = "missed"
    PENDING = "pending"  # not yet due, or not judged: not counted


@dataclass(frozen=True)
class Record:
    """One record behind a part of a unit's score."""

    unit_code: str  # the appraised unit that answers for it
    outcome: Outcome
    label: str
    url: str
    due: datetime.date | None
    done: datetime.date | None  # first submitted, closed, done
    note: str


@dataclass(frozen=True)
class Scope:
    """What the collectors need: the appraised units, the year and the day they look from."""

    units: list[OrgUnit]
    year: int
    as_of: datetime.date
    plan: Plan | None
    stamp: int  # the figures counter, read once per request

    def owner_of(self, path: str) -> str | None:
        """The code of the appraised unit whose subtree holds `path`."""
        by_path = {u.path: u.code for u in self.units}
        codes = [c for c in path.split(PATH_SEPARATOR) if c]
        for depth in range(len(codes), 0, -1):
            prefix = PATH_SEPARATOR + PATH_SEPARATOR.join(codes[:depth]) + PATH_SEPARATOR
            if prefix in by_path:
                return by_path[prefix]
        return None

    def under_units(self, field: str) -> Q:
        return reduce(or_, (Q(**{f"{field}__startswith": u.path}) for u in self.units), Q(pk=None))

    def in_year(self, field: str) -> Q:
        start, end = datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)
        return Q(**{f"{field}__gte": start, f"{field}__lte": end})


def _judged(due: datetime.date, done: datetime.date | None, as_of: datetime.date) -> Outcome:
    """Met when done by the due date; missed when done late, or undone once it is due."""
    if done is not None:
        return Outcome.MET if done <= due else Outcome.MISSED
    return Outcome.MISSED if due < as_of else Outcome.PENDING


def _lateness(due: datetime.date, done: datetime.date | None, undone: str) -> str:
    if done is None:
        return undone
    if done <= due:
        return _("On time")
    return _("%(days)s days late") % {"days": (done - due).days}


def _entry_url(form_code: str, period: str, org_code: str, subject: str) -> str:
    url = reverse("reporting:entry", args=[form_code, period, org_code])
    return f"{url}?{urlencode({'subject': subject})}" if subject else url


def report_records(scope: Scope) -> list[Record]:
    """Expected reports due in the year: on time when first submitted by the due date."""
    first = submissions_of_report_due(REPORT_DONE).values("first_submitted_at")[:1]
    rows = (
        ExpectedReport.objects.filter(scope.in_year("due_on"), scope.under_units("org_unit__path"))
        .annotate(first_at=Subquery(first))
        .order_by("due_on", "form__code", "org_unit__path", "subject")
        .values_list(
            "org_unit__path",
            "org_unit__code",
            "org_unit__name",
            "form__code",
            "form__name",
            "period",
            "subject",
            "due_on",
            "first_at",
        )
    )
    out = []
    for path, org_code, org_name, form_code, form_name, period, subject, due, first_at in rows:
        done = timezone.localdate(first_at) if first_at is not None else None
        out.append(
            Record(
                unit_code=scope.owner_of(path) or "",
                outcome=_judged(due, done, scope.as_of),
                label=f"{org_name}：{form_name}（{period_from_code(period).label}）",
                url=_entry_url(form_code, period, org_code, subject),
                due=due,
                done=done,
                note=_lateness(due, done, _("Not submitted")),
            )
        )
    return out


def order_records(scope: Scope) -> list[Record]:
    """Supervision orders due in the year: on time when closed (销号) by their deadline."""
    orders = (
        SupervisionOrder.objects.filter(
            scope.in_year("due_on"), scope.under_units("responsible_unit__path")
        )
        .order_by("due_on", "pk")
        .values_list("pk", "title", "due_on", "closed_at", "responsible_unit__path")
    )
    out = []
    for pk, title, due, closed_at, path in orders:
        done = timezone.localdate(closed_at) if closed_at is not None else None
        out.append(
            Record(
                unit_code=scope.owner_of(path) or "",
                outcome=_judged(due, done, scope.as_of),
                label=title,
                url=reverse("supervision:order_detail", args=[pk]),
                due=due,
                done=done,
                note=_lateness(due, done, _("Not closed")),
            )
        )
    return out


# Who answers for a milestone ---------------------------------------------------------


def milestone_lead_unit_id(milestone: Milestone, project_leads: dict[int, int]) -> int | None:
    """The unit answering for a milestone: its task's lead unit, else its project's lead
    department (the one place that knows)."""
    if milestone.task is not None:
        return milestone.task.lead_unit_id
    return project_leads.get(milestone.project_id) if milestone.project_id else None


def _milestone_place(m: Milestone) -> tuple[str, str]:
    """How a milestone is named in the evidence, and the page it links to."""
    if m.task is not None:
        return f"任务「{m.task.title}」：{m.title}", reverse("dashboards:task", args=[m.task.pk])
    assert m.project is not None
    return (
        f"{project_ordinal(m.project.number)}：{m.title}",
        reverse("dashboards:project", args=[m.project.number]),
    )


def milestone_records(scope: Scope) -> list[Record]:
    """Milestones of the plan due in the year (a project's own and its tasks'): met when
    done by the due date."""
    if scope.plan is None:
        return []
    milestones = list(
        Milestone.objects.filter(scope.in_year("due_on"))
        .filter(Q(project__plan=scope.plan) | Q(task__plan=scope.plan))
        .select_related("project", "task")
        .order_by("due_on", "pk")
    )
    leads = dict(
        ProjectOwner.objects.filter(project__plan=scope.plan, role=OwnerRole.LEAD).values_list(
            "project_id", "department_id"
        )
    )
    lead_ids = {m.pk: milestone_lead_unit_id(m, leads) for m in milestones}
    paths = dict(
        OrgUnit.objects.filter(pk__in={i for i in lead_ids.values() if i}).values_list("pk", "path")
    )
    out = []
    for m in milestones:
        owner = scope.owner_of(paths.get(lead_ids[m.pk] or 0, ""))
        if owner is None:
            continue
        label, url = _milestone_place(m)
        out.append(
            Record(
                unit_code=owner,
                outcome=_judged(m.due_on, m.done_on, scope.as_of),
                label=label,
                url=url,
                due=m.due_on,
                done=m.done_on,
                note=_lateness(m.due_on, m.done_on, _("Not done")),
            )
        )
    return out


TARGET_OUTCOMES = {Status.DONE: Outcome.MET, Status.MISSED: Outcome.MISSED}
# The owner department had to judge it and did not: counted as not reached.
DEPARTMENT_OUTCOMES = {**TARGET_OUTCOMES, Status.NOT_ASSESSED: Outcome.MISSED}


def _target_record(status: TargetStatus, unit_code: str, outcome: Outcome) -> Record:
    target = status.target
    number = target.goal.project.number if target.goal is not None else None
    url = reverse("dashboards:project", args=[number]) if number is not None else ""
    if url and status.unit.type == UnitType.DISTRICT:
        url += "?" + urlencode({"org": status.unit.code})
    place = project_ordinal(number) if number is not None else str(target.plan)
    return Record(
        unit_code=unit_code,
        outcome=outcome,
        label=f"{place}：{target.indicator} {target.figure}",
        url=url,
        due=status.due,
        done=None,
        note=status.label,
    )


def _due_in_year(statuses: Iterable[TargetStatus], year: int) -> list[TargetStatus]:
    return [
        s
        for s in statuses
        if s.due is not None and s.due.year == year and s.target.restates_id is None
    ]


def _district_statuses(
    plan: Plan, at_code: str, year: int, stamp: int
) -> dict[str, list[TargetStatus]]:
    """Every district's status on each measured target due in the year (cached by change)."""

    def compute() -> dict[str, list[TargetStatus]]:
        at = period_from_code(at_code)
        out: dict[str, list[TargetStatus]] = {}
        city = target_statuses_cached(stamp=stamp, plan=plan, at=at, unit=plan.organisation)
        for row in _due_in_year(city, year):
            if row.kind != "measured":
                continue
            by_child = measured_status_by_child(
                row.target, row.target.binding, parent=plan.organisation, at=at
            )
            for code, status in by_child.items():
                out.setdefault(code, []).append(status)
        return out

    return figures_cached(stamp, f"appraisal:{plan.pk}:{at_code}:{year}", compute)


def target_records(scope: Scope) -> list[Record]:
    """Targets due in the year: reached (已完成) or not (未完成; for a department also
    未评估, its own judgement missing). A department answers for the targets of the projects
    it leads, a district for its own figure on each measured target."""
    if scope.plan is None:
        return []
    plan = scope.plan
    # Statuses as of today's period: a target is judged by its figures at its due date,
    # and an owner's judgement recorded after the year's end still counts.
    at = period_containing(scope.as_of, PeriodType.BIMONTHLY)
    out: list[Record] = []
    departments = {u.pk: u.code for u in scope.units if u.type == UnitType.DEPARTMENT}
    if departments:
        leads = dict(
            ProjectOwner.objects.filter(project__plan=plan, role=OwnerRole.LEAD).values_list(
                "project_id", "department_id"
            )
        )
        city = target_statuses_cached(stamp=scope.stamp, plan=plan, at=at, unit=plan.organisation)
        for s in _due_in_year(city, scope.year):
            lead = leads.get(s.target.goal.project_id) if s.target.goal is not None else None
            if lead in departments:
                outcome = DEPARTMENT_OUTCOMES.get(s.status, Outcome.PENDING)
                out.append(_target_record(s, departments[lead], outcome))
    districts = {u.code for u in scope.units if u.type == UnitType.DISTRICT}
    if districts:
        for code, statuses in _district_statuses(plan, at.code, scope.year, scope.stamp).items():
            if code not in districts:
                continue
            for s in statuses:
                if s.status != Status.NOT_APPORTIONED:
                    outcome = TARGET_OUTCOMES.get(s.status, Outcome.PENDING)
                    out.append(_target_record(s, code, outcome))
    return out
