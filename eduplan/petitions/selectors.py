"""Reads of petition cases: the cases a user may see, a case with its clock, the
district overview. Nothing here reads a petitioner (services.petitioners_read does, and
logs it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from eduplan.org.access import Action, User, granted_actions, membership_of, scope_of
from eduplan.org.models import OrgUnit, Role, UnitType
from eduplan.petitions.clock import (
    OFFICE_STEPS,
    WINDOW_STEPS,
    Deadline,
    Step,
    clock_rules,
    next_deadline,
)
from eduplan.petitions.models import BacklogCase, PetitionCase, RiskEntry
from eduplan.petitions.office import petitions_office as petitions_office

OFFICE_VALUES = [s.value for s in OFFICE_STEPS]
WINDOW_VALUES = [s.value for s in WINDOW_STEPS]


def is_petitions_office_staff(user: User) -> bool:
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role == Role.DEPARTMENT
        and membership.department is not None
        and membership.department.code == settings.EDUPLAN_PETITIONS_OFFICE_CODE
    )


def open_on(at: datetime.date) -> Q:
    """Cases still open on `at`: waiting for the office, or in a petitioner's window
    that has not run out (the clock's `next_deadline` as a query)."""
    return Q(due_step__in=OFFICE_VALUES) | Q(due_step__in=WINDOW_VALUES, due_on__gte=at)


def office_due(*, before: datetime.date) -> Q:
    """Cases whose office deadline falls on or before `before` (missed ones included)."""
    return Q(due_step__in=OFFICE_VALUES, due_on__lte=before)


def cases_visible(*, user: User) -> QuerySet[PetitionCase]:
    """The cases the user may see (Action.PETITION_VIEW as a query): the petitions office
    every case; another department those routed to it; anyone else the cases routed into
    their scope, or concerning it while not yet routed."""
    none = PetitionCase.objects.none()
    membership, scope = membership_of(user), scope_of(user)
    if membership is None or scope is None or Action.PETITION_VIEW not in granted_actions(user):
        return none
    cases = PetitionCase.objects.all()
    if membership.role == Role.DEPARTMENT:
        if is_petitions_office_staff(user):
            # The office works for the whole bureau (its staff's scope is the city).
            if scope.depth == 0:
                return cases
            return cases.filter(concerned_unit__path__startswith=scope.path)
        return cases.filter(responsible_unit_id=membership.department_id)
    return cases.filter(
        Q(responsible_unit__path__startswith=scope.path)
        | Q(responsible_unit__isnull=True, concerned_unit__path__startswith=scope.path)
    )


def case_with_units(pk: int) -> PetitionCase:
    """A case with the units its page and its access check need, or 404."""
    return get_object_or_404(
        PetitionCase.objects.select_related(
            "received_by", "concerned_unit", "responsible_unit", "district"
        ),
        pk=pk,
    )


def case_deadline(case: PetitionCase, *, today: datetime.date | None = None) -> Deadline | None:
    """The case's one next deadline on `today` (default: today in Asia/Shanghai), or None
    when it is closed."""
    return next_deadline(
        case.dates, rules=clock_rules(), today=today if today is not None else timezone.localdate()
    )


@dataclass(frozen=True)
class CaseLine:
    """A row of a case list: the case and where its clock stands today."""

    case: PetitionCase
    deadline: Deadline | None
    today: datetime.date

    @property
    def step_label(self) -> str:
        return self.deadline.step.label if self.deadline is not None else ""

    @property
    def days_left(self) -> int | None:
        return self.deadline.days_left(self.today) if self.deadline is not None else None

    @property
    def overdue_days(self) -> int:
        left = self.days_left
        return -left if left is not None and left < 0 else 0

    @property
    def state(self) -> str:
        """closed, missed, near or running."""
        if self.deadline is None:
            return "closed"
        if not self.deadline.step.is_office:
            return "window"
        left = self.deadline.days_left(self.today)
        if left < 0:
            return "missed"
        return "near" if left <= settings.EDUPLAN_PETITION_NEAR_DAYS else "running"


def case_lines(cases: QuerySet[PetitionCase], *, today: datetime.date) -> list[CaseLine]:
    """Rows of a list, each with its clock (one query with the units)."""
    rows = cases.select_related("concerned_unit", "responsible_unit", "district")
    return [CaseLine(case=c, deadline=case_deadline(c, today=today), today=today) for c in rows]


def cases_filtered(
    cases: QuerySet[PetitionCase], *, state: str, today: datetime.date
) -> QuerySet[PetitionCase]:
    """Cases in one state of their clock (open, due soon, missed, closed; "" for all)."""
    near = today + datetime.timedelta(days=settings.EDUPLAN_PETITION_NEAR_DAYS)
    if state == "open":
        return cases.filter(open_on(today))
    if state == "near":
        return cases.filter(due_step__in=OFFICE_VALUES, due_on__gte=today, due_on__lte=near)
    if state == "missed":
        return cases.filter(due_step__in=OFFICE_VALUES, due_on__lt=today)
    if state == "closed":
        return cases.exclude(open_on(today))
    return cases


@dataclass(frozen=True)
class DistrictLine:
    """A district's (or the bureau's own units') cases in a year, as the overview shows."""

    unit: OrgUnit | None
    received: int
    open: int
    near: int
    missed: int
    answered: int
    answered_in_time: int
    repeated: int
    backlog: int
    backlog_resolved: int

    @property
    def in_time_share(self) -> float | None:
        return 100 * self.answered_in_time / self.answered if self.answered else None

    @property
    def repeat_share(self) -> float | None:
        return 100 * self.repeated / self.received if self.received else None


def district_overview(
    *, cases: QuerySet[PetitionCase], year: int, today: datetime.date
) -> list[DistrictLine]:
    """Per district, the cases received in `year`: open, due soon, missed, answered and in
    time, repeats, backlog and resolved (two grouped queries and the districts)."""
    near = today + datetime.timedelta(days=settings.EDUPLAN_PETITION_NEAR_DAYS)
    received = cases.filter(received_on__year=year)
    rows = received.values("district_id").annotate(
        received=Count("pk"),
        open=Count("pk", filter=open_on(today)),
        near=Count("pk", filter=Q(due_step__in=OFFICE_VALUES, due_on__gte=today, due_on__lte=near)),
        missed=Count("pk", filter=Q(due_step__in=OFFICE_VALUES, due_on__lt=today)),
        answered=Count("pk", filter=Q(replied_on__isnull=False)),
        in_time=Count("pk", filter=Q(replied_in_time=True)),
    )
    repeated = dict(
        received.filter(links__isnull=False)
        .values("district_id")
        .annotate(n=Count("pk", distinct=True))
        .values_list("district_id", "n")
    )
    backlog: dict[int | None, tuple[int, int]] = {
        district: (n, resolved)
        for district, n, resolved in BacklogCase.objects.filter(case__in=cases)
        .values("case__district_id")
        .annotate(n=Count("pk"), resolved=Count("pk", filter=Q(resolved_on__isnull=False)))
        .values_list("case__district_id", "n", "resolved")
    }
    units = {u.pk: u for u in OrgUnit.objects.filter(type=UnitType.DISTRICT)}
    lines = [
        DistrictLine(
            unit=units.get(row["district_id"]) if row["district_id"] else None,
            received=row["received"],
            open=row["open"],
            near=row["near"],
            missed=row["missed"],
            answered=row["answered"],
            answered_in_time=row["in_time"],
            repeated=repeated.get(row["district_id"], 0),
            backlog=backlog.get(row["district_id"], (0, 0))[0],
            backlog_resolved=backlog.get(row["district_id"], (0, 0))[1],
        )
        for row in rows
    ]
    return sorted(lines, key=lambda line: line.unit.path if line.unit else "")


def risks_visible(*, user: User) -> QuerySet[RiskEntry]:
    """Risk screening entries of units in the user's scope (the petitions office and
    leaders: all), for roles that may see petitions."""
    scope = scope_of(user)
    if scope is None or Action.PETITION_VIEW not in granted_actions(user):
        return RiskEntry.objects.none()
    membership = membership_of(user)
    department = membership is not None and membership.role == Role.DEPARTMENT
    if department and not is_petitions_office_staff(user):
        return RiskEntry.objects.none()
    return RiskEntry.objects.filter(unit__path__startswith=scope.path).select_related("unit")


def backlog_visible(*, user: User) -> QuerySet[BacklogCase]:
    """Backlog campaign cases among the cases the user may see."""
    return (
        BacklogCase.objects.filter(case__in=cases_visible(user=user))
        .select_related("case__concerned_unit", "case__responsible_unit", "case__district")
        .order_by("resolved_on", "listed_on", "pk")
    )


def step_choices() -> list[tuple[str, str]]:
    return [(s.value, s.label) for s in Step]
