"""The curated Zhengzhou plan: loaded whole, shown whole, refused when bad."""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from eduplan.core.errors import InputError
from eduplan.demo.services import PLAN_FILE, org_load_file
from eduplan.plans.data.check_curated import DEFAULT_GOLD
from eduplan.plans.loading import plan_spec_from_data, plan_spec_from_file
from eduplan.plans.models import Plan, Project, Target
from eduplan.plans.services import plan_load

GOLD = DEFAULT_GOLD


@pytest.fixture
def org(db):
    return org_load_file()


@pytest.fixture
def shown(org) -> dict:
    plan_load(spec=plan_spec_from_file(PLAN_FILE))
    out = io.StringIO()
    call_command("plan", "show", "--json", stdout=out)
    return json.loads(out.getvalue())


def _all_targets(shown: dict) -> list[dict]:
    return [t for p in shown["projects"] for t in p["targets"]] + [
        t for w in shown["work_points"] for t in w["targets"]
    ]


def test_plan_show_lists_17_projects_and_28_work_points(shown):
    assert [p["number"] for p in shown["projects"]] == list(range(1, 18))
    assert [w["number"] for w in shown["work_points"]] == list(range(1, 29))
    assert len({w["section"] for w in shown["work_points"]}) == 8
    assert shown["projects"][0]["name"] == "学校建设工程"
    assert all(p["goals"] for p in shown["projects"])


def test_every_gold_target_appears_with_its_value_unit_and_section(shown):
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["targets"]
    have = Counter(
        (t["section"], t["value"], t["value_max"], t["unit"], t["comparator"], t["change"])
        for t in _all_targets(shown)
        if not t.get("pair")
    )
    paired = Counter(
        (t["section"], t["value"], t["unit"]) for t in _all_targets(shown) if t.get("pair")
    )
    for g in gold:
        key = (g["section"], g["value"], g["value_max"], g["unit"], g["comparator"], g["change"])
        if have[key]:
            have[key] -= 1
            continue
        # A written figure that carries two targets (双90%) is kept as both.
        pair_key = (g["section"], g["value"], g["unit"])
        assert paired[pair_key] >= 2, f"gold target missing: {g['section']} {g['source']}"
        paired[pair_key] -= 2


def test_shuang_90_is_kept_as_enrolment_rate_and_inclusive_rate(shown):
    pair = [t for t in _all_targets(shown) if t.get("pair") == "双90%"]
    indicators = Counter(t["indicator"] for t in pair)
    assert indicators["学前三年毛入园率"] == indicators["普惠率"] >= 1
    assert all(t["value"] == 90 and t["unit"] == "%" and t["comparator"] == ">=" for t in pair)


def test_work_points_link_to_the_projects_they_serve(shown):
    links = {w["number"]: w["projects"] for w in shown["work_points"]}
    assert links[11] == [3]
    assert links[4] == [1]
    assert links[6] == []


def test_plan_show_without_a_plan_says_so(db):
    with pytest.raises(CommandError, match="尚未载入"):
        call_command("plan", "show", "--json", stdout=io.StringIO())


def _data() -> dict:
    return yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))


def test_a_target_value_that_is_not_a_number_is_refused_with_its_place(org):
    data = _data()
    data["projects"][2]["goals"][0]["targets"][1]["value"] = "五百"
    with pytest.raises(
        InputError,
        match=r"projects\[2\]\.goals\[0\]\.targets\[1\]\.value: 此处应为数字，而不是 '五百'",
    ) as excinfo:
        plan_spec_from_data(data=data, source="plan.yaml")
    assert excinfo.value.where == "plan.yaml: projects[2].goals[0].targets[1].value"


def test_a_range_without_upper_value_is_refused_with_its_place(org):
    data = _data()
    target = data["projects"][1]["goals"][0]["targets"][0]
    assert target["comparator"] == "between"
    target["value_max"] = None
    with pytest.raises(InputError, match="value_max: 区间目标须填写 value_max") as excinfo:
        plan_spec_from_data(data=data, source="plan.yaml")
    assert excinfo.value.where == "plan.yaml: projects[1].goals[0].targets[0].value_max"


def test_a_work_point_linked_to_a_missing_project_is_refused(org):
    data = _data()
    data["sections"][0]["work_points"][0]["projects"] = [42]
    with pytest.raises(InputError, match="本规划中没有编号为 42 的工程") as excinfo:
        plan_spec_from_data(data=data, source="plan.yaml")
    assert excinfo.value.where == "plan.yaml: sections[0].work_points[0].projects[0]"


def test_malformed_yaml_names_the_line_and_changes_nothing(org, tmp_path):
    bad = tmp_path / "plan.yaml"
    bad.write_text("code: x\nprojects:\n  - number: 1\n    name: [unclosed\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"plan\.yaml:\d+:\d+"):
        call_command("plan", "load", str(bad), stdout=io.StringIO())
    assert not Plan.objects.exists()


def test_an_unknown_owner_department_is_refused_and_the_database_is_unchanged(org, tmp_path):
    data = _data()
    data["projects"][4]["owners"][0]["department"] = "DEPT-NONE"
    bad = tmp_path / "plan.yaml"
    shutil.copy(PLAN_FILE.parent / data["breakdown"], tmp_path / data["breakdown"])
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError, match="未知处室：DEPT-NONE") as excinfo:
        call_command("plan", "load", str(bad), stdout=io.StringIO())
    assert "DEPT-NONE" in str(excinfo.value)
    assert "projects[4].owners[0].department" in str(excinfo.value)
    assert not Plan.objects.exists()
    assert not Project.objects.exists()
    assert not Target.objects.exists()


def test_an_unknown_organisation_is_refused(org):
    data = _data()
    data["organisation"] = "999999"
    with pytest.raises(InputError, match="999999"):
        plan_load(spec=plan_spec_from_data(data=data, source="plan.yaml"))
    assert not Plan.objects.exists()


def test_loading_the_same_plan_twice_is_refused_and_keeps_the_first(shown):
    with pytest.raises(CommandError, match="zhengzhou-2016"):
        call_command("plan", "load", str(PLAN_FILE), stdout=io.StringIO())
    assert Plan.objects.count() == 1
    assert Project.objects.count() == 17


def test_a_work_point_restating_a_project_target_is_linked_to_it(shown):
    again = Target.objects.get(work_point__number=11, indicator="校园足球特色学校")
    assert again.restates is not None
    assert again.restates.goal.section_label == "第三项工程 2016年"
    assert again.restates.indicator == "校园足球特色学校"
    renamed = Target.objects.get(work_point__number=13, indicator="市级普惠性民办幼儿园")
    assert renamed.restates.indicator == "市级试点普惠性民办幼儿园"
    assert Target.objects.filter(restates__isnull=False).count() == 7
    # 市区 is not the whole city: work point 4's schools are a target of their own.
    assert Target.objects.get(indicator="市区新建改扩建中小学").restates is None


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("第三项工程 2017年", "第三项工程 2017年"),
        ("第三项工程 2016年/足球特色学校", "足球特色学校"),
    ],
)
def test_a_restatement_of_a_target_that_does_not_exist_is_refused_with_its_place(
    org, reference, message
):
    data = _data()
    point = next(wp for s in data["sections"] for wp in s["work_points"] if wp["number"] == 11)
    target = next(t for t in point["targets"] if t["indicator"] == "校园足球特色学校")
    target["restates"] = reference
    with pytest.raises(InputError, match=message) as excinfo:
        plan_spec_from_data(data=data, source="plan.yaml")
    assert excinfo.value.where.endswith(".restates")
    assert excinfo.value.where.startswith("plan.yaml: sections[")
