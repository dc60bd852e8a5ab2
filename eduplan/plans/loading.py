"""Reading a curated plan file (YAML) into a checked specification.

The file's shape is declared once below (`PlanShape` and the shapes it holds) and checked
by `core.loading`; what a shape cannot say (years inside the plan's span, numbering,
links between projects, work points and restated targets) is checked after it. Every
problem is refused with its place in the file
(`zhengzhou-2016.yaml:31:11 projects[2].goals[0].targets[1].value`), before anything is
written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, Self, get_args

from django.utils.translation import gettext as _
from pydantic import Field, model_validator

from eduplan.core.errors import InputError
from eduplan.core.loading import (
    Items,
    Number,
    OptionalText,
    Shape,
    Step,
    Text,
    WholeNumber,
    data_validate,
    file_bytes_read,
    place_of,
    refusal,
    yaml_load,
)
from eduplan.plans.breakdown import TaskSpec, breakdown_from_file
from eduplan.plans.models import goal_place

Comparator = Literal[">=", "<=", "=", "between"]
Change = Literal["increase", "decrease"]
Horizon = Literal["three_year", "annual"]
OwnerRole = Literal["lead", "responsible"]
COMPARATORS = frozenset(get_args(Comparator))
CHANGES = frozenset(get_args(Change))
HORIZONS = frozenset(get_args(Horizon))
OWNER_ROLES = frozenset(get_args(OwnerRole))
Year = Annotated[WholeNumber, Field(ge=1949, le=2100)]
# What the plan's tables hold (plans/models.py).
Value = Annotated[Number, Field(max_digits=18, decimal_places=4)]
Name = Annotated[Text, Field(max_length=200)]


@dataclass(frozen=True)
class TargetSpec:
    value: Decimal
    value_max: Decimal | None
    unit: str
    comparator: str
    change: str | None
    baseline_year: int | None
    year: int | None
    indicator: str
    source: str
    pair: str = ""
    note: str = ""
    metric: str = ""
    # The target this one states again, as "place/indicator" (the place as
    # `Goal.section_label` or `WorkPoint.section_label` writes it; the indicator may be
    # left out when it is the same): a work point that repeats a project's target.
    restates: str = ""


@dataclass(frozen=True)
class GoalSpec:
    horizon: str
    year: int
    text: str
    targets: list[TargetSpec]


@dataclass(frozen=True)
class ProjectSpec:
    number: int
    name: str
    owners: list[tuple[str, str]]  # (department code, role)
    goals: list[GoalSpec]
    measures: list[str]
    milestones: list[tuple[int, str]]


@dataclass(frozen=True)
class WorkPointSpec:
    number: int
    text: str
    projects: list[int]
    targets: list[TargetSpec]


@dataclass(frozen=True)
class SectionSpec:
    number: int
    title: str
    work_points: list[WorkPointSpec]


@dataclass(frozen=True)
class PlanSpec:
    code: str
    name: str
    organisation: str
    start_year: int
    end_year: int
    intro: str
    work_points_intro: str
    projects: list[ProjectSpec]
    sections: list[SectionSpec]
    digest: str = field(default="")
    # Targets of the plan as a whole, in no project or work point (an imported document
    # may state targets and nothing else).
    targets: list[TargetSpec] = field(default_factory=list)
    # The place in the file of what is checked against the database when the plan is
    # stored ("organisation", "projects[0].owners[1].department"), when read from a file.
    places: dict[str, str] = field(default_factory=dict)
    # The work breakdown: tasks of measures and work points (plans/breakdown.py).
    tasks: list[TaskSpec] = field(default_factory=list)

    def department_codes(self) -> set[str]:
        return {code for p in self.projects for code, _role in p.owners}

    def place(self, path: str) -> str:
        """Where `path` is in the file the plan was read from (the path alone otherwise)."""
        return self.places.get(path, path)


# The file's shape -------------------------------------------------------------------


class TargetShape(Shape):
    value: Value
    value_max: Value | None = None
    unit: Annotated[Text, Field(max_length=20)]
    comparator: Comparator
    change: Change | None = None
    baseline_year: Year | None = None
    year: WholeNumber | None = None  # inside the plan's span: checked with the plan
    indicator: Name
    source: Text
    pair: Annotated[OptionalText, Field(max_length=40)] = ""
    note: OptionalText = ""
    metric: Annotated[OptionalText, Field(max_length=100)] = ""
    restates: OptionalText = ""

    @model_validator(mode="after")
    def _range_check(self) -> Self:
        if self.comparator == "between" and self.value_max is None:
            raise refusal(_("a range needs value_max"), at=("value_max",))
        if self.comparator != "between" and self.value_max is not None:
            raise refusal(_("value_max is only for ranges (between)"), at=("value_max",))
        if self.value_max is not None and self.value_max < self.value:
            raise refusal(_("value_max is below value"), at=("value_max",))
        return self


class OwnerShape(Shape):
    department: Text
    role: OwnerRole


class GoalShape(Shape):
    horizon: Horizon
    year: WholeNumber
    text: Text
    targets: Items[TargetShape] = []


class MeasureShape(Shape):
    text: Text


class MilestoneShape(Shape):
    year: WholeNumber
    title: Name


class ProjectShape(Shape):
    number: Annotated[WholeNumber, Field(ge=1, le=999)]
    name: Name
    owners: Items[OwnerShape] = []
    goals: Items[GoalShape] = []
    measures: Items[MeasureShape] = []
    milestones: Items[MilestoneShape] = []

    @model_validator(mode="after")
    def _owners_check(self) -> Self:
        if sum(1 for owner in self.owners if owner.role == "lead") != 1:
            raise refusal(_("a project needs exactly one lead unit"), at=("owners",))
        codes = [owner.department for owner in self.owners]
        for j, code in enumerate(codes):
            if code in codes[:j]:
                raise refusal(
                    _("this department is listed twice: %(code)s") % {"code": code},
                    at=("owners", j, "department"),
                )
        return self


class WorkPointShape(Shape):
    number: Annotated[WholeNumber, Field(ge=1, le=999)]
    text: Text
    projects: Items[WholeNumber] = []
    targets: Items[TargetShape] = []


class SectionShape(Shape):
    number: Annotated[WholeNumber, Field(ge=1, le=99)]
    title: Name
    work_points: Items[WorkPointShape] = []


class PlanShape(Shape):
    """A curated plan file (plans/data/zhengzhou-2016.yaml)."""

    code: Annotated[Text, Field(max_length=64)]
    name: Annotated[Text, Field(max_length=300)]
    organisation: Text
    start_year: Year
    end_year: Year
    intro: OptionalText = ""
    work_points_intro: OptionalText = ""
    projects: Items[ProjectShape] = []
    sections: Items[SectionShape] = []
    # The file beside this one holding the work breakdown (plans/breakdown.py).
    breakdown: OptionalText = ""

    @model_validator(mode="after")
    def _span_check(self) -> Self:
        if self.end_year < self.start_year:
            raise refusal(
                _("%(v)s is outside %(low)s–%(high)s")
                % {"v": self.end_year, "low": self.start_year, "high": 2100},
                at=("end_year",),
            )
        return self


def restated_key(spec: TargetSpec | TargetShape) -> tuple[str, str]:
    """(place, indicator) of the target `spec.restates` names; its own indicator when the
    reference leaves it out."""
    place, _sep, indicator = spec.restates.partition("/")
    return place.strip(), indicator.strip() or spec.indicator


# From the shape to the specification -----------------------------------------------

Place = Callable[..., str]


def _target_spec(shape: TargetShape) -> TargetSpec:
    return TargetSpec(**shape.model_dump())


def _project_spec(shape: ProjectShape) -> ProjectSpec:
    return ProjectSpec(
        number=shape.number,
        name=shape.name,
        owners=[(o.department, o.role) for o in shape.owners],
        goals=[
            GoalSpec(g.horizon, g.year, g.text, [_target_spec(t) for t in g.targets])
            for g in shape.goals
        ],
        measures=[m.text for m in shape.measures],
        milestones=[(m.year, m.title) for m in shape.milestones],
    )


def _section_spec(shape: SectionShape) -> SectionSpec:
    return SectionSpec(
        number=shape.number,
        title=shape.title,
        work_points=[
            WorkPointSpec(w.number, w.text, list(w.projects), [_target_spec(t) for t in w.targets])
            for w in shape.work_points
        ],
    )


def _targets_with_paths(
    plan: PlanShape,
) -> Iterator[tuple[TargetShape, tuple[Step, ...]]]:
    for pi, p in enumerate(plan.projects):
        for gi, g in enumerate(p.goals):
            for ti, t in enumerate(g.targets):
                yield t, ("projects", pi, "goals", gi, "targets", ti)
    for si, s in enumerate(plan.sections):
        for wi, w in enumerate(s.work_points):
            for ti, t in enumerate(w.targets):
                yield t, ("sections", si, "work_points", wi, "targets", ti)


def _years_check(plan: PlanShape, place: Place) -> None:
    """Goals and milestones fall in the plan's years; a target's year at most one before
    and ten after."""
    first, last = plan.start_year, plan.end_year
    years: list[tuple[int | None, int, int, tuple[Step, ...]]] = []
    for pi, p in enumerate(plan.projects):
        years += [
            (g.year, first, last, ("projects", pi, "goals", gi, "year"))
            for gi, g in enumerate(p.goals)
        ]
        years += [
            (m.year, first, last, ("projects", pi, "milestones", mi, "year"))
            for mi, m in enumerate(p.milestones)
        ]
    years += [
        (t.year, first - 1, last + 10, (*path, "year")) for t, path in _targets_with_paths(plan)
    ]
    for year, low, high, path in years:
        if year is not None and not low <= year <= high:
            raise InputError(
                _("%(v)s is outside %(low)s–%(high)s") % {"v": year, "low": low, "high": high},
                where=place(*path),
            )


def _numbering_check(
    numbers: Sequence[tuple[int, tuple[Step, ...]]], what: str, place: Place
) -> None:
    """Numbers run 1, 2, 3 … in order; refused at the first one out of place."""
    for expected, (number, path) in enumerate(numbers, start=1):
        if number != expected:
            raise InputError(
                _("%(what)s must be numbered 1, 2, 3 … in order; found %(numbers)s")
                % {"what": what, "numbers": [n for n, _path in numbers]},
                where=place(*path, "number"),
            )


def _links_check(plan: PlanShape, place: Place) -> None:
    """Projects and work points are numbered in order; a work point links real projects."""
    _numbering_check(
        [(p.number, ("projects", i)) for i, p in enumerate(plan.projects)], _("projects"), place
    )
    _numbering_check(
        [(s.number, ("sections", i)) for i, s in enumerate(plan.sections)], _("sections"), place
    )
    points = [
        (w.number, ("sections", si, "work_points", wi))
        for si, s in enumerate(plan.sections)
        for wi, w in enumerate(s.work_points)
    ]
    _numbering_check(points, _("work points"), place)
    known = {p.number for p in plan.projects}
    for si, s in enumerate(plan.sections):
        for wi, w in enumerate(s.work_points):
            for li, number in enumerate(w.projects):
                if number not in known:
                    raise InputError(
                        _("no project numbered %(n)r in this plan") % {"n": number},
                        where=place("sections", si, "work_points", wi, "projects", li),
                    )


def _restatements_check(plan: PlanShape, place: Place) -> None:
    """Every `restates` names a project's target that exists and restates nothing itself."""
    originals = {
        (goal_place(p.number, g.horizon, g.year), t.indicator): t
        for p in plan.projects
        for g in p.goals
        for t in g.targets
    }
    for target, path in _targets_with_paths(plan):
        if not target.restates:
            continue
        key = restated_key(target)
        original = originals.get(key)
        if original is None:
            raise InputError(
                _("no project target %(indicator)s at %(place)s")
                % {"indicator": key[1], "place": key[0]},
                where=place(*path, "restates"),
            )
        if original is target or original.restates:
            raise InputError(
                _("a target restates a target that restates"), where=place(*path, "restates")
            )


def plan_spec_from_data(*, data: Any, source: str) -> PlanSpec:
    """Check a parsed plan file and return its specification, or refuse with the place."""
    plan = data_validate(schema=PlanShape, data=data, source=source)

    def place(*path: Step) -> str:
        return place_of(data=data, path=path, source=source)

    _years_check(plan, place)
    _links_check(plan, place)
    _restatements_check(plan, place)
    return PlanSpec(
        code=plan.code,
        name=plan.name,
        organisation=plan.organisation,
        start_year=plan.start_year,
        end_year=plan.end_year,
        intro=plan.intro,
        work_points_intro=plan.work_points_intro,
        projects=[_project_spec(p) for p in plan.projects],
        sections=[_section_spec(s) for s in plan.sections],
        places={
            "organisation": place("organisation"),
            **{
                f"projects[{pi}].owners[{oi}].department": place(
                    "projects", pi, "owners", oi, "department"
                )
                for pi, p in enumerate(plan.projects)
                for oi in range(len(p.owners))
            },
        },
    )


def plan_spec_from_file(path: Path) -> PlanSpec:
    """Read and check a plan file, and the breakdown file it names; every refusal names
    the file, line, column and path."""
    raw = file_bytes_read(path=path)
    data = yaml_load(text=raw, source=path.name)
    spec = plan_spec_from_data(data=data, source=path.name)
    digest = hashlib.sha256(raw)
    tasks: list[TaskSpec] = []
    name = data.get("breakdown") if isinstance(data, dict) else None
    if name:
        beside = path.parent / str(name)
        if beside.parent != path.parent or not beside.is_file():
            raise InputError(
                _("no breakdown file %(name)s beside the plan") % {"name": name},
                where=place_of(data=data, path=("breakdown",), source=path.name),
            )
        digest.update(file_bytes_read(path=beside))
        tasks = breakdown_from_file(
            path=beside,
            plan_code=spec.code,
            years=(spec.start_year, spec.end_year),
            measures={p.number: len(p.measures) for p in spec.projects},
            work_points={w.number for s in spec.sections for w in s.work_points},
        )
    return PlanSpec(**{**spec.__dict__, "digest": digest.hexdigest(), "tasks": tasks})
