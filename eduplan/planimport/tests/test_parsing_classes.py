"""The six classes of misses on unseen plans (issue 20), one group of tests per class.

1 mood and genre, 2 change from a stated baseline, 3 dense lists, 4 scaled numbers,
5 counts that are not targets, 6 a document without targets.
"""

from __future__ import annotations

import pytest

from eduplan.planimport.parsing import ParsedTarget, extract_targets, parse_plan


def figures(text: str, year: int | None = 2016) -> list[tuple[float, str]]:
    return [(t.value, t.unit) for t in extract_targets(text, year=year)]


def only(text: str, year: int | None = 2016) -> ParsedTarget:
    found = extract_targets(text, year=year)
    assert len(found) == 1, found
    return found[0]


# 1. Mood and genre ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "截至6月底，全市已开工建设学校42所。",
        "2015年共完成校舍改造120所。",
        "全市累计培训教师3.2万人次。",
        "目前全市现有幼儿园600所。",
        "2015年全市在校生比上年增长8%。",
    ],
)
def test_achievements_in_a_plan_are_not_targets(text: str) -> None:
    assert figures(text) == []


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("2016年新建学校30所。", "2016年"),
        ("参赛队伍力争达到500支以上。", "力争"),
        ("到2020年，累计培训教师5000人次。", "2020年"),
        ("确保新增学位1.5万个。", "确保"),
        ("新建学校30所。", ""),
    ],
)
def test_goals_are_targets_and_carry_the_word_that_made_them_so(text: str, cue: str) -> None:
    target = only(text)
    assert (target.mood, target.cue) == ("target", cue)


BULLETIN = """关于2016年上半年学校建设工程进展情况的通报
2016年，全市计划新建改扩建中小学90所。截至6月底，全市已开工建设学校42所，完成投资8.6亿元。
2016年全市新建学校30所，培训教师1200人次，比上年增长10%。
下一步，各地要倒排工期，确保9月1日前新增学位1.5万个按时投入使用。
"""


def test_a_bulletin_reports_facts_and_yields_only_the_targets_it_sets_itself() -> None:
    plan = parse_plan(BULLETIN)
    assert plan.genre == "bulletin"
    assert [(t.value, t.unit, t.cue) for t in plan.targets] == [(15000, "个", "确保")]
    achieved = {(a.value, a.unit) for a in plan.achievements}
    assert {(90, "所"), (42, "所"), (860_000_000, "元"), (30, "所"), (1200, "人次")} <= achieved
    assert all(a.mood == "achieved" for a in plan.achievements)


def test_a_summary_takes_targets_only_from_its_part_for_the_next_year() -> None:
    plan = parse_plan(
        "青山县教育局2017年工作总结\n"
        "一、教育资源持续扩大。全年新建中小学4所，新增学位5200个。\n"
        "二、2018年工作打算\n"
        "2018年，我们将新建中小学3所，新增学位3600个。\n"
    )
    assert plan.genre == "bulletin"
    assert [(t.value, t.year) for t in plan.targets] == [(3, 2018), (3600, 2018)]
    assert {a.value for a in plan.achievements} == {4, 5200}


@pytest.mark.parametrize(
    ("title", "genre"),
    [
        ("关于2020年教育民生实事完成情况的通报", "bulletin"),
        ("东湖区2021年“双减”工作总结", "bulletin"),
        ("2022年工作总结和2023年工作要点", "plan"),
        ("长河市教育局2017年工作要点", "plan"),
        ("关于印发《教育发展规划》的通知", "plan"),
    ],
)
def test_the_genre_is_read_from_the_title_the_last_genre_word_winning(
    title: str, genre: str
) -> None:
    assert parse_plan(f"{title}\n新建学校5所。\n").genre == genre


# 2. Change from a stated baseline ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "comparator", "baseline"),
    [
        ("全市幼儿园由目前的600余所调整到500所左右。", 500, "所", "=", 600),
        ("专任教师从现在的3.2万人增加到5万人。", 50_000, "人", ">=", 32_000),
        ("学前三年毛入园率由88%提高到92%。", 92, "%", ">=", 88),
        ("紧缺学科教师缺口由目前的1200人减少到300人以内。", 300, "人", "<=", 1200),
        ("补助标准由每生每天4元提高到5元。", 5, "元", ">=", 4),
        ("参与学生比例由去年的86%提高到95%以上。", 95, "%", ">=", 86),
        ("目前全市有幼儿园600所，到2020年调整到500所左右。", 500, "所", "=", 600),
    ],
)
def test_the_goal_of_a_change_is_the_target_and_its_start_the_baseline(
    text: str, value: float, unit: str, comparator: str, baseline: float
) -> None:
    target = only(text)
    assert (target.value, target.unit, target.comparator, target.baseline) == (
        value,
        unit,
        comparator,
        baseline,
    )
    assert target.to_dict()["baseline"] == baseline


def test_the_starting_figure_is_kept_as_an_achievement_and_names_the_goal() -> None:
    plan = parse_plan("规划\n全市幼儿园由目前的600余所调整到500所左右。\n")
    assert [(a.value, a.cue, a.indicator) for a in plan.achievements] == [(600, "由", "幼儿园")]
    assert plan.targets[0].indicator == "幼儿园"


@pytest.mark.parametrize(
    ("text", "value", "unit", "change", "baseline_year"),
    [
        ("生均公用经费在2015年基础上翻一番。", 2, "倍", "increase", 2015),
        ("学位数翻两番。", 4, "倍", "increase", None),
        ("薄弱学校数量减少三分之一。", 33.33, "%", "decrease", None),
        ("大班额数量比2017年减少三分之二。", 66.67, "%", "decrease", 2017),
        ("普惠性幼儿园覆盖率提高5个百分点。", 5, "%", "increase", None),
    ],
)
def test_doublings_fractions_and_points_are_changes(
    text: str, value: float, unit: str, change: str, baseline_year: int | None
) -> None:
    target = only(text)
    assert (target.value, target.unit, target.change, target.baseline_year) == (
        value,
        unit,
        change,
        baseline_year,
    )


# 3. Dense lists ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "——重点建设60所特色学校；——培训骨干教师3000人次；——新增学位3.5万个。",
        "一是重点建设60所特色学校，二是培训骨干教师3000人次，三是新增学位3.5万个。",
        "①重点建设60所特色学校；②培训骨干教师3000人次；③新增学位3.5万个。",
        "（1）重点建设60所特色学校；（2）培训骨干教师3000人次；（3）新增学位3.5万个。",
    ],
)
def test_each_item_of_a_dense_list_is_a_target_named_without_its_mark(text: str) -> None:
    found = extract_targets(text, year=2016)
    assert [(t.value, t.unit) for t in found] == [(60, "所"), (3000, "人次"), (35_000, "个")]
    assert [t.indicator for t in found] == ["特色学校", "培训骨干教师", "新增学位"]


# 4. Scaled numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("新增学位2.35万个。", 23_500, "个"),
        ("投入资金1.2亿元。", 120_000_000, "元"),
        ("培训教师3千余人。", 3000, "人"),
        ("培训百万学生。", 1_000_000, "人"),
        ("新增学位两万个。", 20_000, "个"),
    ],
)
def test_multipliers_are_multiplied_out_into_the_counting_word(
    text: str, value: float, unit: str
) -> None:
    assert figures(text) == [(value, unit)]


# 5. Counts that are not targets --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "全市25个部门参与。",
        "区教育局成立3个工作组、5个专项小组。",
        "推出三项举措，从五个方面推进，落实三项机制、四个到位。",
        "招收3至6岁幼儿。",
        "一年级新生入学。",
        "根据郑教〔2016〕12号文件。",
        "联系电话：0371-12345678，地址：中原路12号。",
        "全市教育系统13个党委、246个基层党支部完成换届。",
        "县委县政府确定今年教育民生实事5项。",
        "全县46所寄宿制学校全部配备专职保安。",
    ],
)
def test_sizes_list_lengths_ages_grades_numbers_and_addresses_are_not_targets(
    text: str,
) -> None:
    assert figures(text) == []


def test_a_small_count_is_a_target_where_the_clause_sets_it() -> None:
    assert figures("新增3个工作组。") == [(3, "个")]
    assert figures("与38个基层单位签订责任书。") == [(38, "个")]


# 6. A document without targets ---------------------------------------------------------


def test_a_notice_parses_to_an_empty_plan() -> None:
    plan = parse_plan("关于召开全市教育工作会议的通知\n定于下周召开会议，请准时参加。\n")
    assert plan.empty
    assert plan.to_json()["targets"] == []
