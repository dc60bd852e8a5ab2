"""A ledger definition written as an XLSForm-flavoured workbook, read into the same data a
YAML file gives and checked by the same shape (`definitions.definition_from_data`).

Sheets (ASCII codes beside Chinese labels, as XLSForm has them):
- survey: type (text, number, integer, date, yes_no, unit, file, person, or
  `select_one LIST` / `select_multiple LIST`), name, label, required, min, max,
  pattern, unit_types (space-separated), ownership (public or private), relevant
  (`${field} != ''` or `${field} = 'value'`), public, unit;
- choices: list_name, name, label (the label is what a record stores);
- settings: form_id, form_title, description, keeper_department or keeper_units (with
  keeper_level: unit or district), unit, date, unique (space-separated), public, review
  (next_level) and review_department;
- metrics: name, label, unit, kind, field, date, where (`field=value|value; field=value`).
A refusal names the sheet and row the problem comes from (`survey!5`).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from eduplan.core.archives import archive_check
from eduplan.core.errors import InputError
from eduplan.core.sheet import SheetMissing, SheetTooLarge, sheet_rows
from eduplan.ledgers.definitions import LedgerDefinition, definition_from_data

RELEVANT = re.compile(r"^\$\{(\w+)\}\s*(?:!=\s*''|=\s*'([^']*)')$")
PLACE = re.compile(r"^(fields|metrics)\[(\d+)\]")
TRUE = {"yes", "true", "1", "是", True}


def _table(data: bytes, sheet: str, source: str, *, required: bool = True) -> list[dict[str, Any]]:
    """The sheet's rows as {header: value}, each with its row number under "#row"."""
    try:
        rows = list(sheet_rows(data, sheet))
    except SheetTooLarge as exc:
        raise SheetTooLarge(exc.message, where=f"{source} {exc.where}") from None
    except SheetMissing:
        if not required:
            return []
        raise InputError(
            _("the workbook has no sheet “%(sheet)s”") % {"sheet": sheet}, where=source
        ) from None
    if not rows:
        return []
    header = [str(h).strip() if h is not None else "" for h in rows[0][1]]
    out = []
    for number, values in rows[1:]:
        row = {h: v for h, v in zip(header, values, strict=False) if h and v not in (None, "")}
        if row:
            out.append({**row, "#row": number})
    return out


def _field(row: dict[str, Any], lists: dict[str, list[str]], where: str) -> dict[str, Any]:
    kind, _sep, list_name = str(row.get("type", "")).partition(" ")
    field: dict[str, Any] = {"code": row.get("name"), "label": row.get("label"), "type": kind}
    if kind in {"select_one", "select_multiple"}:
        field["type"] = "choice" if kind == "select_one" else "multi_choice"
        if list_name not in lists:
            raise InputError(_("no choice list %(name)s") % {"name": list_name}, where=where)
        field["choices"] = lists[list_name]
    for key in ("min", "max", "pattern", "unit", "help", "ownership"):
        if key in row:
            field[key] = row[key]
    for key in ("required", "public"):
        if key in row:
            field[key] = row[key] in TRUE
    if "unit_types" in row:
        field["unit_types"] = str(row["unit_types"]).split()
    if "relevant" in row:
        match = RELEVANT.match(str(row["relevant"]).strip())
        if match is None:
            raise InputError(_("write ${field} != '' or ${field} = 'value'"), where=where)
        field["relevant"] = {"field": match.group(1)}
        if match.group(2) is not None:
            field["relevant"]["values"] = [match.group(2)]
    return field


def _metric(row: dict[str, Any]) -> dict[str, Any]:
    metric = {"code": row.get("name"), "name": row.get("label")}
    metric.update({k: row[k] for k in ("unit", "kind", "field", "date") if k in row})
    where: dict[str, Any] = {}
    for part in str(row.get("where", "")).split(";"):
        key, _sep, values = part.partition("=")
        if key.strip():
            listed = [v.strip() for v in values.split("|")]
            where[key.strip()] = listed if len(listed) > 1 else listed[0]
    if where:
        metric["where"] = where
    return metric


def _settings(row: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"code": row.get("form_id"), "name": row.get("form_title")}
    for key in ("description", "unit", "date"):
        if key in row:
            data[key] = row[key]
    if "keeper_department" in row:
        data["keeper"] = {"department": row["keeper_department"]}
    else:
        data["keeper"] = {"units": row.get("keeper_units") in TRUE}
        if "keeper_level" in row:
            data["keeper"]["level"] = row["keeper_level"]
    if "review" in row:
        data["review"] = {"by": row["review"]}
        if "review_department" in row:
            data["review"]["department"] = row["review_department"]
    if "unique" in row:
        data["unique"] = str(row["unique"]).split()
    if "public" in row:
        data["public"] = row["public"] in TRUE
    return data


def xlsform_definition(*, data: bytes, source: str) -> LedgerDefinition:
    """The definition a workbook declares, or a refusal naming sheet and row."""
    archive_check(data, where=source)  # before any part is parsed
    lists: dict[str, list[str]] = {}
    for row in _table(data, "choices", source, required=False):
        lists.setdefault(str(row.get("list_name", "")), []).append(str(row.get("label", "")))
    survey = _table(data, "survey", source)
    settings = _table(data, "settings", source)
    metrics = _table(data, "metrics", source, required=False)
    ledger = _settings(settings[0] if settings else {})
    ledger["fields"] = [_field(r, lists, f"{source} survey!{r['#row']}") for r in survey]
    ledger["metrics"] = [_metric(r) for r in metrics]
    try:
        return definition_from_data(ledger, source=source)
    except InputError as exc:
        # `fields[3].type` is the survey's fifth row: name the row the author sees.
        inside = exc.where.removeprefix(f"{source}: ")
        match = PLACE.match(inside)
        if match is None:
            raise
        rows = survey if match.group(1) == "fields" else metrics
        sheet = "survey" if match.group(1) == "fields" else "metrics"
        row = rows[int(match.group(2))]["#row"]
        raise InputError(exc.message, where=f"{source} {sheet}!{row} {inside}") from None
