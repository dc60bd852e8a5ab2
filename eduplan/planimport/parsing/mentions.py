"""Finding figures with their counting words in plan text (90所, 10万人, 1-2个, 40%).

A mention is a figure (Arabic, Chinese or mixed), an optional range, 多/余, a counting
word and a suffix (以上, 以内, 左右). Whether it is a target is decided in targets.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eduplan.planimport.parsing.numbers import parse_number

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+[万亿]?)?"
TOKEN_RE = re.compile(rf"百分之(?:{_NUM}|{_CN})|{_NUM}[十百千万亿]*|{_CN}")
_RANGE_SEP_RE = re.compile(r"\s*(?:--?|~|——?|–|至|到)\s*")
_UNITS = [
    "个百分点",
    "平方公里",
    "平方米",
    "公顷",
    "人次",
    "场次",
    "课时",
    "学时",
    "小时",
    "分钟",
    "学分",
    "公里",
    "千米",
    "米",
    "亩",
    "所",
    "个",
    "支",
    "场",
    "人",
    "名",
    "位",
    "节",
    "期",
    "家",
    "座",
    "班",
    "项",
    "次",
    "条",
    "处",
    "篇",
    "本",
    "册",
    "件",
    "台",
    "套",
    "辆",
    "张",
    "间",
    "栋",
    "幢",
    "门",
    "部",
    "块",
    "元",
    "倍",
    "户",
    "种",
    "份",
    "年",
    "天",
    "㎡",
    "%",
]
_UNIT_RE = re.compile("|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True)))
# A counting word followed by these is the start of another word (人口, 项目, 次年 …).
_UNIT_NOT_BEFORE = {
    unit: re.compile(pattern)
    for unit, pattern in {
        "人": "[口民群格文工性身事防心生大]",
        "个": "[人性别体案税]",
        "名": "[额单称义誉录片牌]",
        "次": "[性年日数序要生]",
        "所": "[有在属谓得]|以(?![上下内])",
        "项": "目",
        "支": "[持出付撑部援]",
        "场": "[所地馆景合域]",
        "节": "[日能约点省假]",
        "期": "[间末中限望待]|(?:工程|项目)",
        "家": "[长庭乡属]",
        "座": "[谈位]",
        "班": "[主子额级]",
        "条": "[件例款理]",
        "处": "[理室罚分置长]",
        "本": "[科地校市县区土着领质职单]",
        "部": "[门分署长]",
        "台": "[账阶湾]",
        "张": "[贴扬]",
        "门": "[户类槛口]",
        "户": "[籍外口]",
        "种": "[类植]",
        "位": "[置于]",
        "间": "[隔接]",
        "元": "[素化旦宵]",
        "份": "额",
    }.items()
}
_PEOPLE_NOUN_RE = re.compile(r"劳动力|学生|教师|幼儿|儿童|师生|人才|志愿者|家长|校长|班主任|农民工")
_SUFFIX_RE = re.compile(r"及以上|以上|及以下|以下|以内|之内|左右|上下")


@dataclass
class Mention:
    start: int
    end: int  # after unit and suffix
    num_end: int  # after the figure(s)
    value: float
    value_max: float | None
    unit: str
    percent_points: bool
    more: bool  # 多 / 余 after the figure
    suffix: str
    lone_one: bool
    chinese: bool
    kind: str = ""  # "doubling" (翻一番) or "fraction" (三分之一) for figures without a unit


def inside_pair(norm: str, start: int, pos: int, left: str, right: str, limit: int) -> bool:
    """True when pos lies inside left…right opened at most `limit` characters before it."""
    lo = max(start, pos - limit)
    opened = norm.rfind(left, lo, pos)
    if opened < 0 or norm.rfind(right, opened, pos) >= 0:
        return False
    return norm.find(right, pos, pos + limit) >= 0


def _read_unit(norm: str, pos: int, end: int) -> tuple[str, int, bool] | None:
    """(unit, end, is percentage points) of a counting word at pos, or None."""
    m = _UNIT_RE.match(norm, pos, end)
    if not m:
        return None
    unit = m.group(0)
    not_before = _UNIT_NOT_BEFORE.get(unit)
    if not_before is not None and not_before.match(norm, m.end()):
        return None
    if unit == "个百分点":
        return "%", m.end(), True
    if unit == "㎡":
        unit = "平方米"
    return unit, m.end(), False


# 翻一番 (doubles), 减少三分之一 (a fraction, read as a percentage).
_DOUBLING_RE = re.compile(r"翻(?:了)?([一两二三])番")
_FRACTION_RE = re.compile(
    r"(?<![\d一二三四五六七八九十百])([一二三四五六七八九十]|\d{1,2})分之([一二三四五六七八九]|\d)(?![\d十])"
)
_DOUBLINGS = {"一": 2.0, "两": 4.0, "二": 4.0, "三": 8.0}


def _special_mentions(norm: str, start: int, end: int) -> list[Mention]:
    """Figures written without a counting word: 翻一番 (2 倍), 三分之一 (33.33 %)."""
    out: list[Mention] = []
    for m in _DOUBLING_RE.finditer(norm, start, end):
        value = _DOUBLINGS[m.group(1)]
        out.append(
            Mention(m.start(), m.end(), m.end(), value, None, "倍", False, False, "", False, True)
        )
        out[-1].kind = "doubling"
    for m in _FRACTION_RE.finditer(norm, start, end):
        whole, part = parse_number(m.group(1)), parse_number(m.group(2))
        if not whole or not part or part >= whole:
            continue
        suffix = _SUFFIX_RE.match(norm, m.end(), end)
        stop = suffix.end() if suffix else m.end()
        value = round(100 * part / whole, 2)
        out.append(
            Mention(
                m.start(),
                stop,
                m.end(),
                value,
                None,
                "%",
                False,
                False,
                suffix.group(0) if suffix else "",
                False,
                True,
                "fraction",
            )
        )
    return out


def find_mentions(norm: str, start: int, end: int) -> list[Mention]:
    """Every figure with a counting word in norm[start:end]."""
    counted = _counted_mentions(norm, start, end)
    if "翻" not in norm[start:end] and "分之" not in norm[start:end]:
        return counted
    special = _special_mentions(norm, start, end)
    if not special:
        return counted
    kept = [m for m in counted if not any(s.start < m.end and m.start < s.end for s in special)]
    return sorted([*kept, *special], key=lambda m: m.start)


def _counted_mentions(norm: str, start: int, end: int) -> list[Mention]:
    """Every figure followed by a counting word (or 人 implied) in norm[start:end]."""
    out: list[Mention] = []
    pos = start
    while True:
        m = TOKEN_RE.search(norm, pos, end)
        if not m:
            return out
        pos = m.end()
        raw = m.group(0)
        value = parse_number(raw)
        if value is None:
            continue
        chinese = not any(ch.isdigit() for ch in raw)
        pct = raw.startswith("百分之")
        p = m.end()
        unit: str | None = "%" if pct else None
        points = False
        value_max: float | None = None
        first_unit = None if pct else _read_unit(norm, p, end)
        q = first_unit[1] if first_unit else p
        sep = _RANGE_SEP_RE.match(norm, q, end)
        if sep and (first_unit is None or first_unit[0] not in ("年", "岁")):
            second = TOKEN_RE.match(norm, sep.end(), end)
            if second and second.group(0)[0].isdigit() == raw[0].isdigit():
                high = parse_number(second.group(0))
                if high is not None and high > value:
                    value_max = high
                    p = second.end()
        more = False
        if norm.startswith(("多", "余"), p):
            more = True
            p += 1
        if unit is None:
            read = _read_unit(norm, p, end)
            if read is None and value_max is not None and first_unit is not None:
                read = first_unit  # 300元至500元: the unit written after the first figure
            if read is not None:
                unit, p, points = read[0], max(p, read[1]), read[2]
        elif norm.startswith("%", p):
            p += 1
        if unit is None and _PEOPLE_NOUN_RE.match(norm, p):
            unit = "人"  # 培训500万劳动力: people counted without a counting word
        if unit is None:
            continue
        lead = norm[max(start, m.start() - 15) : m.start()]
        if unit == "年" and not re.search(r"年限|年数", lead):
            continue  # a date or a period, not a count (only 受教育年限 counts years)
        if unit == "天" and (
            not re.search(r"每(?:周|月|年|学期)", lead) or norm.startswith(("内", "后", "前"), p)
        ):
            continue  # 每周不少于5天 is a frequency; 3天内 is a deadline
        if not points and norm.startswith("多", p) and not more:
            more = True
            p += 1
        suffix_match = _SUFFIX_RE.match(norm, p, end)
        suffix = suffix_match.group(0) if suffix_match else ""
        end_pos = suffix_match.end() if suffix_match else p
        out.append(
            Mention(
                start=m.start(),
                end=end_pos,
                num_end=p,
                value=value,
                value_max=value_max,
                unit=unit,
                percent_points=points,
                more=more,
                suffix=suffix,
                lone_one=raw == "一",
                chinese=chinese,
            )
        )
        pos = end_pos
