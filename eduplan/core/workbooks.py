"""Workbooks as bureau staff save them: .xls (Excel 97–2003, older WPS), .et (WPS) and
.ods (LibreOffice/WPS) read with calamine and rewritten as .xlsx, so every import reads
one format. A file that is none of these is left to the .xlsx reader to refuse."""

from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import python_calamine

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and .et (BIFF in an OLE container)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
MAX_PARTS = 200
# What a file input offers: the formats this module reads, by name and by type.
WORKBOOK_ACCEPT = (
    ".xlsx,.xls,.et,.ods,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet"
)


class WorkbookUnreadable(ValueError):
    """The file looked like an .xls/.et/.ods workbook but could not be read."""


def workbook_kind(data: bytes) -> str:
    """'xls' (also WPS .et), 'ods', 'xlsx' or '' by content, not by name."""
    if data.startswith(OLE_MAGIC):
        return "xls"
    if data.startswith(b"PK\x03\x04"):
        if data[30:38] == b"mimetype" and ODS_MIMETYPE in data[38:120]:
            return "ods"
        return "xlsx"
    return ""


def workbook_as_xlsx(data: bytes, *, max_unzipped: int) -> bytes:
    """`data` unchanged unless it is an .xls/.et/.ods workbook, then the same sheets and
    values (formulas as their saved results) as .xlsx. An .ods whose parts unpack past
    `max_unzipped` bytes is refused before it is parsed."""
    kind = workbook_kind(data)
    if kind not in ("xls", "ods"):
        return data
    if kind == "ods":
        try:
            parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
        except zipfile.BadZipFile as exc:
            raise WorkbookUnreadable(str(exc)) from None
        if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > max_unzipped:
            raise WorkbookUnreadable("unpacks too large")
    try:
        source = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        out = openpyxl.Workbook(write_only=True)
        for name in source.sheet_names:
            sheet = out.create_sheet(title=name)
            for row in source.get_sheet_by_name(name).to_python(skip_empty_area=False):
                sheet.append([_cell(value) for value in row])
    except python_calamine.CalamineError as exc:
        raise WorkbookUnreadable(str(exc)) from None
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _cell(value: object) -> object:
    """Empty cells as empty, whole floats as integers (calamine reads every number as a
    float; a count of 12 pupils stays 12), the rest as they are."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.timedelta):
        return str(value)
    return value
