"""The bimonthly bulletin (督查通报): progress of every project, targets off track, overdue
reports by district, supervision orders answered and not — as data, a page and a .docx
laid out like an official document."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.enum.text import WD_ALIGN_PARAGRAPH

from eduplan.core.docx import centred, document_bytes, document_new, paragraph_add, table_add
from eduplan.core.numbers import plain_number
from eduplan.core.periods import Period
from eduplan.indicators.projects import ProjectStatus, project_statuses_from
from eduplan.indicators.status import STATUS_LABELS, Status, TargetStatus, target_status_list
from eduplan.indicators.work import TaskStatus, plan_work
from eduplan.org.models import UnitType
from eduplan.plans.models import Plan
from eduplan.plans.selectors import plan_default
from eduplan.reporting.selectors import completeness_due_in
from eduplan.supervision.models import ANSWERED, Rule, SupervisionOrder


@dataclass
class DistrictLine:
    name: str
    expected: int = 0
    missing: int = 0
    late: int = 0


@dataclass
class Bulletin:
    plan: Plan
    period: Period
    number: str  # 文号
    issued_on: datetime.date
    projects: list[ProjectStatus]
    off_track: list[TargetStatus]
    districts: list[DistrictLine]
    orders: dict[str, int] = field(default_factory=dict)
    orders_by_rule: list[tuple[str, int, int]] = field(default_factory=list)
    # Measured targets whose figure is a provisional measure (临时口径): their statuses
    # count in the projects', so the bulletin says which they are and why.
    provisional: list[TargetStatus] = field(default_factory=list)

    @property
    def late_tasks(self) -> list[tuple[ProjectStatus, TaskStatus]]:
        """Each project's tasks overdue or behind, the latest first."""
        return [(p, t) for p in self.projects for t in p.work.late]

    @property
    def project_rows(self) -> list[tuple[ProjectStatus, list[str]]]:
        """Each project with its figures as the page and the .docx print them: its targets
        by status (— when it has no measured targets, not 0), the share on track, and its
        tasks late of all."""
        return [(p, _project_cells(p)) for p in self.projects]

    @property
    def issuer(self) -> str:
        """The supervision office of the plan's bureau (郑州市教育局督查室)."""
        return _("%(bureau)s supervision office") % {"bureau": self.plan.organisation.name}

    @property
    def title(self) -> str:
        return _("Bulletin on the progress of the key work as of %(period)s") % {
            "period": self.period.label
        }


def bulletin_build(
    *, plan: Plan, period: Period, issued_on: datetime.date | None = None
) -> Bulletin:
    """Gather the bulletin's figures for a plan as of the end of a bimonthly period."""
    statuses = target_status_list(plan=plan, at=period, unit=plan.organisation)
    projects = project_statuses_from(
        plan, statuses, plan_work(plan=plan, at=period, unit=plan.organisation).projects
    )
    # Each commitment once: a work point that restates a project's target is not listed again.
    off_track = [s for s in statuses if s.status in BEHIND and s.target.restates_id is None]
    districts: dict[str, DistrictLine] = {}
    for row in completeness_due_in(period=period, unit=plan.organisation):
        unit, rates = row["unit"], row["completeness"]
        if unit.type == UnitType.DISTRICT:
            districts[unit.code] = DistrictLine(
                unit.name, expected=rates.expected, missing=rates.missing, late=rates.late
            )
    window = Q(assigned_on__gte=period.start, assigned_on__lte=period.end)
    orders = SupervisionOrder.objects.filter(window)
    answered = Q(status__in=ANSWERED)
    totals = orders.aggregate(total=Count("pk"), answered=Count("pk", filter=answered))
    by_rule = [
        (str(Rule(row["rule"]).label), row["n"], row["done"])
        for row in orders.values("rule")
        .annotate(n=Count("pk"), done=Count("pk", filter=answered))
        .order_by("rule")
    ]
    issued = issued_on or period.end + datetime.timedelta(days=10)
    return Bulletin(
        plan=plan,
        period=period,
        number=f"郑教督〔{period.year}〕{period.index}号",
        issued_on=issued,
        projects=projects,
        off_track=off_track,
        districts=sorted(districts.values(), key=lambda d: (-d.missing, -d.late, d.name)),
        orders={
            "total": totals["total"],
            "answered": totals["answered"],
            "open": totals["total"] - totals["answered"],
        },
        orders_by_rule=by_rule,
        provisional=[
            s
            for s in statuses
            if s.kind == "measured" and s.provisional and s.target.restates_id is None
        ],
    )


def _project_cells(p: ProjectStatus) -> list[str]:
    counts = [
        p.ok,
        p.count(Status.AT_RISK),
        p.behind,
        p.unknown,
        p.count(Status.UNMEASURED),
    ]
    share = "—" if p.share_on_track is None else f"{p.share_on_track:.0f}%"
    tasks = f"{len(p.work.late)}/{len(p.work.tasks)}" if p.work.tasks else "—"
    return [str(n) if p.targets else "—" for n in counts] + [share, tasks]


PROJECT_COLUMNS = [
    gettext_lazy("On track or achieved"),
    gettext_lazy("At risk"),
    gettext_lazy("Off track or missed"),
    gettext_lazy("No data or not assessed"),
    gettext_lazy("Awaiting assessment"),
    gettext_lazy("Share on track"),
    gettext_lazy("Tasks late / all"),
]


def _place(s: TargetStatus) -> str:
    if s.target.goal:
        return _("Project %(n)s") % {"n": s.target.goal.project.number}
    return _("Work point %(n)s") % {"n": s.target.work_point.number if s.target.work_point else ""}


def _num(value: Decimal | None) -> str:
    return "—" if value is None else plain_number(value, places=1, grouping=True)


def bulletin_docx(bulletin: Bulletin) -> bytes:
    """The bulletin as a .docx: red-headed title, 文号, numbered sections, tables."""
    doc = document_new()
    centred(doc, bulletin.issuer, size=22, bold=True)
    centred(doc, bulletin.number)
    centred(doc, bulletin.title, size=16, bold=True)
    paragraph_add(
        doc,
        _(
            "Under “%(plan)s” and the bimonthly reports, this bulletin reports the progress"
            " of the key projects' targets, the reports sent and the supervision orders"
            " handled as of the end of %(period)s."
        )
        % {"plan": bulletin.plan.name, "period": bulletin.period.label},
    )
    _projects_section(doc, bulletin)
    _behind_section(doc, bulletin)
    _reports_section(doc, bulletin)
    _orders_section(doc, bulletin)
    paragraph_add(
        doc,
        _(
            "Every unit is asked to check this bulletin, put right what is behind, send its"
            " reports on time and answer its supervision orders promptly."
        ),
    )
    signature = paragraph_add(doc, f"{bulletin.issuer}\n{date_format(bulletin.issued_on)}")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return document_bytes(doc)


def _projects_section(doc: Any, bulletin: Bulletin) -> None:
    """1. Each project's targets by status, and the targets measured provisionally."""
    doc.add_heading(_("1. Progress of the key projects"), level=2)
    table_add(
        doc,
        [_("Project"), *(str(c) for c in PROJECT_COLUMNS), _("Status")],
        [
            [f"{p.number}. {p.name}", *cells, "；".join(x for x in (p.label, p.reason) if x)]
            for p, cells in bulletin.project_rows
        ],
    )
    _late_tasks_table(doc, bulletin)
    if bulletin.provisional:
        paragraph_add(
            doc,
            _(
                "Note: these targets are counted by a provisional measure for now; their"
                " statuses count in their projects': %(targets)s."
            )
            % {
                "targets": _("; ").join(
                    _("%(place)s %(indicator)s (%(reason)s)")
                    % {"place": _place(s), "indicator": s.target.indicator, "reason": s.provisional}
                    for s in bulletin.provisional
                )
            },
        )


def _late_tasks_table(doc: Any, bulletin: Bulletin) -> None:
    """Each project's tasks overdue or behind."""
    if not bulletin.late_tasks:
        paragraph_add(doc, _("No task is overdue or behind."))
        return
    paragraph_add(doc, _("Late tasks by project"))
    table_add(
        doc,
        [_("Project"), _("Task"), _("Lead unit"), _("Deadline"), _("Status"), _("How late")],
        [
            [
                f"{p.number}. {p.name}",
                t.task.title,
                t.task.lead_unit.name,
                t.task.deadline.isoformat(),
                t.label,
                t.reason,
            ]
            for p, t in bulletin.late_tasks
        ],
    )


def _behind_section(doc: Any, bulletin: Bulletin) -> None:
    """2. The targets off track or missed, with their figures."""
    doc.add_heading(_("2. Targets off track or missed"), level=2)
    if bulletin.off_track:
        table_add(
            doc,
            [
                _("Project / work point"),
                _("Indicator"),
                _("Status"),
                _("Actual"),
                _("Expected by now"),
                _("Goal"),
                _("Forecast"),
                _("Measured as"),
            ],
            [
                [
                    _place(s),
                    s.target.indicator,
                    s.label,
                    _num(s.actual),
                    _num(s.expected),
                    _num(s.goal),
                    _num(s.forecast),
                    _("Provisional measure: %(reason)s") % {"reason": s.provisional}
                    if s.provisional
                    else "—",
                ]
                for s in bulletin.off_track
            ],
        )
    else:
        paragraph_add(doc, _("No target is off track or missed."))


def _reports_section(doc: Any, bulletin: Bulletin) -> None:
    """3. Reports expected, missing and late by district."""
    doc.add_heading(_("3. Reports by district"), level=2)
    table_add(
        doc,
        [_("District"), _("Expected reports"), _("Missing"), _("Late")],
        [[d.name, str(d.expected), str(d.missing), str(d.late)] for d in bulletin.districts],
    )


def _orders_section(doc: Any, bulletin: Bulletin) -> None:
    """4. Orders raised in the period, answered or not, by rule."""
    doc.add_heading(_("4. Supervision orders"), level=2)
    paragraph_add(
        doc,
        _("%(total)s orders raised this period, %(answered)s answered, %(open)s not yet answered.")
        % bulletin.orders,
    )
    if bulletin.orders_by_rule:
        table_add(
            doc,
            [_("Warning rule"), _("Raised"), _("Answered")],
            [[rule, str(n), str(done)] for rule, n, done in bulletin.orders_by_rule],
        )


BEHIND = frozenset({Status.OFF_TRACK, Status.MISSED})


def status_label(status: Status | None) -> str:
    return "" if status is None else str(STATUS_LABELS[status])


def plan_for_bulletin(code: str | None = None) -> Plan | None:
    return plan_default(code)
