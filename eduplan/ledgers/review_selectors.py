"""Reading the review queue: the submitted records waiting for this reviewer.

A district administrator's queue holds the records of the units in the district; a
reviewer at the bureau (the department a ledger names, or the supervision office) holds
those of units outside any district. Every record listed passes `review.may_review`,
the same check the decision makes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from eduplan.ledgers.models import Ledger, LedgerRecord, RecordStatus, ReviewState
from eduplan.ledgers.review import may_review
from eduplan.ledgers.selectors import HIDDEN, columns
from eduplan.ledgers.services import definition_of
from eduplan.ledgers.values import value_shown
from eduplan.org.access import User, membership_of, scope_of
from eduplan.org.models import Role, UnitType

QUEUE_MAX = 500


@dataclass(frozen=True)
class Waiting:
    """A record awaiting the reviewer, with its values as shown (person fields hidden)."""

    record: LedgerRecord
    cells: list[tuple[str, str]]  # (label, value)


def reviewed_ledgers() -> list[Ledger]:
    """The ledgers whose current definition has a review."""
    return [
        ledger
        for ledger in Ledger.objects.select_related("current_version").filter(
            current_version__isnull=False
        )
        if ledger.current_version is not None and ledger.current_version.definition.get("review")
    ]


def review_queue(*, user: User, ledger_code: str = "") -> tuple[list[Waiting], int]:
    """(the first QUEUE_MAX records awaiting the user's decision, oldest first; how many
    await in all)."""
    scope, membership = scope_of(user), membership_of(user)
    ledgers = [x for x in reviewed_ledgers() if not ledger_code or x.code == ledger_code]
    if scope is None or membership is None or not ledgers:
        return [], 0
    records = LedgerRecord.objects.filter(
        ledger__in=ledgers,
        status=RecordStatus.ACTIVE,
        review=ReviewState.SUBMITTED,
        unit_path__startswith=scope.path,
    )
    if membership.role == Role.DISTRICT_ADMIN:
        records = records.filter(org_unit__parent=scope)
    else:  # the bureau decides for units outside any district, and for the districts
        records = records.filter(
            Q(org_unit__type=UnitType.DISTRICT) | ~Q(org_unit__parent__type=UnitType.DISTRICT)
        )
    found = [
        r
        for r in records.select_related(
            "ledger__current_version", "org_unit__parent", "created_by"
        ).order_by("updated_at", "pk")
        if may_review(user, r)
    ]
    out = []
    for record in found[:QUEUE_MAX]:
        assert record.ledger.current_version is not None
        definition = definition_of(record.ledger.current_version)
        out.append(
            Waiting(
                record,
                [
                    (
                        f["label"],
                        HIDDEN
                        if f["type"] == "person"
                        else record.org_unit.name
                        if f["code"] == definition.unit_field
                        else value_shown(f, record.data.get(f["code"])),
                    )
                    for f in columns(definition)
                ],
            )
        )
    return out, len(found)
