"""The one reader of data files: YAML read with the line and column of every node, data
checked against its shape, and every refusal naming file, line, column and path."""

from __future__ import annotations

import copy
import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import pytest
from pydantic import Field, RootModel

from eduplan.core.errors import InputError
from eduplan.core.loading import (
    Day,
    Flag,
    Items,
    MarkedMap,
    Number,
    OptionalText,
    Shape,
    Text,
    WholeNumber,
    data_validate,
    mark_of,
    place_of,
    yaml_file_load,
    yaml_load,
)


class Item(Shape):
    name: Text
    size: Annotated[WholeNumber, Field(ge=1, le=9)] = 1
    kind: Literal["big", "small"] = "small"
    weight: Number | None = None
    due: Day | None = None
    note: OptionalText = ""
    open: Flag = True


class Box(Shape):
    code: Text
    items: Items[Item] = []


class Boxes(RootModel[list[Box]]):
    pass


BOX = """\
code: b1
items:
  - name: 一号
    size: 3
  - {name: 二号, kind: big}
"""


def test_every_mapping_list_and_value_remembers_where_it_starts():
    data = yaml_load(text=BOX, source="box.yaml")
    assert data == {
        "code": "b1",
        "items": [{"name": "一号", "size": 3}, {"name": "二号", "kind": "big"}],
    }
    assert mark_of(data, ("items", 0, "size")) == (4, 11)
    assert mark_of(data, ("items", 1)) == (5, 5)
    assert mark_of(data, ("items", 1, "kind")) == (5, 22)
    assert mark_of(data, ("items", 1, "kind"), key=True) == (5, 16)
    # A key that is not there is placed at the mapping that lacks it.
    assert mark_of(data, ("items", 0, "kind")) == (3, 5)


def test_a_place_names_file_line_column_and_path_or_only_the_path_for_data_built_in_code():
    data = yaml_load(text=BOX, source="box.yaml")
    assert place_of(data=data, path=("items", 1, "kind"), source="box.yaml") == (
        "box.yaml:5:22 items[1].kind"
    )
    assert place_of(data=data, source="box.yaml") == "box.yaml:1:1"
    plain = {"items": [{"name": "一号"}]}
    assert place_of(data=plain, path=("items", 0, "name"), source="t") == "t: items[0].name"
    assert place_of(data=[{"a": 1}], path=(0, "a"), source="t") == "t: [0].a"


def test_marks_survive_a_deep_copy_and_edits_keep_the_marks_of_what_stayed():
    data = copy.deepcopy(yaml_load(text=BOX, source="box.yaml"))
    assert isinstance(data, MarkedMap)
    data["items"][0]["size"] = 30
    assert mark_of(data, ("items", 0, "size")) == (4, 11)


def test_merged_keys_may_be_overridden_but_a_key_given_twice_is_refused_where_it_repeats():
    merged = yaml_load(
        text="base: &b {name: x, size: 2}\nother:\n  <<: *b\n  size: 3\n", source="m"
    )
    assert merged["other"] == {"name": "x", "size": 3}
    with pytest.raises(InputError, match=r"^box\.yaml:3:1: 键重复：code$") as refused:
        yaml_load(text="code: b1\nitems: []\ncode: b2\n", source="box.yaml")
    assert refused.value.where == "box.yaml:3:1"
    assert "code" in refused.value.message and "重复" in refused.value.message


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("code: b1\nitems: [{name: x}\n", "box.yaml:3:1", "YAML 格式错误"),
        ("code: b1\n  items: []\n", "box.yaml:2:8", "YAML 格式错误"),
        ("code: b1\nitems:\n\t- name: x\n", "box.yaml:3:1", "YAML 格式错误"),
        ("---\ncode: b1\n---\ncode: b2\n", "box.yaml:3:1", "YAML 格式错误"),
        ("code: b1\n[a]: 1\n", "box.yaml:2:1", "YAML 格式错误"),
        (b"code: b1\nname: \xe4\xb8\x80\xff\n", "box.yaml:2:8", "UTF-8"),
    ],
)
def test_text_that_is_not_yaml_is_refused_naming_line_and_column(text, where, fragment):
    with pytest.raises(InputError, match=re.escape(fragment)) as refused:
        yaml_load(text=text, source="box.yaml")
    assert refused.value.where == where
    assert fragment in refused.value.message


def test_a_file_that_cannot_be_read_is_refused_naming_it(tmp_path: Path):
    with pytest.raises(InputError, match="无法读取文件") as refused:
        yaml_file_load(path=tmp_path / "missing.yaml")
    assert refused.value.where == str(tmp_path / "missing.yaml")
    assert "无法读取文件" in refused.value.message


@pytest.mark.parametrize(
    ("text", "where", "fragments"),
    [
        ("- 1\n", "box.yaml:1:1", ["键值结构"]),
        ("code: b1\nitems: {name: x}\n", "box.yaml:2:8 items", ["列表"]),
        ("code: b1\nitems:\n  - 一号\n", "box.yaml:3:5 items[0]", ["键值结构"]),
        ("code: b1\nitems:\n  - size: 2\n", "box.yaml:3:5 items[0].name", ["缺少", "name"]),
        (
            "code: b1\nitems:\n  - {name: x, colour: red}\n",
            "box.yaml:3:15 items[0].colour",
            ["colour", "name, size, kind, weight, due, note, open"],
        ),
        ("code: b1\nitems:\n  - {name: x, size: two}\n", "box.yaml:3:21 items[0].size", ["整数"]),
        ("code: b1\nitems:\n  - {name: x, size: 2.0}\n", "box.yaml:3:21 items[0].size", ["整数"]),
        ("code: b1\nitems:\n  - {name: x, size: true}\n", "box.yaml:3:21 items[0].size", ["整数"]),
        ("code: b1\nitems:\n  - {name: x, size: 10}\n", "box.yaml:3:21 items[0].size", ["10", "9"]),
        ("code: b1\nitems:\n  - {name: x, size: 0}\n", "box.yaml:3:21 items[0].size", ["0", "1"]),
        (
            "code: b1\nitems:\n  - {name: x, kind: huge}\n",
            "box.yaml:3:21 items[0].kind",
            ["huge", "big, small"],
        ),
        ("code: b1\nitems:\n  - {name: '  '}\n", "box.yaml:3:12 items[0].name", ["非空文本"]),
        ("code: b1\nitems:\n  - {name: yes}\n", "box.yaml:3:12 items[0].name", ["文本", "True"]),
        (
            "code: b1\nitems:\n  - {name: x, weight: .inf}\n",
            "box.yaml:3:23 items[0].weight",
            ["有限"],
        ),
        (
            "code: b1\nitems:\n  - {name: x, weight: 三}\n",
            "box.yaml:3:23 items[0].weight",
            ["数字"],
        ),
        (
            "code: b1\nitems:\n  - {name: x, due: 2016-13-01}\n",
            "box.yaml:3:20 items[0].due",
            ["日期"],
        ),
        ("code: b1\nitems:\n  - {name: x, open: 'no'}\n", "box.yaml:3:21 items[0].open", ["true"]),
    ],
)
def test_data_of_the_wrong_shape_is_refused_with_its_place_and_what_was_expected(
    text, where, fragments
):
    data = yaml_load(text=text, source="box.yaml")
    with pytest.raises(InputError, match=re.escape(fragments[0])) as refused:
        data_validate(schema=Box, data=data, source="box.yaml")
    assert refused.value.where == where
    for fragment in fragments:
        assert fragment in refused.value.message


def test_the_first_problem_in_the_file_is_named_and_the_others_counted():
    text = "code: b1\nitems:\n  - {name: x, size: 0}\n  - {size: 2}\n  - {name: x, kind: huge}\n"
    data = yaml_load(text=text, source="box.yaml")
    with pytest.raises(InputError, match="另有 2 处问题") as refused:
        data_validate(schema=Box, data=data, source="box.yaml")
    assert refused.value.where == "box.yaml:3:21 items[0].size"
    assert "另有 2 处问题" in refused.value.message


def test_a_file_that_is_a_list_is_checked_item_by_item():
    data = yaml_load(text="- code: a\n- code: b\n  items: 3\n", source="boxes.yaml")
    with pytest.raises(
        InputError, match=r"^boxes\.yaml:3:10 \[1\]\.items: 此处应为列表$"
    ) as refused:
        data_validate(schema=Boxes, data=data, source="boxes.yaml")
    assert refused.value.where == "boxes.yaml:3:10 [1].items"


def test_data_of_the_right_shape_comes_back_typed_with_text_trimmed_and_numbers_read_as_text():
    text = "code: 410100\nitems:\n  - {name: ' 一号 ', weight: 2.5, due: 2016-12-31, note: null}\n"
    box = data_validate(schema=Box, data=yaml_load(text=text, source="b"), source="b")
    assert box.code == "410100"
    item = box.items[0]
    assert (item.name, item.weight, item.due, item.note) == (
        "一号",
        Decimal("2.5"),
        datetime.date(2016, 12, 31),
        "",
    )
    assert data_validate(schema=Box, data={"code": "b", "items": None}, source="b").items == []
