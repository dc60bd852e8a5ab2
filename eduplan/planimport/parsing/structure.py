"""A plan text's structure: projects with goals, measures and milestones; sections and
numbered work points; and every target, each placed where it was written.

Most plans are not organised in projects (县区工作要点, 为民办实事 lists, 十四五 plans):
they still yield their sections, work points and targets.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from eduplan.planimport.parsing.genre import BULLETIN, PLAN, ahead_year, detect_genre, looks_ahead
from eduplan.planimport.parsing.layout import (
    POINT_DOT_RE,
    POINT_PAREN_RE,
    PROJECT_RE,
    REVIEW_RE,
    SECTION_RE,
    SUBSECTION_RE,
    PlanYears,
    detect_years,
    is_plain_heading,
    iter_lines,
    ordinal_value,
    part_year,
    split_heading_title,
    table_cells,
    unwrap,
)
from eduplan.planimport.parsing.numbers import normalise_digits
from eduplan.planimport.parsing.targets import ParsedTarget, ScanContext, remap_offsets, scan_lines


@dataclass(frozen=True)
class ParsedMeasure:
    """One measure (举措) of a project."""

    text: str


@dataclass(frozen=True)
class ParsedMilestone:
    """A yearly step of a project (第一年，制订方案、开始试行)."""

    year: int | None
    title: str


@dataclass(frozen=True)
class ParsedGoal:
    """A project's goal for the whole plan ("three_year") or for one year ("annual")."""

    horizon: str
    year: int | None
    text: str
    targets: list[ParsedTarget] = field(default_factory=list)


@dataclass(frozen=True)
class ParsedProject:
    """A project (第X项工程——“名称”) with its goals, measures and milestones."""

    number: int
    name: str
    goals: list[ParsedGoal] = field(default_factory=list)
    measures: list[ParsedMeasure] = field(default_factory=list)
    milestones: list[ParsedMilestone] = field(default_factory=list)


@dataclass(frozen=True)
class ParsedSection:
    """A top-level section (一、…)."""

    number: int
    title: str


@dataclass(frozen=True)
class ParsedWorkPoint:
    """A numbered work point (1. / 1、 / （1）) in a section."""

    number: int
    section: int | None
    text: str
    targets: list[ParsedTarget] = field(default_factory=list)


@dataclass(frozen=True)
class ParsedPlan:
    """Everything read from a plan text; `targets` lists each target exactly once."""

    title: str
    projects: list[ParsedProject]
    sections: list[ParsedSection]
    work_points: list[ParsedWorkPoint]
    targets: list[ParsedTarget]
    achievements: list[ParsedTarget] = field(default_factory=list)  # facts, not commitments
    genre: str = PLAN  # PLAN, or BULLETIN for a document that reports (通报, 总结)
    year: int | None = None
    start_year: int | None = None
    end_year: int | None = None

    def to_json(self) -> dict[str, Any]:
        """Projects, sections, work points and targets as plain JSON-ready dicts."""
        return {
            "projects": [
                {
                    "number": p.number,
                    "name": p.name,
                    "goals": [
                        {
                            "horizon": g.horizon,
                            "year": g.year,
                            "text": g.text,
                            "targets": [t.to_dict() for t in g.targets],
                        }
                        for g in p.goals
                    ],
                    "measures": [{"text": m.text} for m in p.measures],
                    "milestones": [{"year": m.year, "title": m.title} for m in p.milestones],
                }
                for p in self.projects
            ],
            "sections": [{"number": s.number, "title": s.title} for s in self.sections],
            "work_points": [
                {
                    "number": w.number,
                    "section": w.section,
                    "text": w.text,
                    "targets": [t.to_dict() for t in w.targets],
                }
                for w in self.work_points
            ],
            "genre": self.genre,
            "targets": [t.to_dict() for t in self.targets],
            "achievements": [t.to_dict() for t in self.achievements],
        }

    @property
    def empty(self) -> bool:
        """True when nothing was recognised: no project, work point, target or fact."""
        return not (self.projects or self.work_points or self.targets or self.achievements)


_THREE_YEAR_RE = re.compile(
    r"[三五]年(?:的)?(?:总|发展总|发展|实施|工作)?目标|三年内|工程三年|通过工程的?实施[，,]?三年"
)
_ANNUAL_RE = re.compile(r"((?:19|20)\d{2})年(?:的)?(?:具体|工程|年度|工作)?(?:目标|工程目标)")
_ANNUAL_START_RE = re.compile(r"^((?:19|20)\d{2})年[，,]")
_MEASURE_INTRO_RE = re.compile(r"^为了?(?:实现|达成|确保|完成|推进)")
_MEASURE_HEAD_RE = re.compile(r"举措|措施")
_GOAL_AND_MEASURE_RE = re.compile(r"目标(?:和|与)?(?:举措|措施)")
_MILESTONE_HEAD_RE = re.compile(r"步骤|进度安排|时间安排|推进计划")
_MILESTONE_RE = re.compile(
    r"(?:第([一二三四五六七八九十])年|((?:19|20)\d{2})年)[，,：:]\s*([^；;。]+)"
)
_ENUM_SPLIT_RE = re.compile(r"[一二三四五六七八九十]+是")
_VIA_MEASURES_RE = re.compile(r"^通过(.+?)等(?:举措|措施)")
_AHEAD_LEAD_RE = re.compile(r"^(?:下一步|下一阶段|下阶段|下半年|明年|今后)")
_LEAD_COLON_RE = re.compile(r"^[^：:。]{0,40}[：:]")


@dataclass
class _ProjectState:
    number: int
    name: str
    label: str  # 第一项工程, as written
    goals: list[tuple[str, int | None, str, str]] = field(default_factory=list)
    goal_targets: list[list[ParsedTarget]] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    milestones: list[tuple[int | None, str]] = field(default_factory=list)
    current: tuple[str, int | None] | None = None  # the horizon text now belongs to


@dataclass
class _PointState:
    number: int
    section: int | None
    label: str
    texts: list[str] = field(default_factory=list)
    targets: list[ParsedTarget] = field(default_factory=list)


def _strip_lead(text: str) -> str:
    """A goal's or measure's text without its label (工程三年总目标为：)."""
    m = _LEAD_COLON_RE.match(text)
    return text[m.end() :].strip() if m else text.strip()


def _split_measures(text: str) -> list[str]:
    """Measures in a paragraph: 一是…二是…, or items separated by semicolons."""
    body = _strip_lead(text)
    body = re.sub(r"^为了?[^，,：:]*[，,](?:我们|我局)?(?:将|要)?", "", body)
    via = _VIA_MEASURES_RE.match(text)
    if via:
        parts = re.split(r"、", via.group(1))
    elif _ENUM_SPLIT_RE.search(body):
        parts = _ENUM_SPLIT_RE.split(body)[1:]
    elif "；" in body or ";" in body:
        parts = re.split(r"[；;]", body)
    else:
        parts = re.split(r"[，,]", body) if _MEASURE_INTRO_RE.match(text) else [body]
    out = [p.strip().strip("，,。；;：: ") for p in parts]
    return [p for p in out if len(p) >= 2]


def _title(lines: list[str]) -> str:
    """The document's title: its first line, joined with a continuation (及2016年工作要点)."""
    if not lines or PROJECT_RE.match(lines[0]) or SECTION_RE.match(lines[0]):
        return ""  # the text starts with its body: it has no title line
    title = lines[0]
    if len(lines) > 1 and re.match(r"^(?:及|和|暨|与|——)", lines[1]) and len(lines[1]) <= 30:
        title += lines[1]
    return title


class _Builder:
    """Walks the lines once, recording blocks to scan and who owns their targets."""

    def __init__(self, text: str, years: PlanYears, genre: str = PLAN) -> None:
        self.text = text
        self.years = years
        self.blocks: list[tuple[int, int, ScanContext]] = []
        self.owners: list[tuple[str, Any]] = []
        self.projects: list[_ProjectState] = []
        self.sections: list[tuple[int, str]] = []
        self.points: list[_PointState] = []
        self.project: _ProjectState | None = None
        self.point: _PointState | None = None
        self.section: tuple[int, str] | None = None
        self.part_year: int | None = None
        self.review_top = False
        self.review_sub = False
        self.genre = genre
        self.ahead_top = False  # in a bulletin: a part that looks ahead (下一步工作打算)
        self.ahead_sub = False
        self.ahead_year: int | None = None

    # -- contexts ---------------------------------------------------------------------
    def _default_year(self) -> int | None:
        if self.ahead_top or self.ahead_sub:
            return self.ahead_year
        return self.part_year or self.years.default_due

    def _ctx(self, label: str | None, year: int | None, fact: bool = False) -> ScanContext:
        reported = self.genre == BULLETIN and not (self.ahead_top or self.ahead_sub)
        return ScanContext(
            section=label,
            default_year=year,
            doc_year=self.years.doc_year,
            fact=fact,
            reported=reported,
        )

    def _ahead(self, heading: str, *, top: bool) -> None:
        """Note whether a bulletin's part (heading) looks ahead, and to which year."""
        ahead = self.genre == BULLETIN and looks_ahead(heading)
        if ahead:
            self.ahead_year = ahead_year(heading, self.years.doc_year)
        if top:
            self.ahead_top, self.ahead_sub = ahead, False
        else:
            self.ahead_sub = ahead

    def _add(self, start: int, end: int, ctx: ScanContext, owner: tuple[str, Any]) -> None:
        self.blocks.append((start, end, ctx))
        self.owners.append(owner)

    def _section_label(self) -> str | None:
        if self.section is None:
            return None
        cn = "一二三四五六七八九十"
        number, title = self.section
        prefix = cn[number - 1] if 1 <= number <= 10 else str(number)
        return f"{prefix}、{title}"

    # -- projects -----------------------------------------------------------------------
    def _three_year_end(self) -> int | None:
        if self.years.end_year is not None:
            return self.years.end_year
        return None if self.years.doc_year is None else self.years.doc_year + 2

    def project_paragraph(self, start: int, end: int, para: str) -> None:
        project = self.project
        assert project is not None
        head = para[:40]
        horizon: tuple[str, int | None] | None = None
        is_goal = False
        if _MEASURE_INTRO_RE.match(para):
            year_m = re.search(r"((?:19|20)\d{2})年", head)
            if year_m:
                horizon = ("annual", int(year_m.group(1)))
            project.measures.extend(_split_measures(para))
        elif _MILESTONE_HEAD_RE.search(head) and _MILESTONE_RE.search(para):
            for m in _MILESTONE_RE.finditer(para):
                if m.group(1):
                    nth = ordinal_value(m.group(1)) or 1
                    first = self.years.start_year or self.years.doc_year
                    year = None if first is None else first + nth - 1
                else:
                    year = int(m.group(2))
                project.milestones.append((year, m.group(3).strip()))
        elif _THREE_YEAR_RE.search(head):
            horizon, is_goal = ("three_year", self._three_year_end()), True
        elif (annual := _ANNUAL_RE.search(head) or _ANNUAL_START_RE.match(para)) is not None:
            horizon, is_goal = ("annual", int(annual.group(1))), True
            if _MEASURE_HEAD_RE.search(head) and not _GOAL_AND_MEASURE_RE.search(head):
                is_goal = False  # 2016年的工作举措为: measures for the year
        elif _MEASURE_HEAD_RE.search(head):
            year_m = re.search(r"((?:19|20)\d{2})年", head)
            if year_m:
                horizon = ("annual", int(year_m.group(1)))
        elif not project.goals:
            horizon, is_goal = ("three_year", self._three_year_end()), True
        if horizon is not None:
            project.current = horizon
        if is_goal and horizon is not None:
            label = (
                f"{project.label} 三年总目标"
                if horizon[0] == "three_year"
                else f"{project.label} {horizon[1]}年"
            )
            existing = next(
                (i for i, g in enumerate(project.goals) if (g[0], g[1]) == horizon), None
            )
            if existing is None:
                project.goals.append((horizon[0], horizon[1], _strip_lead(para), label))
                project.goal_targets.append([])
                existing = len(project.goals) - 1
            else:
                h, y, old, lab = project.goals[existing]
                project.goals[existing] = (h, y, old + "\n" + _strip_lead(para), lab)
            if _GOAL_AND_MEASURE_RE.search(head) or _VIA_MEASURES_RE.match(para):
                project.measures.extend(_split_measures(para))
            self._add(start, end, self._ctx(label, horizon[1]), ("goal", (project, existing)))
            return
        if not is_goal and _MEASURE_HEAD_RE.search(head) and not _MEASURE_INTRO_RE.match(para):
            project.measures.extend(_split_measures(para))
        current = project.current
        if current is None:
            label, year = project.label, self._default_year()
        elif current[0] == "three_year":
            label, year = f"{project.label} 三年总目标", current[1]
        else:
            label, year = f"{project.label} {current[1]}年", current[1]
        goal_index = next(
            (i for i, g in enumerate(project.goals) if current and (g[0], g[1]) == current), None
        )
        owner: tuple[str, Any] = (
            ("goal", (project, goal_index)) if goal_index is not None else ("none", None)
        )
        self._add(start, end, self._ctx(label, year), owner)

    # -- the walk -----------------------------------------------------------------------
    def run(self, point_style: str, restart: bool) -> None:
        point_re = POINT_DOT_RE if point_style == "dot" else POINT_PAREN_RE
        first_line = True
        for line in iter_lines(self.text):
            if line.blank:
                continue
            t = line.text
            if first_line:
                first_line = False
                numbered = PROJECT_RE.match(t) or SECTION_RE.match(t) or SUBSECTION_RE.match(t)
                if is_plain_heading(t) and not numbered:
                    continue  # the title
            pm = PROJECT_RE.match(t)
            if pm:
                number = ordinal_value(pm.group(1)) or len(self.projects) + 1
                label = t[: t.index("工程") + 2]
                self.project = _ProjectState(number, pm.group(2).strip(), label)
                self.projects.append(self.project)
                self.point = None
                continue
            sm = SECTION_RE.match(t)
            if sm and table_cells(t) is None:
                title, rest = split_heading_title(sm.group(2))
                number = ordinal_value(sm.group(1)) or len(self.sections) + 1
                self.section = (number, title)
                self.sections.append(self.section)
                if (year := part_year(title)) is not None:
                    self.part_year = year  # 二、2023年工作计划
                self.project = None
                self.point = None
                self.review_top = bool(REVIEW_RE.search(title))
                self.review_sub = False
                self._ahead(title, top=True)
                if rest:
                    self._plain(line.end - len(rest), line.end)
                continue
            ss = SUBSECTION_RE.match(t)
            if ss and self.project is None:
                title, rest = split_heading_title(ss.group(2))
                self.point = None
                self.review_sub = bool(REVIEW_RE.search(title))
                self._ahead(title, top=False)
                if rest:
                    self._plain(line.end - len(rest), line.end)
                continue
            wm = point_re.match(t)
            if wm and self.project is None:
                number = int(wm.group(1))
                sec = self.section[0] if self.section else None
                label = f"工作要点 {sec}.{number}" if restart and sec else f"工作要点 {number}"
                self.point = _PointState(number, sec, label, [wm.group(2)])
                self.points.append(self.point)
                body_start = line.end - len(wm.group(2))
                ctx = self._ctx(label, self._default_year(), self.review_top or self.review_sub)
                self._add(body_start, line.end, ctx, ("point", self.point))
                continue
            if is_plain_heading(t):
                self.project = None
                self.point = None
                year = part_year(t)
                if year is not None:
                    self.part_year = year
                self.review_sub = bool(REVIEW_RE.search(t))
                self._ahead(t, top=False)
                continue
            if self.genre == BULLETIN and _AHEAD_LEAD_RE.match(t):
                self._ahead(t[:12], top=False)  # 下一步，我们将重点做好以下工作：
            if self.project is not None:
                self.project_paragraph(line.start, line.end, t)
            elif self.point is not None:
                self.point.texts.append(t)
                ctx = self._ctx(
                    self.point.label, self._default_year(), self.review_top or self.review_sub
                )
                self._add(line.start, line.end, ctx, ("point", self.point))
            else:
                self._plain(line.start, line.end)

    def _plain(self, start: int, end: int) -> None:
        """Text in a section (or before any) that belongs to no project or work point."""
        ctx = self._ctx(
            self._section_label(), self._default_year(), self.review_top or self.review_sub
        )
        self._add(start, end, ctx, ("none", None))


def _point_style(text: str) -> tuple[str, bool]:
    """Which numbering marks work points ("dot" 1. / 1、, else "paren" （1）) and whether it
    restarts in each section (so points are labelled section.number)."""
    dot: list[int] = []
    paren: list[int] = []
    for line in iter_lines(text):
        if PROJECT_RE.match(line.text) or table_cells(line.text) is not None:
            continue
        if m := POINT_DOT_RE.match(line.text):
            dot.append(int(m.group(1)))
        elif m := POINT_PAREN_RE.match(line.text):
            paren.append(int(m.group(1)))
    numbers = dot if dot else paren
    restart = any(b <= a for a, b in itertools.pairwise(numbers))
    return ("dot" if dot else "paren"), restart


def parse_plan(
    text: str, *, plan_year: int | None = None, filename: str | None = None
) -> ParsedPlan:
    """Read a plan text's projects, sections, work points, targets and achievements; a
    text with none of them (a notice) is a plan with nothing in it, not an error."""
    original = text
    unwrapped = unwrap(text)
    text = unwrapped.text  # offsets are mapped back to `original` below
    years = detect_years(text, plan_year)
    head = [line.text for line in iter_lines(original[:2000]) if not line.blank][:2]
    title = _title(head)
    genre = detect_genre(title, text[:3000])
    style, restart = _point_style(text)
    builder = _Builder(text, years, genre)
    builder.run(style, restart)
    norm = normalise_digits(text)
    found = [remap_offsets(ts, unwrapped) for ts in scan_lines(text, norm, builder.blocks)]
    all_targets: list[ParsedTarget] = []
    achievements: list[ParsedTarget] = []
    for (kind, owner), scanned in zip(builder.owners, found, strict=True):
        targets = [t for t in scanned if not t.achieved]
        achievements.extend(t for t in scanned if t.achieved)
        all_targets.extend(targets)
        if kind == "goal":
            project, index = owner
            project.goal_targets[index].extend(targets)
        elif kind == "point":
            owner.targets.extend(targets)
    projects = [
        ParsedProject(
            number=p.number,
            name=p.name,
            goals=[
                ParsedGoal(horizon=h, year=y, text=t, targets=list(p.goal_targets[i]))
                for i, (h, y, t, _label) in enumerate(p.goals)
            ],
            measures=[ParsedMeasure(m) for m in p.measures],
            milestones=[ParsedMilestone(y, t) for y, t in p.milestones],
        )
        for p in builder.projects
    ]
    work_points = [
        ParsedWorkPoint(
            number=w.number, section=w.section, text="\n".join(w.texts), targets=list(w.targets)
        )
        for w in builder.points
    ]
    return ParsedPlan(
        title=title,
        projects=projects,
        sections=[ParsedSection(n, t) for n, t in builder.sections],
        work_points=work_points,
        targets=all_targets,
        achievements=achievements,
        genre=genre,
        year=years.doc_year,
        start_year=years.start_year,
        end_year=years.end_year,
    )
