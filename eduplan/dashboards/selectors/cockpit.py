"""The leaders' cockpit and the big screen: first what is behind and whose (behind.py),
then the projects with their status and owners, key targets (those behind first) with
sparklines, open supervision orders by colour, reports due by unit."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from eduplan.core.figure_reads import part_stamps
from eduplan.core.figures_cache import ORDERS, figures_cached
from eduplan.core.tables import Table, number
from eduplan.dashboards.charts import Chart
from eduplan.dashboards.selectors.behind import (
    Behind,
    BehindItem,
    OrdersBehind,
    behind_build,
    behind_table,
    orders_behind,
    plan_behind,
)
from eduplan.dashboards.selectors.frame import Frame, StatusCells, path_chart, status_cells
from eduplan.dashboards.selectors.reports_due import UnitRef, reporting_by_unit, reporting_chart
from eduplan.indicators.projects import (
    STATUS_STYLES,
    ProjectStatus,
    project_statuses_from,
    status_rank,
    status_summary,
    target_statuses_cached,
    targets_table,
    trajectory,
)
from eduplan.indicators.status import STATUS_LABELS, Status, TargetStatus
from eduplan.indicators.work import PlanWork, plan_work_cached
from eduplan.org.access import User
from eduplan.plans.models import OwnerRole, Project, ProjectOwner
from eduplan.reporting.selectors import CompletenessRow, completeness_table
from eduplan.supervision.models import Colour
from eduplan.supervision.selectors import ColouredOrder, orders_for, orders_seen_by

TOP_ORDERS = 8  # the worst open supervision orders the cockpit lists
# Targets behind that the key targets list before each project's own key target.
KEY_BEHIND = frozenset({Status.MISSED, Status.OFF_TRACK, Status.AT_RISK})


class KeyTarget(StatusCells):
    """A project's key target, with its sparkline."""

    project: Project
    chart: Chart | None


@dataclass(frozen=True)
class ProjectCard:
    """A project tile: its status (the worst of its targets and tasks), the target that
    stands worst, and its owners (牵头 first)."""

    status: ProjectStatus
    owners: str

    @property
    def key(self) -> TargetStatus | None:
        return self.status.key_target

    @property
    def key_style(self) -> str:
        key = self.status.key_target
        return STATUS_STYLES[key.status] if key is not None else "secondary"


@dataclass(frozen=True)
class CockpitFigures:
    """What the cockpit shows from the figures alone, the same for every reader of the
    frame: built once per change of the figures, and only when a page needs it."""

    statuses: list[TargetStatus]
    work: PlanWork
    projects: list[ProjectStatus]
    summary: list[tuple[str, str, int]]
    cards: list[ProjectCard]
    key_targets: list[KeyTarget]
    reporting: list[CompletenessRow[UnitRef]]
    charts: list[Chart]
    # The project cards' key targets whose figure is a provisional measure (临时口径), for
    # the footnotes a wall screen needs (no hover there).
    provisional: list[TargetStatus]

    @property
    def targets_total(self) -> int:
        return sum(n for _label, _style, n in self.summary)


def cockpit_figures(frame: Frame) -> CockpitFigures:
    statuses = target_statuses_cached(
        stamp=frame.stamp, plan=frame.plan, at=frame.at, unit=frame.unit
    )
    work = plan_work_cached(plan=frame.plan, at=frame.at, unit=frame.unit)
    projects = project_statuses_from(frame.plan, statuses, work.projects)
    key_targets: list[KeyTarget] = []
    charts = []
    for p, key in _key_targets(projects):
        path = trajectory(stamp=frame.stamp, status=key, at=frame.at)
        chart = path_chart(key, path, spark=True) if path else None
        if chart:
            charts.append(chart)
        key_targets.append({"project": p.project, "chart": chart, **status_cells(key)})
    owners = _owners_by_project(frame)
    reporting = reporting_by_unit(unit=frame.unit, at=frame.at)
    charts.append(reporting_chart(frame, reporting))
    return CockpitFigures(
        statuses=statuses,
        work=work,
        projects=projects,
        summary=status_summary(statuses),
        cards=[ProjectCard(p, owners.get(p.project.pk, "")) for p in projects],
        key_targets=key_targets,
        reporting=reporting,
        charts=charts,
        provisional=[p.key_target for p in projects if p.key_target and p.key_target.provisional],
    )


class Cockpit:
    """The cockpit (and big screen) for the frame; the orders are those the user sees.

    Each part is built on first use: the templates keep the figure parts' markup per
    change of the figures (`{% cache %}`), so a reader after the first builds only their
    own orders and what is behind."""

    def __init__(self, *, user: User, frame: Frame) -> None:
        self.user, self.frame, self.day = user, frame, timezone.localdate()

    @cached_property
    def figures(self) -> CockpitFigures:
        return cockpit_figures(self.frame)

    @cached_property
    def behind(self) -> Behind:
        """Kept while neither the figures nor the user's orders move (a province's orders
        behind name thousands of owners, ranked on each build)."""
        frame = self.frame
        orders = part_stamps().get(ORDERS, 0)
        return figures_cached(
            frame.stamp,
            f"behind-built:{frame.plan.pk}:{frame.unit.pk}:{frame.at.code}"
            f":{self._orders_key}:{orders}",
            lambda: behind_build(plan_items=self._plan_items(), orders=self._orders.behind),
        )

    @cached_property
    def _orders_key(self) -> str:
        return f"{orders_seen_by(self.user)}:{self.day.isoformat()}:{get_language()}"

    def _plan_items(self) -> list[BehindItem]:
        frame = self.frame
        return figures_cached(
            frame.stamp,
            f"behind:{frame.plan.pk}:{frame.unit.pk}:{frame.at.code}:{get_language()}",
            lambda: plan_behind(frame, self.figures.statuses, self.figures.work.tasks),
        )

    @cached_property
    def _orders(self) -> OrdersSeen:
        """The user's orders, read again only once an order moved (or the day turned):
        users who see the same orders share them."""
        return figures_cached(
            part_stamps().get(ORDERS, 0),
            f"orders:{self._orders_key}",
            lambda: orders_seen(self.user, self.day),
        )

    @property
    def orders(self) -> list[tuple[str, str, int]]:
        """Open supervision orders the user sees, by colour (reddest first)."""
        return self._orders.by_colour

    @property
    def worst_orders(self) -> list[ColouredOrder]:
        return self._orders.worst

    def tables(self) -> list[Table]:
        """The page's workbooks (built only when one is asked for)."""
        f, frame = self.figures, self.frame
        every = behind_build(
            plan_items=self._plan_items(),
            orders=orders_behind(user=self.user, day=self.day, all_orders=True),
        )
        return [
            behind_table(every),
            _projects_table(frame, f.projects),
            targets_table(unit=frame.unit, at=frame.at, rows=f.statuses),
            completeness_table(
                table_id="reporting",
                title=_("Reports due in %(period)s by unit") % {"period": frame.at.label},
                rows=f.reporting,
            ),
        ] + [c.table() for c in f.charts]

    def charts_json(self) -> list[dict[str, Any]]:
        return [c.as_json() for c in self.figures.charts]


@dataclass(frozen=True)
class OrdersSeen:
    """The open supervision orders a user sees: by colour, the worst, and those behind."""

    by_colour: list[tuple[str, str, int]]
    worst: list[ColouredOrder]
    behind: OrdersBehind


def orders_seen(user: User, day: datetime.date) -> OrdersSeen:
    mine = orders_for(user=user, day=day)
    counts = dict.fromkeys(Colour.values, 0)
    for row in mine.order_by().values("colour").annotate(n=Count("pk")):
        counts[row["colour"]] = row["n"]
    return OrdersSeen(
        by_colour=[(c, str(Colour(c).label), counts[c]) for c in reversed(Colour.values)],
        worst=list(mine[:TOP_ORDERS]),
        behind=orders_behind(user=user, day=day),
    )


def cockpit_build(*, user: User, frame: Frame) -> Cockpit:
    return Cockpit(user=user, frame=frame)


def _projects_table(frame: Frame, projects: list[ProjectStatus]) -> Table:
    return Table(
        id="projects",
        title=_("Key projects as of the end of %(period)s") % {"period": frame.at.label},
        header=[_("No."), _("Project"), _("Status"), _("Why"), _("Targets on track (%)")]
        + [str(STATUS_LABELS[k]) for k in STATUS_STYLES],
        rows=[
            [p.number, p.name, p.label, p.reason, number(p.share_on_track, 0)]
            + [p.counts.get(str(k), 0) for k in STATUS_STYLES]
            for p in projects
        ],
    )


def _key_targets(projects: list[ProjectStatus]) -> list[tuple[ProjectStatus, TargetStatus]]:
    """The measured targets behind (missed, off track, at risk), worst first, then each
    other project's key target: a leader sees what is behind before what is met."""
    behind = sorted(
        (
            (p, s)
            for p in projects
            for s in p.targets
            if s.kind == "measured"
            and s.actual is not None
            and s.status in KEY_BEHIND
            and s.target.restates_id is None
        ),
        key=lambda ps: status_rank(ps[1]),
    )
    shown = {p.project.pk for p, _s in behind}
    rest = [
        (p, p.key_target)
        for p in projects
        if p.project.pk not in shown and p.key_target is not None
    ]
    return behind + [(p, k) for p, k in rest if k is not None]


def _owners_by_project(frame: Frame) -> dict[int, str]:
    """Each project's owner departments, the lead (牵头) first (one query)."""
    names: dict[int, list[str]] = {}
    for project_id, role, name in (
        ProjectOwner.objects.filter(project__plan=frame.plan)
        .order_by("project_id", "id")
        .values_list("project_id", "role", "department__name")
    ):
        row = names.setdefault(project_id, [])
        if role == OwnerRole.LEAD:
            row.insert(0, name)
        else:
            row.append(name)
    return {k: "、".join(v) for k, v in names.items()}
