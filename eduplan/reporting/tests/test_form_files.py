"""A form file that is not right is refused, naming file, line, column and path, and no
form of the folder is stored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eduplan.core.errors import InputError
from eduplan.reporting.loading import forms_load
from eduplan.reporting.models import DataElement, Form

FORM = """\
code: shishi
name: 示范报表
period_type: term
due_days: 15
owner: D-JC
assigned_types: [primary, senior]
elements:
  - {code: classes, name: 班数, type: integer, min: 0, required: true}
  - {code: large, name: 大班额班数, type: integer, min: 0}
  - {code: level, name: 级别, type: choice, choices: [国家级, 省级]}
rules:
  - {code: large_le_total, left: large, operator: "<=", right: classes, message: 大班额不能超过班数}
"""
LARGE = "  - {code: large, name: 大班额班数, type: integer, min: 0}"


def _with(old: str, new: str) -> str:
    assert FORM.count(old) == 1, old
    return FORM.replace(old, new)


def _folder(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_form_the_refusals_start_from_loads(city, tmp_path: Path):
    [(form, version, created)] = forms_load(_folder(tmp_path, form=FORM))
    assert (form.code, version.number, created) == ("shishi", 1, True)
    assert form.assigned_types == ["primary", "senior"]


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        (_with("name: 示范报表", "name: 示范: 报表"), "form.yaml:2:9", "YAML 格式错误"),
        ("- 示范报表\n", "form.yaml:1:1", "键值结构"),
        (_with(LARGE, "  - large"), "form.yaml:9:5 elements[1]", "键值结构"),
        (
            _with(", type: integer, min: 0}", ", min: 0}"),
            "form.yaml:9:5 elements[1].type",
            "缺少必填的键 type",
        ),
        (
            _with("required: true", "mandatory: true"),
            "form.yaml:8:54 elements[0].mandatory",
            "未知的键 mandatory",
        ),
        (_with("due_days: 15", "due_days: 十五"), "form.yaml:4:11 due_days", "整数"),
        (
            _with("required: true}", "required: true, public: 'yes'}"),
            "form.yaml:8:78 elements[0].public",
            "true 或 false",
        ),
        (
            _with("period_type: term", "period_type: weekly"),
            "form.yaml:3:14 period_type",
            "monthly, bimonthly, quarterly, term, yearly",
        ),
        (
            _with("type: choice", "type: money"),
            "form.yaml:10:35 elements[2].type",
            "'money'",
        ),
        (
            _with(LARGE, LARGE.replace("min: 0}", "min: 0, over_time: total}")),
            "form.yaml:9:66 elements[1].over_time",
            "latest, sum",
        ),
        (
            _with(LARGE, LARGE.replace("min: 0}", "min: 0, aggregation: mean}")),
            "form.yaml:9:68 elements[1].aggregation",
            "sum, average, none",
        ),
        (
            _with("[primary, senior]", "[primary, secondary]"),
            "form.yaml:6:27 assigned_types[1]",
            "secondary",
        ),
        (_with("due_days: 15", "due_days: 121"), "form.yaml:4:11 due_days", "最大值 120"),
        (
            _with(LARGE, LARGE.replace("min: 0}", "min: 5, max: 1}")),
            "form.yaml:9:60 elements[1].max",
            "max",
        ),
        (
            _with(", choices: [国家级, 省级]", ""),
            "form.yaml:10:5 elements[2].choices",
            "须列出选项",
        ),
        (
            _with("elements:\n", "elements: []\nold:\n"),
            "form.yaml:7:11 elements",
            "至少需要 1 项",
        ),
        (_with("code: large,", "code: classes,"), "form.yaml:9:12 elements[1].code", "classes"),
        (_with("right: classes", "right: pupils"), "form.yaml:12:64 rules[0].right", "pupils"),
        (_with("owner: D-JC", "owner: D-NONE"), "form.yaml:5:8 owner", "D-NONE"),
    ],
)
def test_a_bad_form_file_is_refused_with_its_place_and_nothing_is_stored(
    city, tmp_path: Path, text: str, where: str, fragment: str
):
    folder = _folder(tmp_path, another=FORM.replace("shishi", "another"), form=text)
    with pytest.raises(InputError, match=re.escape(fragment)) as refused:
        forms_load(folder)
    assert refused.value.where == where
    assert fragment in refused.value.message
    assert not Form.objects.exists() and not DataElement.objects.exists()


def test_two_files_with_one_form_code_are_refused_at_the_second(city, tmp_path: Path):
    folder = _folder(tmp_path, a=FORM, b=FORM.replace("name: 示范报表", "name: 另一张"))
    with pytest.raises(InputError, match=r"报表代码 shishi 已由 a\.yaml 使用") as refused:
        forms_load(folder)
    assert refused.value.where == "b.yaml:1:7 code"
    assert "a.yaml" in refused.value.message
    assert not Form.objects.exists()
