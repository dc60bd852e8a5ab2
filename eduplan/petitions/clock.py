"""The statutory clock of a petition case (信访条例): its next deadline, as a pure function.

A case moves through fixed steps: the decision on acceptance, the answer, then the
petitioner's window to ask for a review (复查), its answer, the window for a re-review
(复核) and its answer. How many days each step has, and whether the day of the event
that starts it counts, is data (data/clock.yaml). `next_deadline` says, for a case's
dates and a day, the one deadline that runs now, or None when the case is closed.

Office steps are the bureau's own deadlines (they warn when near or missed); a window
step is the petitioner's: when it runs out with nothing asked, the case is closed.
"""

from __future__ import annotations

import datetime
import enum
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import Field, model_validator

from eduplan.core.loading import Flag, Shape, WholeNumber, data_validate, refusal, yaml_file_load

CLOCK_FILE = Path(__file__).resolve().parent / "data" / "clock.yaml"


class Step(enum.StrEnum):
    ACCEPT = "accept"
    REPLY = "reply"
    REVIEW_REQUEST = "review_request"
    REVIEW_ANSWER = "review_answer"
    REREVIEW_REQUEST = "rereview_request"
    REREVIEW_ANSWER = "rereview_answer"

    @property
    def label(self) -> str:
        return str(STEP_LABELS[self])

    @property
    def is_office(self) -> bool:
        """The bureau's own deadline (not the petitioner's window)."""
        return self in OFFICE_STEPS


STEP_LABELS = {
    Step.ACCEPT: _("Decision on acceptance"),
    Step.REPLY: _("Answer"),
    Step.REVIEW_REQUEST: _("Window to ask for a review"),
    Step.REVIEW_ANSWER: _("Answer to the review"),
    Step.REREVIEW_REQUEST: _("Window to ask for a re-review"),
    Step.REREVIEW_ANSWER: _("Answer to the re-review"),
}
OFFICE_STEPS = frozenset({Step.ACCEPT, Step.REPLY, Step.REVIEW_ANSWER, Step.REREVIEW_ANSWER})
WINDOW_STEPS = frozenset(set(Step) - OFFICE_STEPS)

# The event that starts each step's count: fixed by the order of the procedure.
Event = Literal[
    "received", "decided", "replied", "review_requested", "reviewed", "rereview_requested"
]
STEP_STARTS: dict[Step, Event] = {
    Step.ACCEPT: "received",
    Step.REPLY: "decided",
    Step.REVIEW_REQUEST: "replied",
    Step.REVIEW_ANSWER: "review_requested",
    Step.REREVIEW_REQUEST: "reviewed",
    Step.REREVIEW_ANSWER: "rereview_requested",
}


class StepShape(Shape):
    days: WholeNumber = Field(ge=1, le=366)
    start: Event = Field(alias="from")


class ExtensionShape(Shape):
    max_days: WholeNumber = Field(ge=0, le=366)
    times: WholeNumber = Field(ge=0, le=1)


class ClockShape(Shape):
    event_day_counts: Flag
    steps: dict[Step, StepShape]
    extension: ExtensionShape

    @model_validator(mode="after")
    def _every_step_once_from_its_event(self) -> ClockShape:
        for step in Step:
            if step not in self.steps:
                raise refusal(_("every step needs its days: %(step)s is missing") % {"step": step})
            if self.steps[step].start != STEP_STARTS[step]:
                raise refusal(
                    _("%(step)s is counted from %(event)s")
                    % {"step": step, "event": STEP_STARTS[step]},
                    at=("steps", step.value, "from"),
                )
        return self


@dataclass(frozen=True)
class ClockRules:
    """The days of each step and of the one extension (defaults: the 2005 regulation)."""

    days: dict[Step, int]
    event_day_counts: bool = False
    extension_max_days: int = 30
    extensions_allowed: int = 1

    def due(self, step: Step, start: datetime.date, *, extra_days: int = 0) -> datetime.date:
        """The last day of `step` counted from its event on `start`, in calendar days."""
        days = self.days[step] + extra_days
        return start + datetime.timedelta(days=days - 1 if self.event_day_counts else days)


@functools.cache
def clock_rules(path: Path = CLOCK_FILE) -> ClockRules:
    """The clock as the data file sets it (read once per process)."""
    shape = data_validate(schema=ClockShape, data=yaml_file_load(path=path), source=path.name)
    return ClockRules(
        days={step: shape.steps[step].days for step in Step},
        event_day_counts=shape.event_day_counts,
        extension_max_days=shape.extension.max_days,
        extensions_allowed=shape.extension.times,
    )


@dataclass(frozen=True)
class CaseDates:
    """What the clock needs of a case: the day of each event so far (None: not yet)."""

    received_on: datetime.date
    decided_on: datetime.date | None = None
    accepted: bool | None = None
    extension_days: int = 0
    replied_on: datetime.date | None = None
    review_requested_on: datetime.date | None = None
    reviewed_on: datetime.date | None = None
    rereview_requested_on: datetime.date | None = None
    rereviewed_on: datetime.date | None = None


@dataclass(frozen=True)
class Deadline:
    """The deadline that runs now: its step, its last day and the day it counts from."""

    step: Step
    due: datetime.date
    start: datetime.date

    def days_left(self, today: datetime.date) -> int:
        """Days until the last day (0 on it, negative once missed)."""
        return (self.due - today).days

    def missed(self, today: datetime.date) -> bool:
        return today > self.due


def pending_deadline(case: CaseDates, *, rules: ClockRules) -> Deadline | None:
    """The step the case waits for and its deadline, whatever the day; None once the
    case is closed by its own events (not accepted, or the re-review answered)."""
    if case.decided_on is None:
        return Deadline(Step.ACCEPT, rules.due(Step.ACCEPT, case.received_on), case.received_on)
    if not case.accepted:
        return None
    if case.replied_on is None:
        due = rules.due(Step.REPLY, case.decided_on, extra_days=case.extension_days)
        return Deadline(Step.REPLY, due, case.decided_on)
    steps: list[tuple[Step, datetime.date, datetime.date | None]] = [
        (Step.REVIEW_REQUEST, case.replied_on, case.review_requested_on),
        (Step.REVIEW_ANSWER, case.review_requested_on or case.replied_on, case.reviewed_on),
        (Step.REREVIEW_REQUEST, case.reviewed_on or case.replied_on, case.rereview_requested_on),
        (
            Step.REREVIEW_ANSWER,
            case.rereview_requested_on or case.replied_on,
            case.rereviewed_on,
        ),
    ]
    for step, start, done in steps:
        if done is None:
            return Deadline(step, rules.due(step, start), start)
    return None


def next_deadline(case: CaseDates, *, rules: ClockRules, today: datetime.date) -> Deadline | None:
    """The one deadline that runs for the case on `today`, or None if it is closed: by
    its events, or because the petitioner's window ran out with nothing asked. An office
    deadline stays the next deadline once missed (the case is overdue, not closed)."""
    pending = pending_deadline(case, rules=rules)
    if pending is None:
        return None
    if pending.step in WINDOW_STEPS and today > pending.due:
        return None
    return pending


def extension_refusal(
    case: CaseDates, *, rules: ClockRules, days: int, reason: str, on: datetime.date
) -> str | None:
    """Why the answer's deadline may not be extended by `days` on `on` (None: it may)."""
    pending = pending_deadline(case, rules=rules)
    if pending is None or pending.step != Step.REPLY:
        return str(_("Only the answer to an accepted case can be extended."))
    if case.extension_days and rules.extensions_allowed <= 1:
        return str(_("The answer's deadline was extended once already."))
    if not 1 <= days <= rules.extension_max_days:
        return str(_("An extension is 1 to %(max)s days.") % {"max": rules.extension_max_days})
    if not reason.strip():
        return str(_("Give the reason for the extension."))
    if on > pending.due:
        return str(_("The deadline has passed: an extension is asked for before it."))
    return None
