"""The districts side by side: completion, timeliness and each district's status on every
target measured unit by unit, ranked, and the schematic map coloured by a measure."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, TypedDict

from django.db.models import F
from django.utils.translation import gettext as _

from eduplan.core.figures_cache import figures_cached
from eduplan.core.tables import Table, number
from eduplan.dashboards.selectors.frame import Frame
from eduplan.dashboards.selectors.reports_due import reporting_by_unit
from eduplan.indicators.models import Reach
from eduplan.indicators.projects import (
    JUDGED,
    STATUS_STYLES,
    kept_for_target,
    target_statuses_cached,
)
from eduplan.indicators.status import STATUS_LABELS, Status, measured_status_by_child
from eduplan.org.access import Action, User, can
from eduplan.org.models import OrgGroup, OrgUnit, UnitType
from eduplan.org.selectors import rows_in_group
from eduplan.plans.models import Target
from eduplan.reporting.selectors import Completeness

MEASURES = ("completion", "timeliness", "on_track")


class DistrictCell(TypedDict):
    """A district's progress on one target, ready for the table."""

    style: str
    label: str
    progress: str | None


class MapTile(TypedDict):
    """A district on the schematic map: its tile (from 1), its value and colour."""

    unit: OrgUnit
    row: int
    col: int
    value: float | None
    visible: bool
    colour: str
    dark: bool  # the colour is dark: the label is written light


@dataclass
class DistrictRow:
    unit: OrgUnit
    completeness: Completeness
    statuses: dict[int, DistrictStatus]
    on_track: float | None
    visible: bool
    rank: dict[str, int] = field(default_factory=dict)
    position: int = 0  # the rank by the column the table is sorted by
    cells: list[DistrictCell | None] = field(default_factory=list)  # one per target

    def measure(self, key: str) -> float | None:
        if key == "completion":
            return self.completeness.rate
        if key == "timeliness":
            return self.completeness.timely_rate
        if key == "on_track":
            return self.on_track
        status = self.statuses.get(int(key))
        return None if status is None or status.progress is None else float(status.progress)


@dataclass
class Districts:
    frame: Frame
    targets: list[Target]
    rows: list[DistrictRow]
    measure: str
    measures: list[tuple[str, str]]
    sort: str
    tiles: list[MapTile]
    grid: tuple[int, int]
    tables: list[Table]


class DistrictStatus(NamedTuple):
    """A district's standing on one target: plain values, cheap to cache."""

    status: Status
    progress: Decimal | None


def _district_statuses(
    frame: Frame,
) -> tuple[list[Target], dict[str, dict[int, DistrictStatus]]]:
    """Each district's own status on every target measured unit by unit (two queries per
    target, whatever the number of districts).

    A target bound to a unit group is shown for the districts inside the group only, and
    left off when no district is (直属学校班班通 is the bureau's own schools': a district
    has none of them, so it has no figure to be ranked by)."""
    statuses = target_statuses_cached(
        stamp=frame.stamp, plan=frame.plan, at=frame.at, unit=frame.plan.organisation
    )
    measured = [
        s.target
        for s in statuses
        if s.kind == "measured"
        and s.target.binding.reach == Reach.EACH_UNIT
        # A work point's target restating a project's is the same column: shown once.
        and s.target.restates_id is None
    ]

    def compute() -> tuple[list[int], dict[str, dict[int, DistrictStatus]]]:
        inside = _districts_in_groups(
            frame.plan.organisation,
            {t.binding.group_id for t in measured if t.binding.group_id is not None},
        )
        shown = [t for t in measured if t.binding.group_id is None or inside[t.binding.group_id]]
        by_district: dict[str, dict[int, DistrictStatus]] = {}
        for target in shown:
            for code, status in _by_district(frame, target).items():
                group = target.binding.group_id
                if group is not None and code not in inside[group]:
                    continue
                by_district.setdefault(code, {})[target.pk] = status
        return [t.pk for t in shown], by_district

    shown, by_district = figures_cached(
        frame.stamp, f"districts:{frame.plan.pk}:{frame.at.code}", compute
    )
    return [t for t in measured if t.pk in shown], by_district


def _by_district(frame: Frame, target: Target) -> dict[str, DistrictStatus]:
    """Each district's status on one target, kept as the target's own status is."""
    area = frame.plan.organisation

    def compute() -> dict[str, DistrictStatus]:
        by_child = measured_status_by_child(target, target.binding, parent=area, at=frame.at)
        return {code: DistrictStatus(s.status, s.progress) for code, s in by_child.items()}

    return kept_for_target(
        target, at=frame.at, unit=area, what="by-district", stamp=frame.stamp, compute=compute
    )


def _districts_in_groups(area: OrgUnit, group_ids: set[int]) -> dict[int, set[str]]:
    """For each group, the codes of the districts of `area` that lie inside it (one query
    per group; the plan binds few targets to groups)."""
    districts = OrgUnit.objects.filter(parent=area, type=UnitType.DISTRICT).annotate(
        unit_path=F("path")
    )
    return {
        group.pk: set(
            rows_in_group(districts, group_code=group.code).values_list("code", flat=True)
        )
        for group in OrgGroup.objects.filter(pk__in=group_ids)
    }


def districts_build(*, user: User, frame: Frame, measure: str, sort: str) -> Districts:
    """Every district side by side; rows outside the user's scope are ranked but hidden."""
    targets, by_district = _district_statuses(frame)
    rows = _district_rows(user, frame, by_district)
    measure, sort = _rank(rows, targets, measure, sort)
    tiles, grid = _tiles(rows, measure)
    visible = [r for r in rows if r.visible]
    return Districts(
        frame=frame,
        targets=targets,
        rows=visible,
        measure=measure,
        measures=_measure_choices(targets),
        sort=sort,
        tiles=tiles,
        grid=grid,
        tables=[_districts_table(frame, targets, visible)],
    )


def _district_rows(
    user: User, frame: Frame, by_district: dict[str, dict[int, DistrictStatus]]
) -> list[DistrictRow]:
    """One row per district of the plan's area with its reports, its statuses and the
    share of its judged targets on track; visible if the user may view the district."""
    area = frame.plan.organisation
    reporting = {
        r["unit"].code: r["completeness"] for r in reporting_by_unit(unit=area, at=frame.at)
    }
    rows = []
    for unit in OrgUnit.objects.filter(parent=area, type=UnitType.DISTRICT).order_by("code"):
        statuses = by_district.get(unit.code, {})
        judged = [s for s in statuses.values() if s.status in JUDGED]
        on_track = (
            None
            if not judged
            else 100.0
            * sum(s.status in (Status.ON_TRACK, Status.DONE) for s in judged)
            / len(judged)
        )
        rows.append(
            DistrictRow(
                unit=unit,
                completeness=reporting.get(unit.code, Completeness(0, 0, 0, 0)),
                statuses=statuses,
                on_track=on_track,
                # The district's figures, as its own page shows them (UNIT_VIEW):
                # a school inside a district does not see the whole district's.
                visible=can(user, Action.UNIT_VIEW, unit),
            )
        )
    return rows


def _rank(
    rows: list[DistrictRow], targets: list[Target], measure: str, sort: str
) -> tuple[str, str]:
    """Rank every row by every measure and target, sort the rows by `sort` (a measure,
    a target or the name) and fill each row's cells; returns the measure and the sort
    actually used (unknown ones fall back to completion and to the measure)."""
    keys = [*MEASURES, *(str(t.pk) for t in targets)]
    for key in keys:
        ordered = sorted(rows, key=lambda r: _descending(r.measure(key)))
        for i, row in enumerate(ordered, start=1):
            row.rank[key] = i
    if measure not in keys:
        measure = "completion"
    if sort not in keys and sort != "name":
        sort = measure
    if sort == "name":
        rows.sort(key=lambda r: r.unit.code)
    else:
        rows.sort(key=lambda r: r.rank[sort])
    for row in rows:
        row.position = row.rank[measure if sort == "name" else sort]
        row.cells = [_cell(row.statuses.get(t.pk)) for t in targets]
    return measure, sort


def _measure_choices(targets: list[Target]) -> list[tuple[str, str]]:
    """What the map may be coloured by: the three reporting measures, then each target's
    progress (marked when its figure is a provisional measure)."""
    provisional = _("Provisional measure")
    return [
        ("completion", _("Reports submitted (%)")),
        ("timeliness", _("Reports on time (%)")),
        ("on_track", _("Targets on track (%)")),
    ] + [
        (
            str(t.pk),
            _("Progress: %(indicator)s") % {"indicator": f"{t.indicator}（{t.year}）"}
            + (f"（{provisional}）" if t.binding.provisional else ""),
        )
        for t in targets
    ]


def _districts_table(frame: Frame, targets: list[Target], visible: list[DistrictRow]) -> Table:
    """The visible rows in their order, a status column per target, the provisional
    measures' reasons in the note."""
    provisional = _("Provisional measure")
    provisional_notes = [
        f"{t.indicator}（{t.year}）：{t.binding.provisional}"
        for t in targets
        if t.binding.provisional
    ]
    return Table(
        id="districts",
        title=_("Districts as of the end of %(period)s") % {"period": frame.at.label},
        note=f"{provisional}：{'；'.join(provisional_notes)}" if provisional_notes else "",
        header=[
            _("Rank"),
            _("District"),
            _("Reports expected"),
            _("Reports missing"),
            _("Reports late"),
            _("Reports submitted (%)"),
            _("Reports on time (%)"),
            _("Targets on track (%)"),
        ]
        + [
            (f"{t.indicator}（{t.year}）" if t.year else t.indicator)
            + (f"（{provisional}）" if t.binding.provisional else "")
            for t in targets
        ],
        rows=[
            [
                r.position,
                r.unit.name,
                r.completeness.expected,
                r.completeness.missing,
                r.completeness.late,
                number(r.completeness.rate, 1),
                number(r.completeness.timely_rate, 1),
                number(r.on_track, 1),
            ]
            + [
                str(STATUS_LABELS[r.statuses[t.pk].status]) if t.pk in r.statuses else ""
                for t in targets
            ]
            for r in visible
        ],
    )


def _cell(status: DistrictStatus | None) -> DistrictCell | None:
    """A district's progress on one target, ready for the table."""
    if status is None:
        return None
    # Rounded to whole points, never "-0".
    progress = None if status.progress is None else f"{status.progress:.0f}".replace("-0", "0")
    return {
        "style": STATUS_STYLES[status.status],
        "label": str(STATUS_LABELS[status.status]),
        "progress": progress,
    }


def _descending(value: float | None) -> float:
    """Sort key: highest first, no figure last."""
    return 1.0 if value is None else -value


# Five classes, low to high: the map's legend (colour-blind safe, from light to dark).
MAP_CLASSES = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


def _tiles(rows: list[DistrictRow], measure: str) -> tuple[list[MapTile], tuple[int, int]]:
    """The schematic map: each district at its [row, column] tile, coloured by the measure
    in five equal bands of 0–100; districts without a tile go on a row below."""
    placed: list[MapTile] = []
    spare_row = 1 + max(
        (r.unit.attributes.get("tile", [0, 0])[0] for r in rows if "tile" in r.unit.attributes),
        default=-1,
    )
    spare_col = 0
    for r in sorted(rows, key=lambda r: r.unit.code):
        tile = r.unit.attributes.get("tile")
        if tile:
            row, col = tile
        else:
            row, col = spare_row, spare_col
            spare_col += 1
        value = r.measure(measure) if r.visible else None
        band = None if value is None else min(4, max(0, int(value // 20)))
        placed.append(
            {
                "unit": r.unit,
                "row": row + 1,
                "col": col + 1,
                "value": value,
                "visible": r.visible,
                "colour": "#e9ecef" if band is None else MAP_CLASSES[band],
                "dark": band is not None and band >= 3,
            }
        )
    rows_n = max((t["row"] for t in placed), default=1)
    cols_n = max((t["col"] for t in placed), default=1)
    return placed, (rows_n, cols_n)
