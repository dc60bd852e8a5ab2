"""Warning rules of the campus-safety register (safety): rectifications past their
deadline (hazard_overdue) and school-bus licences about to run out (licence_expiring).

Both are set-based: one grouped query over the hazards (index `safety_hz_deadline`),
one query over the buses in service (an index on each expiry date), whatever the size
of the register. Overdue hazards raise one order per school, not one per hazard: the
school answers for its rectifications together, and a new order comes when a later
deadline is missed (the occurrence is the latest deadline missed).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils.translation import gettext as _

from eduplan.org.models import OrgUnit
from eduplan.safety.models import Hazard, HazardStatus, SchoolBus
from eduplan.supervision.models import Rule
from eduplan.supervision.rules import FINDERS, Finding


def find_hazards_overdue(*, at: datetime.date, days: int) -> list[Finding]:
    """Schools with hazards not closed more than `days` after their rectification
    deadline (a fix reported but not yet verified is not closed); the school answers."""
    rows = list(
        Hazard.objects.filter(
            status__in=[HazardStatus.OPEN, HazardStatus.FIXED],
            deadline__lt=at - datetime.timedelta(days=days),
        )
        .values("school_id")
        .annotate(
            n=Count("pk"),
            first=Min("deadline"),
            last=Max("deadline"),
            grave=Count("pk", filter=Q(severity="grave")),
        )
        .order_by("school_id")
    )
    schools = OrgUnit.objects.in_bulk([r["school_id"] for r in rows])
    return [
        Finding(
            rule=Rule.HAZARD_OVERDUE,
            subject=f"hazards:{r['school_id']}",
            occurrence=r["last"].isoformat(),
            unit=schools[r["school_id"]],
            title=_("%(school)s: %(n)s safety hazards past their rectification deadline")
            % {"school": schools[r["school_id"]].name, "n": r["n"]},
            detail=_(
                "%(n)s hazards (%(grave)s grave) not closed; deadlines from %(first)s to %(last)s."
            )
            % {
                "n": r["n"],
                "grave": r["grave"],
                "first": r["first"].isoformat(),
                "last": r["last"].isoformat(),
            },
        )
        for r in rows
    ]


def find_licences_expiring(*, at: datetime.date, days: int) -> list[Finding]:
    """Buses in service whose school-bus licence, driver's qualification or vehicle
    inspection runs out within EDUPLAN_SAFETY_LICENCE_WARN_DAYS of `at` (or has run out);
    the bus's school answers, once per bus and set of dates."""
    horizon = at + datetime.timedelta(days=settings.EDUPLAN_SAFETY_LICENCE_WARN_DAYS)
    buses = (
        SchoolBus.objects.filter(in_service=True)
        .filter(
            Q(licence_expires_on__lte=horizon)
            | Q(driver_licence_expires_on__lte=horizon)
            | Q(inspection_expires_on__lte=horizon)
        )
        .select_related("school")
        .order_by("school__path", "plate")
    )
    found = []
    for bus in buses:
        dates = [
            (_("school-bus licence"), bus.licence_expires_on),
            (
                _("driver's qualification (%(driver)s)") % {"driver": bus.driver},
                bus.driver_licence_expires_on,
            ),
            (_("vehicle inspection"), bus.inspection_expires_on),
        ]
        due = [(what, day) for what, day in dates if day <= horizon]
        parts = [
            (_("%(what)s ran out on %(day)s") if day < at else _("%(what)s runs out on %(day)s"))
            % {"what": what, "day": day.isoformat()}
            for what, day in due
        ]
        found.append(
            Finding(
                rule=Rule.LICENCE_EXPIRING,
                subject=f"bus:{bus.pk}",
                occurrence=",".join(day.isoformat() for _what, day in due),
                unit=bus.school,
                title=_("%(school)s: school bus %(plate)s")
                % {"school": bus.school.name, "plate": bus.plate},
                detail="；".join(parts) + "。",
            )
        )
    return found


FINDERS[Rule.HAZARD_OVERDUE] = find_hazards_overdue
FINDERS[Rule.LICENCE_EXPIRING] = find_licences_expiring
