"""Reading one sheet of an .xlsx workbook fast: its rows as plain values, streamed.

A ledger workbook may hold 100,000 rows; openpyxl builds an object per cell and reads
such a file in tens of seconds. This reader parses the sheet's XML with expat (C speed)
in chunks and gives each cell as the workbook stores it: text (shared or inline), a
number, a bool, or a formula as "=…" so that the value parser refuses it. Dates are
numbers in the file (Excel's day count); the import turns them into dates where a date
is wanted. Text is cleaned as every input is (`core.text.text_clean`).

A crafted workbook cannot hold a worker: the archive is checked first
(`core.archives.archive_check`), and the reading stops at the first row past
EDUPLAN_SHEET_MAX_ROWS, the first column past EDUPLAN_SHEET_MAX_COLUMNS or the first
text longer than EDUPLAN_SHEET_MAX_STRING_CHARS (`SheetTooLarge`, naming sheet, row and
column). Shared strings are read after the sheet and only as far as its cells use them,
so a huge table of strings no cell uses is never parsed.
"""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext_lazy

from eduplan.core.archives import archive_check, archive_part_open
from eduplan.core.errors import InputError
from eduplan.core.text import text_clean

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
COLUMN = re.compile(r"([A-Z]+)")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
CHUNK = 256 * 1024

ERR_TOO_MANY_ROWS = gettext_lazy("The sheet has more than %(max)s rows.")
ERR_TOO_MANY_COLUMNS = gettext_lazy("The sheet has more than %(max)s columns.")
ERR_STRING_TOO_LONG = gettext_lazy("A text is longer than %(max)s characters.")
ERR_SHARED_STRING = gettext_lazy("A cell names a shared text the workbook does not hold.")


class SheetMissing(KeyError):
    pass


class SheetTooLarge(InputError):
    """The sheet passes a limit: reading stopped there."""


class _Stop(Exception):
    pass


@dataclass(frozen=True)
class SheetLimits:
    rows: int
    columns: int
    string_chars: int

    @classmethod
    def from_settings(cls) -> SheetLimits:
        return cls(
            rows=settings.EDUPLAN_SHEET_MAX_ROWS,
            columns=settings.EDUPLAN_SHEET_MAX_COLUMNS,
            string_chars=settings.EDUPLAN_SHEET_MAX_STRING_CHARS,
        )


@dataclass(frozen=True)
class _Shared:
    index: int


def _column(ref: str) -> int:
    match = COLUMN.match(ref)
    number = 0
    for char in match.group(1) if match else "":
        number = number * 26 + ord(char) - 64
    return number - 1


def _parser(start: Any, end: Any, text: Any) -> Any:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    return parser


def _parse_part(archive: zipfile.ZipFile, name: str, start: Any, end: Any, text: Any) -> None:
    """Parse a part in chunks, so that a handler raising `_Stop` ends the reading early."""
    parser = _parser(start, end, text)
    try:
        with archive_part_open(archive, name) as part:
            while chunk := part.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Stop:
        return


def _shared_strings(
    archive: zipfile.ZipFile, wanted: int, limits: SheetLimits, where: str
) -> list[str]:
    """The first `wanted` shared strings (those the sheet's cells use)."""
    if wanted == 0 or "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: list[str] = []
    parts: list[str] = []
    inside = [False]
    size = [0]

    def start(name: str, _attrs: dict[str, str]) -> None:
        if name == f"{MAIN} si":
            parts.clear()
            size[0] = 0
        elif name == f"{MAIN} t":
            inside[0] = True

    def end(name: str) -> None:
        if name == f"{MAIN} si":
            strings.append(text_clean("".join(parts)))
            if len(strings) >= wanted:
                raise _Stop
        elif name == f"{MAIN} t":
            inside[0] = False

    def text(data: str) -> None:
        if inside[0]:
            size[0] += len(data)
            if size[0] > limits.string_chars:
                message = str(ERR_STRING_TOO_LONG) % {"max": limits.string_chars}
                raise SheetTooLarge(message, where=f"{where} (sharedStrings #{len(strings) + 1})")
            parts.append(data)

    _parse_part(archive, "xl/sharedStrings.xml", start, end, text)
    return strings


def _sheet_path(archive: zipfile.ZipFile, sheet: str) -> str:
    """The part holding the sheet named `sheet`, through workbook.xml and its relations."""
    ids: dict[str, str] = {}
    targets: dict[str, str] = {}

    def on_sheet(name: str, attrs: dict[str, str]) -> None:
        if name == f"{MAIN} sheet":
            ids[attrs.get("name", "")] = attrs.get(f"{REL} id", "")

    def on_rel(name: str, attrs: dict[str, str]) -> None:
        if name == f"{PKG_REL} Relationship":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    _parse_part(archive, "xl/workbook.xml", on_sheet, None, None)
    _parse_part(archive, "xl/_rels/workbook.xml.rels", on_rel, None, None)
    target = targets.get(ids.get(sheet, ""), "")
    if not target:
        raise SheetMissing(sheet)
    return target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_rows(
    data: bytes, sheet: str, *, limits: SheetLimits | None = None
) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values from column A) for every row of the sheet that has cells.
    Raises InputError for an archive `archive_check` refuses and SheetTooLarge at the
    first limit passed."""
    limits = limits or SheetLimits.from_settings()
    archive_check(data, where=sheet)
    archive = zipfile.ZipFile(io.BytesIO(data))
    path = _sheet_path(archive, sheet)
    rows: list[tuple[int, list[Any]]] = []
    state: dict[str, Any] = {"row": 0, "cells": {}, "col": 0, "type": "n", "text": None, "f": None}
    wanted = [0]

    def refuse(message: str, column: int | None = None) -> None:
        place = f"{sheet}!{_letters(column) if column is not None else ''}{state['row']}"
        raise SheetTooLarge(message, where=place)

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == f"{MAIN} row":
            state["row"] = int(attrs.get("r", state["row"] + 1))
            state["cells"] = {}
            if len(rows) >= limits.rows:
                refuse(str(ERR_TOO_MANY_ROWS) % {"max": limits.rows})
        elif name == f"{MAIN} c":
            ref = attrs.get("r")
            state["col"] = _column(ref) if ref else len(state["cells"])
            if state["col"] >= limits.columns:
                refuse(str(ERR_TOO_MANY_COLUMNS) % {"max": limits.columns}, state["col"])
            state["type"] = attrs.get("t", "n")
            state["text"], state["f"] = None, None
            state["size"] = 0
        elif name in (f"{MAIN} v", f"{MAIN} t"):
            state["text"] = []
        elif name == f"{MAIN} f":
            state["f"] = []

    def text(chunk: str) -> None:
        if state["f"] is None and state["text"] is None:
            return
        state["size"] = state.get("size", 0) + len(chunk)
        if state["size"] > limits.string_chars:
            refuse(str(ERR_STRING_TOO_LONG) % {"max": limits.string_chars}, state["col"])
        if state["f"] is not None and state["text"] is None:
            state["f"].append(chunk)
        else:
            state["text"].append(chunk)

    def end(name: str) -> None:
        if name == f"{MAIN} c":
            value = _value(state)
            if isinstance(value, _Shared):
                wanted[0] = max(wanted[0], value.index + 1)
            state["cells"][state["col"]] = value
            state["text"], state["f"] = None, None
        elif name == f"{MAIN} f":
            state["f"] = state["f"] or [""]
        elif name == f"{MAIN} row":
            cells = state["cells"]
            if cells:
                width = max(cells) + 1
                rows.append((state["row"], [cells.get(i) for i in range(width)]))

    _parse_part(archive, path, start, end, text)
    strings = _shared_strings(archive, wanted[0], limits, sheet)
    resolve = _resolver(strings, sheet)
    for number, values in rows:
        yield number, [resolve(v, number) for v in values]


def _resolver(strings: list[str], sheet: str) -> Callable[[Any, int], Any]:
    def resolve(value: Any, row: int) -> Any:
        if not isinstance(value, _Shared):
            return value
        if value.index >= len(strings):
            raise InputError(str(ERR_SHARED_STRING), where=f"{sheet}!{row}")
        return strings[value.index]

    return resolve


def _value(state: dict[str, Any]) -> Any:
    if state["f"] is not None:
        return "=" + text_clean("".join(state["f"]))
    raw = "".join(state["text"] or [])
    kind = state["type"]
    if kind == "s":
        return _Shared(int(raw)) if raw.strip().isdigit() else None
    if kind in ("inlineStr", "str"):
        return text_clean(raw)
    if kind == "b":
        return raw == "1"
    if kind == "e":
        return raw
    if raw == "":
        return None
    number = float(raw)
    return int(number) if number.is_integer() and "." not in raw and "E" not in raw else number


def excel_day(value: float) -> datetime.date:
    """A date stored as Excel's day count."""
    return EXCEL_EPOCH + datetime.timedelta(days=int(value))
