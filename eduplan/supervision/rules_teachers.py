"""The warning rule of the teachers' register: credits_behind (继续教育学分不足).

Once a year has ended, every school with teachers who completed fewer training hours than
the year's minimum, or than the cycle's minimum pro rata, gets one order for that year;
the school answers. A year the register holds no completion for is not judged (it has
not been loaded: every teacher would be behind).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from eduplan.supervision.models import Rule
from eduplan.supervision.rules import FINDERS, Finding
from eduplan.teachers.credits import judged_year
from eduplan.teachers.selectors import schools_behind


def find_credits_behind(*, at: datetime.date, days: int) -> list[Finding]:
    """Schools with teachers behind at the end of the last year ended `days` before
    `at`: one order per school and year."""
    year = judged_year(at - datetime.timedelta(days=days))
    if year < settings.EDUPLAN_TEACHERS_CYCLE_START:
        return []
    return [
        Finding(
            rule=Rule.CREDITS_BEHIND,
            subject=f"teachers:{row.school.pk}",
            occurrence=str(year),
            unit=row.school,
            title=_("%(school)s: %(n)s teachers behind on training hours (%(year)s)")
            % {"school": row.school.name, "n": row.behind, "year": year},
            detail=_(
                "Of %(teachers)s teachers, %(year_behind)s completed fewer than %(annual)s "
                "hours in %(year)s and %(cycle_behind)s are behind the cycle's minimum."
            )
            % {
                "teachers": row.teachers,
                "year_behind": row.year_behind,
                "annual": settings.EDUPLAN_TEACHERS_ANNUAL_MIN_HOURS,
                "year": year,
                "cycle_behind": row.cycle_behind,
            },
        )
        for row in schools_behind(year=year)
    ]


FINDERS[Rule.CREDITS_BEHIND] = find_credits_behind
