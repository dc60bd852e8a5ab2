"""Reading one sheet of an .xlsx workbook fast: its rows as plain values, streamed.

A ledger workbook may hold 100,000 rows; openpyxl builds an object per cell and reads
such a file in tens of seconds. This reader parses the sheet's XML with expat (C speed)
and gives each cell as the workbook stores it: text (shared or inline), a number, a
bool, or a formula as "=…" so that the value parser refuses it. Dates are numbers in the
file (Excel's day count); the import turns them into dates where a date is wanted. The
caller bounds the unpacked size first (`reporting.xlsx.reading.unzipped_size`).
"""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.parsers import expat

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
COLUMN = re.compile(r"([A-Z]+)")
EXCEL_EPOCH = datetime.date(1899, 12, 30)


class SheetMissing(KeyError):
    pass


def _column(ref: str) -> int:
    match = COLUMN.match(ref)
    number = 0
    for char in match.group(1) if match else "":
        number = number * 26 + ord(char) - 64
    return number - 1


def _parse(data: bytes, start: Any, end: Any, text: Any) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.Parse(data, True)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: list[str] = []
    parts: list[str] = []
    inside = [False]

    def start(name: str, _attrs: dict[str, str]) -> None:
        if name == f"{MAIN} si":
            parts.clear()
        elif name == f"{MAIN} t":
            inside[0] = True

    def end(name: str) -> None:
        if name == f"{MAIN} si":
            strings.append("".join(parts))
        elif name == f"{MAIN} t":
            inside[0] = False

    def text(data: str) -> None:
        if inside[0]:
            parts.append(data)

    _parse(archive.read("xl/sharedStrings.xml"), start, end, text)
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

    _parse(archive.read("xl/workbook.xml"), on_sheet, None, None)
    _parse(archive.read("xl/_rels/workbook.xml.rels"), on_rel, None, None)
    target = targets.get(ids.get(sheet, ""), "")
    if not target:
        raise SheetMissing(sheet)
    return target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)


def sheet_rows(data: bytes, sheet: str) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values from column A) for every row of the sheet that has cells."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    strings = _shared_strings(archive)
    path = _sheet_path(archive, sheet)
    rows: list[tuple[int, list[Any]]] = []
    state: dict[str, Any] = {"row": 0, "cells": {}, "col": 0, "type": "n", "text": None, "f": None}

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == f"{MAIN} row":
            state["row"] = int(attrs.get("r", state["row"] + 1))
            state["cells"] = {}
        elif name == f"{MAIN} c":
            ref = attrs.get("r")
            state["col"] = _column(ref) if ref else len(state["cells"])
            state["type"] = attrs.get("t", "n")
            state["text"], state["f"] = None, None
        elif name in (f"{MAIN} v", f"{MAIN} t"):
            state["text"] = []
        elif name == f"{MAIN} f":
            state["f"] = []

    def text(chunk: str) -> None:
        if state["f"] is not None and state["text"] is None:
            state["f"].append(chunk)
        elif state["text"] is not None:
            state["text"].append(chunk)

    def end(name: str) -> None:
        if name == f"{MAIN} c":
            state["cells"][state["col"]] = _value(state, strings)
            state["text"], state["f"] = None, None
        elif name == f"{MAIN} f":
            state["f"] = state["f"] or [""]
        elif name == f"{MAIN} row":
            cells = state["cells"]
            if cells:
                width = max(cells) + 1
                rows.append((state["row"], [cells.get(i) for i in range(width)]))

    _parse(archive.read(path), start, end, text)
    yield from rows


def _value(state: dict[str, Any], strings: list[str]) -> Any:
    if state["f"] is not None:
        return "=" + "".join(state["f"])
    raw = "".join(state["text"] or [])
    kind = state["type"]
    if kind == "s":
        return strings[int(raw)] if raw else None
    if kind in ("inlineStr", "str"):
        return raw
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
