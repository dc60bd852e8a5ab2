"""Demo disclosures, as ledger rows: fee items (收费公示) for every open school and a
directory entry (民办学校名录) for every open private one, deterministic for a seed.
Most fee items are approved by their district; a few await review and a few were
returned with a reason, so the review queue and the public page differ. The document
numbers, sponsors, addresses and phone numbers are made up, like the demo city itself;
document and licence numbers read as demo values (演示文号…, 演示许可证…), never as real
ones a citizen might quote."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from eduplan.ledgers.models import ReviewState
from eduplan.org.models import OrgUnit, Ownership, UnitType
from eduplan.org.selectors import open_on

DEMO_SCHOOL_YEAR = 2016
SCHOOL_YEAR_START = datetime.date(DEMO_SCHOOL_YEAR, 9, 1)
FILED_ON = datetime.date(DEMO_SCHOOL_YEAR, 8, 20)
AWAITING_SHARE = 0.03  # fee items the district has not decided on yet
RETURNED_SHARE = 0.03  # and those it sent back
RETURN_REASONS = (
    "批准文号与所附文件不符，请核对后重新提交",
    "收费标准高于批准标准，请按批准标准填报",
    "未填写困难学生减免政策的具体比例",
)
HOTLINE = "12358"
# A demo row's review decision, (state, reason): read and removed by the ledger seeding.
REVIEW = "__review__"
Row = dict[str, Any]

PROVINCE = "河南省发展和改革委员会"
CITY = "郑州市发展和改革委员会"
WAIVER_POOR = "建档立卡贫困家庭、城乡低保家庭学生免收"
WAIVER_BOARDERS = "家庭经济困难寄宿生按规定享受生活补助，并免收住宿费"
WAIVER_PRIVATE = "按规定对家庭经济困难学生减免，减免比例不低于在校生的5%"


@dataclass(frozen=True)
class Fee:
    item: str
    low: int
    high: int
    step: int
    unit: str
    body: str
    document: str
    scope: str
    waivers: str
    share: float = 1.0  # the share of schools that charge it


PER_TERM = "元/生·学期"
COMPULSORY = (
    Fee(
        "作业本费（代收）",
        15,
        30,
        5,
        PER_TERM,
        PROVINCE,
        "演示文号〔2013〕1号",
        "全体在校生",
        WAIVER_POOR,
    ),
    Fee(
        "住宿费",
        150,
        300,
        50,
        PER_TERM,
        PROVINCE,
        "演示文号〔2013〕1号",
        "自愿住宿学生",
        WAIVER_BOARDERS,
        share=0.35,
    ),
    Fee(
        "午餐费（服务性收费）",
        4,
        8,
        1,
        "元/生·天",
        CITY,
        "演示文号〔2016〕4号",
        "自愿在校就餐学生",
        WAIVER_POOR,
        share=0.6,
    ),
)
SENIOR = (
    Fee(
        "学费",
        800,
        1200,
        200,
        PER_TERM,
        PROVINCE,
        "演示文号〔2015〕2号",
        "全体在校生",
        "建档立卡贫困家庭学生免收学费（演示文号〔2016〕9号）",
    ),
    Fee(
        "住宿费",
        200,
        400,
        50,
        PER_TERM,
        PROVINCE,
        "演示文号〔2015〕2号",
        "自愿住宿学生",
        WAIVER_BOARDERS,
        share=0.8,
    ),
    Fee(
        "作业本费（代收）",
        30,
        60,
        10,
        PER_TERM,
        PROVINCE,
        "演示文号〔2013〕1号",
        "全体在校生",
        WAIVER_POOR,
    ),
)
VOCATIONAL = (
    Fee(
        "学费",
        0,
        0,
        1,
        PER_TERM,
        PROVINCE,
        "演示文号〔2016〕3号",
        "全日制正式学籍学生",
        "中等职业教育免除学费，家庭经济困难学生另享受国家助学金",
    ),
    Fee(
        "住宿费",
        200,
        400,
        50,
        PER_TERM,
        PROVINCE,
        "演示文号〔2015〕2号",
        "自愿住宿学生",
        WAIVER_BOARDERS,
    ),
)
KINDERGARTEN = (
    Fee(
        "保育教育费",
        160,
        480,
        40,
        "元/生·月",
        CITY,
        "演示文号〔2015〕5号",
        "全体在园幼儿",
        "孤儿、残疾儿童和家庭经济困难幼儿免收保教费",
    ),
    Fee(
        "伙食费",
        8,
        14,
        1,
        "元/生·天",
        CITY,
        "演示文号〔2015〕5号",
        "在园就餐幼儿",
        "按实际就餐天数收取，家庭经济困难幼儿减半",
    ),
)
PRIVATE_TUITION = Fee(
    "学费",
    4000,
    16000,
    1000,
    PER_TERM,
    CITY,
    "演示文号〔2016〕备字第{n}号",
    "全体在校生",
    WAIVER_PRIVATE,
)
PRIVATE_CARE = Fee(
    "保育教育费",
    600,
    2400,
    100,
    "元/生·月",
    CITY,
    "演示文号〔2016〕备字第{n}号",
    "全体在园幼儿",
    WAIVER_PRIVATE,
)

FEES_BY_TYPE: dict[str, tuple[Fee, ...]] = {
    UnitType.PRIMARY: COMPULSORY,
    UnitType.JUNIOR: COMPULSORY,
    UnitType.NINE_YEAR: COMPULSORY,
    UnitType.SPECIAL: COMPULSORY[:1],
    UnitType.SENIOR: SENIOR,
    UnitType.COMPLETE: SENIOR,
    UnitType.VOCATIONAL: VOCATIONAL,
    UnitType.KINDERGARTEN: KINDERGARTEN,
}
LEVELS_BY_TYPE: dict[str, str] = {
    UnitType.PRIMARY: "小学",
    UnitType.JUNIOR: "初中",
    UnitType.NINE_YEAR: "小学、初中",
    UnitType.SENIOR: "高中",
    UnitType.COMPLETE: "初中、高中",
    UnitType.VOCATIONAL: "中等职业教育",
    UnitType.KINDERGARTEN: "学前教育",
    UnitType.SPECIAL: "特殊教育",
}
TYPE_CODE: dict[str, str] = {UnitType.KINDERGARTEN: "1", UnitType.VOCATIONAL: "4"}
ROADS = (
    "文化路",
    "花园路",
    "经三路",
    "农业路",
    "建设路",
    "嵩山路",
    "中原路",
    "大学路",
    "航海路",
    "商都路",
    "金水东路",
    "科学大道",
    "长江路",
    "紫荆山路",
    "桐柏路",
)
SPONSOR_KINDS = ("教育科技有限公司", "教育咨询有限公司", "文化教育发展有限公司", "教育投资有限公司")
SPONSOR_WORDS = ("育才", "启明", "博雅", "明德", "求实", "英才", "晨光", "致远", "思源", "新航")


def _amount(rng: random.Random, fee: Fee) -> int:
    steps = (fee.high - fee.low) // fee.step
    return fee.low + fee.step * rng.randint(0, steps)


def _decision(rng: random.Random) -> tuple[str, str]:
    draw = rng.random()
    if draw < AWAITING_SHARE:
        return ReviewState.SUBMITTED, ""
    if draw < AWAITING_SHARE + RETURNED_SHARE:
        return ReviewState.RETURNED, rng.choice(RETURN_REASONS)
    return ReviewState.APPROVED, ""


def _fee(rng: random.Random, school: OrgUnit, fee: Fee, n: int) -> Row:
    return {
        "school": school.code,
        "school_year": DEMO_SCHOOL_YEAR,
        "item": fee.item,
        "amount": _amount(rng, fee),
        "billing_unit": fee.unit,
        "approving_body": fee.body,
        "document_number": fee.document.format(n=n),
        "scope": fee.scope,
        "waivers": fee.waivers,
        "hotline": HOTLINE,
        "filed_on": (FILED_ON + datetime.timedelta(days=rng.randint(0, 10))).isoformat(),
        REVIEW: _decision(rng),
    }


def _entry(rng: random.Random, school: OrgUnit, n: int) -> Row:
    district = school.parent
    area = district.code if district and district.code.isdigit() else "410100"
    county_level = district is not None and district.type == UnitType.DISTRICT
    approves_locally = school.type in {
        UnitType.KINDERGARTEN,
        UnitType.PRIMARY,
        UnitType.JUNIOR,
        UnitType.NINE_YEAR,
    }
    local = county_level and district is not None and approves_locally
    approved_by = f"{district.name}教育局" if local and district else "郑州市教育局"
    place = district.name if county_level and district else "郑州市"
    opened = school.opened_on if school.opened_on and school.opened_on.year >= 2013 else None
    return {
        "school": school.code,
        "licence_number": f"演示许可证{area}{TYPE_CODE.get(school.type, '2')}{n:05d}号",
        "sponsor": f"郑州市{rng.choice(SPONSOR_WORDS)}{rng.choice(SPONSOR_KINDS)}",
        "address": f"{place}{rng.choice(ROADS)}{rng.randint(1, 299)}号",
        "phone": f"0371-6{rng.randint(0, 9999999):07d}",
        "levels": LEVELS_BY_TYPE.get(school.type, ""),
        "approved_by": approved_by,
        "listed_on": (opened or datetime.date(2016, 3, 1)).isoformat(),
    }


def _schools() -> list[OrgUnit]:
    """Schools open at the start of the 2016 school year and still open."""
    return list(
        OrgUnit.objects.filter(type__in=list(FEES_BY_TYPE))
        .filter(open_on(timezone.localdate()))
        .filter(open_on(SCHOOL_YEAR_START))
        .select_related("parent")
        .order_by("code")
    )


def fee_rows(rng: random.Random) -> list[Row]:
    """Fee items of the 2016 school year for every school open then and now (a private
    school files its own tuition instead of the public one), each with its decision."""
    rows: list[Row] = []
    for n, school in enumerate(_schools(), start=1):
        private = school.ownership == Ownership.PRIVATE
        for fee in FEES_BY_TYPE[school.type]:
            if private and fee.item in {"学费", "保育教育费"}:
                continue  # a private school's own tuition is filed below
            if fee.share < 1 and rng.random() >= fee.share:
                continue
            rows.append(_fee(rng, school, fee, n))
        if private:
            own = PRIVATE_CARE if school.type == UnitType.KINDERGARTEN else PRIVATE_TUITION
            rows.append(_fee(rng, school, own, n))
    return rows


def directory_rows(rng: random.Random) -> list[Row]:
    """A directory entry for every open private school."""
    return [
        _entry(rng, school, n)
        for n, school in enumerate(_schools(), start=1)
        if school.ownership == Ownership.PRIVATE
    ]
