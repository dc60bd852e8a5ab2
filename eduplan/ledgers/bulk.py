"""Writing many records at once (an imported workbook): two statements per thousand rows.

Django's bulk_create prepares every field of every row through the model layer, which
costs more than reading and checking the workbook together; here each row is adapted
once, by the same field adapters, and written with `executemany`. The records are then
found again by their batch (in id order, the order they were inserted) for their
history rows.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DateField, JSONField
from django.utils import timezone

from eduplan.ledgers.definitions import LedgerDefinition
from eduplan.ledgers.models import (
    EventKind,
    LedgerImport,
    LedgerRecord,
    LedgerRecordEvent,
    RecordStatus,
)
from eduplan.ledgers.review import review_initial
from eduplan.ledgers.services import Placed, masked, search_text

CHUNK = 1000
RECORD_FIELDS = (
    "ledger", "version", "org_unit", "unit_path", "on", "year", "month", "status",
    "retired_reason", "key", "data", "search", "revision", "created_by", "idempotency_key",
    "batch", "created_at", "updated_at", "review", "review_reason",
)  # fmt: skip
EVENT_FIELDS = ("record", "kind", "user", "at", "old", "new", "reason")


def _insert(model: Any, names: tuple[str, ...], rows: list[list[Any]]) -> None:
    """INSERT the rows (values in the order of `names`); JSON and dates adapted by their
    fields for this database, everything else passed as it is."""
    db = connections[DEFAULT_DB_ALIAS]
    fields = [model._meta.get_field(name) for name in names]
    adapt = [
        (lambda v, f=f: f.get_db_prep_save(v, db))
        if isinstance(f, JSONField | DateField)  # DateTimeField is a DateField
        else None
        for f in fields
    ]
    quote = db.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with db.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            params = [
                [value if a is None else a(value) for a, value in zip(adapt, row, strict=True)]
                for row in rows[start : start + CHUNK]
            ]
            cursor.executemany(sql, params)


def records_insert(
    *, placed: list[Placed], batch: LedgerImport, definition: LedgerDefinition
) -> None:
    """Insert the checked records of one import into its ledger's current version, and a
    history row for each (call inside the import's transaction)."""
    now = timezone.now()
    private = definition.private_codes()
    user = batch.user_id
    ledger = batch.ledger
    version = ledger.current_version_id
    review = review_initial(definition)
    _insert(
        LedgerRecord,
        RECORD_FIELDS,
        [
            [ledger.pk, version, p.unit.pk, p.unit.path, p.on, p.on.year,
             f"{p.on.year}{p.on.month:02d}", RecordStatus.ACTIVE, "", p.key, p.data,
             search_text(definition, p.data, p.names), 1, user, "", batch.pk, now, now, review, ""]
            for p in placed
        ],
    )  # fmt: skip
    ids = LedgerRecord.objects.filter(batch=batch).order_by("pk").values_list("pk", flat=True)
    _insert(
        LedgerRecordEvent,
        EVENT_FIELDS,
        [
            [
                pk,
                EventKind.CREATE,
                user,
                now,
                {},
                masked(definition, p.data) if private else p.data,
                "",
            ]
            for pk, p in zip(ids, placed, strict=True)
        ],
    )
