"""The rules of what is and is not a target (TARGETS_FORMAT.md), one behaviour per test."""

from __future__ import annotations

import pytest

from eduplan.planimport.parsing import ParsedTarget, extract_targets, parse_plan


def figures(text: str, year: int | None = 2017) -> list[tuple[float, float | None, str]]:
    return [(t.value, t.value_max, t.unit) for t in extract_targets(text, year=year)]


def only(text: str, year: int | None = 2017) -> ParsedTarget:
    found = extract_targets(text, year=year)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("经常参与校园足球活动的学生达到10万人。", (100_000, None, "人")),
        ("新建校舍3.03万平方米。", (30_300, None, "平方米")),
        ("计划投资934万元。", (9_340_000, None, "元")),
        ("总投资约18.6亿元。", (1_860_000_000, None, "元")),
        ("新建、改扩建公办幼儿园三十所。", (30, None, "所")),
        ("全县建设村级幼教点两个。", (2, None, "个")),
        ("招聘教师一百二十名。", (120, None, "名")),
        ("培训500万劳动力。", (5_000_000, None, "人")),
        ("巩固率达到百分之九十五以上。", (95, None, "%")),
        ("培训教师1,200人次。", (1200, None, "人次")),
        ("新增学位１２００个。", (1200, None, "个")),
    ],
)
def test_chinese_numerals_and_multipliers_are_multiplied_out_into_the_counting_word(
    text: str, expected: tuple[float, float | None, str]
) -> None:
    assert figures(text) == [expected]


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("培育1-2个美育示范县。", 1, 2, "个"),
        ("新建普通高中4至5所。", 4, 5, "所"),
        ("新建普通高中4～5所。", 4, 5, "所"),
        ("新建普通高中三到五所。", 3, 5, "所"),
        ("按照每人每月300元至500元标准发放补助。", 300, 500, "元"),
    ],
)
def test_ranges_are_between_their_ends(text: str, low: float, high: float, unit: str) -> None:
    target = only(text)
    assert (target.value, target.value_max, target.unit, target.comparator) == (
        low,
        high,
        unit,
        "between",
    )


@pytest.mark.parametrize(
    "text",
    [
        "出台本地、本校3-5年的行动规划。",
        "面向3-6岁幼儿开展保育。",
        "三到五年内基本建成。",
        "每5年复评一次。",
        "开展第二周期校长工作室工作，继续推进第二批名班主任工作室建设。",
        "将着重推进十七项重点工程。我们有四项举措：一是确保经费投入。",
        "郑教〔2016〕12号",
        "按照小学、初中、高中6:3:1的比例创建特色学校。",
        "全市接入带宽10M以上的中小学全部完成改造。",
        "消除56人以上大班额。",
        "确保常住人口3万人以上的街道有幼儿园。",
        "贯彻党的十八届五中全会精神，确保“十三五”良好开局，实施“双培工程”。",
        "建设一卡通应用，明确一把手负责制，提供一站式服务，达到一校一品。",
        "推动市、区两级联动，落实一岗双责，完善四级网络体系，启动三环以内高中外迁。",
        "持续支持市内九区基础教育均衡发展。",
        "打造一支高素质教师队伍，建设一个平台。",
        "— 3 —",
        "2016年3月15日印发",
    ],
)
def test_ordinals_names_dates_periods_ages_ratios_and_qualifiers_are_not_targets(
    text: str,
) -> None:
    assert extract_targets(text, year=2016) == []


@pytest.mark.parametrize(
    "text",
    [
        "截至2015年底，全市现有学校541所，在校生140万人。",
        "2016年，全县新建学校5所，新增学位3000个。",
        "去年已建成幼儿园12所。",
        "“十三五”期间，累计新建改扩建中小学186所。",
        "目前全市共有幼儿园1516所。",
        "学前三年毛入园率由2015年的83.2%提高到2020年的91.5%。",
    ],
)
def test_facts_about_the_present_or_past_are_not_targets(text: str) -> None:
    assert extract_targets(text, year=2021) == []


def test_a_fact_and_a_target_in_one_sentence_are_told_apart() -> None:
    found = extract_targets("在去年建成6所学校的基础上，今年再开工建设中小学8所。", year=2019)
    assert [(t.value, t.unit) for t in found] == [(8, "所")]
    found = extract_targets("去年已完成骨干教师评选320名，今年新评选区级骨干教师100名。", year=2019)
    assert [(t.value, t.unit) for t in found] == [(100, "名")]


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("参赛队伍达到500支以上。", ">="),
        ("市级校园足球联赛场次达到1000场。", ">="),
        ("促进县（市、区）发展实现双90%目标。", ">="),
        ("发展党员不少于30名。", ">="),
        ("受益教师一万人次以上。", ">="),
        ("培训教师5000多人次。", ">="),
        ("力争上线人数突破500人。", ">="),
        ("大班额比例控制在10%以内。", "<="),
        ("书面作业时间不超过60分钟。", "<="),
        ("大班额比例降至8%以下。", "<="),
        ("招生规模达到两千人左右。", "="),
        ("总建筑面积约33万平方米。", "="),
        ("新建改扩建中小学90所。", "="),
    ],
)
def test_comparators_follow_the_words_around_the_figure(text: str, comparator: str) -> None:
    assert only(text).comparator == comparator


def test_a_change_against_a_baseline_year_keeps_the_year() -> None:
    target = only("使中小学校大班额比2013年减少40%以上。")
    assert (target.value, target.unit, target.comparator) == (40, "%", ">=")
    assert (target.change, target.baseline_year) == ("decrease", 2013)
    assert target.indicator == "中小学校大班额"


def test_percentage_points_are_percent_with_their_change() -> None:
    target = only("二本上线率比上年提高3个百分点。", year=2017)
    assert (target.value, target.unit, target.change, target.baseline_year) == (
        3,
        "%",
        "increase",
        2016,
    )
    target = only("近视率每年降低0.5个百分点以上。")
    assert (target.value, target.unit, target.change, target.comparator) == (
        0.5,
        "%",
        "decrease",
        ">=",
    )


def test_a_frequency_counts_once_per_period() -> None:
    target = only("保证每周至少一节足球课。", year=2016)
    assert (target.value, target.unit, target.comparator) == (1, "节", ">=")
    assert target.indicator == "足球课（每周）"


def test_one_figure_shared_by_a_pair_is_one_target_and_a_list_is_one_per_figure() -> None:
    assert figures("学前三年毛入园率和普惠率达到90%以上。") == [(90, None, "%")]
    found = extract_targets("小学、初中巩固率分别达到99%、98%。", year=2020)
    assert [(t.value, t.comparator) for t in found] == [(99, ">="), (98, ">=")]
    found = extract_targets("城区小学、初中班额分别控制在45人、50人以内。", year=2020)
    assert [(t.value, t.comparator, t.indicator) for t in found] == [
        (45, "<=", "城区小学班额"),
        (50, "<=", "初中班额"),
    ]


def test_due_years_come_from_the_text_or_the_documents_year() -> None:
    found = extract_targets("到2023年，省级示范幼儿园达到60所；到2025年，达到80所以上。", year=2021)
    assert [(t.value, t.year) for t in found] == [(60, 2023), (80, 2025)]
    assert only("2018年3月底前，完成12所学校改造。", year=2018).year == 2018
    assert only("新建学校5所。", year=None).year is None


def test_indicators_are_trimmed_of_goal_verbs_but_keep_what_defines_the_count() -> None:
    assert only("在全市创建200所校园足球特色学校（含国家级、省级、市级）。").indicator == (
        "校园足球特色学校"
    )
    assert only("新建改扩建30所中小学。").indicator == "新建改扩建中小学"
    assert only("建设数字化校园学校34所。").indicator == "数字化校园学校"
    assert only("为23所学校搭建数字化校园学习环境。").indicator == "搭建数字化校园学习环境的学校"
    assert only("力争参赛队伍达到500支以上。").indicator == "参赛队伍"
    found = extract_targets("新建改扩建中小学90所，平均每年30所。", year=2018)
    assert found[1].indicator == "平均每年新建改扩建中小学"


def test_sources_and_offsets_mark_the_clause_for_highlighting() -> None:
    text = "一、建设\n    创建100所校园足球特色学校和5所幼儿足球试点园。"
    found = extract_targets(text, year=2016)
    assert [t.source for t in found] == ["创建100所校园足球特色学校", "5所幼儿足球试点园"]
    assert all(text[t.start : t.end] == t.source for t in found)


def test_an_indicator_table_gives_one_target_per_row_from_the_target_column() -> None:
    text = (
        "主要指标\n指标\t2020年\t2025年\t属性\n"
        "学前三年毛入园率（%）\t88\t≥92\t预期性\n"
        "新增学位（万个）\t—\t3.5\t预期性\n"
    )
    found = extract_targets(text, year=2021)
    assert [(t.value, t.unit, t.comparator, t.year) for t in found] == [
        (92, "%", ">=", 2025),
        (35000, "个", "=", 2025),
    ]


def test_a_document_not_organised_in_projects_still_yields_sections_and_points() -> None:
    plan = parse_plan(
        "某县2018年为民办实事\n一、项目内容\n1、新建幼儿园3所。\n2、培训教师500人次。\n"
        "二、保障措施\n市财政安排专项资金2亿元。\n"
    )
    assert plan.year == 2018 and plan.projects == []
    assert [(s.number, s.title) for s in plan.sections] == [(1, "项目内容"), (2, "保障措施")]
    assert [(w.number, w.section, w.text) for w in plan.work_points] == [
        (1, 1, "新建幼儿园3所。"),
        (2, 1, "培训教师500人次。"),
    ]
    assert [(t.value, t.section, t.year) for t in plan.targets] == [
        (3, "工作要点 1", 2018),
        (500, "工作要点 2", 2018),
        (200_000_000, "二、保障措施", 2018),
    ]
