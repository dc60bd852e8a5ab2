"""Writing a report's values: only what changed, in bulk, with the changes to audit."""

from __future__ import annotations

from decimal import Decimal

from eduplan.core.compiled_reads import CompiledRead
from eduplan.reporting.definitions import FormDefinition
from eduplan.reporting.models import DataElement, DataValue, Submission
from eduplan.reporting.values import display_value

# A report's values by element code: (number, text), as stored.
StoredValues = dict[str, tuple[Decimal | None, str]]


def element_ids_of(codes: tuple[str, ...]) -> dict[str, int]:
    """Element ids by code (one query; ids are not cached, since rows may be recreated,
    but the query is compiled once per connection for each form version's codes)."""
    read = _ELEMENT_READS.get(codes)
    if read is None:
        read = _ELEMENT_READS[codes] = CompiledRead(
            DataElement, lambda: DataElement.objects.filter(code__in=codes).only("code")
        )
    return {element.code: element.pk for element in read.all()}


# One read per list of codes (a form version's): a few dozen in a deployment.
_ELEMENT_READS: dict[tuple[str, ...], CompiledRead[DataElement]] = {}


def submission_values_write(
    submission: Submission,
    definition: FormDefinition,
    parsed: dict[str, tuple[Decimal | None, str]],
    *,
    created: bool,
) -> tuple[list[dict[str, str]], StoredValues]:
    """Write the parsed values: (the changes, each element's old and new value as shown;
    the report's values after the save for the definition's elements, by code)."""
    element_ids = element_ids_of(tuple(e.code for e in definition.elements))
    codes_by_id = {pk: code for code, pk in element_ids.items()}
    current = (
        {}  # a report this save created has no values yet
        if created
        else {codes_by_id.get(v.element_id, ""): v for v in submission.values.all()}
    )
    stored = {code: (v.number, v.text) for code, v in current.items() if code}
    changes: list[dict[str, str]] = []
    to_create, to_update, to_delete = [], [], []
    for code, (number, text) in parsed.items():
        element = definition.element(code)
        old = current.get(code)
        old_display = display_value(element, old.number, old.text) if old else ""
        new_display = display_value(element, number, text)
        if old_display == new_display:
            continue
        changes.append({"element": code, "old": old_display, "new": new_display})
        if number is None and not text:
            stored.pop(code, None)
            if old:
                to_delete.append(old.pk)
            continue
        stored[code] = (number, text)
        if old:
            old.number, old.text = number, text
            to_update.append(old)
        else:
            to_create.append(
                DataValue(
                    submission=submission,
                    element_id=element_ids[code],
                    org_unit_id=submission.org_unit_id,
                    period=submission.period,
                    number=number,
                    text=text,
                )
            )
    # Each only when needed: even an empty delete builds its query and collector.
    if to_create:
        DataValue.objects.bulk_create(to_create)
    if to_update:
        DataValue.objects.bulk_update(to_update, ["number", "text"])
    if to_delete:
        DataValue.objects.filter(pk__in=to_delete).delete()
    return changes, stored
