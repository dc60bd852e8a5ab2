"""When a figure is said to hold: past and present markers make facts, future ones targets.

A block (a paragraph or line) is cut into clauses and sentences; time markers in it
(去年, 截至, 已, 现有, a year before the document's own; 今年, 将, 到2020年) are events in
text order, and the state at a figure decides whether it is a fact and when it is due.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eduplan.planimport.parsing.layout import five_year_period
from eduplan.planimport.parsing.mentions import TOKEN_RE, inside_pair

_CLAUSE_DELIM_RE = re.compile("[，,；;。！？!?：:\n\t]")
_SENTENCE_DELIMS = frozenset("。！？!?\n")
# Time markers: what they say about the figures after them in the same paragraph.
_PAST_RE = re.compile(
    r"截至|截止|去年|上年|上一年|过去|近年来|近[一二三四五六七八九十几两\d]{1,2}年(?:来|以来)?|"
    r"[一二三四五六七八九十几两]年来|以来"
)
_PRESENT_RE = re.compile(
    r"目前|当前|现阶段|现有|共有|拥有|尚有|仍有|(?<![不得而])已(?![然知])|"
    r"(?:完成|建成|新建|新增|培训|招聘|达到|实现|投入|开工|竣工|认定|创建|改造|发放|资助|下降|"
    r"提高|增加|减少|增长|提升|降低|发生|举办|开展|取得|涌现)了"
)
_FUTURE_RE = re.compile(
    r"今年|本年度|明年|年内|下半年|下一步|今后|将(?!近)|计划(?=[投新建招完实培用在于到开改购安])|"
    r"拟|力争|争取|预计|确保|目标(?:是|为)"
)
# Future markers that in a bulletin only name the plan reported on (全市计划新建90所).
_PLAN_ONLY_RE = re.compile(r"今年|本年度|年内|计划|目标")
# Tallies (累计, 共完成) report a result, unless a future marker opens their sentence
# (到2020年，累计培训教师5000人次).
_TALLY_RE = re.compile(
    r"累计(?!投入使用)|共(?:完成|建成|新建|新增|培训|招聘|投入|计|有|改造|发放|资助|创建)"
)
_YEAR_RANGE_RE = re.compile(
    r"((?:19|20)\d{2})\s*年?\s*[-—–~～至到]+\s*((?:19|20)\d{2})\s*年(?!度?[^，,：:\s]{0,6}[》）])"
)
_GOVERNED_PAST_RE = re.compile(r"巩固|保持|延续|总结|借鉴|发扬|结合|对照|参照|根据|依据|按照|完成")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年(?:底|末|年底)?")
_FIVE_RE = re.compile(r"(十[一二三四五]五)[”\"」]?(?:期间|时期|以来|末|期末)")


@dataclass(frozen=True)
class Event:
    """A time marker at a position in a block."""

    pos: int
    kind: str  # "past" or "present" (a fact from here on), or "future" (a target again)
    year: int | None
    local_clause: int | None  # set for markers inside a 在…基础上 clause
    word: str = ""  # the marker as written (截至, 已, 力争, 到2020年): the clause's mood cue


class Block:
    """One paragraph (or line) being scanned, with its clause and sentence boundaries."""

    def __init__(self, norm: str, start: int, end: int) -> None:
        self.norm = norm
        self.start = start
        self.end = end
        self.clause_bounds: list[int] = [start]
        self.sentence_bounds: list[int] = [start]
        for m in _CLAUSE_DELIM_RE.finditer(norm, start, end):
            self.clause_bounds.append(m.end())
            if m.group(0) in _SENTENCE_DELIMS:
                self.sentence_bounds.append(m.end())
        self.clause_bounds.append(end + 1)
        self.sentence_bounds.append(end + 1)

    @staticmethod
    def _index(bounds: list[int], pos: int) -> int:
        lo, hi = 0, len(bounds) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if bounds[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def clause(self, pos: int) -> tuple[int, int, int]:
        """(index, start, end) of the clause holding pos; end excludes the delimiter."""
        i = self._index(self.clause_bounds, pos)
        return i, self.clause_bounds[i], min(self.clause_bounds[i + 1] - 1, self.end)

    def sentence(self, pos: int) -> int:
        """The index of the sentence holding pos."""
        return self._index(self.sentence_bounds, pos)


def events(block: Block, doc_year: int | None, *, reported: bool = False) -> list[Event]:
    """The time markers of a block, in text order. In a bulletin (`reported`) the year it
    reports on is no future marker: 2016年新建学校30所 in a 2016 bulletin is done."""
    norm, start, end = block.norm, block.start, block.end
    found: list[Event] = []

    based: dict[int, bool] = {}

    def local(pos: int) -> int | None:
        index, cs, ce = block.clause(pos)
        if index not in based:
            based[index] = norm.find("基础上", cs, ce) >= 0
        return index if based[index] else None

    for m in _PAST_RE.finditer(norm, start, end):
        if (
            norm[m.start() - 1 : m.start()] in ("比", "较", "与", "同", "由", "从")
            and m.start() > start
        ):
            continue  # 比去年提高: a baseline, not a statement about last year
        _, cs, _ = block.clause(m.start())
        if _GOVERNED_PAST_RE.search(norm[max(cs, m.start() - 12) : m.start()]):
            continue  # 巩固去年创建成果, 完成上年结转项目: an attribute, not the clause's time
        found.append(Event(m.start(), "past", None, local(m.start()), m.group(0)))
    for m in _YEAR_RANGE_RE.finditer(norm, start, end):
        if inside_pair(norm, start, m.start(), "（", "）", 20) or inside_pair(
            norm, start, m.start(), "《", "》", 60
        ):
            continue
        last = int(m.group(2))
        if reported and (doc_year is None or last == doc_year):
            continue
        if doc_year is not None and last < doc_year:
            found.append(Event(m.start(), "past", None, local(m.start()), m.group(0)))
        else:
            found.append(Event(m.start(), "future", last, local(m.start()), m.group(0)))
    for m in _PRESENT_RE.finditer(norm, start, end):
        if m.group(0) == "现有":
            _, _, ce = block.clause(m.start())
            if not TOKEN_RE.search(norm, m.end(), ce):
                continue  # 对现有运动场进行升级改造: no figure follows, not a fact
        if norm[m.start() - 1 : m.start()] in ("由", "从") and m.start() > start:
            continue  # 由目前的600所调整到500所: only the starting figure is present
        found.append(Event(m.start(), "present", None, local(m.start()), m.group(0)))
    for m in _TALLY_RE.finditer(norm, start, end):
        found.append(Event(m.start(), "tally", None, local(m.start()), m.group(0)))
    for m in _FUTURE_RE.finditer(norm, start, end):
        if reported and _PLAN_ONLY_RE.match(m.group(0)):
            continue  # a bulletin's 计划/今年 restates the plan it reports on
        found.append(Event(m.start(), "future", None, local(m.start()), m.group(0)))
    found.extend(_year_events(block, doc_year, reported, local))
    found.extend(_five_year_events(block, doc_year, reported, local))
    found.sort(key=lambda e: e.pos)
    return found


def _year_events(
    block: Block, doc_year: int | None, reported: bool, local: Callable[[int], int | None]
) -> list[Event]:
    """The markers of single years (2016年, 2020年底)."""
    norm, start, end = block.norm, block.start, block.end
    found: list[Event] = []
    for m in _YEAR_RE.finditer(norm, start, end):
        s = m.start()
        prev = norm[s - 1] if s > start else ""
        if prev in ("比", "较", "与", "同") or prev.isdigit():
            continue  # a baseline (比2013年), or digits of a longer number
        if re.search(r"(?:19|20)\d{2}\s*年?\s*[-—–~～至到]+\s*$", norm[max(start, s - 10) : s]):
            continue  # the second year of a range (2016-2018年) is no due date
        if re.match(r"\s*年?\s*[-—–~～至到]+\s*(?:19|20)\d{2}", norm[m.end(1) : m.end(1) + 10]):
            continue  # nor is the first
        if inside_pair(norm, start, s, "《", "》", 60) or inside_pair(
            norm, start, s, "（", "）", 20
        ):
            continue
        year = int(m.group(1))
        if re.match(r"(?:底|末)?的?基础上", norm[m.end(1) + 1 : m.end(1) + 6]):
            continue  # 在2015年基础上翻一番: the baseline of a change, not its time
        if reported and (doc_year is None or year == doc_year):
            continue  # a bulletin's own year (or any, when it names none) is no goal
        if norm.startswith("以来", m.end()) or (doc_year is not None and year < doc_year):
            found.append(Event(s, "past", None, local(s), m.group(0)))
        else:
            found.append(Event(s, "future", year, local(s), m.group(0)))
    return found


def _five_year_events(
    block: Block, doc_year: int | None, reported: bool, local: Callable[[int], int | None]
) -> list[Event]:
    """The markers of five-year plans (十三五)."""
    norm, start, end = block.norm, block.start, block.end
    found: list[Event] = []
    for m in _FIVE_RE.finditer(norm, start, end):
        period = five_year_period(m.group(1))
        if period is None:
            continue
        reported_on = reported and (doc_year is None or period[0] <= doc_year)
        if reported_on or (doc_year is not None and period[1] < doc_year):
            found.append(Event(m.start(), "past", None, local(m.start()), m.group(0)))
        else:
            found.append(Event(m.start(), "future", period[1], local(m.start()), m.group(0)))
    return found


class TimeState:
    """(is a fact, due year named in the text, mood cue) for figures visited in text order.

    A past or present marker (去年, 2015年 in a 2016 plan, 截至, 已, 现有) makes the rest of
    its sentence a fact; one that opens the paragraph (2018年，全区新建… / 截至2018年底，…)
    makes the whole paragraph a fact. A future marker (今年, 将, 到2020年) ends either.
    In a bulletin (`reported`) every figure is a fact unless a future marker stands
    earlier in its own sentence (下一步将…, 力争…). Markers inside a 在…基础上 clause count
    only inside that clause. Events are consumed once, so a long paragraph costs time in
    proportion to its length.
    """

    def __init__(
        self, events: Sequence[Event], block: Block, fact: bool, reported: bool = False
    ) -> None:
        self._block = block
        self._fact = fact
        self._reported = reported
        self._events = [e for e in events if e.local_clause is None]
        self._local: dict[int, list[Event]] = {}
        for event in events:
            if event.local_clause is not None:
                self._local.setdefault(event.local_clause, []).append(event)
        self._next = 0
        self._state = _State(False, None, None, None, "")

    def _apply(self, event: Event, state: _State) -> _State:
        if event.kind == "tally" and state.future_sentence == self._block.sentence(event.pos):
            return state
        if event.kind in ("past", "present", "tally"):
            paragraph = state.past_paragraph or (
                event.kind == "past" and event.pos - self._block.start <= 2
            )
            return _State(paragraph, self._block.sentence(event.pos), None, state.due, event.word)
        due = event.year if event.year is not None else state.due
        return _State(False, None, self._block.sentence(event.pos), due, event.word)

    def at(self, pos: int) -> tuple[bool, int | None, str]:
        """The state for a figure at pos (positions must not decrease between calls)."""
        state = self._state
        while self._next < len(self._events) and self._events[self._next].pos < pos:
            state = self._apply(self._events[self._next], state)
            self._next += 1
        self._state = state
        for event in self._local.get(self._block.clause(pos)[0], []):
            if event.pos < pos:
                state = self._apply(event, state)
        sentence = self._block.sentence(pos)
        if self._fact:
            return True, state.due, state.cue
        if self._reported:
            return state.future_sentence != sentence, state.due, state.cue
        return state.past_paragraph or state.past_sentence == sentence, state.due, state.cue


@dataclass(frozen=True)
class _State:
    past_paragraph: bool
    past_sentence: int | None
    future_sentence: int | None
    due: int | None
    cue: str  # the marker that set this state
