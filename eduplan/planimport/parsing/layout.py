"""The shape of a plan text: lines, headings of each kind, and the years it is for.

Plans are typeset by hand, so headings are recognised by their numbering style
(第一项工程, 一、, （一）, 1. / 1、 / （1）) and by being short lines without sentence
punctuation, never by fixed wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from eduplan.planimport.parsing.numbers import parse_number

CN_ORDINAL = "一二三四五六七八九十百零〇两"

PROJECT_RE = re.compile(
    rf"^第([{CN_ORDINAL}\d]+)项(?:重点)?工程\s*[—–\-－－:：~～\s]*"
    r"[“\"「『《]?\s*([^”\"」』》]+?)\s*[”\"」』》]?\s*$"
)
SECTION_RE = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、，．.]\s*(\S.*)$")
SUBSECTION_RE = re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]\s*(\S.*)$")
POINT_DOT_RE = re.compile(r"^(\d{1,4})\s*[.．、](?![\d.．])\s*(\S.*)$")
POINT_PAREN_RE = re.compile(r"^[（(]\s*(\d{1,4})\s*[）)]\s*(\S.*)$")
# A table row as office software exports it: cells split by tabs or box-drawing bars.
TABLE_SPLIT_RE = re.compile(r"\t|\s*[│|]\s*")

_SENTENCE_END = "。；;！？!?，,：:"
# Headings whose section reviews the past: everything under them is a fact.
REVIEW_RE = re.compile(
    r"回顾|成绩|成效|完成情况|总结|发展基础|基本情况|现状|进展情况|主要做法|开展情况|落实情况|执行情况|取得的"
)
_FIVE_YEAR = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026}
_RANGE_RE = re.compile(r"((?:19|20)\d{2})\s*年?\s*[-—–－~～至到]+\s*((?:19|20)\d{2})\s*年?")
_ANNUAL_RE = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?")


@dataclass(frozen=True)
class Line:
    """One line of the text with its offsets (start of content, end before newline)."""

    start: int
    end: int
    text: str  # stripped of surrounding whitespace

    @property
    def blank(self) -> bool:
        """True for an empty line."""
        return not self.text


def iter_lines(text: str) -> Iterator[Line]:
    """Every line with the offsets of its stripped content."""
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip().strip("\u3000")
        lead = raw.find(stripped) if stripped else 0
        start = pos + lead
        yield Line(start, start + len(stripped), stripped)
        pos += len(raw) + 1


def ordinal_value(s: str) -> int | None:
    """An ordinal's number, Chinese or Arabic (十七 -> 17, 3 -> 3)."""
    value = parse_number(s)
    return None if value is None else int(value)


def table_cells(line: str) -> list[str] | None:
    """The cells of a table row (three or more), or None for an ordinary line."""
    if "\t" not in line and "│" not in line and "|" not in line:
        return None
    cells = [c.strip() for c in TABLE_SPLIT_RE.split(line)]
    while cells and not cells[-1]:
        cells.pop()
    return cells if len(cells) >= 3 else None


def is_plain_heading(line: str) -> bool:
    """A short line without sentence punctuation: a title, a part heading or a caption."""
    if not line or len(line) > 40 or table_cells(line) is not None:
        return False
    if line[-1] in _SENTENCE_END or "。" in line:
        return False
    return not (POINT_DOT_RE.match(line) or POINT_PAREN_RE.match(line))


def split_heading_title(rest: str) -> tuple[str, str]:
    """A heading's title and any text run on after it on the same line (一、加强党建。全年…).

    A heading that is itself a sentence (（一）新建幼儿园3所，新增学位810个。 or
    一、学位供给：新建学校3所。) is titled by its first phrase and read whole as text.
    """
    m = re.search(r"[。；;！!？?]", rest)
    if m and m.end() < len(rest):
        return rest[: m.start()], rest[m.end() :]
    title = rest.rstrip("。；;！!？?")
    if title != rest:
        head = re.split(r"[，,：:]", title, maxsplit=1)[0]
        return head, rest
    return title, ""


@dataclass(frozen=True)
class PlanYears:
    """The years a document is for: the year whose facts are past, and due years."""

    doc_year: int | None  # facts dated before this year are the past
    annual_year: int | None  # an annual plan's year (2016年工作要点)
    start_year: int | None  # a multi-year plan's first year
    end_year: int | None  # a multi-year plan's last year: three-year goals fall due then

    @property
    def default_due(self) -> int | None:
        """The due year of a target whose text names none."""
        return self.annual_year or self.end_year


def detect_years(text: str, plan_year: int | None = None) -> PlanYears:
    """Find the years a document is for from its title lines (or plan_year)."""
    # The title is the first line and any short heading lines right after it; body text
    # (2020年是"十三五"规划收官之年) must not be read as the plan's period.
    head_lines: list[str] = []
    for line in iter_lines(text[:2000]):
        if line.blank:
            continue
        if head_lines and not is_plain_heading(line.text):
            break
        head_lines.append(line.text)
        if len(head_lines) >= 3:
            break
    head = "".join(head_lines)
    start: int | None = None
    end: int | None = None
    annual: int | None = None
    m = _RANGE_RE.search(head)
    if m:
        start, end = int(m.group(1)), int(m.group(2))
    else:
        for name, first in _FIVE_YEAR.items():
            if name in head and re.search(rf"{name}.{{0,3}}(规划|计划|纲要|时期|期间)", head):
                start, end = first, first + 4
                break
    if start is None:
        for am in _ANNUAL_RE.finditer(head):
            tail = head[am.end() : am.end() + 30]
            if not re.match(r"\s*[-—–－~～至到]", tail):
                annual = int(am.group(1))
                break
    if plan_year is not None:
        if start is not None and end is not None:
            start, end = plan_year, plan_year + (end - start)
        else:
            annual = plan_year
    if (
        annual is not None
        and start is None
        and re.search(r"三年(重点|行动|规划|计划|发展|工程|攻坚)", head)
    ):
        # "未来三年重点工程及2016年工作要点": a three-year plan starting that year.
        start, end = annual, annual + 2
    doc_year = annual if annual is not None else start
    return PlanYears(doc_year=doc_year, annual_year=annual, start_year=start, end_year=end)


def part_year(title: str) -> int | None:
    """The year of a part heading such as 郑州市教育局2016年工作要点, if it names one."""
    m = _ANNUAL_RE.search(title)
    if m and re.search(r"要点|计划|实事|任务|目标|方案|安排", title[m.end() :]):
        return int(m.group(1))
    return None


def five_year_period(name: str) -> tuple[int, int] | None:
    """The years of a five-year-plan period named like 十三五."""
    first = _FIVE_YEAR.get(name)
    return None if first is None else (first, first + 4)


_HEADING_START_RE = re.compile(
    rf"^(?:第[{CN_ORDINAL}\d]+(?:项|章|部分|条)|[一二三四五六七八九十]{{1,3}}\s*[、．.]|"
    r"[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|\d{1,3}\s*[.．、](?!\d)|——|—\s*\d|附件|专栏|表\s*\d)"
)
_PARAGRAPH_END = tuple("。！？；：!?;:”）)")


@dataclass(frozen=True)
class Unwrapped:
    """Text with hard line wraps (from PDF exports) joined, and the way back to offsets."""

    text: str
    cuts: list[int]  # positions in `text` where characters were removed
    removed: list[int]  # characters removed at or before each cut, cumulative

    def original(self, pos: int) -> int:
        """The offset in the original text of position pos in the joined text."""
        from bisect import bisect_right

        i = bisect_right(self.cuts, pos)
        return pos + (self.removed[i - 1] if i else 0)


def unwrap(text: str) -> Unwrapped:
    """Join lines that a fixed page width broke in mid-sentence; other text is unchanged.

    A document counts as hard-wrapped when many of its lines share one length; then a
    line of (nearly) that length that does not end a sentence is joined to the next line,
    unless the next line starts a heading, a numbered point or an indented paragraph.
    """
    raw_lines = text.split("\n")
    lengths = [len(s.strip()) for s in raw_lines if len(s.strip()) >= 12]
    if len(lengths) < 8:
        return Unwrapped(text, [], [])
    counts: dict[int, int] = {}
    for n in lengths:
        counts[n] = counts.get(n, 0) + 1
    width = max(counts, key=lambda n: (sum(counts.get(n + d, 0) for d in (-1, 0, 1)), n))
    near = sum(counts.get(width + d, 0) for d in (-2, -1, 0, 1))
    if near < 0.4 * len(lengths):
        return Unwrapped(text, [], [])
    out: list[str] = []
    cuts: list[int] = []
    removed: list[int] = []
    total_removed = 0
    length = 0
    for i, raw in enumerate(raw_lines):
        line = raw
        if i > 0:
            prev = raw_lines[i - 1].strip()
            lead = len(raw) - len(raw.lstrip(" \t\u3000"))
            joinable = (
                len(prev) >= width - 3
                and not prev.endswith(_PARAGRAPH_END)
                and raw.strip()
                and lead < 2
                and not _HEADING_START_RE.match(raw.strip())
            )
            if joinable:
                total_removed += 1 + lead  # the newline and any stray indentation
                cuts.append(length)
                removed.append(total_removed)
                line = raw[lead:]
            else:
                out.append("\n")
                length += 1
        out.append(line)
        length += len(line)
    return Unwrapped("".join(out), cuts, removed)
