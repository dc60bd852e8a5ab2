"""Writes of the teachers' register beyond the import: reminders to the schools whose
teachers are behind, through the inbox (core.inbox)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from eduplan.core.inbox import Notice, notices_post
from eduplan.org.models import OrgUnit
from eduplan.org.selectors import unit_members
from eduplan.teachers.models import CreditReminder
from eduplan.teachers.selectors import SchoolBehind, schools_behind

NOTICE = "notice"  # the inbox's kind for a notice (supervision.models.MessageKind.NOTICE)


@dataclass(frozen=True)
class RemindResult:
    schools: int  # schools reminded now
    people: int  # messages sent
    already: int  # schools reminded for this year before


def school_url(school: OrgUnit, year: int) -> str:
    path = reverse("teachers:school", args=[school.code])
    return f"{settings.EDUPLAN_SITE_URL.rstrip('/')}{path}?year={year}"


def _notice_text(row: SchoolBehind, year: int) -> tuple[str, str]:
    values = {
        "school": row.school.name,
        "n": row.behind,
        "year": year,
        "annual": settings.EDUPLAN_TEACHERS_ANNUAL_MIN_HOURS,
    }
    subject = _("Continuing education: %(n)s teachers of %(school)s are behind for %(year)s") % (
        values
    )
    lines = [
        _(
            "%(n)s teachers of %(school)s completed fewer training hours than required by "
            "the end of %(year)s (%(annual)s hours a year, the cycle's minimum pro rata)."
        )
        % values,
        _("Please see that they enrol in courses."),
        school_url(row.school, year),
    ]
    return subject, "\n".join(lines)


def credit_reminders_send(*, year: int, within: OrgUnit | None = None) -> RemindResult:
    """Tell the people of every school with teachers behind at the end of `year` (inbox,
    and e-mail after commit): each school once for a year, however often this runs."""
    found = schools_behind(year=year, within=within)
    done = set(
        CreditReminder.objects.filter(
            year=year, school_id__in=[r.school.pk for r in found]
        ).values_list("school_id", flat=True)
    )
    fresh = [r for r in found if r.school.pk not in done]
    if not fresh:
        return RemindResult(0, 0, len(done))
    members = unit_members(r.school for r in fresh)
    notices: list[Notice] = []
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        for r in fresh:
            people = members.get(r.school.pk, [])
            subject, body = _notice_text(r, year)
            notices += [Notice(user=u, kind=NOTICE, subject=subject, body=body) for u in people]
            rows.append(
                CreditReminder(school=r.school, year=year, behind=r.behind, recipients=len(people))
            )
    try:
        with transaction.atomic():
            CreditReminder.objects.bulk_create(rows)
            notices_post(notices)
    except IntegrityError:  # a request running at the same time reminded them
        return RemindResult(0, 0, len(found))
    return RemindResult(len(fresh), len(notices), len(done))
