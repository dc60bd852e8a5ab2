"""A ledger for the test city: kept by 基础教育处 (Dan), about schools, with a field of
every type and a metric of every kind; and one each unit keeps for itself."""

from __future__ import annotations

from typing import Any

import pytest

from eduplan.core.loading import yaml_load
from eduplan.ledgers.models import Ledger
from eduplan.ledgers.services import ledger_data_load, record_create

SAMPLE = """\
code: showcase_test
name: 测试台账
keeper: {department: D-JC}
unit: school
date: held_on
unique: [school, year]
public: true
fields:
  - {code: school, label: 学校, type: unit, required: true, public: true,
     unit_types: [primary, senior]}
  - {code: held_on, label: 日期, type: date, required: true, public: true}
  - {code: kind, label: 类别, type: choice, required: true, public: true, choices: [甲, 乙]}
  - {code: pupils, label: 学生, type: integer, min: 0, max: 1000, public: true}
  - {code: cost, label: 经费（万元）, type: number, min: 0, decimals: 2}
  - {code: visits, label: 来访人次, type: integer, min: 0}
  - {code: tags, label: 标签, type: multi_choice, choices: [合唱, 舞蹈]}
  - {code: online, label: 线上, type: yes_no}
  - {code: link, label: 链接, type: text, relevant: {field: online, values: [true]}}
  - {code: doc, label: 文号, type: text, pattern: "演示\\\\d+号"}
  - {code: attachment, label: 附件, type: file}
  - {code: contact, label: 联系人, type: person}
metrics:
  - {code: events, name: 活动, unit: 场}
  - {code: kind_a, name: 甲类活动, unit: 场, where: {kind: 甲}}
  - {code: pupils, name: 学生, unit: 人, kind: sum, field: pupils}
  - {code: schools, name: 学校, unit: 所, kind: distinct_units}
  - {code: latest_pupils, name: 最近学生数, unit: 人, kind: latest, field: pupils}
"""

OWN = """\
code: own_test
name: 各校自填台账
keeper: {units: true}
unit: school
date: day
fields:
  - {code: school, label: 学校, type: unit, required: true}
  - {code: day, label: 日期, type: date, required: true}
  - {code: adviser, label: 法律顾问, type: person}
metrics:
  - {code: advisers, name: 法律顾问, unit: 人}
"""

SECRET = "秘密的张老师"


def load_text(text: str, source: str = "test.yaml") -> Ledger:
    return ledger_data_load(data=yaml_load(text=text, source=source), source=source)[0]


@pytest.fixture
def ledger(city: Any) -> Ledger:
    return load_text(SAMPLE)


@pytest.fixture
def own_ledger(city: Any) -> Ledger:
    return load_text(OWN, "own.yaml")


def values(**changes: Any) -> dict[str, Any]:
    base = {"school": "410105-P1", "held_on": "2016-05-10", "kind": "甲", "pupils": 120}
    return {**base, **changes}


def add(city: Any, ledger: Ledger, **changes: Any) -> Any:
    return record_create(user=city.users["dan"], ledger=ledger, values=values(**changes))


@pytest.fixture
def ledger_api(city: Any) -> Any:
    """The API tests' client, with a token for each user of the test city."""
    from django.test import Client

    from eduplan.api.auth import api_token_create
    from eduplan.api.tests.conftest import Api

    keys = {name: api_token_create(user=user, name="tests")[1] for name, user in city.users.items()}
    return Api(Client(enforce_csrf_checks=True), keys)
