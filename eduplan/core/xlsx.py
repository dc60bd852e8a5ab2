"""Writing spreadsheets safely: text never becomes a formula, any table becomes a workbook.

Every export goes through `cell_put`, so a value typed by a user ("=HYPERLINK(…)",
"+1", "@SUM(…)") stays text in Excel and LibreOffice (CSV/xlsx injection).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import openpyxl
from django.utils import timezone
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from eduplan.core.text import text_clean

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A text starting with one of these would be a formula (or DDE) once retyped in a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
CELL_TEXT_MAX = 32_767  # Excel's limit on the text of one cell
SHEET_TITLE_LIMIT = 31  # Excel's limit on sheet names
SHEET_TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def cell_put(ws: Worksheet, row: int, column: int, value: Any) -> Cell | MergedCell:
    """Write a value; text is always stored as text, never as a formula."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        # Control characters (other than tab and newlines) and lone surrogates are not
        # allowed in the XML; Excel holds at most CELL_TEXT_MAX characters in a cell.
        value = text_clean(value)
        if len(value) > CELL_TEXT_MAX:
            value = value[: CELL_TEXT_MAX - 1] + "…"
        cell.value = value
        # openpyxl reads "=..." as a formula: force a string cell, and mark it like a
        # typed apostrophe so that Excel keeps it text when someone edits the cell.
        cell.data_type = "s"
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    elif isinstance(value, Decimal):
        normal = value.normalize()
        cell.value = int(normal) if normal == normal.to_integral_value() else value
    elif isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # Excel has no time zones (openpyxl refuses aware times): write the local time
        # the pages show, not the stored UTC.
        cell.value = timezone.localtime(value).replace(tzinfo=None)
    elif value is None or isinstance(value, (int, float, datetime.date)):
        cell.value = value
    else:
        cell_put(ws, row, column, str(value))
    return cell


def sheet_title(text: str) -> str:
    return text_clean(text).translate(SHEET_TITLE_FORBIDDEN)[:SHEET_TITLE_LIMIT] or "Sheet"


def table_xlsx(
    *,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    note: str = "",
) -> bytes:
    """One sheet: a title line, an optional note, a header row and the rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one sheet
    ws.title = sheet_title(title)
    cell_put(ws, 1, 1, title).font = TITLE_FONT
    start = 2
    if note:
        cell_put(ws, 2, 1, note)
        start = 3
    for column, name in enumerate(header, start=1):
        cell = cell_put(ws, start, column, name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(column)].width = max(10, min(40, 2 * len(name) + 4))
    for r, row in enumerate(rows, start=start + 1):
        for column, value in enumerate(row, start=1):
            cell_put(ws, r, column, value)
    ws.freeze_panes = ws.cell(row=start + 1, column=1).coordinate
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
