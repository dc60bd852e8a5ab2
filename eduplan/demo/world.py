"""The demo city's one simulated truth, from which every report of its history is derived.

A real city's sources agree because they describe the same schools; the demo's must too
(issue 11). So each routine report is read off a truth instead of drawn at random:

- **Classes**: the class census (`SchoolClass`, written by the generator) is the truth.
  A term report repeats the census of the school year in progress when the term starts:
  the autumn term YT2 the census of school year Y (taken on 30 September Y), the spring
  term YT1 that of school year Y−1. The class-size form counts 大班额 and 特大班额 with the
  census filters (`construction.selectors`), and the ICT form's 教学班数 is the same count.
  Vocational schools have no census: their class count is their students (a unit
  attribute) over a fixed class size, one stable number per school.
- **Construction**: each district has one programme of building projects, simulated once:
  a new-build project for every school the generator opens in the district in 2016–2018
  (completed the summer before it opens, its places its first census's classes at the
  standard size), and extension projects (改扩建) of existing schools, some of them late in
  the districts that lag. A district's bimonthly report counts the programme cumulatively
  as of the period's last day, so planned ≥ started ≥ topped out ≥ completed, places come
  only from completed projects and nothing ever goes down.
- **Measures**: each lead department's progress on each measure follows a pace of its own
  (most keep pace, some start late and catch up, some lag). The percent is cumulative;
  the status is judged from it against the share of the plan's years gone by, with the
  targets' on-track threshold; the text says the same as the status.

Pure functions and data: no database. `history.py` writes what these give, and
`checks.py` verifies the written demo against the same definitions.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from eduplan.core.periods import Period
from eduplan.org.models import UnitType

# Standard class sizes of the urban school building standard (DOMAIN.md): the places a
# new school adds are its classes at these sizes.
STANDARD_CLASS_SIZE: dict[str, int] = {UnitType.PRIMARY: 45, UnitType.NINE_YEAR: 45}
STANDARD_CLASS_SIZE_DEFAULT = 50
VOCATIONAL_CLASS_SIZE = 45

# What one project can add at most (a 60-class school at 50 pupils): a district's places
# never exceed its started projects times this.
PLACES_PER_PROJECT_MAX = 3000
# Extension projects across the city at scale 1 (beside the new schools the generator
# opens), shared out by the districts' weights.
EXTENSIONS_AT_SCALE_ONE = 45
NEW_SCHOOL_YEARS = (2016, 2017, 2018)
DELAY_REASONS = ("征地拆迁尚未完成", "规划许可手续仍在办理", "建设资金尚未到位")


def census_year_of(period: Period) -> int:
    """The school year whose census a term report repeats: the one in progress on the
    period's first day (school year Y runs from September Y; its census is taken in
    September, so the autumn term YT2 reports census Y and the spring term YT1 census Y−1)."""
    start = period.start
    return start.year if start.month >= 9 else start.year - 1


def vocational_classes(attributes: dict[str, Any]) -> int:
    """A vocational school's class count: its students at the standard size, rounded up
    (the same number every period)."""
    students = int(attributes.get("students", 0) or 0)
    return max(1, math.ceil(students / VOCATIONAL_CLASS_SIZE))


def class_size_values(census: dict[str, Any]) -> dict[str, int]:
    """The class-size report that repeats one school's census of one school year
    (a row of `construction.selectors.class_census_by_school`)."""
    return {
        "classes_total": census["classes"],
        "pupils_total": census["pupil_total"],
        "classes_large": census["large_band"],
        "classes_huge": census["huge"],
    }


# Construction ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildProject:
    """One project of a district's building programme; each date on or after the one
    before it. Dates after 2018 mean "not yet" for the demo's history."""

    kind: str  # "new" (a school the generator opens) or "extension"
    planned_on: datetime.date
    started_on: datetime.date
    topped_on: datetime.date
    completed_on: datetime.date
    places: int
    cost: float  # 万元
    delay_reason: str = ""

    def spent(self, day: datetime.date) -> float:
        """The cost spent by the day: nothing before the start, all on completion,
        evenly in between."""
        if day < self.started_on:
            return 0.0
        if day >= self.completed_on:
            return self.cost
        return self.cost * (day - self.started_on).days / (self.completed_on - self.started_on).days


@dataclass(frozen=True)
class NewSchool:
    """A school the generator opens, as the programme needs it."""

    opened_on: datetime.date
    type: str
    classes: int  # its first census


def _days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


def district_programme(
    *, rng: random.Random, new_schools: list[NewSchool], extensions: int, lagging: bool
) -> list[BuildProject]:
    """A district's building programme: a new-build project for each new school (ready
    the summer before it opens) and `extensions` extension projects planned from late
    2015 to 2018, started late in a lagging district."""
    projects = []
    for school in sorted(new_schools, key=lambda s: (s.opened_on, s.type, s.classes)):
        completed = datetime.date(school.opened_on.year, 7, 20) + _days(rng, 0, 25)
        topped = completed - _days(rng, 120, 240)
        started = topped - _days(rng, 240, 420)
        planned = started - _days(rng, 60, 180)
        size = STANDARD_CLASS_SIZE.get(school.type, STANDARD_CLASS_SIZE_DEFAULT)
        places = min(PLACES_PER_PROJECT_MAX, school.classes * size)
        projects.append(
            BuildProject(
                "new", planned, started, topped, completed, places, places * rng.uniform(4.5, 7)
            )
        )
    for _ in range(extensions):
        planned = datetime.date(2015, 10, 1) + _days(rng, 0, 900)
        late = lagging and rng.random() < 0.6
        started = (
            planned + _days(rng, 60, 200) + (_days(rng, 120, 300) if late else datetime.timedelta())
        )
        duration = rng.randint(240, 480)
        topped = started + datetime.timedelta(days=round(duration * 0.6))
        completed = started + datetime.timedelta(days=duration)
        places = rng.randint(6, 18) * STANDARD_CLASS_SIZE[UnitType.PRIMARY]
        projects.append(
            BuildProject(
                "extension",
                planned,
                started,
                topped,
                completed,
                places,
                places * rng.uniform(2.5, 4),
                rng.choice(DELAY_REASONS) if late else "",
            )
        )
    return projects


def programme_values(projects: list[BuildProject], day: datetime.date) -> dict[str, Any]:
    """A district's construction report as of the day: its programme counted cumulatively
    (places from completed projects only), with a text that says the same."""
    planned = [p for p in projects if p.planned_on <= day]
    started = [p for p in planned if p.started_on <= day]
    topped = sum(p.topped_on <= day for p in started)
    completed = [p for p in started if p.completed_on <= day]
    places = sum(p.places for p in completed)
    investment = round(sum(p.spent(day) for p in started))
    text = (
        f"累计列入计划{len(planned)}所，已开工{len(started)}所，主体完工{topped}所，"
        f"竣工投入使用{len(completed)}所；累计完成投资{investment}万元，新增学位{places}个。"
    )
    waiting = [p for p in planned if p.started_on > day]
    late = sorted({p.delay_reason for p in waiting if p.delay_reason})
    if late:
        text += f"{sum(bool(p.delay_reason) for p in waiting)}所学校因{'、'.join(late)}，开工滞后。"
    elif waiting:
        text += f"其余{len(waiting)}所正在办理开工前手续。"
    return {
        "build_planned": len(planned),
        "build_started": len(started),
        "build_topped": topped,
        "build_completed": len(completed),
        "build_investment": investment,
        "build_places": places,
        "build_narrative": text,
    }


# Measures ----------------------------------------------------------------------------------

NOT_STARTED, ON_SCHEDULE, DONE, BEHIND = "未启动", "正常推进", "已完成", "滞后"
# The words a progress text must carry for its status (and must not for another).
STATUS_WORDS = {NOT_STARTED: "未启动", ON_SCHEDULE: "按计划推进", DONE: "已完成", BEHIND: "滞后"}
BEHIND_REASONS = (
    ("配套资金拨付晚于预期", "协调财政部门加快拨付"),
    ("相关审批手续办理时间较长", "专人跟进审批，压茬推进"),
    ("涉及多部门协同，实施方案仍在论证", "召开专题协调会，月内定稿"),
    ("项目招标延期", "重新组织招标，倒排工期"),
)


@dataclass(frozen=True)
class MeasurePace:
    """How one department carries out one measure: after `delay` days from the plan's
    start it moves `pace` times as fast as the plan's calendar."""

    pace: float
    delay: int
    reason: int  # index into BEHIND_REASONS, said when it is behind


def measure_pace(rng: random.Random) -> MeasurePace:
    """Most measures keep pace; some start late and catch up; some lag throughout."""
    kind = rng.random()
    reason = rng.randrange(len(BEHIND_REASONS))
    if kind < 0.6:
        return MeasurePace(rng.uniform(1.05, 1.35), 0, reason)
    if kind < 0.8:
        return MeasurePace(rng.uniform(1.25, 1.5), rng.randint(60, 240), reason)
    return MeasurePace(rng.uniform(0.6, 0.88), rng.randint(0, 60), reason)


def plan_share(day: datetime.date, *, start_year: int, end_year: int) -> float:
    """The share of the plan's years gone by at the end of the day (0 to 1)."""
    start = datetime.date(start_year, 1, 1)
    total = (datetime.date(end_year, 12, 31) - start).days + 1
    return min(1.0, max(0.0, ((day - start).days + 1) / total))


def measure_status(percent: Decimal | float, expected: float) -> str:
    """The status a progress percent means on a day when `expected` percent was due:
    nothing done is 未启动, everything 已完成, less than the on-track share of what was
    due 滞后 (the targets' threshold), else 正常推进."""
    if percent <= 0:
        return NOT_STARTED
    if percent >= 100:
        return DONE
    if float(percent) < expected * settings.EDUPLAN_ON_TRACK_MIN:
        return BEHIND
    return ON_SCHEDULE


def measure_values(
    pace: MeasurePace, day: datetime.date, *, start_year: int, end_year: int
) -> dict[str, Any]:
    """A measure's progress report as of the day: a cumulative percent (it grows with
    the day, never down), the status it means, and texts that agree."""
    share = plan_share(day, start_year=start_year, end_year=end_year)
    total = (datetime.date(end_year, 12, 31) - datetime.date(start_year, 1, 1)).days + 1
    moving = max(0.0, share - pace.delay / total)
    percent = min(100, round(100 * pace.pace * moving))
    expected = 100 * share
    status = measure_status(percent, expected)
    due = round(expected)
    cause, action = BEHIND_REASONS[pace.reason]
    if status == NOT_STARTED:
        narrative = f"尚未启动，正在制定实施方案（按时序应完成约{due}%）。"
        problems = f"{cause}；下步{action}，尽快启动。"
    elif status == DONE:
        narrative = "已完成全部任务，转入常态化管理。"
        problems = "无。"
    elif status == BEHIND:
        narrative = f"进度滞后：累计完成{percent}%，按时序应完成约{due}%。"
        problems = f"滞后原因：{cause}；下步{action}。"
    else:
        narrative = f"按计划推进，累计完成{percent}%（按时序应完成约{due}%）。"
        problems = "无。"
    return {
        "mp_status": status,
        "mp_percent": percent,
        "mp_narrative": narrative,
        "mp_problems": problems,
    }


def narrative_agrees(status: str, narrative: str) -> bool:
    """Whether a progress text carries its status's words and no other status's."""
    return all((word in narrative) == (code == status) for code, word in STATUS_WORDS.items())
