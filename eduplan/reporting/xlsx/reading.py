"""Reading an uploaded workbook: every cell of the two sheets, as plain values.

Formulas are read as formulas (never their results), the archive is checked before
anything parses it (`core.archives.archive_check`: parts, unpacked sizes, compression)
and the reading stops at the row, column and text limits, text is cleaned as every input
is (`core.text.text_clean`), and a cell's value becomes the text a stored value displays
as, so that the two can be compared. openpyxl is kept here (not core.sheet) for the
number formats (a percent cell) and dates it resolves; it reads every shared string
first, so that part is bounded on its own (MAX_SHARED_STRINGS_BYTES).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import openpyxl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy

from eduplan.core.archives import archive_check
from eduplan.core.errors import InputError
from eduplan.core.numbers import plain_number
from eduplan.core.sheet import ERR_STRING_TOO_LONG, SheetTooLarge
from eduplan.core.text import text_clean
from eduplan.reporting.xlsx.template import DATA_SHEET, FIRST_ROW, INFO_SHEET

MAX_ROWS = 20000
MAX_COLUMNS = 300
# A report's shared strings are its units' names and short texts: far below this.
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024
ERR_SHARED_STRINGS = gettext_lazy(
    "The workbook's table of texts unpacks to %(size)s; a report's may be at most %(max)s."
)


@dataclass(frozen=True)
class Cell:
    value: Any
    data_type: str
    number_format: str
    cached: Any = None  # a formula's result as the workbook saved it (None if it did not)


def sheets_read(data: bytes) -> dict[str, list[list[Cell]]]:
    """Every cell of the sheets the import reads: values and formulas, and for a formula
    the result the workbook saved with it (Excel and WPS save one; a generated file may not).
    Raises InputError for an archive refused before parsing or a text past the limit."""
    archive_check(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "xl/sharedStrings.xml" in names:
            size = archive.getinfo("xl/sharedStrings.xml").file_size
            if size > MAX_SHARED_STRINGS_BYTES:
                sizes = {
                    "size": filesizeformat(size),
                    "max": filesizeformat(MAX_SHARED_STRINGS_BYTES),
                }
                raise InputError(str(ERR_SHARED_STRINGS) % sizes)
    limit = settings.EDUPLAN_SHEET_MAX_STRING_CHARS
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheets: dict[str, list[list[Cell]]] = {}
        for name in (DATA_SHEET, INFO_SHEET):
            if name not in wb.sheetnames:
                continue
            rows: list[list[Cell]] = []
            for row in wb[name].iter_rows(max_col=MAX_COLUMNS):
                rows.append([_cell(c, name, len(rows) + 1, limit) for c in row])
                if len(rows) > MAX_ROWS + FIRST_ROW:
                    break
            sheets[name] = rows
    finally:
        wb.close()
    if any(c.data_type == "f" for rows in sheets.values() for row in rows for c in row):
        _cached_results_add(data, sheets)
    return sheets


def _cached_results_add(data: bytes, sheets: dict[str, list[list[Cell]]]) -> None:
    """Read the workbook a second time for its saved results, only when it has formulas."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for name, rows in sheets.items():
            for r, row in enumerate(wb[name].iter_rows(max_col=MAX_COLUMNS, max_row=len(rows))):
                for c, cell in enumerate(row):
                    if c < len(rows[r]) and rows[r][c].data_type == "f":
                        rows[r][c] = replace(rows[r][c], cached=getattr(cell, "value", None))
    finally:
        wb.close()


def _cell(c: Any, sheet: str, row: int, limit: int) -> Cell:
    value = getattr(c, "value", None)
    if isinstance(value, str):
        if len(value) > limit:
            column = getattr(c, "column_letter", "")
            raise SheetTooLarge(
                str(ERR_STRING_TOO_LONG) % {"max": limit}, where=f"{sheet}!{column}{row}"
            )
        value = text_clean(value)
    return Cell(
        value,
        getattr(c, "data_type", "n"),
        str(getattr(c, "number_format", "General") or "General"),
    )


def cell_at(rows: list[list[Cell]], row: int, col: int) -> Cell:
    if row - 1 < len(rows) and col - 1 < len(rows[row - 1]):
        return rows[row - 1][col - 1]
    return Cell(None, "n", "General")


def cell_text(value: Any) -> str:
    """A cell's value as text, to compare with a stored value's display."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return plain_number(value)
    return str(value).strip()


def unit_code(value: Any) -> str:
    if isinstance(value, float) and value == int(value):
        value = int(value)  # a code typed as a number, e.g. 410105
    return cell_text(value)


def info_values(rows: list[list[Cell]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for row in rows:
        if len(row) >= 3 and isinstance(row[2].value, str) and row[2].value.strip():
            found[row[2].value.strip()] = cell_text(row[1].value)
    return found
