"""A unit's score for a year: each part is the share of its records met × the part's
weight; the total is the sum of the parts, then the adjustments on top.

A part without any counted record is not applicable to the unit: its weight goes to the
unit's other parts in proportion to theirs (each applicable part's weight × 100 / the
applicable weights), so every unit is scored out of 100 and a department that was never
sent a supervision order neither gains nor loses by it. Points are rounded to one
decimal place per part, and the total is the sum of the rounded parts, so the page adds
up as printed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from eduplan.appraisal.models import Adjustment, Part, Weight, WeightSet
from eduplan.appraisal.records import (
    Outcome,
    Record,
    Scope,
    milestone_records,
    order_records,
    report_records,
    target_records,
)
from eduplan.core.figures_cache import figures_stamp
from eduplan.core.numbers import number, plain_number
from eduplan.org.models import OrgUnit
from eduplan.plans.models import Plan
from eduplan.plans.selectors import plan_default

COLLECTORS: dict[Part, Callable[[Scope], list[Record]]] = {
    Part.REPORTS_ON_TIME: report_records,
    Part.ORDERS_CLOSED_ON_TIME: order_records,
    Part.MILESTONES_MET: milestone_records,
    Part.TARGETS_REACHED: target_records,
}
POINT = Decimal("0.1")


def points_text(value: Decimal | None) -> str:
    return "—" if value is None else plain_number(value, places=1)


@dataclass(frozen=True)
class PartScore:
    part: Part
    weight: Decimal
    records: list[Record]
    total_weight: Decimal  # the weights of the unit's kind added up (100)
    applicable_weight: Decimal  # the weights of the unit's applicable parts added up
    points: Decimal | None  # None: not applicable

    @property
    def label(self) -> str:
        return str(Part(self.part).label)

    @property
    def met(self) -> int:
        return sum(r.outcome == Outcome.MET for r in self.records)

    @property
    def counted(self) -> int:
        return sum(r.outcome != Outcome.PENDING for r in self.records)

    @property
    def pending(self) -> int:
        return sum(r.outcome == Outcome.PENDING for r in self.records)

    @property
    def applicable(self) -> bool:
        return self.counted > 0

    @property
    def share(self) -> Decimal | None:
        return Decimal(self.met) / Decimal(self.counted) if self.counted else None

    @property
    def shortfalls(self) -> list[Record]:
        """What cost points: records late, overdue, missed or not reached."""
        return [r for r in self.records if r.outcome == Outcome.MISSED]

    @property
    def not_counted(self) -> list[Record]:
        return [r for r in self.records if r.outcome == Outcome.PENDING]

    @property
    def formula(self) -> str:
        """The part written out: 按时报送 42/48 = 87.5% × 25 = 21.9分."""
        if self.share is None or self.points is None:
            return _(
                "%(part)s: no records, not applicable (its weight %(weight)s goes to the "
                "other parts)"
            ) % {
                "part": self.label,
                "weight": plain_number(self.weight),
            }
        weight = plain_number(self.weight)
        if self.applicable_weight != self.total_weight:
            weight += f" × {plain_number(self.total_weight)}/{plain_number(self.applicable_weight)}"
        return _("%(part)s %(met)s/%(counted)s = %(share)s%% × %(weight)s = %(points)s points") % {
            "part": self.label,
            "met": self.met,
            "counted": self.counted,
            "share": plain_number(self.share * 100, places=1),
            "weight": weight,
            "points": points_text(self.points),
        }


@dataclass(frozen=True)
class UnitScore:
    unit: OrgUnit
    year: int
    weights: WeightSet
    parts: list[PartScore]
    adjustments: list[Adjustment] = field(default_factory=list)

    @property
    def computed(self) -> Decimal | None:
        """The sum of the parts' points; None when no part applies."""
        points = [p.points for p in self.parts if p.points is not None]
        return sum(points, Decimal(0)) if points else None

    @property
    def adjusted(self) -> Decimal:
        return sum((a.points for a in self.adjustments), Decimal(0))

    @property
    def final(self) -> Decimal | None:
        computed = self.computed
        return None if computed is None else computed + self.adjusted

    def part(self, part: Part) -> PartScore | None:
        return next((p for p in self.parts if p.part == part), None)


def weights_current(year: int) -> WeightSet | None:
    """The year's latest weights, with their rows."""
    return (
        WeightSet.objects.filter(year=year).prefetch_related("weights").order_by("-version").first()
    )


def _plan_for(year: int) -> Plan | None:
    plan = plan_default()
    return plan if plan is not None and plan.start_year <= year <= plan.end_year else None


def _counted(records: list[Record]) -> int:
    return sum(r.outcome != Outcome.PENDING for r in records)


def parts_score(weights: list[Weight], records: dict[Part, list[Record]]) -> list[PartScore]:
    """The parts of one unit from its weights and its records of each part."""
    total = sum((w.weight for w in weights), Decimal(0))
    applicable = sum((w.weight for w in weights if _counted(records[Part(w.part)])), Decimal(0))
    out = []
    for w in weights:
        rows = records[Part(w.part)]
        met = sum(r.outcome == Outcome.MET for r in rows)
        counted = _counted(rows)
        points = None
        if counted and applicable:
            exact = Decimal(met) * w.weight * total / (Decimal(counted) * applicable)
            points = exact.quantize(POINT, rounding=ROUND_HALF_UP)
        out.append(PartScore(Part(w.part), w.weight, rows, total, applicable, points))
    return out


def unit_scores(
    *, units: list[OrgUnit], year: int, weights: WeightSet, as_of: datetime.date | None = None
) -> list[UnitScore]:
    """Every unit's score for the year, in the order given, from the records as they
    stand (`as_of`: the day records not yet done are judged on; today by default)."""
    scope = Scope(
        units=units,
        year=year,
        as_of=as_of or timezone.localdate(),
        plan=_plan_for(year),
        stamp=figures_stamp(),
    )
    by_unit: dict[tuple[str, Part], list[Record]] = defaultdict(list)
    for part, collect in COLLECTORS.items():
        for record in collect(scope):
            by_unit[record.unit_code, part].append(record)
    by_kind: dict[str, list[Weight]] = defaultdict(list)
    for w in weights.weights.all():
        by_kind[w.unit_kind].append(w)
    adjustments: dict[int, list[Adjustment]] = defaultdict(list)
    for a in Adjustment.objects.filter(unit__in=units, year=year).select_related("made_by"):
        adjustments[a.unit_id].append(a)
    return [
        UnitScore(
            unit=unit,
            year=year,
            weights=weights,
            parts=parts_score(by_kind[unit.type], {p: by_unit[unit.code, p] for p in COLLECTORS}),
            adjustments=adjustments[unit.pk],
        )
        for unit in units
    ]


def score_as_json(score: UnitScore) -> dict[str, object]:
    """A unit's score as the CLI prints it: each part with its counts and formula."""
    return {
        "code": score.unit.code,
        "name": score.unit.name,
        "kind": score.unit.type,
        "parts": [
            {
                "part": str(p.part),
                "label": p.label,
                "weight": number(p.weight),
                "met": p.met,
                "counted": p.counted,
                "not_counted": p.pending,
                "share": number(p.share * 100, 1) if p.share is not None else None,
                "points": number(p.points, 1),
                "formula": p.formula,
            }
            for p in score.parts
        ],
        "computed": number(score.computed, 1),
        "adjustment": number(score.adjusted, 1),
        "final": number(score.final, 1),
    }
