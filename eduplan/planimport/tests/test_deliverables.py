"""Deliverables found in a measure's or a work point's text: the kind, the title as the
plan words it, the document's title, the year; and the curated Zhengzhou breakdown
checked against the same function."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from eduplan.planimport.parsing.deliverables import deliverables_find

DATA = Path(__file__).parents[2] / "plans" / "data"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "探索教师队伍补充机制，研究出台《郑州市新进教师招录办法》",
            [("document", "出台《郑州市新进教师招录办法》", "郑州市新进教师招录办法")],
        ),
        (
            "规范招生行为，制定并落实《局属学校规范招生管理及问责制度》。",
            [
                (
                    "document",
                    "制定并落实《局属学校规范招生管理及问责制度》",
                    "局属学校规范招生管理及问责制度",
                )
            ],
        ),
        (
            "加强领导，成立市教育局党建工作领导小组，形成工作合力",
            [("body", "成立市教育局党建工作领导小组", "")],
        ),
        (
            "成立智慧教育实验区建设领导小组和智慧教育推进办及教育信息化专家委员会，促进",
            [("body", "成立智慧教育实验区建设领导小组和智慧教育推进办及教育信息化专家委员会", "")],
        ),
        (
            "召开职教工作会，出台《实施意见》。",
            [("meeting", "召开职教工作会", ""), ("document", "出台《实施意见》", "实施意见")],
        ),
        (
            "建成中等职业教育综合管理信息平台，并试运行",
            [("system", "建成中等职业教育综合管理信息平台并试运行", "")],
        ),
        ("推动“云上幼教”平台试运行。", [("system", "推动“云上幼教”平台试运行", "")]),
        ("启动开展创客教育项目。", [("pilot", "启动创客教育项目", "")]),
        (
            "在基础较好的学校开展党员队伍建设“双培工程”试点，",
            [("pilot", "开展党员队伍建设“双培工程”试点", "")],
        ),
        # Not deliverables: a start without an object, plain work.
        ("通过评审实施、全面启动、优化完善、重点突破，推进建设", []),
        ("加强理论学习，提升干部素养，丰富文体活动", []),
    ],
)
def test_each_kind_of_deliverable_is_found_as_the_plan_words_it(text, found):
    got = deliverables_find(text, year=2016)
    assert [(d.kind, d.title, d.document) for d in got] == found
    assert all(d.year == 2016 and text[d.start : d.end] for d in got)


def test_a_year_written_in_the_clause_wins_over_the_texts_year():
    first, second = deliverables_find("2017年出台《办法》，召开推进会", year=2016)
    assert (first.year, second.year) == (2017, 2016)


def _curated() -> tuple[dict, dict]:
    plan = yaml.safe_load((DATA / "zhengzhou-2016.yaml").read_text(encoding="utf-8"))
    breakdown = yaml.safe_load((DATA / plan["breakdown"]).read_text(encoding="utf-8"))
    return plan, breakdown


def test_the_curated_breakdown_has_every_deliverable_the_function_finds_and_no_other():
    plan, breakdown = _curated()
    texts = {
        f"{p['number']}.{m}": measure["text"]
        for p in plan["projects"]
        for m, measure in enumerate(p["measures"], start=1)
    }
    texts |= {w["number"]: w["text"] for s in plan["sections"] for w in s["work_points"]}
    milestones = {m["title"]: t for t in breakdown["tasks"] for m in t.get("milestones", [])}
    tasks: dict[object, list[dict]] = {}
    for t in breakdown["tasks"]:  # a task serving a measure and a work point is in both
        for place in (t.get("measure"), t.get("work_point")):
            if place is not None:
                tasks.setdefault(place, []).append(t)
    found_at = {place: deliverables_find(text, year=2016) for place, text in texts.items()}
    for place, found in found_at.items():
        titles = [t["title"] for t in tasks[place]]
        shared = [t for t in tasks[place] if "measure" in t and "work_point" in t]
        for d in found:
            if any(m["kind"] == d.kind for t in shared for m in t.get("milestones", [])):
                continue  # 同一事项: the measure's words name the one milestone
            assert d.title in titles, (place, d.title)  # a task per deliverable
            assert d.title in milestones, (place, d.title)  # a milestone, here or where first named
            [curated] = [m for m in milestones[d.title]["milestones"] if m["title"] == d.title]
            assert (curated["kind"], curated.get("document", "")) == (d.kind, d.document)
        # No milestone that the texts of the places its task serves do not name.
        for t in tasks[place]:
            named = {
                d.title
                for served in (t.get("measure"), t.get("work_point"))
                if served is not None
                for d in found_at[served]
            }
            assert {m["title"] for m in t.get("milestones", [])} <= named, place
