"""A plan's work breakdown (任务分解) as a data file beside the plan file: every measure's
and work point's tasks with lead unit, co-operating units, deadline and milestones.

The plan file names it (`breakdown: zhengzhou-2016-breakdown.yaml`); it is read by
`core.loading` like the plan itself, its shape declared once below, and what a shape
cannot say (a measure or work point the plan has, a deadline inside the plan's years)
checked after it, each refusal with its place (`zhengzhou-2016-breakdown.yaml:12:14
tasks[3].measure`). Units are looked up when the plan is stored (`plan_load`).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from django.utils.translation import gettext as _
from pydantic import Field, model_validator

from eduplan.core.errors import InputError
from eduplan.core.loading import (
    Day,
    Flag,
    Items,
    OptionalText,
    Shape,
    Step,
    Text,
    WholeNumber,
    data_validate,
    place_of,
    refusal,
    yaml_file_load,
)

MilestoneKind = Literal["document", "body", "meeting", "system", "pilot", "other"]
MEASURE_RE = re.compile(r"^(\d{1,3})\.(\d{1,3})$")


@dataclass(frozen=True)
class MilestoneSpec:
    kind: str
    title: str
    year: int
    due_on: datetime.date
    document_title: str = ""


@dataclass(frozen=True)
class TaskSpec:
    """One task: of measure (project number, measure number) or of a work point."""

    measure: tuple[int, int] | None
    work_point: int | None
    title: str
    lead: str  # org unit code
    co: list[str]
    deadline: datetime.date
    year: int
    note: str = ""
    confirmed: bool = True
    milestones: list[MilestoneSpec] = field(default_factory=list)
    # Where the lead and each co-operating unit are written ("lead", "co[1]" → file place).
    places: dict[str, str] = field(default_factory=dict)

    def place(self, key: str) -> str:
        return self.places.get(key, key)


class MilestoneShape(Shape):
    kind: MilestoneKind
    title: Annotated[Text, Field(max_length=200)]
    document: Annotated[OptionalText, Field(max_length=200)] = ""
    due: Day | None = None  # the task's deadline when left out


class TaskShape(Shape):
    measure: OptionalText = ""  # "12.1": project 12, measure 1
    work_point: Annotated[WholeNumber, Field(ge=1, le=999)] | None = None
    title: Annotated[Text, Field(max_length=300)]
    lead: Text
    co: Items[Text] = []
    deadline: Day
    note: OptionalText = ""
    confirmed: Flag = True
    milestones: Items[MilestoneShape] = []

    @model_validator(mode="after")
    def _owner_check(self) -> Self:
        if not self.measure and self.work_point is None:
            raise refusal(_("a task belongs to a measure or a work point"), at=("measure",))
        if self.measure and not MEASURE_RE.match(self.measure):
            raise refusal(_("write a measure as project.measure, e.g. 12.1"), at=("measure",))
        if self.lead in self.co:
            raise refusal(_("the lead unit is not also a co-operating unit"), at=("co",))
        return self


class BreakdownShape(Shape):
    """A breakdown file (plans/data/zhengzhou-2016-breakdown.yaml)."""

    plan: Text
    tasks: Items[TaskShape] = []


def _task_spec(task: TaskShape, places: dict[str, str]) -> TaskSpec:
    measure = None
    if task.measure:
        project, number = task.measure.split(".")
        measure = (int(project), int(number))
    return TaskSpec(
        measure=measure,
        work_point=task.work_point,
        title=task.title,
        lead=task.lead,
        co=list(task.co),
        deadline=task.deadline,
        year=task.deadline.year,
        note=task.note,
        confirmed=task.confirmed,
        milestones=[
            MilestoneSpec(
                kind=m.kind,
                title=m.title,
                year=(m.due or task.deadline).year,
                due_on=m.due or task.deadline,
                document_title=m.document,
            )
            for m in task.milestones
        ],
        places=places,
    )


def breakdown_from_data(
    *,
    data: Any,
    source: str,
    plan_code: str,
    years: tuple[int, int],
    measures: dict[int, int],
    work_points: set[int],
) -> list[TaskSpec]:
    """Check a parsed breakdown against its plan (code, years, the number of measures of
    each project, the work points' numbers) and return its tasks, or refuse with the
    place."""
    shape = data_validate(schema=BreakdownShape, data=data, source=source)

    def place(*path: Step) -> str:
        return place_of(data=data, path=path, source=source)

    if shape.plan != plan_code:
        raise InputError(
            _("this breakdown is for plan %(other)s, not %(code)s")
            % {"other": shape.plan, "code": plan_code},
            where=place("plan"),
        )
    specs = []
    for i, task in enumerate(shape.tasks):
        if task.measure:
            project, number = (int(n) for n in task.measure.split("."))
            if measures.get(project, 0) < number:
                raise InputError(
                    _("the plan has no measure %(m)s") % {"m": task.measure},
                    where=place("tasks", i, "measure"),
                )
        if task.work_point is not None and task.work_point not in work_points:
            raise InputError(
                _("the plan has no work point %(n)s") % {"n": task.work_point},
                where=place("tasks", i, "work_point"),
            )
        first, last = years
        dates = [(task.deadline, ("tasks", i, "deadline"))] + [
            (m.due, ("tasks", i, "milestones", j, "due"))
            for j, m in enumerate(task.milestones)
            if m.due is not None
        ]
        for day, path in dates:
            if day is not None and not first <= day.year <= last:
                raise InputError(
                    _("%(v)s is outside %(low)s–%(high)s")
                    % {"v": day.isoformat(), "low": first, "high": last},
                    where=place(*path),
                )
        places = {"lead": place("tasks", i, "lead")}
        places |= {f"co[{j}]": place("tasks", i, "co", j) for j in range(len(task.co))}
        specs.append(_task_spec(task, places))
    return specs


def breakdown_from_file(
    *,
    path: Path,
    plan_code: str,
    years: tuple[int, int],
    measures: dict[int, int],
    work_points: set[int],
) -> list[TaskSpec]:
    """Read and check a breakdown file; every refusal names the file, line, column and path."""
    return breakdown_from_data(
        data=yaml_file_load(path=path),
        source=path.name,
        plan_code=plan_code,
        years=years,
        measures=measures,
        work_points=work_points,
    )
