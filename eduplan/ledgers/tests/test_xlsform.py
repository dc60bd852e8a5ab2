"""A ledger declared as an XLSForm-flavoured workbook is the same ledger as its YAML."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from eduplan.core.errors import InputError
from eduplan.core.loading import yaml_load
from eduplan.ledgers.definitions import definition_from_data
from eduplan.ledgers.models import Ledger
from eduplan.ledgers.services import ledgers_load
from eduplan.ledgers.xlsform import xlsform_definition

YAML = """\
code: studios_x
name: 工作室
keeper: {department: D-JC}
unit: school
date: founded_on
unique: [school, category]
fields:
  - {code: school, label: 学校, type: unit, required: true, unit_types: [primary, senior]}
  - {code: category, label: 类别, type: choice, required: true,
     choices: [校长工作室, 名班主任工作室]}
  - {code: founded_on, label: 成立日期, type: date, required: true}
  - {code: members, label: 成员, type: integer, min: 1, max: 100,
     relevant: {field: category, values: [名班主任工作室]}}
metrics:
  - {code: teacher_studios, name: 名班主任工作室, unit: 个, where: {category: 名班主任工作室}}
"""


def workbook(survey_type: str = "integer") -> bytes:
    wb = openpyxl.Workbook()
    sheets: dict[str, list[list[object]]] = {
        "survey": [
            ["type", "name", "label", "required", "min", "max", "unit_types", "relevant"],
            ["unit", "school", "学校", "yes", None, None, "primary senior", None],
            ["select_one kinds", "category", "类别", "yes", None, None, None, None],
            ["date", "founded_on", "成立日期", "yes", None, None, None, None],
            [survey_type, "members", "成员", None, 1, 100, None, "${category} = '名班主任工作室'"],
        ],
        "choices": [["list_name", "name", "label"], ["kinds", "principal", "校长工作室"],
                    ["kinds", "teacher", "名班主任工作室"]],
        "settings": [["form_id", "form_title", "keeper_department", "unit", "date", "unique"],
                     ["studios_x", "工作室", "D-JC", "school", "founded_on", "school category"]],
        "metrics": [["name", "label", "unit", "where"],
                    ["teacher_studios", "名班主任工作室", "个", "category=名班主任工作室"]],
    }  # fmt: skip
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_workbook_and_its_yaml_are_one_definition_with_one_hash(city):
    from_yaml = definition_from_data(yaml_load(text=YAML, source="s.yaml"), source="s.yaml")
    from_book = xlsform_definition(data=workbook(), source="s.xlsx")
    assert from_book.data == from_yaml.data
    assert from_book.digest == from_yaml.digest


def test_a_bad_survey_row_is_named_by_sheet_and_row_and_nothing_is_stored(city, tmp_path):
    with pytest.raises(InputError, match=re.escape("s.xlsx survey!5 fields[3].type")) as caught:
        xlsform_definition(data=workbook("colour"), source="s.xlsx")
    assert caught.value.where.startswith("s.xlsx survey!5 fields[3].type")
    (tmp_path / "s.xlsx").write_bytes(workbook("colour"))
    with pytest.raises(InputError, match=re.escape("survey!5 fields[3].type")):
        ledgers_load(folder=tmp_path)
    assert not Ledger.objects.exists()


def test_a_folder_may_hold_workbooks_beside_yaml_files(city, tmp_path):
    (tmp_path / "s.xlsx").write_bytes(workbook())
    [(ledger, created)] = ledgers_load(folder=tmp_path)
    assert (ledger.code, created) == ("studios_x", True)
