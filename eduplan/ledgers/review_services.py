"""Deciding on submitted ledger records: approve, or return with a reason.

The reviewer is the next level up over the record's unit (ledgers/review.py); a record
not awaiting review (approved already, returned, retired, or of a ledger without review)
is a ConflictError, as is a stale revision. Each decision is a history event, and an
approval changes the figures (only approved records count).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.figures_cache import figures_changed
from eduplan.ledgers.models import (
    EventKind,
    LedgerRecord,
    LedgerRecordEvent,
    RecordStatus,
    ReviewState,
)
from eduplan.ledgers.review import may_review, review_of
from eduplan.ledgers.services import ERR_STALE
from eduplan.org.access import User, actor_of
from eduplan.reporting.services import ConflictError

ERR_NOT_AWAITING = gettext_lazy(
    "This record is not awaiting review (it is %(state)s); reload the page to see it as it is."
)
ERR_NOT_REVIEWED = gettext_lazy("This ledger's records are kept without review.")
ERR_RETURN_REASON = gettext_lazy("Say why the record is returned, so its keeper can fix it.")
REASON_MAX = 500


def _awaiting(record: LedgerRecord, user: User, revision: int | None) -> LedgerRecord:
    """The record locked, checked: the user reviews it, it awaits review, fresh."""
    locked = (
        LedgerRecord.objects.select_for_update(of=("self",))  # not the joined rows
        .select_related("ledger__current_version", "org_unit__parent")
        .get(pk=record.pk)
    )
    if not may_review(user, locked):
        if review_of(locked) is None:
            raise ConflictError(str(ERR_NOT_REVIEWED))
        raise PermissionDenied(_("You may not do this here."))
    if locked.status != RecordStatus.ACTIVE or locked.review != ReviewState.SUBMITTED:
        state = (
            RecordStatus(locked.status).label
            if locked.status != RecordStatus.ACTIVE
            else ReviewState(locked.review).label
        )
        raise ConflictError(str(ERR_NOT_AWAITING % {"state": state}))
    if revision is not None and revision != locked.revision:
        raise ConflictError(str(ERR_STALE % {"now": locked.revision}))
    return locked


def _decide(
    locked: LedgerRecord, user: User, state: ReviewState, kind: EventKind, reason: str
) -> LedgerRecord:
    locked.review, locked.review_reason = state, reason
    locked.revision += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=["review", "review_reason", "revision", "updated_at"])
    LedgerRecordEvent.objects.create(
        record=locked,
        kind=kind,
        user=actor_of(user),
        old={"review": ReviewState.SUBMITTED},
        new={"review": state},
        reason=reason,
    )
    return locked


@transaction.atomic
def record_approve(*, user: User, record: LedgerRecord, revision: int | None) -> LedgerRecord:
    """Approve a submitted record: from now on it counts and, if public, is published."""
    locked = _awaiting(record, user, revision)
    approved = _decide(locked, user, ReviewState.APPROVED, EventKind.APPROVE, "")
    figures_changed([approved.org_unit_id], provider="ledgers")
    return approved


@transaction.atomic
def record_return(
    *, user: User, record: LedgerRecord, reason: str, revision: int | None
) -> LedgerRecord:
    """Return a submitted record to its keeper with a reason; changing it resubmits it."""
    reason = (reason or "").strip()
    if not reason:
        raise InputError(str(ERR_RETURN_REASON), where="reason")
    locked = _awaiting(record, user, revision)
    return _decide(locked, user, ReviewState.RETURNED, EventKind.RETURN, reason[:REASON_MAX])
