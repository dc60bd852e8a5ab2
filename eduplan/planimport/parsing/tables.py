"""Indicator tables (主要指标表, 任务分解表): one target per row from the target column.

A table reaches the parser as rows of tab-separated cells (the .docx reader joins a row's
cells with tabs; text exports do the same or use │). A header row that names years or a
目标 column says which column holds the goal; the other year columns are baselines, facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eduplan.planimport.parsing.layout import TABLE_SPLIT_RE, table_cells
from eduplan.planimport.parsing.numbers import parse_number

if TYPE_CHECKING:
    from eduplan.planimport.parsing.targets import ParsedTarget, ScanContext

_YEAR_CELL_RE = re.compile(r"^((?:19|20)\d{2})\s*年?(?:目标值?|预期值?|规划值?|值)?$")
_TARGET_CELL_RE = re.compile(r"目标|预期值|规划值|任务数")
_INDICATOR_HEAD_RE = re.compile(r"指标|项目|任务|内容|名称|事项")
_UNIT_HEAD_RE = re.compile(r"^(?:计量)?单位$")
_DUE_HEAD_RE = re.compile(r"时限|时间|完成期限|进度")
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_VALUE_CELL_RE = re.compile(
    rf"^(?P<cmp>≥|>=|＞|>|≤|<=|＜|<|约|不少于|不低于|不超过)?\s*"
    rf"(?P<a>{_NUM}[万亿]?)\s*(?:(?:-|~|～|—|至)\s*(?P<b>{_NUM}[万亿]?))?\s*"
    r"(?P<unit>%|个百分点|[\u4e00-\u9fff]{1,3})?\s*(?P<suffix>以上|以下|以内|左右)?$"
)
_PAREN_UNIT_RE = re.compile(r"[（(]\s*([^（）()]{1,4})\s*[）)]\s*$")
_MULT_UNIT_RE = re.compile(r"^(万|亿|千)?(.+)$")


@dataclass
class _Header:
    target_col: int
    indicator_col: int
    unit_col: int | None
    due_col: int | None
    year: int | None  # the target column's year


def _header(cells: list[str], doc_year: int | None) -> _Header | None:
    """Recognise a header row: years or a 目标 column."""
    years = {i: int(m.group(1)) for i, c in enumerate(cells) if (m := _YEAR_CELL_RE.match(c))}
    target_col: int | None = None
    year: int | None = None
    if years:
        target_col = max(years, key=lambda i: years[i])
        year = years[target_col]
        if doc_year is not None and year < doc_year:
            return None  # only past years: a table of facts
    else:
        for i, c in enumerate(cells):
            if _TARGET_CELL_RE.search(c):
                target_col = i
                break
    if target_col is None:
        return None
    indicator_col = next(
        (i for i, c in enumerate(cells) if i != target_col and _INDICATOR_HEAD_RE.search(c)),
        1 if cells and re.match(r"^(序号|编号|No\.?)$", cells[0]) else 0,
    )
    unit_col = next((i for i, c in enumerate(cells) if _UNIT_HEAD_RE.match(c)), None)
    due_col = next((i for i, c in enumerate(cells) if _DUE_HEAD_RE.search(c)), None)
    return _Header(target_col, indicator_col, unit_col, due_col, year)


def _unit(word: str) -> tuple[str, float] | None:
    """(counting word, multiplier) from a unit such as %, 所, 万人, 亿元."""
    word = word.strip()
    if not word:
        return None
    if word in ("%", "％", "个百分点"):
        return "%", 1.0
    m = _MULT_UNIT_RE.match(word)
    if not m:
        return None
    mult = {"万": 10_000.0, "亿": 100_000_000.0, "千": 1_000.0}.get(m.group(1) or "", 1.0)
    return m.group(2), mult


class TableReader:
    """Reads consecutive table rows, remembering the last header seen."""

    def __init__(self) -> None:
        self._header: _Header | None = None
        self._last_end = -2

    def read(
        self, text: str, norm: str, start: int, end: int, ctx: ScanContext
    ) -> list[ParsedTarget] | None:
        """Targets of a table row, [] for a header or fact row, None for a non-table line."""
        from eduplan.planimport.parsing.targets import ParsedTarget

        line = norm[start:end]
        cells = table_cells(line)
        if cells is None:
            self._header = None
            return None
        header = _header(cells, ctx.doc_year)
        if header is not None:
            self._header = header
            return []
        head = self._header
        if head is None or ctx.fact or head.target_col >= len(cells):
            return None
        spans = self._cell_spans(line, start)
        raw = cells[head.target_col]
        m = _VALUE_CELL_RE.match(raw.replace(" ", ""))
        if not m:
            return []
        indicator = cells[head.indicator_col] if head.indicator_col < len(cells) else ""
        unit_info = _unit(m.group("unit") or "")
        if unit_info is None and head.unit_col is not None and head.unit_col < len(cells):
            unit_info = _unit(cells[head.unit_col])
        paren = _PAREN_UNIT_RE.search(indicator)
        if unit_info is None and paren:
            unit_info = _unit(paren.group(1))
        if paren:
            indicator = indicator[: paren.start()].strip()
        if unit_info is None:
            return []
        unit, mult = unit_info
        low = parse_number(m.group("a"))
        high = parse_number(m.group("b")) if m.group("b") else None
        if low is None:
            return []
        comparator = "="
        cmp_word = m.group("cmp") or ""
        suffix = m.group("suffix") or ""
        if high is not None:
            comparator = "between"
        elif cmp_word in ("≥", ">=", "＞", ">", "不少于", "不低于") or suffix == "以上":
            comparator = ">="
        elif cmp_word in ("≤", "<=", "＜", "<", "不超过") or suffix in ("以下", "以内"):
            comparator = "<="
        year = head.year
        if head.due_col is not None and head.due_col < len(cells):
            due = re.search(r"((?:19|20)\d{2})", cells[head.due_col])
            if due:
                year = int(due.group(1))
        if year is None:
            year = ctx.default_year
        first = min(head.indicator_col, head.target_col)
        src_start = spans[first][0] if first < len(spans) else start
        src_end = spans[head.target_col][1] if head.target_col < len(spans) else end
        return [
            ParsedTarget(
                value=low * mult,
                value_max=None if high is None else high * mult,
                unit=unit,
                comparator=comparator,
                change=None,
                baseline_year=None,
                year=year,
                indicator=indicator,
                source=text[src_start:src_end],
                section=ctx.section,
                start=src_start,
                end=src_end,
            )
        ]

    @staticmethod
    def _cell_spans(line: str, offset: int) -> list[tuple[int, int]]:
        """(start, end) offsets of each cell's stripped content."""
        spans: list[tuple[int, int]] = []
        pos = 0
        for sep in [*TABLE_SPLIT_RE.finditer(line), None]:
            cell_end = sep.start() if sep else len(line)
            raw = line[pos:cell_end]
            lead = len(raw) - len(raw.lstrip())
            spans.append((offset + pos + lead, offset + pos + len(raw.rstrip())))
            if sep is None:
                break
            pos = sep.end()
        return spans
