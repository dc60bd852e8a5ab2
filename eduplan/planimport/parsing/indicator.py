"""Naming what a target counts, from the words around its figure.

Plans put the counted thing either after the figure (创建200所校园足球特色学校) or before
it (新建改扩建中小学90所, 参赛队伍达到500支以上). Verbs that only say the figure is a
goal (创建, 遴选, 认定, 建设, 达到 …) are trimmed; verbs that define what is counted
(新建, 改扩建, 新增, 培训, 招聘, 购置, 开工建设, 建成投用 …) are kept, as the gold files do.
"""

from __future__ import annotations

import re

# Verbs that only mark a figure as a goal: dropped from the front of a name.
_GOAL_VERBS = (
    "组织|安排|创建|新创建|建设|建成(?!投用)|遴选|认定|培育|评选|新评选|打造|扶持|支持|开展|举办|"
    "确定|命名|推动|推进|促进|实施|完成|选派|评定|启动|达到|实现|提供|组建|建立|设立|办好|配备|培养|"
    "至少|不少于|不低于"
)
# Leading words that make a phrase a goal without saying what is counted.
_LEAD_RE = re.compile(
    r"^(?:"
    r"——|—|[一二三四五六七八九十]+是|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]|[（(]\d{1,2}[）)]|"
    r"[（(][一二三四五六七八九十]{1,2}[）)]|\d{1,2}[.．、](?!\d)|"
    r"在?(?:全市|全县|全区|全省|全镇)(?=[\u4e00-\u9fff]{2})|"
    r"(?:19|20)\d{2}(?:\s*[-—–~至到]\s*(?:19|20)\d{2})?年(?:底前|前|内|底)?[，,]?|"
    r"“?十[一二三四五]五”?(?:期间|时期)[，,]?|[一二三四五两]年内|"
    r"全年|年内|今年|本年度|明年|我们将|我局将|将|要|并|同时|其中|再|另|共|累计|计划(?!投资|总投资)|"
    r"拟|预计|以上|按照|按|面向社会|"
    r"力争|争取|确保|保证|努力|积极|大力|着力|进一步|继续|持续|逐步|全面|重点|加快|使|让|"
    rf"{_GOAL_VERBS}|分别|每年|平均每年|年均"
    r")"
)
_ADVERB_ONLY_RE = re.compile(r"^(?:平均)?(?:每年|每学期|每学年|每月|每季度|年均)$")
# Words after which the thing counted ends (the rest says what is done with it).
_AFTER_STOP_RE = re.compile(
    r"在|进行|开展|实现|达到|签订|搭建|配备|投入|参加|参与|赴|开工|完工|纳入|列入|通过|提供|"
    r"[，,。；;：:、]|(?:和|及|与|以及)(?=\d|$)"
)
# Verbs that define what is counted (新建 schools are not 改扩建 schools): kept in names.
_KEEP_VERBS_RE = re.compile(
    r"^(?:新建|改扩建|扩建|改建|迁建|新增|培训|招聘|招录|购置|开工建设|建成投用|[、和])+$"
)
# A figure counted by the event after it: 开展一次健康体检, 举办3场招聘会.
_EVENT_VERB_END_RE = re.compile(rf"(?:{_GOAL_VERBS})(?:免费|专项|集中)?$")
_COMPARATOR_WORDS = (
    "不少于|不低于|不超过|不高于|至少|超过|突破|达到|达|实现|提高到|提升到|提高至|提升至|"
    "增加到|增至|扩大到|降至|降到|降低到|下降到|减少到|控制在|保持在|稳定在|低于|高于|多于|少于|为|约|近"
)
_TRAIL_RE = re.compile(
    rf"(?:{_COMPARATOR_WORDS}|总数的|中的|的|分别|均|累计|共|再|全部|力争|争取|确保|努力|要|将)+$"
)
_CHANGE_RE = re.compile(
    r"(?:比|较|与)(?:(?:19|20)\d{2}年(?:底|末)?|去年|上年|上一年|前一年|基期)(?:相比)?"
    r"(?:减少|下降|降低|压减|缩减|增加|提高|增长|提升|上升|扩大)?$|"
    r"(?:每年)?(?:减少|下降|降低|压减|缩减|增加|提高|增长|提升|上升|扩大)$"
)
_MID_COMPARATOR_RE = re.compile(
    r"(?:达到|不少于|不低于|不超过|至少|超过|突破|控制在|保持在|稳定在|提高到|降至|提升至|提高至)"
)
_PAREN_NOTE_RE = re.compile(r"[（(](?:含|包括|其中|即|不含)[^）)]*[）)]")
# What a 为/对/与 phrase names before its verb: the institutions a target counts.
_HEAD_NOUN_RE = re.compile(
    r"^(?:中小学幼儿园|中小学校|中小学|小学|初中|高中|幼儿园|学校|教学点|基层单位|单位|"
    r"县（市、区）|县\(市、区\)|区县|乡镇|校车|班级|教室|学生|教师|家庭)"
)
_VERB_AFTER_HEAD_RE = re.compile(r"^(?:进行|开展)")
_OBJECT_LEAD_RE = re.compile(r"^(?:为|对|向)[^，,]{1,12}?(?=新建|改造|配备|安装|建设|购置|更新)")
_FREQ_RE = re.compile(
    r"每(?:周|月|年|天|日|学期|学年|季度|生每天|生每年|人每月|人每年|个乡镇（街道）|个乡镇|个街道|"
    r"所中小学|所学校|所幼儿园|个学位|校|班)"
)
_YEARLY_VERB_RE = re.compile(r"^年(?=培训|招聘|新增|举办|开展|组织|资助)")
_STAGES = ("普通高中", "中职", "小学", "初中", "高中", "幼儿园", "义务教育", "学前教育")
_SEP_SPAN_RE = re.compile(r"[，,。；;：:]|[（(](?:含|包括|其中|即|不含)|(?:和|及|与|以及)(?=\d|$)")


def _strip_leading(phrase: str) -> str:
    """Drop goal-marking words from the front of a phrase, repeatedly."""
    while True:
        m = _LEAD_RE.match(phrase)
        if not m or not m.group(0):
            return phrase
        phrase = phrase[m.end() :]


def _clean(phrase: str) -> str:
    """Trim whitespace, list marks and dangling particles."""
    phrase = phrase.strip().strip("，,、；;：:。 \t")
    if phrase[:1] in "（(" and not re.search("[）)]", phrase):
        phrase = phrase[1:]  # （其中省级补助300套）: the bracket is not part of the name
    phrase = _PAREN_NOTE_RE.sub("", phrase)
    return re.sub(r"^的+|(?:等|的)+$", "", phrase)


def before_phrase(before: str) -> str:
    """The thing counted when it stands before the figure (参赛队伍达到500支以上)."""
    phrase = before.strip()
    for _ in range(3):
        phrase = _CHANGE_RE.sub("", phrase)
        phrase = _TRAIL_RE.sub("", phrase)
    mids = list(_MID_COMPARATOR_RE.finditer(phrase))
    m = mids[-1] if mids else None
    if m is not None and m.start() > 0:
        phrase = phrase[: m.start()]
    phrase = re.sub(r"(?:比|较)(?:(?:19|20)\d{2}年|去年|上年)(?:相比)?", "", phrase)
    phrase = _OBJECT_LEAD_RE.sub("", phrase)
    phrase = re.sub(r"在[^，,；;]{0,14}?基础上|(?:由|从)[^，,；;]{0,14}?(?:到|至|为)$", "", phrase)
    phrase = re.sub(r"(?:由|从)(?:目前|现在|现有|当前|去年|上年)?的?$", "", phrase)
    phrase = re.sub(r"第[一二三四五六七八九十\d]+(?:批|届|轮|期)", "", phrase)
    return _clean(_strip_leading(_clean(phrase)))


def _first_outside_parens(pattern: re.Pattern[str], phrase: str) -> int:
    """Where pattern first matches outside （…） (美育示范县（市、区） keeps its 、)."""
    depth = 0
    for i, ch in enumerate(phrase):
        if depth == 0 and pattern.match(phrase, i):
            return i
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
    return len(phrase)


def after_phrase(after: str) -> str:
    """The thing counted when it follows the figure (创建200所校园足球特色学校)."""
    phrase = after.lstrip("的 ")
    phrase = re.sub(r"^标准(?:发放|提供|给予|拨付)", "", phrase)  # 每生每天4元的标准提供…
    phrase = _PAREN_NOTE_RE.sub("", phrase)
    return _clean(phrase[: _first_outside_parens(_AFTER_STOP_RE, phrase)])


def after_span(after: str) -> int:
    """How many characters of `after` the after-figure indicator takes (for the source span)."""
    return _first_outside_parens(_SEP_SPAN_RE, after)


def object_phrase(after: str) -> str:
    """The thing counted in 为23所学校搭建… / 对15所学校校园网进行升级完善 (verb phrase + noun)."""
    rest = _PAREN_NOTE_RE.sub("", after.lstrip("的 "))
    rest = re.split(r"[，,。；;：:]", rest, maxsplit=1)[0]
    head = _HEAD_NOUN_RE.match(rest)
    if not head:
        # 为28所农村寄宿制学校新建…: the noun runs up to the verb.
        verb = re.search(r"新建|改造|配备|安装|建设|搭建|提供|开展|进行|签订", rest)
        if not verb or verb.start() == 0:
            return after_phrase(after)
        noun, verb_phrase = rest[: verb.start()], rest[verb.start() :]
    else:
        noun, verb_phrase = head.group(0), rest[head.end() :]
    if not verb_phrase:
        return noun
    if _VERB_AFTER_HEAD_RE.match(verb_phrase) or "进行" in verb_phrase:
        verb_phrase = re.sub(r"进行|^开展", "", verb_phrase)
        return _clean(verb_phrase) + noun
    return _clean(verb_phrase) + "的" + noun


def frequency(before: str) -> str | None:
    """The 每… of a frequency or per-unit target (每周至少一节 -> 每周)."""
    found = list(_FREQ_RE.finditer(before))
    return found[-1].group(0) if found else None


def split_list(before: str, count: int) -> list[str] | None:
    """Names for 小学、初中班额分别不超过45人、50人: one per figure, or None."""
    if "分别" not in before:
        return None
    subject = before_phrase(before[: before.rindex("分别")])
    items = [i for i in subject.split("、") if i]
    if len(items) != count or count < 2:
        return None
    last = items[-1]
    shared = ""
    for stage in _STAGES:
        if last.startswith(stage) and len(last) > len(stage):
            shared = last[len(stage) :]
            items[-1] = stage
            break
    return [item + shared for item in items]


LEADING_VERB_RE = re.compile(
    r"^(?:新建改扩建|新建、改扩建|新建|改扩建|迁建|新增|开工建设|建成投用|维修改造|改造|更新|购置|"
    r"培训|招聘)"
)


def name_indicator(
    before: str, after: str, *, is_percent: bool, previous: str | None
) -> tuple[str, str]:
    """(indicator, where it was read: "before", "after" or "object") for one figure."""
    raw_before = before.strip()
    if re.search(
        r"(?:^|[^\u4e00-\u9fff]|^.{0,4})(?:为|对|与)(?:全市|全县|全区|全省|全镇)?(?:所有)?$",
        raw_before,
    ):
        return object_phrase(after), "object"
    adverb_only = _ADVERB_ONLY_RE.match(raw_before.strip("，, ")) is not None
    freq = None if adverb_only else frequency(raw_before)
    if freq:
        raw_before = raw_before.replace(freq, "")
    yearly = _YEARLY_VERB_RE.match(raw_before)
    if yearly and not freq:
        freq, raw_before = "每年", raw_before[1:]
    b = before_phrase(raw_before)
    a = after_phrase(after)
    if is_percent:
        # 毛入园率达到90%: the rate stands before; 完成40%的教学班级…: the share follows.
        use_after = (not b and bool(a)) or (after.startswith("的") and not b)
    else:
        use_after = bool(a) and (
            not b or adverb_only or bool(_EVENT_VERB_END_RE.search(raw_before))
        )
    if not is_percent and a and b and _KEEP_VERBS_RE.match(b):
        name, use_after = b + a, True  # 新建改扩建30所中小学 -> 新建改扩建中小学
    else:
        name = a if use_after else b
    base_previous = re.sub(r"（每[^（）]*）$", "", previous or "")
    if not name and base_previous and adverb_only:
        name = raw_before.strip("，, ") + _strip_leading(base_previous)
    if not name:
        name = a or b
    if not name and base_previous:
        name = base_previous  # 提高2个百分点，达到65%以上: the same indicator again
    if freq and name:
        name = f"{name}（{freq}）"
    return name, "after" if use_after else "before"
