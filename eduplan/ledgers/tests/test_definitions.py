"""Ledger files: every refused file names its place and stores nothing; versions follow
the content hash; the shipped files load."""

from __future__ import annotations

import re

import pytest

from eduplan.core.errors import InputError
from eduplan.ledgers.models import Ledger, LedgerVersion
from eduplan.ledgers.services import LEDGERS_DIR, ledgers_load
from eduplan.ledgers.tests.conftest import SAMPLE, add, load_text

FIELDS = (
    "fields:\n  - {code: school, label: 学校, type: unit, required: true}\n"
    "  - {code: day, label: 日期, type: date, required: true}\n"
)
HEAD = "code: t\nname: 测试\nkeeper: {department: D-JC}\nunit: school\ndate: day\n"

REFUSED = [
    ("code: [unclosed\n", "test.yaml:2:1", "YAML"),
    ("- a\n- b\n", "test.yaml:1:1", ""),
    (HEAD + FIELDS + "colour: red\n", "test.yaml:9:1 colour", "colour"),
    (
        HEAD + "fields:\n  - {code: school, label: 学校, type: place, required: true}\n",
        "fields[0].type",
        "'place'",
    ),
    (
        HEAD + "fields:\n  - {code: school, label: 学校, type: choice, required: true}\n",
        "fields[0]",
        "choices",
    ),
    (
        HEAD + "fields:\n  - {code: Bad-Code, label: 学校, type: unit, required: true}\n",
        "fields[0].code",
        "",
    ),
    (
        HEAD + FIELDS + "  - {code: n, label: 数, type: number, min: 5, max: 1}\n",
        "fields[2]",
        "max",
    ),
    (
        HEAD + FIELDS + "  - {code: p, label: 人, type: person, public: true}\n",
        "fields[2].public",
        "不公开",
    ),
    (HEAD + FIELDS + "  - {code: school, label: 又, type: text}\n", "fields[2].code", "重复"),
    (HEAD.replace("unit: school", "unit: nowhere") + FIELDS, "test.yaml:4:7 unit", "unit"),
    (HEAD.replace("date: day", "date: school") + FIELDS, "test.yaml:5:7 date", "date"),
    (HEAD + "unique: [school, colour]\n" + FIELDS, "unique[1]", "colour"),
    (
        HEAD + FIELDS + "  - {code: x, label: X, type: text, relevant: {field: nope}}\n",
        "fields[2].relevant.field",
        "nope",
    ),
    (
        HEAD + FIELDS + "metrics:\n  - {code: m, name: 数, kind: sum}\n",
        "metrics[0].kind",
        "须指定字段",
    ),
    (
        HEAD + FIELDS + "metrics:\n  - {code: m, name: 数, kind: sum, field: school}\n",
        "metrics[0].field",
        "数值字段",
    ),
    (
        HEAD + FIELDS + "metrics:\n  - {code: m, name: 数, where: {colour: red}}\n",
        "metrics[0].where.colour",
        "colour",
    ),
    (
        HEAD + FIELDS + "  - {code: x, label: X, type: text, pattern: '('}\n",
        "fields[2].pattern",
        "正则表达式",
    ),
    (HEAD.replace("D-JC", "NO-SUCH") + FIELDS, "keeper.department", "NO-SUCH"),
    (HEAD.replace("{department: D-JC}", "{units: false}") + FIELDS, "keeper", "department"),
]


@pytest.mark.parametrize(("text", "place", "fragment"), REFUSED)
def test_a_bad_ledger_file_is_refused_with_its_place_and_nothing_is_stored(
    city, text, place, fragment
):
    with pytest.raises(InputError, match=re.escape(place)) as caught:
        load_text(text)
    assert place in caught.value.where
    assert fragment in caught.value.message or fragment in caught.value.where
    assert not Ledger.objects.exists()


def test_the_same_file_twice_is_one_version_and_a_change_is_a_new_one(city):
    first = load_text(SAMPLE)
    assert load_text(SAMPLE).current_version == first.current_version
    record = add(city, first)
    changed = load_text(SAMPLE.replace("name: 测试台账", "name: 测试台账（修订）"))
    assert changed.current_version.number == 2
    assert LedgerVersion.objects.filter(ledger=first).count() == 2
    assert record.version.number == 1  # stamped with the version it was entered against
    assert add(city, changed, school="410105-P2").version.number == 2


def test_the_shipped_ledger_files_load(db):
    from eduplan.demo.services import org_load_file

    org_load_file()
    loaded = ledgers_load(folder=LEDGERS_DIR)
    assert len(loaded) == len(list(LEDGERS_DIR.glob("*.yaml"))) >= 6
    assert all(created for _ledger, created in loaded)


def test_a_school_project_opens_a_school_of_its_own_level(city):
    from eduplan.core.loading import yaml_file_load
    from eduplan.ledgers.services import ledger_data_load, record_create
    from eduplan.org.models import Role, UnitType
    from eduplan.org.tests.factories import OrgUnitFactory, user_with_role
    from eduplan.reporting.services import SubmissionInvalid

    planning = OrgUnitFactory(
        code="DEPT-FZGH", name="发展规划处", type=UnitType.DEPARTMENT, parent=city.root
    )
    keeper = user_with_role("fz", Role.DEPARTMENT, city.root, department=planning)
    data = yaml_file_load(path=LEDGERS_DIR / "school_projects.yaml")
    ledger = ledger_data_load(data=data, source="school_projects.yaml")[0]
    row = {
        "name": "金水一小新建工程", "district": "410105", "kind": "新建", "level": "初中",
        "inner_ring": "否", "stage": "投用", "approved_on": "2016-03-01",
        "opened_on": "2016-09-01", "school": "金水一小",
    }  # fmt: skip
    with pytest.raises(SubmissionInvalid, match="金水一小不属于适合学段“初中”的单位类型"):
        record_create(user=keeper, ledger=ledger, values=row)
    record = record_create(user=keeper, ledger=ledger, values={**row, "level": "小学"})
    assert record.data["school"] == "410105-P1"
