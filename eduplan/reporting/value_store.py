"""Writing a report's values: only what changed, in bulk, with the changes to audit."""

from __future__ import annotations

from decimal import Decimal

from django.db import connections, router

from eduplan.reporting.definitions import FormDefinition
from eduplan.reporting.models import DataElement, DataValue, Submission
from eduplan.reporting.values import display_value

# A report's values by element code: (number, text), as stored.
StoredValues = dict[str, tuple[Decimal | None, str]]


def _values_insert(rows: list[tuple[int, int, str, Decimal | None, str, str]]) -> None:
    """Insert values, each row (submission, unit, period, number, text, element code): the
    element's id is looked up by the INSERT itself, one statement a row, sent together
    (psycopg pipelines `executemany` into one round trip)."""
    connection = connections[router.db_for_write(DataValue)]
    meta, q = DataValue._meta, connection.ops.quote_name
    column = {f.name: str(f.column) for f in meta.concrete_fields}
    columns = ", ".join(
        q(column[name])
        for name in ("submission", "org_unit", "period", "number", "text", "element")
    )
    elements = q(DataElement._meta.db_table)
    sql = (
        f"INSERT INTO {q(meta.db_table)} ({columns}) "
        f"SELECT %s, %s, %s, %s, %s, e.{q('id')} FROM {elements} e WHERE e.{q('code')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        inserted = cursor.rowcount
    if inserted != len(rows):  # a definition names an element the database does not have
        codes = {r[5] for r in rows} - set(DataElement.objects.values_list("code", flat=True))
        raise DataElement.DoesNotExist(f"no data element {', '.join(sorted(codes))}")


def submission_values_write(
    submission: Submission,
    definition: FormDefinition,
    parsed: dict[str, tuple[Decimal | None, str]],
    *,
    created: bool,
) -> tuple[list[dict[str, str]], StoredValues]:
    """Write the parsed values: (the changes, each element's old and new value as shown;
    the report's values after the save for the definition's elements, by code)."""
    current = (
        {}  # a report this save created has no values yet
        if created
        else {
            code: (pk, number, text)
            for pk, code, number, text in DataValue.objects.filter(
                submission=submission
            ).values_list("pk", "element__code", "number", "text")
        }
    )
    stored = {code: (number, text) for code, (_pk, number, text) in current.items()}
    changes: list[dict[str, str]] = []
    to_create: list[tuple[int, int, str, Decimal | None, str, str]] = []
    to_update: list[DataValue] = []
    to_delete: list[int] = []
    for code, (number, text) in parsed.items():
        element = definition.element(code)
        old = current.get(code)
        old_display = display_value(element, old[1], old[2]) if old else ""
        new_display = display_value(element, number, text)
        if old_display == new_display:
            continue
        changes.append({"element": code, "old": old_display, "new": new_display})
        if number is None and not text:
            stored.pop(code, None)
            if old:
                to_delete.append(old[0])
            continue
        stored[code] = (number, text)
        if old:
            to_update.append(DataValue(pk=old[0], number=number, text=text))
        else:
            to_create.append(
                (submission.pk, submission.org_unit_id, submission.period, number, text, code)
            )
    # Each only when needed: even an empty delete builds its query and collector.
    if to_create:
        _values_insert(to_create)
    if to_update:
        DataValue.objects.bulk_update(to_update, ["number", "text"])
    if to_delete:
        DataValue.objects.filter(pk__in=to_delete).delete()
    return changes, stored
