"""The statutory clock: deadlines counted in calendar days from the day after each event,
across month ends, year ends and an extension; one next deadline or closed, always."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from eduplan.core.errors import InputError
from eduplan.petitions.clock import (
    CLOCK_FILE,
    OFFICE_STEPS,
    CaseDates,
    ClockRules,
    Step,
    clock_rules,
    extension_refusal,
    next_deadline,
    pending_deadline,
)

D = datetime.date
RULES = clock_rules()


def _today() -> datetime.date:
    return timezone.localdate()


def test_the_clock_file_holds_the_regulations_days():
    assert RULES.days == {
        Step.ACCEPT: 15,
        Step.REPLY: 60,
        Step.REVIEW_REQUEST: 30,
        Step.REVIEW_ANSWER: 30,
        Step.REREVIEW_REQUEST: 30,
        Step.REREVIEW_ANSWER: 30,
    }
    assert RULES.extension_max_days == 30 and RULES.extensions_allowed == 1
    assert RULES.event_day_counts is False


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2016, 3, 1), D(2016, 3, 16)),  # the day of receipt does not count
        (D(2016, 1, 31), D(2016, 2, 15)),  # across a month end
        (D(2016, 2, 20), D(2016, 3, 6)),  # across 29 February of a leap year
        (D(2017, 2, 20), D(2017, 3, 7)),  # and of a common year
        (D(2016, 12, 20), D(2017, 1, 4)),  # across a year end
        (D(2016, 12, 31), D(2017, 1, 15)),
    ],
)
def test_the_decision_on_acceptance_is_due_fifteen_days_after_receipt(received, due):
    with time_machine.travel(received, tick=False):
        deadline = next_deadline(CaseDates(received_on=received), rules=RULES, today=_today())
    assert deadline is not None and deadline.step == Step.ACCEPT and deadline.due == due
    assert deadline.days_left(received) == 15


def test_a_missed_decision_stays_the_next_deadline_on_the_day_after_new_year():
    case = CaseDates(received_on=D(2016, 12, 20))
    with time_machine.travel(D(2017, 1, 5), tick=False):
        deadline = next_deadline(case, rules=RULES, today=_today())
        assert deadline is not None and deadline.step == Step.ACCEPT
        assert deadline.missed(_today()) and deadline.days_left(_today()) == -1


@pytest.mark.parametrize(
    ("decided", "extension", "due"),
    [
        (D(2016, 11, 15), 0, D(2017, 1, 14)),  # sixty days, into the next year
        (D(2016, 11, 15), 30, D(2017, 2, 13)),  # extended by thirty
        (D(2016, 12, 31), 0, D(2017, 3, 1)),  # from a year's last day
        (D(2016, 1, 1), 0, D(2016, 3, 1)),  # through February of a leap year
        (D(2017, 1, 1), 0, D(2017, 3, 2)),  # and of a common year
        (D(2016, 1, 31), 10, D(2016, 4, 10)),  # a shorter extension
    ],
)
def test_the_answer_is_due_sixty_days_after_acceptance_plus_its_extension(decided, extension, due):
    case = CaseDates(
        received_on=decided - datetime.timedelta(days=3),
        decided_on=decided,
        accepted=True,
        extension_days=extension,
    )
    with time_machine.travel(decided, tick=False):
        deadline = next_deadline(case, rules=RULES, today=_today())
    assert deadline is not None and deadline.step == Step.REPLY and deadline.due == due
    assert deadline.start == decided


def test_an_extension_moves_the_answers_deadline_once_with_its_reason():
    case = CaseDates(received_on=D(2016, 11, 10), decided_on=D(2016, 11, 15), accepted=True)
    on = D(2017, 1, 10)
    assert extension_refusal(case, rules=RULES, days=30, reason="需调取档案", on=on) is None
    assert "1 到 30" in (extension_refusal(case, rules=RULES, days=31, reason="x", on=on) or "")
    assert extension_refusal(case, rules=RULES, days=10, reason=" ", on=on)
    assert extension_refusal(case, rules=RULES, days=10, reason="x", on=D(2017, 1, 15))
    extended = CaseDates(**{**case.__dict__, "extension_days": 30})
    assert extension_refusal(extended, rules=RULES, days=5, reason="again", on=on)
    with time_machine.travel(D(2017, 2, 1), tick=False):
        deadline = next_deadline(extended, rules=RULES, today=_today())
    assert deadline is not None and deadline.due == D(2017, 2, 13)
    assert not deadline.missed(D(2017, 2, 13)) and deadline.missed(D(2017, 2, 14))


def test_review_windows_close_the_case_when_they_run_out_and_answers_stay_due():
    answered = CaseDates(
        received_on=D(2016, 10, 1),
        decided_on=D(2016, 10, 10),
        accepted=True,
        replied_on=D(2016, 12, 15),
    )
    window = next_deadline(answered, rules=RULES, today=D(2017, 1, 14))
    assert window is not None and window.step == Step.REVIEW_REQUEST
    assert window.due == D(2017, 1, 14)
    with time_machine.travel(D(2017, 1, 15), tick=False):
        assert next_deadline(answered, rules=RULES, today=_today()) is None  # closed
    review = CaseDates(**{**answered.__dict__, "review_requested_on": D(2017, 1, 2)})
    answer = next_deadline(review, rules=RULES, today=D(2017, 3, 1))
    assert answer is not None and answer.step == Step.REVIEW_ANSWER
    assert answer.due == D(2017, 2, 1) and answer.missed(D(2017, 3, 1))  # overdue, not closed
    done = CaseDates(
        **{
            **review.__dict__,
            "reviewed_on": D(2017, 1, 20),
            "rereview_requested_on": D(2017, 2, 10),
            "rereviewed_on": D(2017, 3, 1),
        }
    )
    assert next_deadline(done, rules=RULES, today=D(2017, 3, 1)) is None


def test_a_case_not_accepted_is_closed():
    case = CaseDates(received_on=D(2016, 5, 1), decided_on=D(2016, 5, 3), accepted=False)
    assert next_deadline(case, rules=RULES, today=D(2016, 5, 3)) is None


def test_when_the_event_day_counts_a_step_ends_a_day_sooner():
    rules = ClockRules(days=dict(RULES.days), event_day_counts=True)
    deadline = pending_deadline(CaseDates(received_on=D(2016, 3, 1)), rules=rules)
    assert deadline is not None and deadline.due == D(2016, 3, 15)


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("accept: {days: 15", "accept: {days: 0", "steps.accept.days"),
        ("reply: {days: 60, from: decided}", "reply: {days: 60, from: received}", "decided"),
        ("  max_days: 30", "  max_days: many", "extension.max_days"),
        ("  times: 1", "  times: 2", "extension.times"),
    ],
)
def test_a_clock_file_that_breaks_the_procedure_is_refused(tmp_path, old, new, fragment):
    text = CLOCK_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "clock.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(InputError, match=r"^clock\.yaml:\d+:\d+ ") as refused:
        clock_rules(path)
    assert fragment in str(refused.value)


# Every case, at every stage and on any day, has exactly one next deadline or is closed.

days = st.integers(min_value=0, max_value=120)


@st.composite
def cases(draw: st.DrawFn) -> CaseDates:
    received = draw(st.dates(min_value=D(2015, 1, 1), max_value=D(2019, 12, 31)))
    stage = draw(st.integers(min_value=0, max_value=7))
    values: dict[str, object] = {"received_on": received}
    day = received
    events = [
        "decided_on",
        "replied_on",
        "review_requested_on",
        "reviewed_on",
        "rereview_requested_on",
        "rereviewed_on",
    ]
    for name in events[: min(stage, len(events))]:
        day = day + datetime.timedelta(days=draw(days))
        values[name] = day
    if stage >= 1:
        values["accepted"] = draw(st.booleans()) if stage == 1 else True
        if values["accepted"]:
            values["extension_days"] = draw(st.integers(min_value=0, max_value=30))
    return CaseDates(**values)


TERMINAL = "terminal"


def _expected_step(case: CaseDates) -> Step | str:
    """The step a case at this stage waits for, read from which dates it has."""
    if case.decided_on is None:
        return Step.ACCEPT
    if not case.accepted:
        return TERMINAL
    for step, done in [
        (Step.REPLY, case.replied_on),
        (Step.REVIEW_REQUEST, case.review_requested_on),
        (Step.REVIEW_ANSWER, case.reviewed_on),
        (Step.REREVIEW_REQUEST, case.rereview_requested_on),
        (Step.REREVIEW_ANSWER, case.rereviewed_on),
    ]:
        if done is None:
            return step
    return TERMINAL


@given(case=cases(), offset=st.integers(min_value=-30, max_value=400))
def test_every_case_has_exactly_one_next_deadline_or_is_closed(case, offset):
    today = case.received_on + datetime.timedelta(days=offset)
    deadline = next_deadline(case, rules=RULES, today=today)
    expected = _expected_step(case)
    if expected == TERMINAL:
        assert deadline is None
        return
    pending = pending_deadline(case, rules=RULES)
    assert pending is not None and pending.step == expected
    if deadline is None:
        # Closed only because the petitioner's window ran out.
        assert pending.step not in OFFICE_STEPS and today > pending.due
    else:
        assert deadline == pending
        assert deadline.due > deadline.start  # the event's day never counts
        assert deadline.start >= case.received_on
