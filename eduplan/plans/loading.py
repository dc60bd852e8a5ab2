"""Reading a curated plan file (YAML) into a checked specification.

Every problem is refused with its place in the file (`projects[2].goals[0].targets[1].unit`),
before anything is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from eduplan.core.errors import InputError
from eduplan.plans.models import goal_place

COMPARATORS = frozenset({">=", "<=", "=", "between"})
CHANGES = frozenset({"increase", "decrease"})
HORIZONS = frozenset({"three_year", "annual"})
OWNER_ROLES = frozenset({"lead", "responsible"})


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

    def department_codes(self) -> set[str]:
        return {code for p in self.projects for code, _role in p.owners}


class _Reader:
    """Typed access to one mapping of the file, naming the place on every refusal."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise InputError(_("a mapping is required here"), where=where)
        self.data = data
        self.where = where

    def at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str | int | float) or not str(value).strip():
            raise InputError(_("a non-empty text is required"), where=self.at(key))
        return str(value).strip()

    def integer(self, key: str, *, required: bool = True, low: int = 0, high: int = 10**9) -> Any:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(
                _("a whole number is required, not %(v)r") % {"v": value}, where=self.at(key)
            )
        if not low <= value <= high:
            raise InputError(
                _("%(v)s is outside %(low)s–%(high)s") % {"v": value, "low": low, "high": high},
                where=self.at(key),
            )
        return value

    def number(self, key: str, *, required: bool = True) -> Decimal | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InputError(
                _("a number is required, not %(v)r") % {"v": value}, where=self.at(key)
            )
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise InputError(
                _("a number is required, not %(v)r") % {"v": value}, where=self.at(key)
            ) from None
        if not number.is_finite():
            raise InputError(_("a finite number is required"), where=self.at(key))
        return number

    def choice(self, key: str, choices: frozenset[str], *, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if value not in choices:
            allowed = ", ".join(sorted(choices))
            raise InputError(
                _("%(v)r is not one of: %(allowed)s") % {"v": value, "allowed": allowed},
                where=self.at(key),
            )
        return str(value)

    def items(self, key: str) -> list[tuple[Any, str]]:
        value = self.data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            raise InputError(_("a list is required"), where=self.at(key))
        return [(item, f"{self.at(key)}[{i}]") for i, item in enumerate(value)]


def _target(item: Any, where: str, start_year: int, end_year: int) -> TargetSpec:
    r = _Reader(item, where)
    comparator = r.choice("comparator", COMPARATORS)
    value = r.number("value")
    value_max = r.number("value_max", required=False)
    assert value is not None and comparator is not None
    if comparator == "between" and value_max is None:
        raise InputError(_("a range needs value_max"), where=r.at("value_max"))
    if comparator != "between" and value_max is not None:
        raise InputError(_("value_max is only for ranges (between)"), where=r.at("value_max"))
    if value_max is not None and value_max < value:
        raise InputError(_("value_max is below value"), where=r.at("value_max"))
    return TargetSpec(
        value=value,
        value_max=value_max,
        unit=r.text("unit"),
        comparator=comparator,
        change=r.choice("change", CHANGES, required=False),
        baseline_year=r.integer("baseline_year", required=False, low=1949, high=2100),
        year=r.integer("year", required=False, low=start_year - 1, high=end_year + 10),
        indicator=r.text("indicator"),
        source=r.text("source"),
        pair=r.text("pair", required=False),
        note=r.text("note", required=False),
        metric=r.text("metric", required=False),
        restates=r.text("restates", required=False),
    )


def _numbered(items: list[Any], where: str, what: str) -> None:
    numbers = list(items)
    if numbers != list(range(1, len(numbers) + 1)):
        raise InputError(
            _("%(what)s must be numbered 1, 2, 3 … in order; found %(numbers)s")
            % {"what": what, "numbers": numbers},
            where=where,
        )


def plan_spec_from_data(*, data: Any, source: str) -> PlanSpec:
    """Check a parsed plan file and return its specification, or refuse with the place."""
    top = _Reader(data, "")
    start_year = top.integer("start_year", low=1949, high=2100)
    end_year = top.integer("end_year", low=start_year, high=2100)
    projects: list[ProjectSpec] = []
    for item, where in top.items("projects"):
        p = _Reader(item, where)
        owners: list[tuple[str, str]] = []
        for owner, owner_where in p.items("owners"):
            o = _Reader(owner, owner_where)
            owners.append((o.text("department"), o.choice("role", OWNER_ROLES) or ""))
        if sum(1 for _code, role in owners if role == "lead") != 1:
            raise InputError(_("a project needs exactly one lead unit"), where=p.at("owners"))
        goals = []
        for goal, goal_where in p.items("goals"):
            g = _Reader(goal, goal_where)
            goals.append(
                GoalSpec(
                    horizon=g.choice("horizon", HORIZONS) or "",
                    year=g.integer("year", low=start_year, high=end_year),
                    text=g.text("text"),
                    targets=[_target(t, w, start_year, end_year) for t, w in g.items("targets")],
                )
            )
        measures = []
        for measure, measure_where in p.items("measures"):
            measures.append(_Reader(measure, measure_where).text("text"))
        milestones = []
        for milestone, milestone_where in p.items("milestones"):
            m = _Reader(milestone, milestone_where)
            milestones.append((m.integer("year", low=start_year, high=end_year), m.text("title")))
        projects.append(
            ProjectSpec(
                number=p.integer("number", low=1, high=999),
                name=p.text("name"),
                owners=owners,
                goals=goals,
                measures=measures,
                milestones=milestones,
            )
        )
    _numbered([p.number for p in projects], "projects", _("projects"))
    known_projects = {p.number for p in projects}
    sections: list[SectionSpec] = []
    for item, where in top.items("sections"):
        s = _Reader(item, where)
        work_points = []
        for wp, wp_where in s.items("work_points"):
            w = _Reader(wp, wp_where)
            linked = []
            for number, link_where in w.items("projects"):
                if number not in known_projects:
                    raise InputError(
                        _("no project numbered %(n)r in this plan") % {"n": number},
                        where=link_where,
                    )
                linked.append(number)
            work_points.append(
                WorkPointSpec(
                    number=w.integer("number", low=1, high=999),
                    text=w.text("text"),
                    projects=linked,
                    targets=[_target(t, tw, start_year, end_year) for t, tw in w.items("targets")],
                )
            )
        sections.append(
            SectionSpec(
                number=s.integer("number", low=1, high=99),
                title=s.text("title"),
                work_points=work_points,
            )
        )
    _numbered([s.number for s in sections], "sections", _("sections"))
    _numbered(
        [wp.number for s in sections for wp in s.work_points],
        "sections[*].work_points",
        _("work points"),
    )
    _restatements_check(projects, sections)
    return PlanSpec(
        code=top.text("code"),
        name=top.text("name"),
        organisation=top.text("organisation"),
        start_year=start_year,
        end_year=end_year,
        intro=top.text("intro", required=False),
        work_points_intro=top.text("work_points_intro", required=False),
        projects=projects,
        sections=sections,
    )


def restated_key(spec: TargetSpec) -> tuple[str, str]:
    """(place, indicator) of the target `spec.restates` names; its own indicator when the
    reference leaves it out."""
    place, _sep, indicator = spec.restates.partition("/")
    return place.strip(), indicator.strip() or spec.indicator


def _restatements_check(projects: list[ProjectSpec], sections: list[SectionSpec]) -> None:
    """Every `restates` names a project's target that exists and restates nothing itself."""
    originals = {
        (goal_place(p.number, g.horizon, g.year), t.indicator): t
        for p in projects
        for g in p.goals
        for t in g.targets
    }
    places = [
        (t, f"projects[{pi}].goals[{gi}].targets[{ti}].restates")
        for pi, p in enumerate(projects)
        for gi, g in enumerate(p.goals)
        for ti, t in enumerate(g.targets)
    ] + [
        (t, f"sections[{si}].work_points[{wi}].targets[{ti}].restates")
        for si, s in enumerate(sections)
        for wi, w in enumerate(s.work_points)
        for ti, t in enumerate(w.targets)
    ]
    for target, where in places:
        if not target.restates:
            continue
        original = originals.get(restated_key(target))
        if original is None:
            raise InputError(
                _("no project target %(indicator)s at %(place)s")
                % {"indicator": restated_key(target)[1], "place": restated_key(target)[0]},
                where=where,
            )
        if original is target or original.restates:
            raise InputError(_("a target restates a target that restates"), where=where)


def plan_spec_from_file(path: Path) -> PlanSpec:
    """Read and check a plan file; YAML syntax errors name the line and column."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            _("cannot read the file: %(err)s") % {"err": exc.strerror}, where=str(path)
        ) from None
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(
            _("the file is not UTF-8 (byte %(pos)s)") % {"pos": exc.start}, where=str(path)
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"{path.name}:{mark.line + 1}:{mark.column + 1}" if mark else path.name
        problem = getattr(exc, "problem", None) or str(exc)
        message = _("not valid YAML: %(problem)s") % {"problem": problem}
        raise InputError(message, where=place) from None
    try:
        spec = plan_spec_from_data(data=data, source=path.name)
    except InputError as exc:
        raise InputError(exc.message, where=f"{path.name}: {exc.where}") from None
    return PlanSpec(**{**spec.__dict__, "digest": hashlib.sha256(raw).hexdigest()})
