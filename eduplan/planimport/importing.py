"""Importing a plan text: a parsed plan (planimport.parsing) → a PlanSpec → a new draft plan.

Used by `eduplan plan import` and by the review page. An imported plan is always new and
always a draft: importing never changes a plan that exists. Imported projects have no
owners (the text does not say who leads them); a target the text places in no project
and no work point belongs to the plan itself.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from eduplan.core.errors import InputError
from eduplan.core.numbers import plain_number
from eduplan.org.access import Action, User, require
from eduplan.org.models import OrgUnit
from eduplan.planimport.parsing import (
    ParsedGoal,
    ParsedMeasure,
    ParsedMilestone,
    ParsedPlan,
    ParsedProject,
    ParsedSection,
    ParsedTarget,
    ParsedWorkPoint,
)
from eduplan.planimport.proposals import proposed_lead, proposed_tasks
from eduplan.plans.loading import (
    CHANGES,
    COMPARATORS,
    GoalSpec,
    PlanSpec,
    ProjectSpec,
    SectionSpec,
    TargetSpec,
    WorkPointSpec,
)
from eduplan.plans.models import Plan, PlanStatus
from eduplan.plans.services import plan_load

CODE_MAX = 64
NAME_MAX = 300
TITLE_MAX = 200  # project names, section titles, milestone titles, indicators
UNIT_MAX = 20
VALUE_LIMIT = Decimal(10) ** 14  # Target.value holds 18 digits, 4 after the point
YEAR_MIN, YEAR_MAX = 1949, 2100
# A plan code is also a URL segment (/plans/<code>/): these would be taken by other pages.
RESERVED_CODES = frozenset({"import"})
CODE_RE = re.compile(r"^[-a-zA-Z0-9_]+\Z")
CONTEXT_CHARS = 120  # how far a target's sentence reaches either side of it
SENTENCE_ENDS = "。！？!?；;\n"
UNSECTIONED_TITLE = "工作要点"  # the section for work points written before any section

ERR_CODE_TAKEN = _("The plan code %(code)s is already taken; importing never changes a plan.")
ERR_CODE_INVALID = _("A plan code uses only letters, digits, hyphens and underscores.")
ERR_CODE_RESERVED = _("The plan code %(code)s is reserved; choose another.")
ERR_CODE_TOO_LONG = _("A plan code has at most %(max)s characters.")
ERR_NAME_MISSING = _("The plan needs a name.")
ERR_NAME_TOO_LONG = _("A plan name has at most %(max)s characters.")
ERR_COMPARATOR = _("%(value)r is not a comparator.")
ERR_CHANGE = _("%(value)r is not a change (increase or decrease).")
ERR_RANGE_NEEDS_MAX = _("A range (between) needs an upper value.")
ERR_MAX_ONLY_FOR_RANGE = _("An upper value is only for a range (between).")
ERR_MAX_BELOW_VALUE = _("The upper value is below the value.")
ERR_VALUE = _("The value must be a finite number below 10¹⁴.")
ERR_YEAR = _("A year lies between %(low)s and %(high)s.")
ERR_UNIT = _("A target needs a unit of at most %(max)s characters.")


def nothing_to_import(filename: str) -> str:
    """The refusal for a text in which nothing to import was recognised (a notice)."""
    return f"未能识别出任何工程、工作要点或量化目标：{filename or '（未命名文本）'}"


def plan_code_problem(code: str) -> str | None:
    """Why `code` cannot name a new plan (format, reserved, taken), or None."""
    if not code or not CODE_RE.match(code):
        return str(ERR_CODE_INVALID)
    if len(code) > CODE_MAX:
        return str(ERR_CODE_TOO_LONG % {"max": CODE_MAX})
    if code in RESERVED_CODES:
        return str(ERR_CODE_RESERVED % {"code": code})
    if Plan.objects.filter(code=code).exists():
        return str(ERR_CODE_TAKEN % {"code": code})
    return None


def plan_code_from_filename(filename: str) -> str:
    """A plan code from a file name (zhengzhou-2016-plan.txt → zhengzhou-2016-plan)."""
    stem = Path(filename).name
    while Path(stem).suffix.lower() in {".txt", ".docx", ".text"}:
        stem = Path(stem).stem
    base = slugify(stem).strip("-_")[: CODE_MAX - 8].strip("-_")
    if not base or base.isdigit() or base in RESERVED_CODES:
        base = f"plan-{base}" if base else "plan"
    return base


def plan_code_free(*, base: str) -> str:
    """`base` if no plan has it, else the first free `base-2`, `base-3` …"""
    taken = set(Plan.objects.filter(code__startswith=base).values_list("code", flat=True))
    if base not in taken and base not in RESERVED_CODES:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def plan_years(parsed: ParsedPlan) -> tuple[int, int]:
    """The plan's first and last year, from what the text says (else this year)."""
    due = sorted(t.year for t in parsed.targets if t.year)
    start = parsed.start_year or parsed.year or (due[0] if due else None)
    if start is None:
        start = timezone.localdate().year
    end = parsed.end_year or max(start, parsed.year or start)
    return start, max(start, end)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split()) if "\n" in text else text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _year(value: int | None, where: str) -> int | None:
    if value is None:
        return None
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise InputError(str(ERR_YEAR % {"low": YEAR_MIN, "high": YEAR_MAX}), where=where)
    return value


def _decimal(value: float | None, where: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(str(ERR_VALUE), where=where)
    number = Decimal(str(value))
    if not number.is_finite() or abs(number) >= VALUE_LIMIT:
        raise InputError(str(ERR_VALUE), where=where)
    return number


def target_spec(target: ParsedTarget, *, where: str) -> TargetSpec:
    """One parsed target as a TargetSpec, or InputError naming the field that is wrong."""
    if target.comparator not in COMPARATORS:
        raise InputError(
            str(ERR_COMPARATOR % {"value": target.comparator}), where=f"{where}.comparator"
        )
    if target.change is not None and target.change not in CHANGES:
        raise InputError(str(ERR_CHANGE % {"value": target.change}), where=f"{where}.change")
    value = _decimal(target.value, f"{where}.value")
    value_max = _decimal(target.value_max, f"{where}.value_max")
    assert value is not None
    if target.comparator == "between" and value_max is None:
        raise InputError(str(ERR_RANGE_NEEDS_MAX), where=f"{where}.value_max")
    if target.comparator != "between" and value_max is not None:
        raise InputError(str(ERR_MAX_ONLY_FOR_RANGE), where=f"{where}.value_max")
    if value_max is not None and value_max < value:
        raise InputError(str(ERR_MAX_BELOW_VALUE), where=f"{where}.value_max")
    unit = target.unit.strip()
    if not unit or len(unit) > UNIT_MAX:
        raise InputError(str(ERR_UNIT % {"max": UNIT_MAX}), where=f"{where}.unit")
    baseline = _decimal(target.baseline, f"{where}.baseline")
    return TargetSpec(
        note="" if baseline is None else f"基数：{plain_number(baseline)} {unit}",
        value=value,
        value_max=value_max,
        unit=unit,
        comparator=target.comparator,
        change=target.change,
        baseline_year=_year(target.baseline_year, f"{where}.baseline_year"),
        year=_year(target.year, f"{where}.year"),
        indicator=_clip(target.indicator, TITLE_MAX),
        source=target.source,
    )


def _renumbered(numbers: list[int]) -> list[int]:
    """The numbers as written when they are distinct and positive, else 1, 2, 3 …"""
    if all(n > 0 for n in numbers) and len(set(numbers)) == len(numbers):
        return numbers
    return list(range(1, len(numbers) + 1))


def loose_targets(parsed: ParsedPlan) -> list[ParsedTarget]:
    """The plan's targets that no goal and no work point holds (each target once)."""
    placed = Counter(
        [t for p in parsed.projects for g in p.goals for t in g.targets]
        + [t for w in parsed.work_points for t in w.targets]
    )
    loose = []
    for target in parsed.targets:
        if placed[target] > 0:
            placed[target] -= 1
        else:
            loose.append(target)
    return loose


def _targets(targets: Iterable[ParsedTarget], where: str) -> list[TargetSpec]:
    return [target_spec(t, where=f"{where}[{i}]") for i, t in enumerate(targets)]


def parsed_plan_to_spec(
    parsed: ParsedPlan, *, code: str, name: str, organisation_code: str
) -> PlanSpec:
    """A parsed plan as a checked specification of a new plan (no owners, no metrics);
    refuses with InputError naming the place (`projects[0].goals[1].targets[2].value_max`)."""
    code, name = _code_and_name(code, name)
    start_year, end_year = plan_years(parsed)
    projects, project_numbers = _project_specs(
        parsed, end_year=end_year, annual_default=parsed.year or start_year
    )
    return PlanSpec(
        code=code,
        name=name,
        organisation=organisation_code,
        start_year=start_year,
        end_year=end_year,
        intro="",
        work_points_intro="",
        projects=projects,
        sections=_section_specs(parsed, project_numbers),
        targets=_targets(loose_targets(parsed), "targets"),
    )


def _code_and_name(code: str, name: str) -> tuple[str, str]:
    """The new plan's code and name, stripped; refuses a code that is malformed, too long
    or reserved, and a name that is missing or too long."""
    code = code.strip()
    if not code or not CODE_RE.match(code):
        raise InputError(str(ERR_CODE_INVALID), where="code")
    if len(code) > CODE_MAX:
        raise InputError(str(ERR_CODE_TOO_LONG % {"max": CODE_MAX}), where="code")
    if code in RESERVED_CODES:
        raise InputError(str(ERR_CODE_RESERVED % {"code": code}), where="code")
    name = name.strip()
    if not name:
        raise InputError(str(ERR_NAME_MISSING), where="name")
    if len(name) > NAME_MAX:
        raise InputError(str(ERR_NAME_TOO_LONG % {"max": NAME_MAX}), where="name")
    return code, name


def _project_specs(
    parsed: ParsedPlan, *, end_year: int, annual_default: int
) -> tuple[list[ProjectSpec], dict[int, int]]:
    """The projects (renumbered 1, 2, 3 … unless the text's numbers are distinct and
    positive; a goal or milestone without a year gets the plan's) and, for each number in
    the text, the project's number in the plan."""
    numbers = _renumbered([p.number for p in parsed.projects])
    projects: list[ProjectSpec] = []
    for index, (project, number) in enumerate(zip(parsed.projects, numbers, strict=True)):
        where = f"projects[{index}]"
        goals = [
            GoalSpec(
                horizon=goal.horizon,
                year=goal.year or (end_year if goal.horizon == "three_year" else annual_default),
                text=goal.text,
                targets=_targets(goal.targets, f"{where}.goals[{g}].targets"),
            )
            for g, goal in enumerate(project.goals)
        ]
        projects.append(
            ProjectSpec(
                number=number,
                name=_clip(project.name, TITLE_MAX) or f"第{number}项工程",
                owners=[],
                goals=goals,
                measures=[m.text for m in project.measures],
                milestones=[
                    (m.year or end_year, _clip(m.title, TITLE_MAX)) for m in project.milestones
                ],
            )
        )
    return projects, dict(zip((p.number for p in parsed.projects), numbers, strict=True))


def _section_specs(parsed: ParsedPlan, project_numbers: dict[int, int]) -> list[SectionSpec]:
    """Sections are renumbered 1, 2, 3 … in order; work points written before any section
    (or naming an unknown one) get a section of their own, and all work points are
    numbered through the plan (the text may restart them in each section)."""
    section_of: dict[int, int] = {}
    for position, section in enumerate(parsed.sections):
        section_of.setdefault(section.number, position)
    unsectioned = [w for w in parsed.work_points if w.section not in section_of]
    offset = 1 if unsectioned else 0
    titles = [UNSECTIONED_TITLE] * offset + [_clip(s.title, TITLE_MAX) for s in parsed.sections]
    points: list[list[WorkPointSpec]] = [[] for _title in titles]
    for index, point in enumerate(parsed.work_points):
        slot = section_of[point.section] + offset if point.section in section_of else 0
        links = [project_numbers.get(n) for n in getattr(point, "projects", None) or []]
        points[slot].append(
            WorkPointSpec(
                number=0,  # numbered below, in document order
                text=point.text,
                projects=[n for n in links if n is not None],
                targets=_targets(point.targets, f"work_points[{index}].targets"),
            )
        )
    number = 0
    sections: list[SectionSpec] = []
    for position, (title, items) in enumerate(zip(titles, points, strict=True), start=1):
        numbered = []
        for item in items:
            number += 1
            numbered.append(replace(item, number=number))
        sections.append(SectionSpec(number=position, title=title, work_points=numbered))
    return sections


def plan_import(
    *,
    parsed: ParsedPlan,
    code: str,
    name: str,
    organisation: OrgUnit,
    user: User | None = None,
    source_digest: str = "",
) -> Plan:
    """Store a parsed plan as a NEW plan in status draft, in one transaction: refuses
    (writing nothing) when the code is taken, a target is inconsistent, or `user` (when
    given) may not change plans of `organisation`."""
    if user is not None:
        require(user, Action.PLAN_CHANGE, organisation)
    problem = plan_code_problem(code.strip())
    if problem is not None:
        raise InputError(problem, where="code")
    spec = parsed_plan_to_spec(parsed, code=code, name=name, organisation_code=organisation.code)
    # The deliverables of its measures and work points, proposed as unconfirmed tasks.
    lead = proposed_lead(organisation)
    if lead is not None:
        year = parsed.year or spec.start_year
        spec = replace(spec, tasks=proposed_tasks(spec, year=year, lead=lead))
    return plan_load(spec=replace(spec, digest=source_digest), status=PlanStatus.DRAFT)


# The review state ---------------------------------------------------------------------
#
# A plain JSON dict, which the review page keeps in the session: {"filename", "digest",
# "code", "name", "title", "years", "projects", "sections", "work_points", "targets",
# "next_id"}. Each target row holds its fields, its place ("g:<project>:<goal>",
# "w:<work point>" or "plan": indexes into the lists) and the sentence it was read from,
# split around its span, so the page can highlight it without the whole text.


def target_sentence(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The sentence around text[start:end], split as (before, span, after)."""
    if not 0 <= start <= end <= len(text):
        return "", "", ""
    low = max(0, start - CONTEXT_CHARS)
    stops = [text.rfind(c, low, start) for c in SENTENCE_ENDS]
    left = max(stops)
    begin = left + 1 if left >= 0 else low
    high = min(len(text), end + CONTEXT_CHARS)
    ends = [i for i in (text.find(c, end, high) for c in SENTENCE_ENDS) if i >= 0]
    stop = min(ends) + 1 if ends else high
    before = ("…" if left < 0 and low > 0 else "") + text[begin:start].lstrip()
    after = text[end:stop].rstrip("\n") + ("…" if not ends and high < len(text) else "")
    return before, text[start:end], after


def _review_row(target: ParsedTarget, *, row_id: int, place: str, text: str) -> dict[str, Any]:
    before, marked, after = target_sentence(text, target.start, target.end)
    return {
        "id": row_id,
        "place": place,
        "indicator": target.indicator,
        "value": plain_number(target.value),
        "value_max": None if target.value_max is None else plain_number(target.value_max),
        "unit": target.unit,
        "comparator": target.comparator,
        "change": target.change or "",
        "baseline_year": target.baseline_year,
        "year": target.year,
        "source": target.source,
        "section": target.section or "",
        "start": target.start,
        "end": target.end,
        "baseline": None if target.baseline is None else plain_number(target.baseline),
        "mood": target.mood,
        "cue": target.cue,
        "before": before,
        "marked": marked or target.source,
        "after": after,
        "edited": False,
        "added": False,
    }


def review_state(
    *, parsed: ParsedPlan, text: str, filename: str, digest: str, code: str
) -> dict[str, Any]:
    """A parsed plan as the JSON state the review pages edit."""
    rows: list[dict[str, Any]] = []

    def add(targets: list[ParsedTarget], place: str) -> None:
        for target in targets:
            rows.append(_review_row(target, row_id=len(rows) + 1, place=place, text=text))

    projects = []
    for p, project in enumerate(parsed.projects):
        for g, goal in enumerate(project.goals):
            add(goal.targets, f"g:{p}:{g}")
        projects.append(
            {
                "number": project.number,
                "name": project.name,
                "goals": [
                    {"horizon": g.horizon, "year": g.year, "text": g.text} for g in project.goals
                ],
                "measures": [m.text for m in project.measures],
                "milestones": [[m.year, m.title] for m in project.milestones],
            }
        )
    for w, point in enumerate(parsed.work_points):
        add(point.targets, f"w:{w}")
    add(loose_targets(parsed), "plan")
    achievements = [
        _review_row(a, row_id=len(rows) + 1 + i, place="", text=text)
        for i, a in enumerate(parsed.achievements)
    ]
    return {
        "filename": filename,
        "digest": digest,
        "code": code,
        "name": parsed.title[:NAME_MAX],
        "title": parsed.title,
        "years": [parsed.year, parsed.start_year, parsed.end_year],
        "projects": projects,
        "sections": [{"number": s.number, "title": s.title} for s in parsed.sections],
        "work_points": [
            {"number": w.number, "section": w.section, "text": w.text} for w in parsed.work_points
        ],
        "targets": rows,
        "achievements": achievements,  # figures read as facts; one may become a baseline
        "genre": parsed.genre,
        "next_id": len(rows) + len(achievements) + 1,
    }


def _parsed_target(row: dict[str, Any]) -> ParsedTarget:
    return ParsedTarget(
        value=float(row["value"]),
        value_max=None if row["value_max"] is None else float(row["value_max"]),
        unit=row["unit"],
        comparator=row["comparator"],
        change=row["change"] or None,
        baseline_year=row["baseline_year"],
        year=row["year"],
        indicator=row["indicator"],
        source=row["source"],
        section=row["section"] or None,
        start=row["start"],
        end=row["end"],
        baseline=None if row.get("baseline") is None else float(row["baseline"]),
        cue=row.get("cue", ""),
    )


def parsed_from_state(state: dict[str, Any]) -> ParsedPlan:
    """The reviewed plan, with every edit, as a ParsedPlan for `plan_import`."""
    placed: dict[str, list[ParsedTarget]] = defaultdict(list)
    everything = []
    for row in state["targets"]:
        target = _parsed_target(row)
        placed[row["place"]].append(target)
        everything.append(target)
    projects = [
        ParsedProject(
            number=project["number"],
            name=project["name"],
            goals=[
                ParsedGoal(
                    horizon=goal["horizon"],
                    year=goal["year"],
                    text=goal["text"],
                    targets=placed[f"g:{p}:{g}"],
                )
                for g, goal in enumerate(project["goals"])
            ],
            measures=[ParsedMeasure(text) for text in project["measures"]],
            milestones=[ParsedMilestone(year, title) for year, title in project["milestones"]],
        )
        for p, project in enumerate(state["projects"])
    ]
    year, start_year, end_year = state["years"]
    return ParsedPlan(
        title=state["title"],
        projects=projects,
        sections=[ParsedSection(s["number"], s["title"]) for s in state["sections"]],
        work_points=[
            ParsedWorkPoint(
                number=w["number"], section=w["section"], text=w["text"], targets=placed[f"w:{i}"]
            )
            for i, w in enumerate(state["work_points"])
        ],
        targets=everything,
        year=year,
        start_year=start_year,
        end_year=end_year,
    )
