"""A figure measured by a stand-in (临时口径) says so wherever the dashboards show it:
a badge next to the figure with the reason as its title, and the reason in plain text
(phones have no hover); a figure that measures the target's words carries neither."""

from __future__ import annotations

import io
import re

import openpyxl
from docx import Document

from eduplan.indicators.models import TargetBinding

AT = {"at": "2016B6"}
OPENED_ONLY = "按投用计：目标未写明以开工还是投用为准"


def reasons() -> dict[int, str]:
    return dict(TargetBinding.objects.values_list("target_id", "provisional"))


def marked(body: str, tag: str) -> dict[int, str]:
    """Each `<tag … data-target="N">…</tag>` of the page, by target."""
    pattern = rf'<{tag}[^>]*data-target="(\d+)"[^>]*>(.*?)</{tag}>'
    return {int(pk): inner for pk, inner in re.findall(pattern, body, re.S)}


def assert_badges_only_where_provisional(blocks: dict[int, str]) -> None:
    why = reasons()
    assert any(why[pk] for pk in blocks) and any(not why[pk] for pk in blocks)
    for pk, inner in blocks.items():
        if why[pk]:
            assert "data-provisional" in inner and f'title="临时口径：{why[pk]}"' in inner
        else:
            assert "data-provisional" not in inner and "临时口径" not in inner


def test_the_shipped_bindings_mark_the_stand_ins_and_only_them(demo, db):
    marked_metrics = {
        (b.metric_key, b.provisional)
        for b in TargetBinding.objects.exclude(provisional="").order_by()
    }
    by_opening = "按投用计：目标未写明以开工还是投用为准"
    assert ("ledger.school_projects.schools_built", by_opening) in marked_metrics
    assert ("ledger.school_projects.schools_built@urban", by_opening) in marked_metrics
    assert ("form.fb_characteristic", "学校自报，非教育局认定名单") in marked_metrics
    real = set(TargetBinding.objects.filter(provisional="").values_list("metric_key", flat=True))
    assert "construction.large_classes" in real and "kindergartens.gross_enrolment" in real
    # 市级普惠性民办幼儿园 are counted from the city's own list (the kindergarten register).
    assert "kindergartens.certified_private" in real
    assert "form.ict_upgraded/ict_classes@direct" in real
    assert not real & {"org.schools_opened", "form.fb_characteristic", "form.fb_teams"}


def test_the_cockpits_key_targets_mark_a_provisional_figure_and_give_its_reason(as_user):
    body = as_user("leader").get("/dashboards/", AT).content.decode()
    rows = marked(body, "tr")
    assert_badges_only_where_provisional(rows)
    why = reasons()
    for pk, inner in rows.items():
        if why[pk]:
            assert f'provisional-note">临时口径：{why[pk]}</div>' in inner


def test_the_big_screen_marks_the_figure_and_lists_the_reasons_below(as_user):
    body = as_user("leader").get("/dashboards/screen/", AT).content.decode()
    figures = marked(body, "div")
    assert_badges_only_where_provisional(figures)
    why = reasons()
    notes = marked(body, "li")
    assert set(notes) == {pk for pk in figures if why[pk]}
    assert all(f"临时口径：{why[pk]}" in inner for pk, inner in notes.items())


def test_the_project_page_and_its_report_mark_the_provisional_target(as_user):
    client = as_user("leader")
    body = client.get("/dashboards/projects/1/", AT).content.decode()
    sections = marked(body, "section")
    assert_badges_only_where_provisional(sections)
    for pk, inner in sections.items():
        if reasons()[pk]:
            assert f"临时口径</strong>：{OPENED_ONLY}" in inner
    report = Document(io.BytesIO(client.get("/dashboards/projects/1/report.docx", AT).content))
    table = next(t for t in report.tables if t.rows[0].cells[-1].text == "口径")
    by_indicator = {row.cells[0].text: row.cells[-1].text for row in table.rows[1:]}
    assert by_indicator["新建改扩建中小学"] == f"临时口径：{OPENED_ONLY}"
    assert by_indicator["大班额"] == "—"
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/dashboards/projects/1/", {**AT, "export": "targets"}).content)
    ).active
    rows = list(sheet.values)
    assert rows[1][-1] == "口径"
    assert {row[1]: row[-1] for row in rows[2:]}["大班额"] is None


def test_the_districts_page_marks_provisional_columns_and_leaves_off_the_direct_schools_one(
    as_user,
):
    client = as_user("leader")
    body = client.get("/dashboards/districts/", AT).content.decode()
    headers = marked(body, "th")
    assert_badges_only_where_provisional(headers)
    why = reasons()
    notes = marked(body, "p")
    assert set(notes) == {pk for pk in headers if why[pk]}
    assert all(f"临时口径：{why[pk]}" in inner for pk, inner in notes.items())
    # 班班通 counts the 直属学校 only: no district has a figure on it.
    direct = TargetBinding.objects.get(metric_key="form.ict_upgraded/ict_classes@direct")
    assert direct.target_id not in headers
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/dashboards/districts/", {**AT, "export": "districts"}).content)
    ).active
    rows = list(sheet.values)
    assert "按各校每周足球课节数的平均值统计" in rows[1][0]  # the note, under the title
    assert any(str(h).endswith("（临时口径）") for h in rows[2])
    assert any(str(h).startswith("大班额") and "临时口径" not in str(h) for h in rows[2])
