"""Word documents: a Chinese-ready document and plain tables, shared by every report.

Every text goes in through `centred`, `paragraph_add` or `table_add`, which clean it
(`core.text.text_clean`): a vertical tab pasted from Word into a narrative would
otherwise make the XML writer fail and the export answer 500 for everyone."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from eduplan.core.text import text_clean

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def document_new(*, size: int = 12, east_asian_font: str = "宋体") -> Any:
    """An A4 document laid out as 公文 are (GB/T 9704: margins 37/35 mm top/bottom,
    28/26 mm left/right), whose Normal style sets the East Asian font Chinese text takes."""
    doc = Document()  # python-docx's template is US Letter
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    style = doc.styles["Normal"]
    style.font.size = Pt(size)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian_font)
    return doc


def centred(doc: Any, text: str, *, size: int | None = None, bold: bool = False) -> Any:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text_clean(text))
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return paragraph


def paragraph_add(doc: Any, text: str = "", style: str | None = None) -> Any:
    """A paragraph of cleaned text."""
    return doc.add_paragraph(text_clean(text), style)


def table_add(doc: Any, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Any:
    """A grid table with a bold header row; every cell is plain text."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text_clean(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text_clean(text)
    return table


def document_bytes(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
