"""Reminders (催报) before a report's due date.

EDUPLAN_REPORTING_REMIND_DAYS_BEFORE_DUE days before (and up to) its due date, every
expected report not yet submitted (none, a draft, or returned) of a period still open is
reminded once: its unit's people get one inbox message and e-mail per form and period,
naming the form, the period, the due date (and the measures, for a report per measure).
`ReportReminder` records each report reminded, so no report is reminded twice for the
same kind. After the due date the supervision rule report_missing takes over.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from eduplan.core.inbox import Notice, notices_post
from eduplan.core.periods import period_from_code
from eduplan.org.selectors import unit_members
from eduplan.reporting.models import (
    DONE,
    ExpectedReport,
    PeriodClosure,
    ReportReminder,
    ReportReminderKind,
    submissions_of_report_due,
)
from eduplan.reporting.selectors import subject_labels


def reports_to_remind(*, at: datetime.date) -> list[ExpectedReport]:
    """Expected reports due within EDUPLAN_REPORTING_REMIND_DAYS_BEFORE_DUE days of `at`
    (not yet past due), not submitted, not reminded, of periods not closed (one query)."""
    horizon = at + datetime.timedelta(days=settings.EDUPLAN_REPORTING_REMIND_DAYS_BEFORE_DUE)
    done = submissions_of_report_due(DONE)
    reminded = ReportReminder.objects.filter(
        expected=OuterRef("pk"), kind=ReportReminderKind.DUE_SOON
    )
    closed = PeriodClosure.objects.filter(form=OuterRef("form"), period=OuterRef("period"))
    return list(
        ExpectedReport.objects.filter(due_on__gte=at, due_on__lte=horizon)
        .exclude(Exists(done))
        .exclude(Exists(reminded))
        .exclude(Exists(closed))
        .select_related("form", "org_unit")
        .order_by("due_on", "form__code", "period", "org_unit__code", "subject")
    )


def _entry_url(report: ExpectedReport) -> str:
    path = reverse("reporting:entry", args=[report.form.code, report.period, report.org_unit.code])
    query = f"?{urlencode({'subject': report.subject})}" if report.subject else ""
    return settings.EDUPLAN_SITE_URL.rstrip("/") + path + query


def _message(reports: list[ExpectedReport], labels: dict[str, str]) -> tuple[str, str]:
    first = reports[0]
    values = {
        "form": first.form.name,
        "period": period_from_code(first.period).label,
        "due": first.due_on.isoformat(),
        "unit": first.org_unit.name,
    }
    subject = _("Reminder: %(form)s for %(period)s is due on %(due)s") % values
    lines = [
        _("%(unit)s has not yet submitted %(form)s for %(period)s.") % values,
        *(f"· {labels.get(r.subject, r.subject)}" for r in reports if r.subject),
        _("Submit by %(due)s.") % values,
        *(_entry_url(r) for r in reports[:1] if not r.subject),
    ]
    return subject, "\n".join(lines)


@transaction.atomic
def report_reminders_send(*, at: datetime.date) -> int:
    """Remind the units of the reports due soon (see the module): one message per unit,
    form and period to each of its people; each report once, however often this runs.
    Returns the reports reminded."""
    reports = reports_to_remind(at=at)
    if not reports:
        return 0
    groups: dict[tuple[int, int, str], list[ExpectedReport]] = defaultdict(list)
    for report in reports:
        groups[(report.org_unit_id, report.form_id, report.period)].append(report)
    people = unit_members({r.org_unit for r in reports})
    labels = subject_labels(r.subject for r in reports)
    notices: list[Notice] = []
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        for (unit_id, _form_id, _period), members in groups.items():
            users = people.get(unit_id, [])
            rows = [
                ReportReminder(expected=r, kind=ReportReminderKind.DUE_SOON, recipients=len(users))
                for r in members
            ]
            try:
                with transaction.atomic():
                    ReportReminder.objects.bulk_create(rows)
            except IntegrityError:  # a concurrent run reminded them
                continue
            count += len(rows)
            subject, body = _message(members, labels)
            notices += [
                Notice(user=u, kind=ReportReminderKind.DUE_SOON, subject=subject, body=body)
                for u in users
            ]
    notices_post(notices)
    return count
