"""Crafted Office files for the tests: a minimal workbook or document with any parts,
written part by part so that a bomb is never held in memory unpacked."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)
WORKBOOK = (
    f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
).encode()
RELS = (
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    b"</Relationships>"
)
Part = bytes | Iterable[bytes]


def zip_of(parts: dict[str, Part]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in [content] if isinstance(content, bytes) else content:
                    part.write(chunk)
    return out.getvalue()


def sheet_xml(rows: Iterable[bytes]) -> Iterable[bytes]:
    yield f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
    yield from rows
    yield b"</sheetData></worksheet>"


def workbook(sheet: Part, extra: dict[str, Part] | None = None) -> bytes:
    """An .xlsx whose sheet "Data" is `sheet`, with more parts by name."""
    parts: dict[str, Part] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": RELS,
        "xl/worksheets/sheet1.xml": sheet,
    }
    parts |= extra or {}
    return zip_of(parts)


def repeated(chunk: bytes, total: int) -> Iterable[bytes]:
    block = chunk * max(1, (1024 * 1024) // len(chunk))
    for _ in range(total // len(block)):
        yield block


def docx_bomb(unpacked: int) -> bytes:
    """A .docx with a normal document and a zero-filled part of `unpacked` bytes."""
    body = (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>plan</w:t></w:r></w:p></w:body></w:document>"
    )
    return zip_of(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": body,
            "word/media/zeros.bin": repeated(b"\0", unpacked),
        }
    )
