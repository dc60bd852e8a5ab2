"""An organisation file that is not right is refused whole, naming file, line, column
and path, and no unit or group is stored: read from disk as `eduplan org load` and the
demo read it (`org_path_load`)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eduplan.core.errors import InputError
from eduplan.demo.services import org_load_file
from eduplan.org.models import OrgGroup, OrgUnit
from eduplan.org.services import org_path_load

ORG = """\
root: {code: "410100", name: 郑州市教育局, type: bureau}
departments:
  - {code: D-JC, name: 基础教育处}
districts:
  - {code: "410105", name: 金水区, kind: urban, tile: [1, 4]}
  - {code: "410181", name: 巩义市, kind: county, tile: [1, 0]}
units:
  - {code: 410105-P1, name: 金水一小, type: primary, parent: "410105", opened_on: 2016-09-01}
groups:
  - code: urban
    name: 市区
    members: ["410105"]
  - {code: direct, name: 直属学校, members: [{schools_under: "410100"}]}
"""


def _with(old: str, new: str) -> str:
    assert ORG.count(old) == 1, old
    return ORG.replace(old, new)


@pytest.fixture
def org_file(tmp_path: Path) -> Path:
    return tmp_path / "org.yaml"


def _load(path: Path, text: str | bytes) -> list[OrgUnit]:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return org_path_load(path=path)


@pytest.mark.django_db
def test_the_file_the_refusals_start_from_loads(org_file: Path):
    assert len(_load(org_file, ORG)) == 5
    school = OrgUnit.objects.get(code="410105-P1")
    assert school.parent is not None and school.parent.code == "410105"
    assert str(school.opened_on) == "2016-09-01"
    assert OrgUnit.objects.get(code="410181").attributes == {"kind": "county", "tile": [1, 0]}
    assert set(OrgGroup.objects.values_list("code", flat=True)) == {"urban", "direct"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        (_with("name: 市区\n", "name: 市区: 城区\n"), "org.yaml:11:13", "YAML 格式错误"),
        ("- 410100\n", "org.yaml:1:1", "键值结构"),
        (
            _with("{code: D-JC, name: 基础教育处}", "D-JC"),
            "org.yaml:3:5 departments[0]",
            "键值结构",
        ),
        (_with("name: 金水一小, ", ""), "org.yaml:8:5 units[0].name", "缺少必填的键 name"),
        (
            _with("kind: county", "kind: county, colour: red"),
            "org.yaml:6:47 districts[1].colour",
            "未知的键 colour",
        ),
        (
            _with("opened_on: 2016-09-01", "opened_on: 九月"),
            "org.yaml:8:79 units[0].opened_on",
            "日期",
        ),
        (_with("tile: [1, 0]", "tile: a"), "org.yaml:6:53 districts[1].tile", "列表"),
        (_with("type: primary", "type: college"), "org.yaml:8:41 units[0].type", "college"),
        (
            _with("type: primary", "type: primary, ownership: state"),
            "org.yaml:8:61 units[0].ownership",
            "public, private",
        ),
        (
            _with("kind: urban", "kind: city"),
            "org.yaml:5:39 districts[0].kind",
            "urban, county, zone",
        ),
        (_with("tile: [1, 4]", "tile: [1, 40]"), "org.yaml:5:56 districts[0].tile[1]", "最大值 19"),
        (
            _with("tile: [1, 0]", "tile: [1, 0, 2]"),
            "org.yaml:6:53 districts[1].tile",
            "至多允许 2 项",
        ),
        (_with("code: 410105-P1", "code: 410105/P1"), "org.yaml:8:12 units[0].code", "“/”"),
        (_with("code: urban", "code: urban@1"), "org.yaml:10:11 groups[0].code", "urban@1"),
        (
            _with('{schools_under: "410100"}', '{children_of: "410100"}'),
            "org.yaml:13:42 groups[1].members[0]",
            "schools_under",
        ),
        (
            _with('members: ["410105"]', 'members: ["410105", "410105"]'),
            "org.yaml:12:25 groups[0].members[1]",
            "410105",
        ),
        (
            _with("opened_on: 2016-09-01", "opened_on: 2016-09-01, closed_on: 2016-01-01"),
            "org.yaml:8:102 units[0].closed_on",
            "撤销日期不能早于开办日期",
        ),
        (_with("name: 市区\n", "name: 市区\n    name: 城区\n"), "org.yaml:12:5", "键重复：name"),
        (_with('parent: "410105"', 'parent: "410199"'), "org.yaml:8:5 units[0]", "410199"),
        (
            _with('code: "410181", name: 巩义市', 'code: "410105", name: 巩义市'),
            "org.yaml:6:5 districts[1]",
            "410105",
        ),
        (
            _with('members: ["410105"]', 'members: ["410199"]'),
            "org.yaml:12:15 groups[0].members[0]",
            "410199",
        ),
        (_with("name: 直属学校", "name: urban"), "org.yaml:13:26 groups[1].name", "urban"),
        (
            ORG.encode().replace("金水一小".encode(), "金水一小".encode("gb18030")),
            "org.yaml:8:29",
            "UTF-8",
        ),
        (
            _with("code: D-JC", f"code: D-{'X' * 31}"),
            "org.yaml:3:12 departments[0].code",
            "32 个字符",
        ),
    ],
)
def test_a_bad_organisation_file_is_refused_with_its_place_and_nothing_is_stored(
    org_file: Path, text: str | bytes, where: str, fragment: str
):
    with pytest.raises(InputError, match=re.escape(fragment)) as refused:
        _load(org_file, text)
    assert refused.value.where == where
    assert fragment in refused.value.message
    assert not OrgUnit.objects.exists() and not OrgGroup.objects.exists()


@pytest.mark.django_db
def test_the_org_command_names_the_place_of_a_refusal(tmp_path: Path):
    path = tmp_path / "org.yaml"
    path.write_text(_with("kind: urban", "kind: city"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"org\.yaml:5:39 districts\[0\]\.kind"):
        call_command("org", "load", str(path), stdout=io.StringIO())
    assert not OrgUnit.objects.exists()


@pytest.mark.django_db
def test_the_demo_reads_its_organisation_file_as_the_org_command_does(org_file: Path):
    org_file.write_text(_with("kind: urban", "kind: city"), encoding="utf-8")
    with pytest.raises(InputError, match="urban, county, zone") as refused:
        org_load_file(org_file)
    assert refused.value.where == "org.yaml:5:39 districts[0].kind"
    assert not OrgUnit.objects.exists()
