"""Fee items and directory entries become records of the ledgers `fee_items` and
`private_schools` (as their files in ledgers/data define them): a published fee item is
an approved record, an unpublished one awaits its district's review; every directory
entry is kept (the directory is kept without review), and an unpublished one is retired
with that reason, so it stays out of the public directory as before. Each record gets
its history: created, and approved for a published fee item."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import migrations

LEDGERS_DIR = Path(__file__).resolve().parents[2] / "ledgers" / "data"
UNPUBLISHED = "迁移时未公布"


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _ledger(apps: Any, code: str) -> tuple[Any, Any, Any]:
    """(ledger, its current version, the checked definition) from the ledger's file."""
    from eduplan.core.loading import yaml_file_load
    from eduplan.ledgers.definitions import definition_from_data

    path = LEDGERS_DIR / f"{code}.yaml"
    definition = definition_from_data(yaml_file_load(path=path), source=path.name)
    Ledger = apps.get_model("ledgers", "Ledger")
    LedgerVersion = apps.get_model("ledgers", "LedgerVersion")
    ledger, _created = Ledger.objects.get_or_create(code=code, defaults={"name": definition.name})
    version = LedgerVersion.objects.filter(ledger=ledger, digest=definition.digest).first()
    if version is None:
        version = LedgerVersion.objects.create(
            ledger=ledger,
            number=ledger.versions.count() + 1,
            digest=definition.digest,
            definition=definition.data,
        )
    ledger.current_version = version
    ledger.save(update_fields=["current_version"])
    return ledger, version, definition


def _write(apps: Any, code: str, rows: list[tuple[Any, dict[str, Any], str, str]]) -> None:
    """Write (unit, values, review, retired reason) rows into the ledger, with history."""
    from eduplan.ledgers.services import record_key, search_text

    if not rows:
        return
    LedgerRecord = apps.get_model("ledgers", "LedgerRecord")
    LedgerRecordEvent = apps.get_model("ledgers", "LedgerRecordEvent")
    ledger, version, definition = _ledger(apps, code)
    for unit, data, review, retired in rows:
        on = datetime.date.fromisoformat(data[definition.date_field])
        record = LedgerRecord.objects.create(
            ledger=ledger,
            version=version,
            org_unit=unit,
            unit_path=unit.path,
            on=on,
            year=on.year,
            month=f"{on.year}{on.month:02d}",
            status="retired" if retired else "active",
            retired_reason=retired,
            key=record_key(definition, data, on),
            data=data,
            search=search_text(definition, data),
            review=review,
        )
        LedgerRecordEvent.objects.create(record=record, kind="create", new=data)
        if review == "approved" and definition.review:
            LedgerRecordEvent.objects.create(
                record=record,
                kind="approve",
                old={"review": "submitted"},
                new={"review": "approved"},
            )
        if retired:
            LedgerRecordEvent.objects.create(
                record=record,
                kind="retire",
                old={"status": "active"},
                new={"status": "retired"},
                reason=retired,
            )


def forwards(apps: Any, schema_editor: Any) -> None:
    FeeItem = apps.get_model("public", "FeeItem")
    DirectoryEntry = apps.get_model("public", "DirectoryEntry")
    fees = []
    for fee in FeeItem.objects.select_related("school").order_by("pk"):
        data = {
            "school": fee.school.code,
            "school_year": fee.school_year,
            "item": fee.item,
            "amount": _number(fee.amount),
            "billing_unit": fee.unit,
            "approving_body": fee.approving_body,
            "document_number": fee.document_number,
            "scope": fee.scope,
            "hotline": fee.hotline,
            "filed_on": datetime.date(fee.school_year, 9, 1).isoformat(),
        }
        if fee.waivers:
            data["waivers"] = fee.waivers
        fees.append((fee.school, data, "approved" if fee.published else "submitted", ""))
    _write(apps, "fee_items", fees)
    entries = []
    for entry in DirectoryEntry.objects.select_related("school").order_by("pk"):
        listed = entry.school.opened_on or datetime.date(2016, 1, 1)
        data = {
            "school": entry.school.code,
            "licence_number": entry.licence_number,
            "sponsor": entry.sponsor,
            "address": entry.address,
            "phone": entry.phone,
            "levels": entry.levels,
            "approved_by": entry.approved_by,
            "listed_on": listed.isoformat(),
        }
        entries.append(
            (entry.school, data, "approved", "" if entry.published else UNPUBLISHED)
        )
    _write(apps, "private_schools", entries)


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0001_initial"),
        ("ledgers", "0003_record_review"),
        ("org", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
