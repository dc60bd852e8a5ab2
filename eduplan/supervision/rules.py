"""Warning rules (预警规则): the table in data/rules.yaml and the finder for each rule.

A finder reads the plan, reports and targets as they stand on a date and returns
`Finding`s: what needs a supervision order, the occurrence of it, and the unit that
must answer. Finders only read; `services.supervision_scan` turns findings into orders.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator, RootModel

from eduplan.core.errors import InputError
from eduplan.core.figures_cache import figures_stamp
from eduplan.core.loading import (
    Flag,
    OptionalText,
    Shape,
    Text,
    data_validate,
    place_of,
    refusal,
    yaml_file_load,
)
from eduplan.core.numbers import plain_number
from eduplan.core.periods import Period, PeriodType, period_containing, period_from_code
from eduplan.indicators.projects import target_statuses_cached
from eduplan.indicators.status import Status, TargetStatus
from eduplan.org.models import PATH_SEPARATOR, OrgUnit, UnitType
from eduplan.plans.models import (
    Milestone,
    OwnerRole,
    Plan,
    PlanStatus,
    ProjectOwner,
    Task,
    WorkPoint,
    project_ordinal,
)
from eduplan.reporting.models import DataValue, ExpectedReport, Submission
from eduplan.reporting.models import Status as SubmissionStatus
from eduplan.supervision.models import Rule

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.yaml"
TASK_PROGRESS_FORM = "measure-progress"  # the bimonthly progress report, one per task


@dataclass(frozen=True)
class RuleSpec:
    """One row of the rules table."""

    rule: Rule
    enabled: bool
    days_setting: str | None
    respond_days_setting: str
    finds: str
    responsible: str

    @property
    def days(self) -> int:
        return 0 if self.days_setting is None else int(getattr(settings, self.days_setting))

    @property
    def respond_days(self) -> int:
        return int(getattr(settings, self.respond_days_setting))


@dataclass(frozen=True)
class Finding:
    """Something a rule found on a date: it needs an order for `unit` to answer."""

    rule: Rule
    subject: str
    occurrence: str
    unit: OrgUnit
    title: str
    detail: str


def _setting_checked(name: str) -> str:
    """The name of an EDUPLAN_ setting that holds a number of days."""
    if not name.startswith("EDUPLAN_"):
        raise refusal(_("expected the name of an EDUPLAN_ setting"))
    days = getattr(settings, name, None)
    if isinstance(days, bool) or not isinstance(days, int):
        raise refusal(_("%(name)s is not a whole-number setting") % {"name": name})
    if days < 0:
        raise refusal(
            _("%(name)s is %(days)s; a number of days cannot be negative")
            % {"name": name, "days": days}
        )
    return name


DaysSetting = Annotated[Text, AfterValidator(_setting_checked)]


class RuleRow(Shape):
    """One row of the rules file."""

    rule: Rule
    enabled: Flag = True
    days: DaysSetting | None = None  # none: the rule finds at once
    respond_days: DaysSetting
    finds: OptionalText = ""
    responsible: OptionalText = ""


class RulesFile(RootModel[list[RuleRow]]):
    """The rules file (supervision/data/rules.yaml): a list of rows."""


def rule_specs(*, path: Path = RULES_FILE) -> list[RuleSpec]:
    """The rules table, checked whole: every rule known, once, with its settings."""
    data = yaml_file_load(path=path)
    rows = data_validate(schema=RulesFile, data=data, source=path.name).root
    specs: list[RuleSpec] = []
    for i, row in enumerate(rows):
        if row.rule == Rule.MANUAL:
            raise InputError(
                _("orders raised by hand have no rule to run"),
                where=place_of(data=data, path=(i, "rule"), source=path.name),
            )
        if any(s.rule == row.rule for s in specs):
            raise InputError(
                _("rule listed twice"),
                where=place_of(data=data, path=(i, "rule"), source=path.name),
            )
        specs.append(
            RuleSpec(
                rule=row.rule,
                enabled=row.enabled,
                days_setting=row.days,
                respond_days_setting=row.respond_days,
                finds=row.finds,
                responsible=row.responsible,
            )
        )
    missing = set(Rule) - {Rule.MANUAL} - {s.rule for s in specs}
    if missing:
        raise InputError(
            _("rules without a row: %(rules)s") % {"rules": ", ".join(sorted(missing))},
            where=place_of(data=data, source=path.name),
        )
    return specs


# Who answers -------------------------------------------------------------------------


def office_department() -> OrgUnit | None:
    """The supervision office's own department (督查室), if the org tree has it."""
    return OrgUnit.objects.filter(
        code=settings.EDUPLAN_SUPERVISION_OFFICE_CODE, type=UnitType.DEPARTMENT
    ).first()


def office_superior(office: OrgUnit) -> OrgUnit:
    """The unit that answers for what would fall to the supervision office itself: the
    bureau it belongs to."""
    return office.parent if office.parent is not None else office


def work_point_owners(*, plan: Plan) -> dict[int, OrgUnit]:
    """Who answers for a work point's targets: the unit leading its first task, else the
    lead department of the first project it serves (the supervision office never: it
    supervises them). Three queries."""
    office = office_department()
    office_pk = office.pk if office is not None else None
    owners: dict[int, OrgUnit] = {}
    for task in (
        Task.objects.filter(plan=plan, work_point__isnull=False)
        .exclude(lead_unit_id=office_pk)
        .select_related("lead_unit")
        .order_by("work_point_id", "number", "pk")
    ):
        assert task.work_point_id is not None
        owners.setdefault(task.work_point_id, task.lead_unit)
    leads = {
        owner.project_id: owner.department
        for owner in ProjectOwner.objects.filter(project__plan=plan, role=OwnerRole.LEAD)
        .exclude(department_id=office_pk)
        .select_related("department")
    }
    for point_id, project_id in (
        WorkPoint.projects.through.objects.filter(workpoint__plan=plan)
        .order_by("project__number")
        .values_list("workpoint_id", "project_id")
    ):
        if project_id in leads:
            owners.setdefault(point_id, leads[project_id])
    return owners


def _codes(path: str) -> list[str]:
    return [code for code in path.split(PATH_SEPARATOR) if code]


def _units_by_code(codes: Iterable[str]) -> dict[str, OrgUnit]:
    wanted = set(codes)
    return {u.code: u for u in OrgUnit.objects.filter(code__in=wanted)} if wanted else {}


def last_period_ended(at: datetime.date, period_type: PeriodType) -> Period:
    """The latest period of the type whose last day is on or before `at`."""
    period = period_containing(at, period_type)
    return period if period.end <= at else period.previous()


# Finders -----------------------------------------------------------------------------


def _target_where(row: TargetStatus) -> str:
    target = row.target
    if target.goal is not None:
        return project_ordinal(target.goal.project.number)
    if target.work_point is not None:
        return target.work_point.section_label
    return str(target.plan)  # a target stated for the plan as a whole


def _target_detail(row: TargetStatus, period: Period) -> str:
    """What the order says of the target; a stand-in measure says so (临时口径)."""
    text = _target_standing(row, period)
    if row.provisional:
        text += " " + _("Provisional measure: %(reason)s") % {"reason": row.provisional}
    return text


def _target_standing(row: TargetStatus, period: Period) -> str:
    if row.status == Status.MISSED and row.due is not None:
        if row.shortfall is None or row.actual is None or row.goal is None:
            return _("Due on %(due)s and judged not achieved.") % {"due": row.due.isoformat()}
        return _("Due on %(due)s and missed: %(actual)s against a goal of %(goal)s.") % {
            "due": row.due.isoformat(),
            "actual": plain_number(row.actual, places=2) + row.figures_unit,
            "goal": plain_number(row.goal, places=2) + row.figures_unit,
        }
    if row.status == Status.NOT_ASSESSED and row.due is not None:
        return _(
            "Due on %(due)s; its owner department has not recorded whether it was achieved."
        ) % {"due": row.due.isoformat()}
    if row.progress is not None and row.expected_progress is not None:
        return _(
            "As of %(period)s: %(progress)s%% of the way to the goal, %(expected)s%% expected."
        ) % {
            "period": period.label,
            "progress": f"{row.progress:.1f}",
            "expected": f"{row.expected_progress:.1f}",
        }
    return _("As of %(period)s the target is off track.") % {"period": period.label}


def _targets_found(
    *, at: datetime.date, days: int, wanted: frozenset[Status], rule: Rule
) -> list[Finding]:
    """Targets of active plans whose city-wide status as of the last period ended is one of
    `wanted`; the project's lead department answers, for a work point's targets the unit
    leading its tasks (`work_point_owners`). A work point's target that restates a
    project's target is the same commitment: it raises no second order."""
    period = last_period_ended(
        at - datetime.timedelta(days=days),
        PeriodType(settings.EDUPLAN_SUPERVISION_TARGET_PERIOD_TYPE),
    )
    found: list[Finding] = []
    for plan in Plan.objects.filter(status=PlanStatus.ACTIVE).select_related("organisation"):
        leads = {
            owner.project_id: owner.department
            for owner in ProjectOwner.objects.filter(
                project__plan=plan, role=OwnerRole.LEAD
            ).select_related("department")
        }
        fallback = plan.organisation
        points = work_point_owners(plan=plan)
        statuses = target_statuses_cached(
            stamp=figures_stamp(), plan=plan, at=period, unit=plan.organisation
        )
        for row in statuses:
            if row.status not in wanted or row.target.restates_id is not None:
                continue
            target = row.target
            if target.goal is not None:
                unit = leads.get(target.goal.project_id, fallback)
            else:
                unit = points.get(target.work_point_id or 0, fallback)
            # A miss or a missing judgement happens once, at the due date; being behind
            # happens anew in every period.
            occurrence = period.code
            if row.status in (Status.MISSED, Status.NOT_ASSESSED) and row.due is not None:
                occurrence = f"due:{row.due.isoformat()}"
            found.append(
                Finding(
                    rule=rule,
                    subject=f"target:{target.pk}",
                    occurrence=occurrence,
                    unit=unit,
                    title=f"{_target_where(row)}：{target.indicator} {target.figure}",
                    detail=_target_detail(row, period),
                )
            )
    return found


def find_targets_off_track(*, at: datetime.date, days: int) -> list[Finding]:
    """Targets off track, or missed at their due date."""
    return _targets_found(
        at=at,
        days=days,
        wanted=frozenset({Status.OFF_TRACK, Status.MISSED}),
        rule=Rule.TARGET_OFF_TRACK,
    )


def find_targets_not_assessed(*, at: datetime.date, days: int) -> list[Finding]:
    """Targets only a person can judge, past their due date and EDUPLAN_ASSESSMENT_DAYS
    with no assessment of the outcome (未评估)."""
    return _targets_found(
        at=at, days=days, wanted=frozenset({Status.NOT_ASSESSED}), rule=Rule.TARGET_NOT_ASSESSED
    )


def reports_missing(*, at: datetime.date, days: int) -> QuerySet[ExpectedReport]:
    """Expected reports more than `days` past due with nothing submitted or approved."""
    done = Submission.objects.filter(
        form=OuterRef("form"),
        period=OuterRef("period"),
        org_unit=OuterRef("org_unit"),
        subject=OuterRef("subject"),
        status__in=(SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED),
    )
    return (
        ExpectedReport.objects.filter(due_on__lt=at - datetime.timedelta(days=days))
        .filter(~Exists(done))
        .select_related("form", "org_unit")
        .order_by("due_on", "form__code", "org_unit__path")
    )


def find_reports_missing(*, at: datetime.date, days: int) -> list[Finding]:
    """Expected reports more than `days` past due with nothing submitted or approved; the
    unit that must report answers."""
    missing = reports_missing(at=at, days=days)
    return [
        Finding(
            rule=Rule.REPORT_MISSING,
            subject=f"expected:{e.pk}",
            occurrence="",
            unit=e.org_unit,
            title=f"{e.org_unit.name}：{e.form.name}（{period_from_code(e.period).label}）",
            detail=_("Due on %(due)s and not yet submitted.") % {"due": e.due_on.isoformat()},
        )
        for e in missing
    ]


def find_milestones_overdue(*, at: datetime.date, days: int) -> list[Finding]:
    """Milestones of active plans more than `days` past their due date and not done: a
    task's lead unit answers for the task's; the project's lead department for the
    project's own (the plan's organisation if the project has no lead)."""
    active = Q(project__plan__status=PlanStatus.ACTIVE) | Q(task__plan__status=PlanStatus.ACTIVE)
    milestones = (
        Milestone.objects.filter(active, due_on__lt=at - datetime.timedelta(days=days))
        # Done by then: not overdue (one marked done later was still undone on `at`).
        .exclude(done_on__lte=at)
        .select_related(
            "project__plan__organisation",
            "task__lead_unit",
            "task__measure__project",
            "task__work_point",
        )
        .order_by("due_on", "project__number", "pk")
    )
    rows = list(milestones)
    leads = {
        owner.project_id: owner.department
        for owner in ProjectOwner.objects.filter(
            project_id__in={m.project_id for m in rows if m.project_id}, role=OwnerRole.LEAD
        ).select_related("department")
    }
    found = []
    for m in rows:
        if m.task is not None:
            unit, where = m.task.lead_unit, m.task.place
        else:
            assert m.project is not None
            unit = leads.get(m.project.pk, m.project.plan.organisation)
            where = project_ordinal(m.project.number)
        found.append(
            Finding(
                rule=Rule.MILESTONE_OVERDUE,
                subject=f"milestone:{m.pk}",
                occurrence="",
                unit=unit,
                title=f"{where}：{m.title}",
                detail=_("Due on %(due)s.") % {"due": m.due_on.isoformat()},
            )
        )
    return found


def _approver_unit(
    submission: Submission, units: dict[str, OrgUnit], office: OrgUnit | None
) -> OrgUnit:
    """Where the approval waits: a school's district; a district's or a bureau-run
    school's form owner; a department's report, the bureau (the supervision office approves
    it, and does not supervise itself)."""
    unit = submission.org_unit
    codes = _codes(unit.path)
    if unit.type == UnitType.DEPARTMENT or unit.depth == 0:
        return units[codes[0]]
    if unit.depth >= 2:
        return units[codes[1]]
    return submission.form.owner


def find_approvals_pending(*, at: datetime.date, days: int) -> list[Finding]:
    """Submissions waiting for approval since more than `days` before `at`; the unit
    whose staff approve answers. A resubmission is a new occurrence."""
    waiting = list(
        Submission.objects.filter(
            status=SubmissionStatus.SUBMITTED,
            submitted_at__date__lt=at - datetime.timedelta(days=days),
        )
        .select_related("form__owner", "org_unit")
        .order_by("submitted_at", "pk")
    )
    needed = {_codes(s.org_unit.path)[i] for s in waiting for i in (0, 1) if s.org_unit.depth >= i}
    units = _units_by_code(needed)
    office = office_department()
    found = []
    for s in waiting:
        assert s.submitted_at is not None
        found.append(
            Finding(
                rule=Rule.APPROVAL_PENDING,
                subject=f"submission:{s.pk}",
                occurrence=s.submitted_at.isoformat(timespec="seconds"),
                unit=_approver_unit(s, units, office),
                title=f"{s.org_unit.name}：{s.form.name}（{period_from_code(s.period).label}）",
                detail=_("Submitted on %(day)s and still waiting for approval.")
                % {"day": timezone.localdate(s.submitted_at).isoformat()},
            )
        )
    return found


def find_tasks_behind_twice(*, at: datetime.date, days: int) -> list[Finding]:
    """Tasks of active plans whose approved progress reports for the last two bimonthly
    periods ended (as of `at` less `days`) both say 滞后; the task's lead unit answers."""
    last = last_period_ended(at - datetime.timedelta(days=days), PeriodType.BIMONTHLY)
    periods = [last.previous(), last]
    behind: dict[str, set[str]] = {}
    for subject, period in DataValue.objects.filter(
        element__code="mp_status",
        text="滞后",
        submission__form__code=TASK_PROGRESS_FORM,
        submission__status=SubmissionStatus.APPROVED,
        submission__subject__startswith="task:",
        period__in=[p.code for p in periods],
    ).values_list("submission__subject", "period"):
        behind.setdefault(subject, set()).add(period)
    twice = [int(s.split(":", 1)[1]) for s, found in behind.items() if len(found) == 2]
    tasks = (
        Task.objects.filter(pk__in=twice, plan__status=PlanStatus.ACTIVE)
        .select_related("lead_unit", "measure__project", "work_point")
        .order_by("pk")
    )
    return [
        Finding(
            rule=Rule.TASK_BEHIND_TWICE,
            subject=f"task:{task.pk}",
            occurrence=last.code,
            unit=task.lead_unit,
            title=f"{task.place}：{task.title}",
            detail=_("Task “%(title)s” reported behind in %(first)s and %(second)s.")
            % {"title": task.title, "first": periods[0].label, "second": periods[1].label},
        )
        for task in tasks
    ]


FINDERS: dict[Rule, Callable[..., list[Finding]]] = {
    Rule.TARGET_OFF_TRACK: find_targets_off_track,
    Rule.TARGET_NOT_ASSESSED: find_targets_not_assessed,
    Rule.REPORT_MISSING: find_reports_missing,
    Rule.MILESTONE_OVERDUE: find_milestones_overdue,
    Rule.APPROVAL_PENDING: find_approvals_pending,
    Rule.TASK_BEHIND_TWICE: find_tasks_behind_twice,
}


def findings(*, spec: RuleSpec, at: datetime.date) -> list[Finding]:
    """What one rule finds on `at`; never an order for the supervision office itself
    (it cannot supervise itself): what would be its own goes to the bureau above it."""
    found = FINDERS[spec.rule](at=at, days=spec.days)
    office = office_department()
    if office is None or not any(f.unit.pk == office.pk for f in found):
        return found
    bureau = office_superior(office)
    return [dataclasses.replace(f, unit=bureau) if f.unit.pk == office.pk else f for f in found]


def find_reports_missing_twice(*, at: datetime.date, days: int) -> list[Finding]:
    """The same unit missed the same form (and subject) in two consecutive periods, each
    more than `days` past due with nothing submitted or approved: one order naming both
    periods, for the unit that must report."""
    missing = list(reports_missing(at=at, days=days))
    by_key = {(e.form_id, e.org_unit_id, e.subject, e.period): e for e in missing}
    found = []
    for e in missing:
        current = period_from_code(e.period)
        before = by_key.get((e.form_id, e.org_unit_id, e.subject, current.previous().code))
        if before is None:
            continue
        periods = f"{period_from_code(before.period).label}、{current.label}"
        found.append(
            Finding(
                rule=Rule.REPORT_MISSING_TWICE,
                subject=f"expected:{before.pk}:{e.pk}",
                occurrence="",
                unit=e.org_unit,
                title=f"{e.org_unit.name}：{e.form.name}（{periods}）",
                detail=_(
                    "Not submitted for two periods in a row: %(periods)s (due on %(first)s "
                    "and %(second)s)."
                )
                % {
                    "periods": periods,
                    "first": before.due_on.isoformat(),
                    "second": e.due_on.isoformat(),
                },
            )
        )
    return found


FINDERS[Rule.REPORT_MISSING_TWICE] = find_reports_missing_twice
