"""Reporting periods on a schedule: one day's opening, reminders and closing.

The daily run (`reporting_run`, called by the worker's daily task and by `eduplan
reporting run --at DAY`) does, for every form with a current version:

- opening: each period that has opened by the day (on its first day, or
  EDUPLAN_REPORTING_OPEN_DAYS_BEFORE_END days before its end) and is not yet due to close
  gets its expected reports (`expected_reports_open`, which adds only what is missing, so
  a second run opens nothing and a school that opens mid-period is added the next day);
- reminders: `reminders.report_reminders_send`, before the due date;
- closing: each period whose closing day (EDUPLAN_REPORTING_CLOSE_DAYS_AFTER_DUE after its
  due date) has come is recorded closed (`PeriodClosure`), which locks entry
  (`entry_window`). Periods the run has not closed stay open, whatever their dates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef

from eduplan.core.periods import Period, PeriodType, period_containing, period_from_code
from eduplan.reporting.models import DONE, ExpectedReport, Form, PeriodClosure, Submission
from eduplan.reporting.reminders import report_reminders_send
from eduplan.reporting.services import due_date, expected_reports_open


def period_opens_on(period: Period) -> datetime.date:
    """The day a period opens for entry: its first day, or, with
    EDUPLAN_REPORTING_OPEN_DAYS_BEFORE_END above 0, so many days before its end."""
    days = settings.EDUPLAN_REPORTING_OPEN_DAYS_BEFORE_END
    if days <= 0:
        return period.start
    return max(period.start, period.end - datetime.timedelta(days=days))


def period_closes_on(due_on: datetime.date) -> datetime.date:
    """The first day a period is closed for entry, given its due date."""
    return due_on + datetime.timedelta(days=settings.EDUPLAN_REPORTING_CLOSE_DAYS_AFTER_DUE)


def periods_due_open(form: Form, at: datetime.date) -> list[Period]:
    """The form's periods that are open for entry on `at` by the schedule: opened by then
    and not yet at their closing day, newest first."""
    out = []
    period = period_containing(at, PeriodType(form.period_type))
    while period_closes_on(due_date(form, period)) > at:
        if period_opens_on(period) <= at:
            out.append(period)
        period = period.previous()
    return out


@dataclass(frozen=True)
class Opened:
    form: Form
    period: Period
    added: int


@dataclass(frozen=True)
class Closed:
    form: Form
    period: Period
    closed_on: datetime.date
    missing: int


def _active_forms() -> list[Form]:
    return list(Form.objects.filter(current_version__isnull=False).order_by("code"))


def reporting_periods_open(*, at: datetime.date) -> list[Opened]:
    """Open every active form's periods due to be open on `at` that are not closed;
    returns those that gained expected reports (nothing on a second run)."""
    closed = set(PeriodClosure.objects.values_list("form_id", "period"))
    out = []
    for form in _active_forms():
        for period in periods_due_open(form, at):
            if (form.pk, period.code) in closed:
                continue
            added = expected_reports_open(form=form, period_code=period.code)
            if added:
                out.append(Opened(form=form, period=period, added=added))
    return out


def _missing(form: Form, period_code: str) -> int:
    done = Submission.objects.filter(
        form=form,
        period=period_code,
        org_unit=OuterRef("org_unit"),
        subject=OuterRef("subject"),
        status__in=DONE,
    )
    expected = ExpectedReport.objects.filter(form=form, period=period_code)
    return expected.exclude(Exists(done)).count()


@transaction.atomic
def reporting_periods_close(*, at: datetime.date) -> list[Closed]:
    """Close for entry every opened period whose closing day has come by `at` (one
    grouped query to find them); a closed period is never closed twice."""
    closed = set(PeriodClosure.objects.values_list("form_id", "period"))
    forms = {f.pk: f for f in Form.objects.all()}
    rows = ExpectedReport.objects.values_list("form_id", "period").annotate(due=Max("due_on"))
    out = []
    for form_id, period_code, due in sorted(rows, key=lambda r: (r[2], r[1], r[0])):
        closes_on = period_closes_on(due)
        if closes_on > at or (form_id, period_code) in closed:
            continue
        form = forms[form_id]
        _row, created = PeriodClosure.objects.get_or_create(
            form=form, period=period_code, defaults={"closed_on": closes_on}
        )
        if created:
            out.append(
                Closed(
                    form=form,
                    period=period_from_code(period_code),
                    closed_on=closes_on,
                    missing=_missing(form, period_code),
                )
            )
    return out


@dataclass
class ReportingRun:
    at: datetime.date
    opened: list[Opened] = field(default_factory=list)
    reminded: int = 0
    closed: list[Closed] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "opened": [
                {"form": o.form.code, "period": o.period.code, "added": o.added}
                for o in self.opened
            ],
            "reminded": self.reminded,
            "closed": [
                {
                    "form": c.form.code,
                    "period": c.period.code,
                    "closed_on": c.closed_on.isoformat(),
                    "missing": c.missing,
                }
                for c in self.closed
            ],
        }


def reporting_run(*, at: datetime.date) -> ReportingRun:
    """One day's scheduled reporting work: open periods, remind before due, close."""
    opened = reporting_periods_open(at=at)
    reminded = report_reminders_send(at=at)
    closed = reporting_periods_close(at=at)
    return ReportingRun(at=at, opened=opened, reminded=reminded, closed=closed)
