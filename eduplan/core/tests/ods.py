"""A minimal OpenDocument spreadsheet writer for tests: the sheets of an .xlsx as .ods,
as LibreOffice or WPS would save them (strings, numbers, dates, booleans as numbers)."""

from __future__ import annotations

import datetime
import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

import openpyxl

MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet>"
)


def _cell(value: object) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{day.isoformat()}">'
            f"<text:p>{day.isoformat()}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
        "</table:table-cell>"
    )


def xlsx_as_ods(data: bytes) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    body = [HEAD]
    for sheet in book.worksheets:
        body.append(f"<table:table table:name={quoteattr(sheet.title)}>")
        for row in sheet.iter_rows(values_only=True):
            body.append("<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>")
        body.append("</table:table>")
    body.append("</office:spreadsheet></office:body></office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )  # first and stored, as the format requires
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        archive.writestr("content.xml", "".join(body), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
