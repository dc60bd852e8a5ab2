"""The parser on the seed plan (Zhengzhou 2016): structure, and targets against the gold file.

The seed plan and its gold are kept in the repository (eduplan/plans/data/sources/).
"""

from __future__ import annotations

import pytest

from eduplan.planimport.parsing import ParsedPlan, load_gold, parse_plan, read_plan_file, score
from eduplan.plans.data.check_curated import DEFAULT_GOLD, DEFAULT_PLAN

SEED_TEXT = DEFAULT_PLAN
SEED_GOLD = DEFAULT_GOLD

PROJECT_NAMES = [
    "学校建设工程",
    "学校美育工程",
    "校园足球提升工程",
    "教育信息化提升工程",
    "基础教育国际化工程",
    "教育行风治理能力提升工程",
    "和谐机关建设工程",
    "学校安全工作提升工程",
    "信访维稳工作改革提升工程",
    "教育新闻宣传促进工程",
    "基层党建工程",
    "教师管理体制改革工程",
    "学前教育惠民发展工程",
    "基础教育质量提升工程",
    "现代职业教育体系构建工程",
    "创新创业教育示范院校建设工程",
    "民办教育内涵发展提升工程",
]


@pytest.fixture(scope="module")
def seed_plan() -> ParsedPlan:
    return parse_plan(read_plan_file(SEED_TEXT), filename=SEED_TEXT.name)


def test_the_seed_has_seventeen_projects_with_their_names(seed_plan: ParsedPlan) -> None:
    assert [p.number for p in seed_plan.projects] == list(range(1, 18))
    assert [p.name for p in seed_plan.projects] == PROJECT_NAMES


def test_the_seed_has_twenty_eight_work_points_in_eight_sections(seed_plan: ParsedPlan) -> None:
    assert [s.number for s in seed_plan.sections] == list(range(1, 9))
    assert seed_plan.sections[0].title == "狠抓党建，夯实事业发展根基"
    assert [w.number for w in seed_plan.work_points] == list(range(1, 29))
    per_section = [sum(w.section == s for w in seed_plan.work_points) for s in range(1, 9)]
    assert per_section == [3, 3, 3, 3, 6, 3, 3, 4]


def test_the_seed_is_a_2016_plan_whose_three_year_goals_fall_due_in_2018(
    seed_plan: ParsedPlan,
) -> None:
    assert seed_plan.title == "郑州市教育局未来三年重点工程及2016年工作要点"
    assert (seed_plan.year, seed_plan.start_year, seed_plan.end_year) == (2016, 2016, 2018)
    first = seed_plan.projects[0]
    assert [(g.horizon, g.year) for g in first.goals] == [("three_year", 2018), ("annual", 2016)]
    assert first.goals[0].text.startswith("新建改扩建中小学90所")


def test_measures_and_milestones_are_split_out_of_the_projects(seed_plan: ParsedPlan) -> None:
    art = seed_plan.projects[1]
    assert [m.text for m in art.measures] == [
        "确保持续稳定的经费投入",
        "加强师资引进及培训",
        "积极开展艺术专项活动",
        "建立评价督导办法和机制",
    ]
    offices = seed_plan.projects[6]
    assert [(m.year, m.title) for m in offices.milestones] == [
        (2016, "制订方案、开始试行"),
        (2017, "完善方案、改进工作"),
        (2018, "形成制度、常态实施"),
    ]
    assert len(seed_plan.projects[5].measures) == 7


def test_every_target_is_listed_once_and_also_under_its_goal_or_work_point(
    seed_plan: ParsedPlan,
) -> None:
    nested = [t for p in seed_plan.projects for g in p.goals for t in g.targets]
    nested += [t for w in seed_plan.work_points for t in w.targets]
    assert sorted(id(t) for t in nested) == sorted(id(t) for t in seed_plan.targets)
    assert len({(t.start, t.end) for t in seed_plan.targets}) == len(seed_plan.targets)


def test_target_offsets_point_at_their_source_clause(seed_plan: ParsedPlan) -> None:
    text = read_plan_file(SEED_TEXT)
    for target in seed_plan.targets:
        assert text[target.start : target.end] == target.source


def test_seed_targets_score_at_least_095_f1_against_the_gold_file(seed_plan: ParsedPlan) -> None:
    result = score(seed_plan.targets, load_gold(SEED_GOLD))
    print(f"\nseed plan: {result.summary()}")
    for missed in result.missed:
        print("  missed:", missed["source"], missed["value"], missed["unit"])
    for extra in result.spurious:
        print("  spurious:", extra["source"], extra["value"], extra["unit"])
    assert result.f1 >= 0.95
    assert result.comparator_accuracy >= 0.95
    assert result.change_accuracy >= 0.95


def test_seed_targets_carry_the_gold_sections_and_due_years(seed_plan: ParsedPlan) -> None:
    result = score(seed_plan.targets, load_gold(SEED_GOLD))
    wrong = [
        (m.gold["source"], m.predicted["section"], m.predicted["year"])
        for m in result.matches
        if (m.gold["section"], m.gold["year"]) != (m.predicted["section"], m.predicted["year"])
    ]
    assert wrong == []


def test_to_json_has_the_four_lists_and_targets_in_the_exchange_format(
    seed_plan: ParsedPlan,
) -> None:
    data = seed_plan.to_json()
    assert set(data) == {
        "projects",
        "sections",
        "work_points",
        "genre",
        "targets",
        "achievements",
    }
    assert data["genre"] == "plan"
    first = data["targets"][0]
    assert first == {
        "value": 90,
        "value_max": None,
        "unit": "所",
        "comparator": "=",
        "change": None,
        "baseline_year": None,
        "year": 2018,
        "baseline": None,
        "indicator": "新建改扩建中小学",
        "source": "新建改扩建中小学90所",
        "section": "第一项工程 三年总目标",
        "mood": "target",
        "cue": "目标为",  # 工程三年总目标为：新建改扩建中小学90所
    }
    assert data["projects"][0]["goals"][0]["targets"][0] == first
    assert data["work_points"][3]["targets"][0]["section"] == "工作要点 4"
