"""Turning an uploaded plan file (text in UTF-8 or GB18030, or a .docx) into text.

Bureaus send plans as whatever their office software saved: UTF-8 with or without a
BOM, GBK/GB18030 from older Windows tools, UTF-16 from Notepad's "Unicode", or Word.
Anything else is refused with a message that names the file and says what is wrong.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eduplan.core.numbers import chinese_number
from eduplan.core.text import text_clean

MAX_BYTES = 5 * 1024 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
_PDF_MAGIC = b"%PDF"
# Control bytes that never occur in a text file (tab, newlines, form feed and ESC may).
_CONTROL = frozenset(range(0x00, 0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1A, 0x1B}


class PlanReadError(Exception):
    """A plan file that cannot be read or holds no plan: the message says what and where."""


def _name(filename: str) -> str:
    """The file's own name, which is what a person uploading it recognises."""
    return Path(filename).name or filename


def _binary_offset(data: bytes) -> int | None:
    """The 0-based offset where binary content starts, or None for text-like bytes."""
    nul = data.find(b"\x00")
    if nul >= 0:
        return nul
    sample = data[:65536]
    first: int | None = None
    count = 0
    for i, byte in enumerate(sample):
        if byte in _CONTROL:
            count += 1
            if first is None:
                first = i
    # A stray control byte or two is tolerated (copy-paste debris); many are not text.
    if first is not None and count > max(4, len(sample) // 100):
        return first
    return None


def _decode_text(data: bytes, name: str) -> str:
    """Decode text bytes: BOMs first, then UTF-8, then GB18030, both strict."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PlanReadError(
                f"无法识别的文件编码：{name}（带 UTF-8 标记，但第 {exc.start + 4} 字节不是 UTF-8）"
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise PlanReadError(
                f"无法识别的文件编码：{name}（带 UTF-16 标记，但内容不是 UTF-16）"
            ) from None
    offset = _binary_offset(data)
    if offset is not None:
        raise PlanReadError(f"不是文本或 Word 文档：{name}（第 {offset + 1} 字节起为二进制内容）")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanReadError(f"无法识别的文件编码：{name}（既不是 UTF-8 也不是 GB18030）")


def _format_counter(value: int, fmt: str) -> str:
    """One level's counter in Word's number format."""
    if fmt.startswith(("chinese", "ideograph", "taiwanese", "japanese")):
        return chinese_number(value)
    if fmt == "lowerLetter":
        return chr(ord("a") + (value - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (value - 1) % 26)
    return str(value)


class _WordNumbering:
    """Renders Word's automatic list numbers, which are not part of the paragraph text.

    Work points are often typed as an auto-numbered list; without the numbers the
    parser could not tell where one point ends and the next begins.
    """

    def __init__(self, document: Any) -> None:
        from docx.oxml.ns import qn

        self._qn = qn
        self._levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._styles = document.styles
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in numbering.findall(qn("w:abstractNum")):
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in node.findall(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                fmt = self._val(lvl, "w:numFmt") or "decimal"
                text = self._val(lvl, "w:lvlText") or ""
                start = int(self._val(lvl, "w:start") or "1")
                levels[ilvl] = (fmt, text, start)
            abstract[node.get(qn("w:abstractNumId"), "")] = levels
        for node in numbering.findall(qn("w:num")):
            abstract_id = self._val(node, "w:abstractNumId")
            if abstract_id in abstract:
                self._levels[node.get(qn("w:numId"), "")] = abstract[abstract_id]

    def _val(self, node: Any, tag: str) -> str | None:
        child = node.find(self._qn(tag))
        return None if child is None else child.get(self._qn("w:val"))

    def _num_pr(self, paragraph: Any) -> tuple[str, int] | None:
        """(numId, level) from the paragraph or, failing that, its style chain."""
        qn = self._qn
        candidates = [paragraph._p.pPr]
        style = paragraph.style
        while style is not None:
            candidates.append(style.element.pPr)
            style = style.base_style
        for ppr in candidates:
            if ppr is None:
                continue
            num_pr = ppr.find(qn("w:numPr"))
            if num_pr is None:
                continue
            num_id = self._val(num_pr, "w:numId")
            ilvl = int(self._val(num_pr, "w:ilvl") or "0")
            if num_id is None or num_id == "0":
                return None
            return num_id, ilvl
        return None

    def label(self, paragraph: Any) -> str:
        """The rendered list number for a paragraph ("" when it is not numbered)."""
        found = self._num_pr(paragraph)
        if found is None:
            return ""
        num_id, ilvl = found
        levels = self._levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self._counters.setdefault(num_id, {})
        fmt, text, start = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt in ("bullet", "none"):
            return ""
        out = text
        for level in range(ilvl + 1):
            lfmt, _, lstart = levels.get(level, ("decimal", "", 1))
            value = counters.get(level, lstart)
            out = out.replace(f"%{level + 1}", _format_counter(value, lfmt))
        return out


def _docx_blocks(document: Any) -> Iterator[str]:
    """Paragraphs and table rows in document order; a row's cells are joined by tabs."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = _WordNumbering(document)
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = paragraph.text
            label = numbering.label(paragraph)
            yield label + text if label and text.strip() else text
        elif tag == "tbl":
            table = Table(child, document)
            for row in table.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    # Merged cells come back once per grid column: keep each once.
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(p.text.strip() for p in cell.paragraphs).strip())
                yield "\t".join(cells)


def _read_docx(data: bytes, name: str) -> str:
    """The text of a Word document, paragraphs and table cells in order."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise PlanReadError(
            f"无法读取 Word 文档：{name}（文件已损坏或不是 .docx：{exc}）"
        ) from None
    except Exception as exc:  # python-docx raises its own and lxml's errors on bad parts
        raise PlanReadError(f"无法读取 Word 文档：{name}（{type(exc).__name__}）") from None
    return "\n".join(_docx_blocks(document))


def _tidy(text: str) -> str:
    """One newline convention and no BOM, so offsets are stable for highlighting."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    return text_clean(text)


def read_plan_bytes(data: bytes, filename: str) -> str:
    """Decode an uploaded plan (UTF-8, GB18030/GBK, UTF-16 with BOM, or .docx) into text."""
    name = _name(filename)
    if not data:
        raise PlanReadError(f"文件为空：{name}")
    if len(data) > MAX_BYTES:
        raise PlanReadError(f"文件超过大小限制（{MAX_BYTES // (1024 * 1024)} MB）：{name}")
    if data.startswith(_ZIP_MAGIC) or name.lower().endswith(".docx"):
        text = _read_docx(data, name)
    elif data.startswith(_OLE_MAGIC):
        raise PlanReadError(
            f"不是文本或 Word 文档：{name}（旧版 .doc 格式，请另存为 .docx 或文本文件）"
        )
    elif data.startswith(_PDF_MAGIC):
        raise PlanReadError(
            f"不是文本或 Word 文档：{name}（PDF 文件，请先转换为 .docx 或文本文件）"
        )
    else:
        text = _decode_text(data, name)
    text = _tidy(text)
    if not text.strip():
        raise PlanReadError(f"文件为空：{name}")
    return text


def read_plan_file(path: str | os.PathLike[str]) -> str:
    """Read a plan file from disk, refusing one over MAX_BYTES before reading it."""
    file = Path(path)
    name = file.name
    try:
        size = file.stat().st_size
    except FileNotFoundError:
        raise PlanReadError(f"找不到文件：{name}") from None
    except OSError as exc:
        raise PlanReadError(f"无法读取文件：{name}（{exc.strerror}）") from None
    if size > MAX_BYTES:
        raise PlanReadError(f"文件超过大小限制（{MAX_BYTES // (1024 * 1024)} MB）：{name}")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise PlanReadError(f"无法读取文件：{name}（{exc.strerror}）") from None
    return read_plan_bytes(data, name)
