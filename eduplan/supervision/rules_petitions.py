"""Warning rules on petition cases (信访预警): a statutory deadline near or missed, a
repeated petition, a group petition, a petition that skipped a level (越级).

Each finder is one query over the cases' stored next deadline (`due_step`, `due_on`,
indexed), not a walk over every case. An order names the case by its number, its
subject and its step, never a petitioner.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from eduplan.org.models import OrgUnit
from eduplan.petitions.clock import Step
from eduplan.petitions.models import Category, PetitionCase
from eduplan.petitions.office import petitions_office
from eduplan.petitions.selectors import office_due, open_on
from eduplan.supervision.models import Rule
from eduplan.supervision.rules import FINDERS, Finding

CASE_FIELDS = (
    "pk",
    "number",
    "category",
    "due_step",
    "due_on",
    "people_count",
    "responsible_unit",
    "received_by",
)


def _cases(query: Q, at: datetime.date) -> QuerySet[PetitionCase]:
    return (
        PetitionCase.objects.filter(query, received_on__lte=at)
        .select_related("responsible_unit", "received_by")
        .only(*CASE_FIELDS)
        .order_by("due_on", "pk")
    )


def _answers(case: PetitionCase, office: OrgUnit | None) -> OrgUnit:
    """Who answers for a case: the unit it is routed to; before routing, the petitions
    office that received it (the bureau's 信访办, or the district that received it)."""
    if case.responsible_unit is not None:
        return case.responsible_unit
    if case.received_by.depth == 0 and office is not None:
        return office
    return case.received_by


def _title(case: PetitionCase, what: str) -> str:
    return f"{case.number}（{Category(case.category).label}）：{what}"


def find_petition_deadlines(*, at: datetime.date, days: int) -> list[Finding]:
    """Cases whose office deadline (decision, answer, review answers) falls within
    EDUPLAN_PETITION_NEAR_DAYS of `at`, or has passed: one order per case and step; a
    deadline moved by an extension is a new occurrence."""
    near = at + datetime.timedelta(days=settings.EDUPLAN_PETITION_NEAR_DAYS)
    office = petitions_office()
    found = []
    for case in _cases(office_due(before=near), at):
        assert case.due_on is not None
        step = Step(case.due_step)
        left = (case.due_on - at).days
        if left < 0:
            detail = _("%(step)s was due on %(due)s: %(days)s days overdue.") % {
                "step": step.label,
                "due": case.due_on.isoformat(),
                "days": -left,
            }
        else:
            detail = _("%(step)s is due on %(due)s: %(days)s days left.") % {
                "step": step.label,
                "due": case.due_on.isoformat(),
                "days": left,
            }
        found.append(
            Finding(
                rule=Rule.PETITION_DEADLINE,
                subject=f"petition:{case.pk}:{step.value}",
                occurrence=case.due_on.isoformat(),
                unit=_answers(case, office),
                title=_title(case, step.label),
                detail=detail,
            )
        )
    return found


def _flagged(
    rule: Rule, query: Q, what: str, detail: Callable[[PetitionCase], str], at: datetime.date
) -> list[Finding]:
    office = petitions_office()
    return [
        Finding(
            rule=rule,
            subject=f"petition:{case.pk}",
            occurrence="",
            unit=_answers(case, office),
            title=_title(case, what),
            detail=detail(case),
        )
        for case in _cases(query & open_on(at), at)
    ]


def find_petitions_repeated(*, at: datetime.date, days: int) -> list[Finding]:
    """Open cases that repeat an earlier case (same petitioner or same matter)."""
    repeats = Q(pk__in=PetitionCase.objects.filter(links__isnull=False).values("pk"))
    return _flagged(
        Rule.PETITION_REPEATED,
        repeats,
        _("Repeated petition"),
        lambda case: _("The case repeats an earlier case; see its linked cases."),
        at,
    )


def find_petitions_group(*, at: datetime.date, days: int) -> list[Finding]:
    """Open cases brought by EDUPLAN_PETITION_GROUP_SIZE or more petitioners (集体访)."""
    return _flagged(
        Rule.PETITION_GROUP,
        Q(people_count__gte=settings.EDUPLAN_PETITION_GROUP_SIZE),
        _("Group petition"),
        lambda case: (
            _("%(count)s petitioners brought this case together.") % {"count": case.people_count}
        ),
        at,
    )


def find_petitions_skipped_level(*, at: datetime.date, days: int) -> list[Finding]:
    """Open cases brought to the bureau about a district's matter the district never had."""
    return _flagged(
        Rule.PETITION_SKIPPED_LEVEL,
        Q(skipped_level=True),
        _("Petition that skipped a level"),
        lambda case: _("The case came to the bureau before the district had handled it."),
        at,
    )


FINDERS[Rule.PETITION_DEADLINE] = find_petition_deadlines
FINDERS[Rule.PETITION_REPEATED] = find_petitions_repeated
FINDERS[Rule.PETITION_GROUP] = find_petitions_group
FINDERS[Rule.PETITION_SKIPPED_LEVEL] = find_petitions_skipped_level
