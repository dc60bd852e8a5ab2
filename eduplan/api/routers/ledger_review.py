"""Ledger review: the records awaiting the caller's decision, and approve / return.

The reviewer is the next level up over the record's unit (ledgers/review.py). A record
outside the caller's scope is 403, as everywhere in the API; in scope but not theirs to
decide, 403 too; a record not awaiting review (or a stale revision) is 409.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from eduplan.api.routers.base import Detail, Problems, caller
from eduplan.api.routers.ledgers import (
    WRITE_RESPONSES,
    RecordOut,
    _ledger,
    _reader,
    _record,
    record_out,
)
from eduplan.ledgers.models import LedgerRecord
from eduplan.ledgers.review_selectors import review_queue
from eduplan.ledgers.review_services import record_approve, record_return
from eduplan.ledgers.services import definition_of
from eduplan.org.access import User

router = Router(tags=["ledgers"])


class ReviewOut(RecordOut):
    ledger: str
    review_reason: str


class ReviewQueueOut(Schema):
    count: int
    records: list[ReviewOut]


class ApproveIn(Schema):
    revision: int | None = None


class ReturnIn(Schema):
    reason: str
    revision: int | None = None


def review_out(user: User, record: LedgerRecord) -> dict[str, Any]:
    """A record with its review state (person fields hidden as `record_out` hides them)."""
    assert record.ledger.current_version is not None
    definition = definition_of(record.ledger.current_version)
    return {
        **record_out(user, definition, record),
        "ledger": record.ledger.code,
        "review_reason": record.review_reason,
    }


REVIEW_RESPONSES = {**WRITE_RESPONSES, 200: ReviewOut}


@router.get("/review", response={200: ReviewQueueOut, 400: Problems, 401: Detail, 403: Detail})
def ledger_review_queue(request: HttpRequest, ledger: str = "") -> dict[str, Any]:
    user = _reader(request)
    waiting, total = review_queue(user=user, ledger_code=ledger[:40])
    return {"count": total, "records": [review_out(user, w.record) for w in waiting]}


@router.post("/{code}/records/{pk}/approve", response=REVIEW_RESPONSES)
def ledger_record_approve(
    request: HttpRequest, code: str, pk: int, body: ApproveIn
) -> dict[str, Any]:
    ledger, _definition = _ledger(code)
    record = _record(request, ledger, pk)
    approved = record_approve(user=caller(request), record=record, revision=body.revision)
    return review_out(caller(request), approved)


@router.post("/{code}/records/{pk}/return", response=REVIEW_RESPONSES)
def ledger_record_return(
    request: HttpRequest, code: str, pk: int, body: ReturnIn
) -> dict[str, Any]:
    ledger, _definition = _ledger(code)
    record = _record(request, ledger, pk)
    returned = record_return(
        user=caller(request), record=record, reason=body.reason, revision=body.revision
    )
    return review_out(caller(request), returned)
