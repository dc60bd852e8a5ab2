"""Ledgers: list them, list a ledger's records, add, change (with the record's revision:
a stale one is 409) and retire records.

Every operation reads only inside the caller's scope (records of units outside it are
not listed, and a record outside it is 403); writes go through the ledger services,
which check the right to keep the record (REPORT_ENTER on the keeping department, or on
the record's unit). A person field's value is given only to those who keep the record.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema

from eduplan.api.routers.base import Detail, Problems, caller
from eduplan.ledgers.definitions import LedgerDefinition
from eduplan.ledgers.models import Ledger, LedgerRecord
from eduplan.ledgers.selectors import (
    HIDDEN,
    ledger_get,
    ledger_summaries,
    records_filtered,
    records_visible,
)
from eduplan.ledgers.services import (
    definition_of,
    may_enter,
    record_create,
    record_retire,
    record_update,
)
from eduplan.org.access import Action, User, require, scope_of

router = Router(tags=["ledgers"])

Value = str | int | float | bool | list[str] | None


class MetricOut(Schema):
    key: str
    name: str
    unit: str


class LedgerOut(Schema):
    code: str
    name: str
    keeper: str
    version: int
    records: int
    metrics: list[MetricOut]


class RecordOut(Schema):
    id: int
    revision: int
    status: str
    review: str
    unit: str
    unit_name: str
    date: str
    values: dict[str, Any]


class RecordsOut(Schema):
    count: int
    records: list[RecordOut]


class RecordIn(Schema):
    values: dict[str, Value]


class RecordUpdateIn(Schema):
    values: dict[str, Value]
    revision: int | None = None


class RetireIn(Schema):
    reason: str
    revision: int | None = None


WRITE_RESPONSES: dict[int, Any] = {
    200: RecordOut,
    400: Problems,
    401: Detail,
    403: Detail,
    404: Detail,
    409: Detail,
    422: Detail,
}


def record_out(user: User, definition: LedgerDefinition, record: LedgerRecord) -> dict[str, Any]:
    """A record as the API gives it: person fields hidden unless the caller keeps it."""
    private = may_enter(user, record.ledger, record.org_unit)
    hidden = definition.private_codes()
    values = {k: (HIDDEN if k in hidden and not private else v) for k, v in record.data.items()}
    return {
        "id": record.pk,
        "revision": record.revision,
        "status": record.status,
        "review": record.review,
        "unit": record.org_unit.code,
        "unit_name": record.org_unit.name,
        "date": record.on.isoformat(),
        "values": values,
    }


def _reader(request: HttpRequest) -> Any:
    """The caller, who must have a scope to read ledgers at all."""
    user = caller(request)
    if scope_of(user) is None:
        raise PermissionDenied(_("You may not do this here."))
    return user


def _ledger(code: str) -> tuple[Ledger, LedgerDefinition]:
    ledger = ledger_get(code)
    assert ledger.current_version is not None
    return ledger, definition_of(ledger.current_version)


def _record(request: HttpRequest, ledger: Ledger, pk: int) -> LedgerRecord:
    record = get_object_or_404(
        LedgerRecord.objects.select_related("org_unit", "ledger__keeper_department"),
        ledger=ledger,
        pk=pk,
    )
    require(caller(request), Action.REPORT_VIEW, record.org_unit)
    return record


@router.get("", response={200: dict[str, list[LedgerOut]], 400: Problems, 401: Detail, 403: Detail})
def ledger_list(request: HttpRequest) -> dict[str, Any]:
    summaries = ledger_summaries(user=_reader(request))
    return {
        "ledgers": [
            {
                "code": s.ledger.code,
                "name": s.ledger.name,
                "keeper": s.keeper,
                "version": s.ledger.current_version.number if s.ledger.current_version else 0,
                "records": s.records,
                "metrics": s.metrics,
            }
            for s in summaries
        ]
    }


@router.get(
    "/{code}/records",
    response={200: RecordsOut, 400: Problems, 401: Detail, 403: Detail, 404: Detail},
)
def ledger_record_list(
    request: HttpRequest,
    code: str,
    q: str = "",
    year: str = "",
    org: str = "",
    status: str = "",
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    user = _reader(request)
    ledger, definition = _ledger(code)
    params = {"q": q, "year": year, "org": org, "status": status}
    records = records_filtered(
        records_visible(user=user, ledger=ledger), definition=definition, params=params
    ).select_related("ledger__keeper_department")
    limit = max(1, min(limit, 1000))
    page = records[max(0, offset) : max(0, offset) + limit]
    return {
        "count": records.count(),
        "records": [record_out(user, definition, r) for r in page],
    }


@router.post("/{code}/records", response=WRITE_RESPONSES)
def ledger_record_create(
    request: HttpRequest,
    code: str,
    body: RecordIn,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key")] = "",
) -> dict[str, Any]:
    ledger, definition = _ledger(code)
    record = record_create(
        user=caller(request),
        ledger=ledger,
        values=body.values,
        idempotency_key=idempotency_key[:100],
    )
    return record_out(caller(request), definition, record)


@router.put("/{code}/records/{pk}", response=WRITE_RESPONSES)
def ledger_record_update(
    request: HttpRequest, code: str, pk: int, body: RecordUpdateIn
) -> dict[str, Any]:
    ledger, definition = _ledger(code)
    record = _record(request, ledger, pk)
    changed = record_update(
        user=caller(request), record=record, values=body.values, revision=body.revision
    )
    return record_out(caller(request), definition, changed)


@router.post("/{code}/records/{pk}/retire", response=WRITE_RESPONSES)
def ledger_record_retire(
    request: HttpRequest, code: str, pk: int, body: RetireIn
) -> dict[str, Any]:
    ledger, definition = _ledger(code)
    record = _record(request, ledger, pk)
    retired = record_retire(
        user=caller(request), record=record, reason=body.reason, revision=body.revision
    )
    return record_out(caller(request), definition, retired)
