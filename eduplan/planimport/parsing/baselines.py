"""Changes from a stated baseline: 由目前的600余所调整到500所左右, 从3.2万人增加到5万人.

The starting figure is a fact about the present; the goal after 到/至 is the target, and
the starting figure becomes the target's `baseline` (TARGETS_FORMAT.md).
"""

from __future__ import annotations

import re

from eduplan.planimport.parsing.mentions import Mention

# 由 / 从 (目前的, 现在的, 2015年的) before the starting figure …
_FROM_BEFORE_RE = re.compile(
    r"(?:由|从)(?:目前|现在|现有|当前|原来|原有|现阶段|去年|上年|“?双减”?前|"
    r"(?:19|20)\d{2}年(?:底|末)?)?(?:的)?(?:每[\u4e00-\u9fff]{1,4}?)?\s*$"
)
# … and a verb with 到/至/为 after it, naming where the figure goes.
_TO_AFTER_RE = re.compile(
    r"[^，,；;。]{0,14}?(?:调整|提高|提升|增加|增长|上升|扩大|发展|下降|降低|减少|压减|压缩|缩减|"
    r"控制|稳定|优化|降|增|减)(?:到|至|为)"
)
# Words before a goal that say it is reached from a level stated before it.
TO_LEVEL_RE = re.compile(
    r"(?:调整|提高|提升|增加|增长|上升|扩大|发展|下降|降低|减少|压减|压缩|缩减|控制|优化|降|增|减)"
    r"(?:到|至|为)"
)
START_WORDS = frozenset({"由", "从"})
_FACT_LEAD_RE = re.compile(r"(?:由|从)(?:目前|现在|现有|当前|原来|原有|现阶段)?的?$")


def starting_point(norm: str, cs: int, ce: int, m: Mention) -> str:
    """ "由" or "从" when the figure at m is the starting level of a change to another
    figure in its clause (由88%提高到92%), else ""."""
    before = norm[max(cs, m.start - 12) : m.start]
    found = _FROM_BEFORE_RE.search(before)
    if found is None:
        return ""
    if not _TO_AFTER_RE.match(norm, m.end, min(ce, m.end + 20)):
        return ""
    return "从" if "从" in found.group(0) else "由"


_FACT_CUE_RE = re.compile(
    r"^(?:截至|截止)?[^，,]{0,8}?(?:目前|当前|现阶段)?[，,]?(?:全市|全县|全区)?"
    r"(?:已经|已|现有|共有|拥有|尚有|仍有|累计|共计|共|有)"
)


def fact_name(name: str) -> str:
    """A fact's indicator without the 由目前的 or 目前已 that introduced it."""
    name = _FACT_LEAD_RE.sub("", name).strip() or name
    return _FACT_CUE_RE.sub("", name).strip() or name


def goal_name(name: str, fact: str) -> str:
    """A goal's indicator: the starting figure's when the goal's words name nothing
    (目前有幼儿园600所，到2020年调整到500所 -> 幼儿园)."""
    if not name or TO_LEVEL_RE.search(name[-3:]) or name.endswith(("到", "至", "为")):
        return fact
    return name
