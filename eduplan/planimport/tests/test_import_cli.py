"""`eduplan plan parse` and `eduplan plan import` from the command line."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import docx
import pytest
from django.core.management import CommandError, call_command

from eduplan.cli import main
from eduplan.planimport.importing import ERR_CODE_INVALID, ERR_CODE_RESERVED, ERR_CODE_TAKEN
from eduplan.planimport.parsing import MAX_BYTES
from eduplan.plans.data.check_curated import DEFAULT_PLAN
from eduplan.plans.models import Plan, PlanStatus, Target
from eduplan.plans.selectors import plan_as_json

SEED = DEFAULT_PLAN
DOCUMENTS = Path(__file__).parent / "documents"

SMALL_PLAN = """示范县教育局三年重点工程及2016年工作要点

第一项工程——“学校建设工程”
工程三年总目标为：新建中小学30所，大班额比2013年减少60%以上。
2016年目标：新建中小学10所。
主要举措：一是加快规划；二是保障土地。

一、狠抓党建
1. 开展党建示范活动，建成党建示范校20所。
2. 加强廉政建设。
二、力推建校
全年新增学位5000个。
3. 新建幼儿园15所。
"""


def _seed() -> Path:
    return SEED


def _run(*args: str) -> str:
    out = StringIO()
    call_command("plan", *args, stdout=out)
    return out.getvalue()


def test_parse_json_of_the_seed_plan_lists_17_projects_and_28_work_points() -> None:
    data = json.loads(_run("parse", str(_seed()), "--json"))
    assert list(data) == ["projects", "sections", "work_points", "genre", "targets", "achievements"]
    assert len(data["projects"]) == 17
    assert len(data["work_points"]) == 28
    assert data["projects"][0]["name"] == "学校建设工程"
    first = data["projects"][0]["goals"][0]["targets"][0]
    assert (first["value"], first["unit"], first["source"]) == (90, "所", "新建改扩建中小学90所")


def test_parse_summary_lists_projects_sections_work_points_and_targets_in_chinese() -> None:
    text = _run("parse", str(_seed()))
    assert text.startswith("郑州市教育局未来三年重点工程及2016年工作要点（2016—2018）")
    assert "工程 17 项" in text and "工作要点 28 条" in text
    assert "第1项工程 学校建设工程：目标 2 条，量化目标 5 个，举措 4 条" in text
    assert "一、狠抓党建，夯实事业发展根基：工作要点 3 条" in text
    assert "大班额：>= 60 %，比2013年减少，2018年｜原文：大班额比2013年减少60%以上" in text
    assert "美育示范县（市、区）：between 1–2 个" in text


def test_parse_reads_gb18030_text() -> None:
    data = json.loads(_run("parse", str(DOCUMENTS / "county-2020-gb18030.txt"), "--json"))
    assert len(data["work_points"]) == 11 and len(data["targets"]) == 18


def test_parse_reads_a_word_document(tmp_path: Path) -> None:
    document = docx.Document()
    for line in SMALL_PLAN.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "示范县.docx"
    document.save(str(path))
    data = json.loads(_run("parse", str(path), "--json"))
    assert [p["name"] for p in data["projects"]] == ["学校建设工程"]
    assert len(data["work_points"]) == 3


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, what the message says)."""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "picture.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 4)
    encoding = tmp_path / "latin.txt"
    encoding.write_bytes("教育工作要点".encode() + b"\xff\xfe\x80\x80")
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    nothing = tmp_path / "letter.txt"
    nothing.write_text("各位同事：\n下周一上午开会，请准时参加。\n", encoding="utf-8")
    return {
        "empty": (empty, "文件为空"),
        "binary": (binary, "不是文本或 Word 文档"),
        "encoding": (encoding, "无法识别的文件编码"),
        "too large": (huge, "文件超过大小限制"),
        "nothing recognisable": (nothing, "未能识别出任何工程、工作要点或量化目标"),
    }


UNREADABLE = ["empty", "binary", "encoding", "too large"]
BAD = [*UNREADABLE, "nothing recognisable"]


@pytest.mark.parametrize("kind", UNREADABLE)
def test_each_bad_input_to_parse_exits_nonzero_naming_the_file_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    path, says = _bad_inputs(tmp_path)[kind]
    with pytest.raises(SystemExit, match=r"^1$") as exit_:
        main(["plan", "parse", str(path), "--json"])
    assert exit_.value.code != 0
    out, err = capsys.readouterr()
    assert out == ""
    assert path.name in err and says in err


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("letter.txt", "各位同事：\n下周一上午开会，请准时参加。\n"),
        (
            "bulletin.txt",
            "关于2016年上半年校舍改造工作进展情况的通报\n"
            "截至6月底，全市已开工建设学校42所，完成投资1.2亿元。\n"
            "2016年共完成校舍改造120所，比上年增长10%。\n",
        ),
    ],
)
def test_a_document_without_targets_parses_to_an_empty_list_and_exits_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    main(["plan", "parse", str(path), "--json"])  # no SystemExit: exit status 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["targets"] == [] and err == ""
    if name == "bulletin.txt":
        assert data["genre"] == "bulletin"
        assert {(a["value"], a["unit"]) for a in data["achievements"]} >= {(42, "所"), (120, "所")}


@pytest.mark.parametrize("kind", BAD)
def test_each_bad_input_to_import_is_refused_naming_the_file_and_stores_nothing(
    city, tmp_path: Path, kind: str
) -> None:
    path, says = _bad_inputs(tmp_path)[kind]
    with pytest.raises(CommandError, match=re.escape(says)) as refused:
        _run("import", str(path))
    assert path.name in str(refused.value) and says in str(refused.value)
    assert not Plan.objects.exists() and not Target.objects.exists()


def test_a_missing_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"找不到文件：nowhere\.txt"):
        _run("parse", str(tmp_path / "nowhere.txt"))


def test_plan_import_creates_a_draft_plan_of_the_bureau_root(city, tmp_path: Path) -> None:
    path = tmp_path / "shifan-2016.txt"
    path.write_text(SMALL_PLAN, encoding="utf-8")
    out = _run("import", str(path))
    plan = Plan.objects.get()
    assert out.startswith("已导入规划草稿 shifan-2016：示范县教育局三年重点工程及2016年工作要点")
    assert (plan.code, plan.status, plan.organisation) == (
        "shifan-2016",
        PlanStatus.DRAFT,
        city.root,
    )
    assert (plan.start_year, plan.end_year) == (2016, 2018)
    assert len(plan.source_digest) == 64
    data = plan_as_json(plan=plan)
    assert [p["name"] for p in data["projects"]] == ["学校建设工程"]
    assert [(g["horizon"], g["year"]) for g in data["projects"][0]["goals"]] == [
        ("three_year", 2018),
        ("annual", 2016),
    ]
    assert len(data["projects"][0]["targets"]) == 3
    assert [wp["number"] for wp in data["work_points"]] == [1, 2, 3]
    assert [wp["section"] for wp in data["work_points"]] == [1, 1, 2]
    assert plan.projects.get().project_owners.count() == 0  # the text names no owners
    loose = Target.objects.get(plan=plan, goal=None, work_point=None)
    assert (loose.indicator, loose.value, loose.unit) == ("新增学位", 5000, "个")
    assert plan.targets.count() == 6


def test_importing_again_makes_a_new_plan_and_never_changes_the_first(city, tmp_path: Path) -> None:
    path = tmp_path / "shifan-2016.txt"
    path.write_text(SMALL_PLAN, encoding="utf-8")
    _run("import", str(path))
    first = Plan.objects.get()
    before = (plan_as_json(plan=first), first.status, first.name, first.source_digest)

    path.write_text(SMALL_PLAN.replace("30所", "99所"), encoding="utf-8")
    out = _run("import", str(path))  # no --code: a free code from the file name
    assert "shifan-2016-2" in out
    with pytest.raises(
        CommandError, match=re.escape(str(ERR_CODE_TAKEN % {"code": "shifan-2016"}))
    ) as refused:
        _run("import", str(path), "--code", "shifan-2016")
    assert str(ERR_CODE_TAKEN % {"code": "shifan-2016"}) in str(refused.value)

    first.refresh_from_db()
    assert (plan_as_json(plan=first), first.status, first.name, first.source_digest) == before
    assert Plan.objects.count() == 2
    second = Plan.objects.get(code="shifan-2016-2")
    assert second.targets.filter(value=99).count() == 1


def test_plan_import_takes_a_code_and_an_org_unit(city, tmp_path: Path) -> None:
    path = tmp_path / "shifan.txt"
    path.write_text(SMALL_PLAN, encoding="utf-8")
    _run("import", str(path), "--code", "jinshui-2016", "--org", city.jinshui.code)
    plan = Plan.objects.get()
    assert (plan.code, plan.organisation) == ("jinshui-2016", city.jinshui)
    with pytest.raises(CommandError, match="没有找到单位：999999"):
        _run("import", str(path), "--org", "999999")
    with pytest.raises(CommandError, match=re.escape(str(ERR_CODE_INVALID))) as invalid:
        _run("import", str(path), "--code", "不是代码")
    assert str(ERR_CODE_INVALID) in str(invalid.value)
    with pytest.raises(
        CommandError, match=re.escape(str(ERR_CODE_RESERVED % {"code": "import"}))
    ) as reserved:
        _run("import", str(path), "--code", "import")
    assert str(ERR_CODE_RESERVED % {"code": "import"}) in str(reserved.value)
    assert Plan.objects.count() == 1


def test_a_document_without_projects_or_work_points_imports_its_targets_on_the_plan(
    city, client
) -> None:
    path = DOCUMENTS / "county-2022-minsheng-ten-items.txt"
    _run("import", str(path), "--code", "ningyuan-2022")
    plan = Plan.objects.get()
    assert not plan.projects.exists() and not plan.work_points.exists()
    assert plan.targets.count() == 21
    assert plan.targets.filter(goal=None, work_point=None).count() == 21
    assert plan.sections.count() == 6  # its sections are kept, empty
    data = plan_as_json(plan=plan)  # still works, the existing keys unchanged
    assert list(data) == ["targets", "plan", "projects", "work_points"]
    assert len(data["targets"]) == 21  # stated for the plan as a whole
    client.force_login(city.users["sue"])
    assert client.get("/plans/ningyuan-2022/").status_code == 200


def test_the_seed_plan_imports_beside_the_curated_plan_without_touching_it(
    db, tmp_path: Path
) -> None:
    from eduplan.demo.services import PLAN_FILE, org_load_file
    from eduplan.plans.loading import plan_spec_from_file
    from eduplan.plans.services import plan_load

    seed = _seed()
    org_load_file()
    curated = plan_load(spec=plan_spec_from_file(PLAN_FILE))
    before = plan_as_json(plan=curated)
    with pytest.raises(CommandError, match="zhengzhou-2016"):
        _run("import", str(seed), "--code", curated.code)
    _run("import", str(seed))
    imported = Plan.objects.get(code="zhengzhou-2016-plan")
    assert imported.status == PlanStatus.DRAFT
    assert imported.projects.count() == 17 and imported.work_points.count() == 28
    assert imported.targets.count() == 45
    curated.refresh_from_db()
    assert curated.status == PlanStatus.ACTIVE
    assert plan_as_json(plan=curated) == before
