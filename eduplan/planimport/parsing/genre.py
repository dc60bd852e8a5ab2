"""A document's genre: a plan that sets targets, or a bulletin that reports results.

Bureaus circulate progress bulletins (通报, 总结, 进展情况) next to their plans. The
genre is read from the title (the last genre word wins: 2016年工作总结和2017年工作要点 is
a plan with a review in it) and, when the title says neither, from the tense of the
opening text. In a bulletin every figure is a fact, except in the parts that look ahead
(下一步工作, 2017年工作打算) and in sentences that set a goal (力争…, 确保…).
"""

from __future__ import annotations

import re

PLAN = "plan"
BULLETIN = "bulletin"

_BULLETIN_RE = re.compile(
    r"通报|总结|进展情况|进展|完成情况|落实情况|执行情况|推进情况|实施情况|工作情况|情况汇报|"
    r"情况报告|工作报告|述职报告|自查报告|汇报|年报|成效|综述"
)
_PLAN_RE = re.compile(r"规划|计划|要点|方案|意见|实事|安排|打算|思路|纲要|行动|工程|任务分解")
_PAST_CUE_RE = re.compile(r"已|累计|截至|截止|共完成|共建成|完成了|建成了|取得了")
_FUTURE_CUE_RE = re.compile(r"将|力争|确保|计划|拟|到20\d\d年|争取|目标")
# Headings of the parts of a bulletin that look ahead.
_AHEAD_RE = re.compile(
    r"下一步|下一阶段|下阶段|下半年|明年|今后|工作打算|工作思路|工作计划|工作安排|努力方向|"
    r"(?:19|20)\d{2}\s*年.{0,8}(?:打算|思路|计划|安排|重点|要点|目标|任务)"
)
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")


def detect_genre(title: str, opening: str) -> str:
    """PLAN or BULLETIN from a title and the text after it."""
    last: tuple[int, str] | None = None
    for pattern, genre in ((_BULLETIN_RE, BULLETIN), (_PLAN_RE, PLAN)):
        for m in pattern.finditer(re.sub(r"《[^》]*》", "", title)):
            if last is None or m.start() >= last[0]:
                last = (m.start(), genre)
    if last is not None:
        return last[1]
    past = len(_PAST_CUE_RE.findall(opening))
    future = len(_FUTURE_CUE_RE.findall(opening))
    return BULLETIN if past >= 3 and past >= 3 * future else PLAN


def looks_ahead(heading: str) -> bool:
    """True for a heading of a part that sets goals for the next period."""
    return _AHEAD_RE.search(heading) is not None


def ahead_year(heading: str, doc_year: int | None) -> int | None:
    """The year a looking-ahead part is for: named, 明年 (the next), else the report's."""
    m = _YEAR_RE.search(heading)
    if m:
        return int(m.group(1))
    if doc_year is not None and "明年" in heading:
        return doc_year + 1
    return doc_year
