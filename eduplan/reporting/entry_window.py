"""Whether a form's period is still open for entry, and the state pages show for it.

A period is open until the daily run closes it (`PeriodClosure`), which it does
EDUPLAN_REPORTING_CLOSE_DAYS_AFTER_DUE days after the due date. Between the due date and
closing, entry goes on and a first submission counts as late (completeness compares
`first_submitted_at` with the due date). Once closed, a draft can no longer be saved or
submitted, whichever way it comes (web form, xlsx import, API: all go through
reporting.services, which asks here); a report an approver returned or reopened can.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy

from eduplan.core.compiled_reads import CompiledRead
from eduplan.core.errors import InputError
from eduplan.core.periods import period_from_code
from eduplan.reporting.models import ExpectedReport, Form, PeriodClosure, Status

ERR_CLOSED = gettext_lazy(
    "%(form)s for %(period)s closed for entry on %(date)s: only a report that an approver "
    "returns or reopens can still be changed."
)

OPEN, PAST_DUE, CLOSED = "open", "past_due", "closed"
STATE_LABELS = {
    OPEN: gettext_lazy("Open for entry"),
    PAST_DUE: gettext_lazy("Past the due date"),
    CLOSED: gettext_lazy("Closed for entry"),
}


def period_closed_on(*, form: Form, period_code: str) -> datetime.date | None:
    """The day the form's period closed for entry, or None while it is open (one query)."""
    return (
        PeriodClosure.objects.filter(form=form, period=period_code)
        .values_list("closed_on", flat=True)
        .first()
    )


def entry_open_require(*, form: Form, period_code: str, status: str) -> None:
    """Refuse (InputError) saving or submitting a report of a closed period, unless an
    approver sent it back (returned, or reopened after approval)."""
    if status == Status.RETURNED:
        return
    entry_open_check(
        form=form,
        period_code=period_code,
        status=status,
        closed_on=period_closed_on(form=form, period_code=period_code),
    )


def entry_open_check(
    *, form: Form, period_code: str, status: str, closed_on: datetime.date | None
) -> None:
    """`entry_open_require` for a caller that read the period's closing day already
    (None while it is open): no query."""
    if status == Status.RETURNED or closed_on is None:
        return
    raise InputError(
        str(ERR_CLOSED)
        % {
            "form": form.name,
            "period": period_from_code(period_code).label,
            "date": closed_on.isoformat(),
        },
        where=f"{form.code} {period_code}",
    )


def _expected_for_entry(
    form_code: str, period_code: str, unit_code: str, subject: str
) -> QuerySet[ExpectedReport]:
    closed_on = (
        PeriodClosure.objects.filter(form=OuterRef("form"), period=OuterRef("period"))
        .order_by("pk")
        .values("closed_on")[:1]
    )
    return (
        ExpectedReport.objects.select_related("form__current_version", "org_unit")
        .annotate(closed_on=Subquery(closed_on))
        .filter(form__code=form_code, period=period_code, org_unit__code=unit_code)
        .filter(subject=subject)
        .order_by("pk")[:1]
    )


_EXPECTED_FOR_ENTRY = CompiledRead(
    ExpectedReport,
    _expected_for_entry,
    form_code=str,
    period_code=str,
    unit_code=str,
    subject=str,
)


def expected_report_for_entry(
    *, form_code: str, period_code: str, unit_code: str, subject: str
) -> ExpectedReport | None:
    """The report a save expects, found by the codes a request names, with its form (and
    the form's current version) and unit, and the day its period closed for entry as
    `closed_on` (None while open): what a save checks first, in one query instead of
    four, compiled once per connection (core/compiled_reads.py). None when there is no
    such report (the caller then finds out which is missing)."""
    return _EXPECTED_FOR_ENTRY.first(
        form_code=form_code, period_code=period_code, unit_code=unit_code, subject=subject
    )


def periods_closed(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], datetime.date]:
    """The closing day of each closed (form id, period code) among `pairs` (one query)."""
    pairs = set(pairs)
    if not pairs:
        return {}
    rows = PeriodClosure.objects.filter(
        form_id__in={f for f, _p in pairs}, period__in={p for _f, p in pairs}
    ).values_list("form_id", "period", "closed_on")
    return {(f, p): day for f, p, day in rows if (f, p) in pairs}


def entry_state(
    *, due_on: datetime.date | None, closed_on: datetime.date | None, today: datetime.date
) -> str:
    """open, past_due (entry goes on, late) or closed."""
    if closed_on is not None:
        return CLOSED
    if due_on is not None and today > due_on:
        return PAST_DUE
    return OPEN
