"""Reading quantitative targets out of plan text.

A target is a written figure with a counting word (90所, 10万人, 40%, 934万元) that the
plan commits to. The scanner finds every figure, then drops the ones that are not
commitments: ordinals, names and slogans, dates and periods, age ranges, qualifiers,
catchments, ratios, and facts about the present or past (found from time markers such as
截至, 去年, 已, 现有, or a year before the document's own). What remains is annotated
with comparator, change, baseline, due year, indicator and the clause it came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from eduplan.core.numbers import number
from eduplan.planimport.parsing import baselines as bl
from eduplan.planimport.parsing import indicator as ind
from eduplan.planimport.parsing.layout import (
    REVIEW_RE,
    SECTION_RE,
    SUBSECTION_RE,
    Unwrapped,
    is_plain_heading,
    iter_lines,
    unwrap,
)
from eduplan.planimport.parsing.mentions import Mention, find_mentions, inside_pair
from eduplan.planimport.parsing.numbers import normalise_digits
from eduplan.planimport.parsing.tables import TableReader
from eduplan.planimport.parsing.timing import Block, TimeState, events

TARGET = "target"
ACHIEVED = "achieved"


@dataclass(frozen=True)
class ParsedTarget:
    """One quantitative target, in the exchange format plus its place in the text."""

    value: float
    value_max: float | None
    unit: str
    comparator: str
    change: str | None
    baseline_year: int | None
    year: int | None
    indicator: str
    source: str
    section: str | None
    start: int
    end: int
    baseline: float | None = None  # the starting figure stated with it (由600所调整到…)
    mood: str = TARGET  # TARGET, or ACHIEVED for a figure the text reports as done or present
    cue: str = ""  # the word that decided the mood (力争, 到2020年, 截至, 已), if any

    @property
    def achieved(self) -> bool:
        """True for a fact (an achievement or a starting figure), not a commitment."""
        return self.mood == ACHIEVED

    def to_dict(self) -> dict[str, Any]:
        """The exchange-format dict (TARGETS_FORMAT.md) with "section", "mood", "cue" added."""
        return {
            "value": number(self.value, places=None),
            "value_max": number(self.value_max, places=None),
            "unit": self.unit,
            "comparator": self.comparator,
            "change": self.change,
            "baseline_year": self.baseline_year,
            "year": self.year,
            "baseline": number(self.baseline, places=None),
            "indicator": self.indicator,
            "source": self.source,
            "section": self.section,
            "mood": self.mood,
            "cue": self.cue,
        }


@dataclass(frozen=True)
class ScanContext:
    """What the structure around a stretch of text says about its targets."""

    section: str | None = None
    default_year: int | None = None  # due year when the clause names none
    doc_year: int | None = None  # figures dated before it are facts
    fact: bool = False  # the stretch reviews the past: nothing in it is a target
    reported: bool = False  # a bulletin: a fact unless its own sentence looks ahead


# Counting the plan's own parts (十七项工程, 四项举措, 五个方面) is structure, not a target.
_STRUCTURE_AFTER_RE = re.compile(
    r"^(?:重点|大|方面|个方面)?(?:工程|举措|措施|任务|行动|工作(?![组室站])|内容|要求|原则|指标|制度|改革|方面|"
    r"环节|层面|维度|阶段|重点|领域|机制|到位|不准|严禁|必须|清单)"
)
# 确定民生实事5项: how many items a list holds, not a goal.
_LIST_BEFORE_RE = re.compile(r"(?:实事|任务|工作|举措|措施|项目|事项|内容|指标)(?:共|共计)?$")
# 全县46所寄宿制学校全部配备…: the figure names the whole group the clause speaks of.
_WHOLE_GROUP_RE = re.compile(r"(?:全市|全县|全区|全省|全镇)(?:共有|所有)?$")
_ALL_AFTER_RE = re.compile(r"[^，,；;。]{0,16}?(?:全部|均|都|一律)")
# The organisation and its territory (部门, 工作组, 乡镇): sizes, unless a verb sets them.
_ORG_AFTER_RE = re.compile(
    r"(?:成员|责任|牵头|职能|相关|市直|县直|区直|省直|专项|领导|工作|基层)?"
    r"(?:部门|(?<=成员|责任|牵头)单位|处室|科室|工作组|小组|专班|督导组|检查组|指导组|党委|党支部|党组织|党总支|"
    r"县（市、区）|县\(市、区\)|县市区|县区|区县|乡镇|街道|行政村|社区|委员)"
)
_SETS_BEFORE_RE = re.compile(
    r"新建|新增|增设|建成|创建|培育|打造|遴选|认定|评选|命名|达到|增加|扩大到"
)
_QUALIFIER_VERB_RE = re.compile(
    r"达到|实现|超过|突破|不少于|至少|新增|增加|提高|控制在|保持在|稳定在|完成|培训|建设|建成|新建|创建"
)
_APPROX_BEFORE_RE = re.compile(r"(?:约|大约|近|将近|接近|约为)$")
_COMPARATOR_BEFORE_RE = re.compile(
    r"(?P<le>不超过|不高于|不多于|低于|少于|控制在|降至|降到|降低到|降低至|下降到|下降至|减少到|减少至|"
    r"压减到|压缩到|缩减到|减至|压减至)|"
    r"(?P<ge>不少于|不低于|至少|超过|突破|多于|高于|保持在|稳定在|提高到|提升到|提高至|提升至|增加到|"
    r"增至|扩大到|扩大至|达到|实现|达(?=\s*$))"
)
_BASELINE_RE = re.compile(
    r"(?:比|较|与|同)((?:19|20)\d{2})年(?:底|末)?|(?:比|较|与)(去年|上年|上一年|前一年)|(同比)|"
    r"在((?:19|20)\d{2})年(?:底|末)?的?基础上"
)
_CHANGE_VERB_RE = re.compile(
    r"(?P<dec>减少|下降|降低|压减|缩减)|(?P<inc>增加|提高|增长|提升|上升|扩大)"
)
_CHANGE_AT_END_RE = re.compile(
    r"(?:(?P<dec>减少|下降|降低|压减|缩减)|(?P<inc>增加|提高|增长|提升|上升|扩大))(?:了)?(?:约|近)?$"
)
# 一 counts only after a comparator or a 每 that is not a multi-year period (每5年复评一次).
_ARTICLE_CONTEXT_RE = re.compile(
    r"(?:至少|不少于|不低于|达到|超过|每[^，。；\d一二三四五六七八九十两]{0,8})\s*$"
)
_BUILD_BEFORE_RE = re.compile(r"(?:新建|建成|建设|配建|办好|改扩建|增设|设立|开设)$")
_HOLD_BEFORE_RE = re.compile(r"(?:开展|组织|举办|进行)(?:免费|专项|集中)?$")
_WORD_BEFORE_CN = frozenset("统之万唯专同")  # 统一, 之一, 万一 … are words


def _is_not_a_target(m: Mention, block: Block, clause: tuple[int, int, int]) -> bool:
    """The checks that do not depend on time: ordinals, names, dates, qualifiers …"""
    norm = block.norm
    _, cs, ce = clause
    prev = norm[m.start - 1] if m.start > block.start else ""
    if prev in ("第", "前", "〔", "[") or (prev.isascii() and prev.isalpha()):
        return True
    nxt = norm[m.end : m.end + 1]
    if nxt.isascii() and nxt.isalpha():
        return True
    if m.chinese and prev in _WORD_BEFORE_CN:
        return True
    # 6:3:1, 1:1 — proportions describe a mix.
    if norm[m.num_end : m.num_end + 1] in (":", "：") or (
        prev in (":", "：") and m.start - 2 >= block.start and norm[m.start - 2].isdigit()
    ):
        return True
    if re.match(r"[:：]\d", norm[m.start + 1 : m.start + 3] if m.chinese else ""):
        return True
    if inside_pair(norm, block.start, m.start, "“", "”", 12) or inside_pair(
        norm, block.start, m.start, "《", "》", 60
    ):
        return True
    before = norm[max(cs, m.start - _NEAR) : m.start]
    after = norm[m.end : min(ce, m.end + _NEAR)]
    if m.chinese and m.unit == "本" and m.value < 10:
        return True  # 一本/二本: university admission tiers
    if m.unit == "年" and not re.search(r"年限|年数", before):
        return True  # a period, not a count
    if m.unit in ("项", "个", "大") and _STRUCTURE_AFTER_RE.match(norm[m.end : m.end + 6]):
        return True
    if (
        m.unit in ("个", "家", "名", "位")
        and _ORG_AFTER_RE.match(norm, m.end)
        and not _SETS_BEFORE_RE.search(before[-8:])
    ):
        return True  # 全市25个部门, 3个工作组: the organisation's size, not a goal
    if m.lone_one and not (
        _ARTICLE_CONTEXT_RE.search(before)
        or (m.unit in ("所", "座", "栋", "幢") and _BUILD_BEFORE_RE.search(before))
        or (m.unit in ("次", "场") and _HOLD_BEFORE_RE.search(before))
    ):
        return True  # 一个/一支/一项 as an article
    if m.unit == "项" and _LIST_BEFORE_RE.search(before):
        return True  # 确定今年教育民生实事5项: the list's length
    if _WHOLE_GROUP_RE.search(before) and _ALL_AFTER_RE.match(norm, m.end, ce):
        return True  # 全县46所寄宿制学校全部配备专职保安: the group, not a goal
    if m.unit in ("人", "公里", "米") and re.search(r"人口|服务半径|辐射", before[-12:]):
        return True  # a catchment
    if re.search(r"每(?:十万|[千万百])人口", before):
        return True  # 每千人口配置学位130个: a planning norm per population
    if (
        m.suffix in ("以上", "以下", "及以上", "及以下")
        and re.match(r"的?[\u4e00-\u9fff]", after)
        and not _QUALIFIER_VERB_RE.search(before[-12:])
    ):
        return True  # 56人以上大班额, 10M以上的中小学: a group picked out, not a goal
    if re.match(r"[\u4e00-\u9fff]{1,10}中的", norm[m.end : m.end + 12]):
        return True  # 20所中小学中的12所: the 20 names the group the target is taken from
    return bool(re.search(r"规模(?:为|在)?$|容纳$", before))


def _comparator(m: Mention, window: str) -> str:
    """>=, <=, = or between from the words around a figure."""
    if m.suffix in ("左右", "上下") or _APPROX_BEFORE_RE.search(window):
        return "="
    if m.value_max is not None:
        return "between"
    if m.suffix in ("以上", "及以上") or m.more:
        return ">="
    if m.suffix in ("以下", "及以下", "以内", "之内"):
        return "<="
    matches = list(_COMPARATOR_BEFORE_RE.finditer(window[-16:]))
    found = matches[-1] if matches else None
    if found is None:
        return "="
    return "<=" if found.group("le") else ">="


def _change(m: Mention, window: str, doc_year: int | None) -> tuple[str | None, int | None]:
    """(change, baseline year) from 比2013年减少 / 提高5个百分点 before a figure."""
    baseline: int | None = None
    bases = list(_BASELINE_RE.finditer(window))
    base = bases[-1] if bases else None
    if m.kind == "doubling":  # 在2015年基础上翻一番
        return "increase", int(base.group(4)) if base is not None and base.group(4) else None
    if base is not None:
        if base.group(1) or base.group(4):
            baseline = int(base.group(1) or base.group(4))
        elif doc_year is not None:
            baseline = doc_year - 1
        tail = window[base.end() :]
        verb = _CHANGE_VERB_RE.search(tail)
        if verb and not re.match(r"[到至为]", tail[verb.end() : verb.end() + 1]):
            return ("decrease" if verb.group("dec") else "increase"), baseline
        return None, baseline
    if m.unit in ("%", "倍") or m.percent_points:
        at_end = _CHANGE_AT_END_RE.search(window)
        if at_end:
            return ("decrease" if at_end.group("dec") else "increase"), None
    return None, None


_NEAR = 80
_LIST_GAP_RE = re.compile(r"\s*[、和及与或/]?\s*")
_SOURCE_LEAD_RE = re.compile(r"(?:[、和及与或，,；;：:\s]|我们将|我局将|我们|同时|并)+")


def _list_run(mentions: Sequence[Mention], i: int, block: Block, norm: str) -> int:
    """How many figures from mentions[i] on form one list (45人、50人): 1 when alone."""
    count = 1
    clause_index = block.clause(mentions[i].start)[0]
    while i + count < len(mentions):
        nxt, prev = mentions[i + count], mentions[i + count - 1]
        if block.clause(nxt.start)[0] != clause_index:
            break
        if not _LIST_GAP_RE.fullmatch(norm[prev.end : nxt.start]):
            break
        count += 1
    return count


def _scan_block(text: str, norm: str, start: int, end: int, ctx: ScanContext) -> list[ParsedTarget]:
    """The targets of one block of text."""
    if start >= end:
        return []
    mentions = find_mentions(norm, start, end)
    if not mentions:
        return []
    block = Block(norm, start, end)
    scan = _BlockScan(
        text=text,
        norm=norm,
        block=block,
        mentions=mentions,
        ctx=ctx,
        timing=TimeState(
            events(block, ctx.doc_year, reported=ctx.reported), block, ctx.fact, ctx.reported
        ),
        consumed=start,
    )
    found = (scan.target(i) for i in range(len(mentions)))
    return [target for target in found if target is not None]


@dataclass
class _BlockScan:
    """The figures of one block, read in order: each may take its comparator, change and
    name from the target before it in the same clause."""

    text: str
    norm: str
    block: Block
    mentions: list[Mention]
    ctx: ScanContext
    timing: TimeState
    consumed: int  # end of the text the previous target and its indicator took
    previous: ParsedTarget | None = None  # the last target kept in this block
    previous_clause: int = -1
    list_names: list[str] = field(default_factory=list)  # names handed out to a 分别 list
    last_fact: tuple[int, ParsedTarget] | None = None  # (sentence, fact) seen last
    start_at: tuple[int, int, ParsedTarget] | None = None  # (clause, end, fact) of a 由 figure

    def target(self, i: int) -> ParsedTarget | None:
        """The target mentions[i] states, or None when it states none."""
        norm, current = self.norm, self.mentions[i]
        clause = self.block.clause(current.start)
        clause_index, cs, ce = clause
        nxt = self.mentions[i + 1] if i + 1 < len(self.mentions) else None
        sub_end = nxt.start if nxt is not None and nxt.start < ce else ce
        if _is_not_a_target(current, self.block, clause):
            return None  # a skipped figure (一本, 56人以上) stays part of the next one's name
        is_fact, due, cue = self.timing.at(current.start)
        start_point = bl.starting_point(norm, cs, ce, current)
        if is_fact or start_point:
            fact = self.fact(current, clause, start_point or cue)
            self.last_fact = (self.block.sentence(current.start), fact)
            if start_point:
                self.start_at = (clause_index, current.end, fact)
            return fact
        start_at = self.start_at if self.start_at and self.start_at[0] == clause_index else None
        self.start_at = None
        same_clause = self.previous is not None and self.previous_clause == clause_index
        sub_start = max(cs, min(self.consumed, current.start)) if same_clause else cs
        # Names and comparators sit near their figure; the cap keeps a paragraph with no
        # punctuation (a pasted web page) from costing time quadratic in its length.
        sub_start = max(sub_start, current.start - _NEAR)
        sub_end = min(sub_end, current.end + _NEAR)
        if start_at is not None:  # 由600所调整到500所: the goal's words follow the start
            sub_start = max(sub_start, start_at[1])
        window = norm[sub_start : current.start]
        linked = same_clause and _LIST_GAP_RE.fullmatch(window) is not None
        whole = norm[max(cs, current.start - _NEAR) : current.start]
        comparator, change, baseline = self.terms(current, window, whole, linked)
        if not linked:
            self.list_names = []
            if "分别" in window:
                run = _list_run(self.mentions, i, self.block, norm)
                self.list_names = ind.split_list(window, run) or []
                if run > 1 and comparator == "=":
                    # 分别控制在45人、50人以内: the last figure's suffix governs the list.
                    comparator = _comparator(self.mentions[i + run - 1], window)
        after = norm[current.end : sub_end]
        name, read_from = self.name(current, window, after, same_clause)
        if start_at is not None:
            if read_from == "before" or not name:
                name = start_at[2].indicator
            sub_start = start_at[2].start
        baseline_fact = self.baseline(current, window)
        if baseline_fact is not None:
            name = bl.goal_name(name, baseline_fact.indicator)
        lead = _SOURCE_LEAD_RE.match(norm, sub_start, current.start)
        src_start = lead.end() if lead else sub_start
        src_end = current.end + (ind.after_span(after) if read_from != "before" else 0)
        target = ParsedTarget(
            value=current.value,
            value_max=current.value_max,
            unit=current.unit,
            comparator=comparator,
            change=change,
            baseline_year=baseline,
            year=due if due is not None else self.ctx.default_year,
            indicator=name,
            source=self.text[src_start:src_end].strip(),
            section=self.ctx.section,
            start=src_start,
            end=src_end,
            baseline=baseline_fact.value if baseline_fact else None,
            cue=cue,
        )
        # An object phrase (为28所学校新建宿舍1.2万平方米) may still name the next figure.
        self.consumed = current.end if read_from == "object" else src_end
        self.previous, self.previous_clause = target, clause_index
        return target

    def fact(self, current: Mention, clause: tuple[int, int, int], cue: str) -> ParsedTarget:
        """A figure the text states as done or present, named but changing no scan state."""
        _, cs, ce = clause
        window = self.norm[max(cs, current.start - _NEAR) : current.start]
        after = self.norm[current.end : min(ce, current.end + _NEAR)]
        name, _ = ind.name_indicator(
            window.lstrip("、和及与或，, "), after, is_percent=current.unit == "%", previous=None
        )
        return ParsedTarget(
            value=current.value,
            value_max=current.value_max,
            unit=current.unit,
            comparator="=",
            change=None,
            baseline_year=None,
            year=None,
            indicator=bl.fact_name(name),
            source=self.text[cs:ce].strip(),
            section=self.ctx.section,
            start=cs,
            end=ce,
            mood=ACHIEVED,
            cue=cue or ("回顾" if self.ctx.fact else "通报" if self.ctx.reported else ""),
        )

    def baseline(self, current: Mention, window: str) -> ParsedTarget | None:
        """The starting figure stated in the target's sentence (由600所调整到500所), if any."""
        if self.last_fact is None:
            return None
        sentence, fact = self.last_fact
        if sentence != self.block.sentence(current.start) or fact.unit != current.unit:
            return None
        if not bl.TO_LEVEL_RE.search(window) and fact.cue not in bl.START_WORDS:
            return None
        self.last_fact = None  # a starting figure is the baseline of one target
        return fact

    def terms(
        self, current: Mention, window: str, whole: str, linked: bool
    ) -> tuple[str, str | None, int | None]:
        """Comparator, change and baseline year from the words before the figure; a figure
        listed right after the previous target (45人、50人) takes what it does not say."""
        comparator = _comparator(current, window if window.strip() else whole)
        change, baseline = _change(current, window, self.ctx.doc_year)
        if linked and self.previous is not None:
            if comparator == "=" and current.value_max is None:
                comparator = self.previous.comparator
            if change is None:
                change, baseline = self.previous.change, self.previous.baseline_year
        return comparator, change, baseline

    def name(self, current: Mention, window: str, after: str, same_clause: bool) -> tuple[str, str]:
        """The indicator's name and where it was read ("before", "after", "object"): from
        the words around the figure, the next name of a 分别 list, or 双90%."""
        name_window = window.lstrip("、和及与或，, ")
        doubled = self.norm[current.start - 1 : current.start] == "双" and current.unit == "%"
        if doubled:
            name_window = name_window[:-1]
        name, read_from = ind.name_indicator(
            name_window,
            after,
            is_percent=current.unit == "%",
            previous=self.previous.indicator if self.previous else None,
        )
        if self.list_names:
            name, read_from = self.list_names.pop(0), "before"
        if doubled:
            # 双90%: one figure for a pair of rates; the name keeps the pair.
            name, read_from = "双" + self.text[current.start : current.num_end], "before"
        if same_clause and self.previous is not None and window.lstrip().startswith("、"):
            # 新建小学8所、初中5所: the second item is built the same way as the first.
            verb = ind.LEADING_VERB_RE.match(self.previous.indicator)
            if verb and not ind.LEADING_VERB_RE.match(name):
                name = verb.group(0) + name
        return name, read_from


def scan_lines(
    text: str, norm: str, blocks: Sequence[tuple[int, int, ScanContext]]
) -> list[list[ParsedTarget]]:
    """The targets of each (start, end, context) block; consecutive table rows share a header."""
    tables = TableReader()
    results: list[list[ParsedTarget]] = []
    for start, end, ctx in blocks:
        row = tables.read(text, norm, start, end, ctx)
        if row is not None:
            results.append(row)
            continue
        results.append(_scan_block(text, norm, start, end, ctx))
    return results


def remap_offsets(targets: list[ParsedTarget], unwrapped: Unwrapped) -> list[ParsedTarget]:
    """Targets found in unwrapped text, with start/end as offsets into the original text."""
    if not unwrapped.cuts:
        return targets
    return [
        replace(
            t,
            start=unwrapped.original(t.start),
            end=unwrapped.original(t.end - 1) + 1 if t.end > t.start else unwrapped.original(t.end),
        )
        for t in targets
    ]


def extract_targets(
    text: str, *, year: int | None = None, section: str | None = None
) -> list[ParsedTarget]:
    """Every quantitative target in a stretch of plan text, due `year` where it names none."""
    unwrapped = unwrap(text)
    text = unwrapped.text
    norm = normalise_digits(text)
    blocks: list[tuple[int, int, ScanContext]] = []
    review = False
    for line in iter_lines(text):
        if line.blank:
            continue
        heading = SECTION_RE.match(line.text) or SUBSECTION_RE.match(line.text)
        if heading or is_plain_heading(line.text):
            review = bool(REVIEW_RE.search(line.text))
        ctx = ScanContext(section=section, default_year=year, doc_year=year, fact=review)
        blocks.append((line.start, line.end, ctx))
    found = [t for targets in scan_lines(text, norm, blocks) for t in targets if not t.achieved]
    return remap_offsets(found, unwrapped)
