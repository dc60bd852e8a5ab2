"""Cockpit, big screen, project, districts and school pages on the demo city: what each
role sees, in Chinese, with exports that open, and nothing outside the user's scope."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from docx import Document

from eduplan.core.periods import period_from_code
from eduplan.org.models import OrgUnit, UnitType
from eduplan.reporting.models import Submission

AT = {"at": "2016B6"}


def charts_of(body: str) -> list[dict]:
    found = re.search(
        r'<script id="charts-data" type="application/json">(.*?)</script>', body, re.S
    )
    assert found, "the page carries its chart data as JSON"
    return json.loads(found.group(1))


def test_the_cockpit_shows_every_project_with_its_status_in_chinese(as_user):
    body = as_user("leader").get("/dashboards/", AT).content.decode()
    assert "领导驾驶舱" in body and "2016年第6双月" in body
    assert len(re.findall(r'data-project="\d+"', body)) == 17
    assert "校园足球提升" in body
    charts = charts_of(body)
    sparks = [c for c in charts if c["kind"] == "spark"]
    assert sparks and all(c["series"][0]["data"] for c in sparks)
    assert any(c["id"] == "reports-missing" for c in charts)


def test_picking_a_period_changes_what_the_cockpit_shows(as_user):
    client = as_user("leader")
    later = client.get("/dashboards/", {"at": "2017B4"}).content.decode()
    assert "2017年第4双月" in later
    assert '<option value="2017B4" selected>' in later


def test_a_bad_period_says_what_was_wrong_and_shows_the_default(as_user):
    response = as_user("leader").get("/dashboards/", {"at": "2016X1"})
    assert response.status_code == 200
    assert "2016X1" in response.content.decode()


def test_a_cut_by_a_percentage_is_shown_in_classes_not_percent(as_user):
    # 大班额比2013年减少60%: actual, expected and goal are numbers of classes.
    body = as_user("leader").get("/dashboards/projects/1/", AT).content.decode()
    assert "大班额（个）" in body and "大班额（%）" not in body
    cockpit = as_user("leader").get("/dashboards/", AT).content.decode()
    assert "大班额（%）" not in cockpit


def test_the_big_screen_refreshes_itself(as_user):
    body = as_user("leader").get("/dashboards/screen/", AT).content.decode()
    assert re.search(r'<meta http-equiv="refresh" content="\d+">', body)
    assert len(re.findall(r'data-project="\d+"', body)) == 17


def test_the_project_page_draws_each_measured_target_with_its_path(as_user):
    body = as_user("leader").get("/dashboards/projects/1/", AT).content.decode()
    assert "学校建设" in body and "举措" in body
    lines = [c for c in charts_of(body) if c["kind"] == "line"]
    assert lines
    roles = {s["role"] for c in lines for s in c["series"]}
    assert {"actual", "expected", "goal"} <= roles
    chart = lines[0]
    assert all(len(s["data"]) == len(chart["categories"]) for s in chart["series"])
    assert "表格" in body  # every chart has its table view


def test_every_chart_and_table_downloads_as_a_workbook(as_user):
    client = as_user("leader")
    body = client.get("/dashboards/projects/1/", AT).content.decode()
    chart = next(c for c in charts_of(body) if c["kind"] == "line")
    for export in ("targets", "measures", chart["id"]):
        response = client.get("/dashboards/projects/1/", {**AT, "export": export})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row >= 3, export
    assert client.get("/dashboards/", {**AT, "export": "nothing"}).status_code == 404


def test_the_project_report_is_a_word_document(as_user):
    response = as_user("leader").get("/dashboards/projects/3/report.docx", AT)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "校园足球提升" in text and "2016年第6双月" in text
    project_page = as_user("leader").get("/dashboards/projects/3/", AT).content.decode()
    charts = project_page.count("data-chart=")
    pictures = document.inline_shapes
    assert charts and len(pictures) == charts  # each chart of the page, drawn for print
    blip = pictures[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert document.part.related_parts[blip].blob.startswith(b"\x89PNG")
    page = document.sections[0]  # A4 as 公文 are (GB/T 9704), not python-docx's US Letter
    assert (round(page.page_width.mm), round(page.page_height.mm)) == (210, 297)
    assert (round(page.left_margin.mm), round(page.top_margin.mm)) == (28, 37)


def test_the_district_ranking_shows_every_district_to_the_bureau(as_user):
    body = as_user("leader").get("/dashboards/districts/", AT).content.decode()
    assert len(re.findall(r'<tr data-district="', body)) == 16
    assert len(re.findall(r'class="district-tile', body)) == 16


def test_a_district_official_sees_only_the_district(as_user):
    client = as_user("jinshui")
    body = client.get("/dashboards/districts/", AT).content.decode()
    assert re.findall(r'<tr data-district="(\d+)"', body) == ["410105"]
    # The map keeps every tile (it is a map) but shows no figure outside the scope.
    tiles = dict(
        re.findall(
            r'data-district="(\d+)" title="[^"]*">\s*<span>[^<]*</span>'
            r'<span class="value">([^<]*)<',
            body,
        )
    )
    assert tiles["410103"] == "&nbsp;"
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/dashboards/districts/", {**AT, "export": "districts"}).content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "排名")  # after title and note
    assert [row[1] for row in rows[header + 1 :]] == ["金水区"]
    cockpit = client.get("/dashboards/", AT).content.decode()
    assert "金水区" in cockpit
    assert client.get("/dashboards/", {**AT, "org": "410103"}).status_code == 403
    assert client.get("/dashboards/projects/1/", {**AT, "org": "410100"}).status_code == 403
    erqi_school = OrgUnit.objects.filter(
        path__startswith="/410100/410103/", type=UnitType.PRIMARY
    ).first()
    assert client.get(f"/dashboards/schools/{erqi_school.code}/").status_code == 403


def test_a_school_sees_what_is_due_and_its_figures_but_no_other_school(as_user):
    client = as_user("jinshui-school1")
    response = client.get("/dashboards/")
    assert response.status_code == 302 and "/dashboards/schools/" in response["Location"]
    body = client.get(response["Location"]).content.decode()
    assert "应报报表" in body or "报表" in body
    assert any(c["id"] == "census" for c in charts_of(body))
    from eduplan.org.models import Membership

    mine = Membership.objects.get(user__username="jinshui-school1").scope
    other = OrgUnit.objects.filter(type=UnitType.PRIMARY).exclude(pk=mine.pk).first()
    assert client.get(f"/dashboards/schools/{other.code}/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(demo, client, db):
    for url in (
        "/dashboards/",
        "/dashboards/screen/",
        "/dashboards/projects/1/",
        "/dashboards/districts/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_returned_report_shows_on_the_school_page_with_its_reason(as_user):
    from eduplan.org.models import Membership

    school = Membership.objects.get(user__username="jinshui-school1").scope
    sub = Submission.objects.filter(org_unit=school).first()
    assert sub is not None
    Submission.objects.filter(pk=sub.pk).update(
        status="returned", returned_reason="班额数据有误，请核实"
    )
    body = as_user("jinshui-school1").get(f"/dashboards/schools/{school.code}/").content.decode()
    assert "班额数据有误，请核实" in body
    assert period_from_code(sub.period).label in body
    # periods as people read them: a code shows only inside links, never as text
    assert not re.search(r">[^<]*\b20\d\d[BTMQY]\d{1,2}\b[^<]*<", body)


def test_the_period_filter_reads_codes_as_labels_and_leaves_other_text():
    from eduplan.core.templatetags.periods import period_label

    assert period_label("2016B6") == "2016年第6双月（11—12月）"
    assert period_label("not a period") == "not a period"


@pytest.mark.parametrize("username", ["leader", "duchashi", "jichu", "jinshui"])
def test_the_cockpit_opens_for_every_role_that_reads_the_plan(as_user, username):
    response = as_user(username).get("/dashboards/", AT)
    assert response.status_code == 200
    body = response.content.decode()
    assert "领导驾驶舱" in body and "2016年第6双月" in body


def test_district_statuses_in_one_pass_match_those_computed_one_by_one(as_user):
    from eduplan.core.periods import period_from_code
    from eduplan.indicators.models import Reach, TargetBinding
    from eduplan.indicators.status import measured_status, measured_status_by_child
    from eduplan.plans.selectors import plan_default

    plan = plan_default()
    at = period_from_code("2016B6")
    bindings = TargetBinding.objects.filter(reach=Reach.EACH_UNIT).select_related("target")
    assert bindings.exists()
    for binding in bindings:
        together = measured_status_by_child(
            binding.target, binding, parent=plan.organisation, at=at
        )
        for unit in OrgUnit.objects.filter(parent=plan.organisation, type=UnitType.DISTRICT):
            alone = measured_status(binding.target, binding, unit=unit, at=at, is_plan_area=False)
            mine = together[unit.code]
            assert (mine.actual, mine.baseline, mine.goal, mine.status) == (
                alone.actual,
                alone.baseline,
                alone.goal,
                alone.status,
            ), (binding.metric_key, unit.code)


def test_the_cockpit_counts_reports_by_district_whichever_page_was_opened_first(as_user):
    client = as_user("leader")
    client.get("/dashboards/districts/", AT)
    body = client.get("/dashboards/", AT).content.decode()
    chart = next(c for c in charts_of(body) if c["id"] == "reports-missing")
    districts = set(OrgUnit.objects.filter(type=UnitType.DISTRICT).values_list("name", flat=True))
    assert set(chart["categories"]) == districts


def test_the_project_page_shows_milestones_done_and_lets_only_owners_mark_them(as_user):
    body = as_user("leader").get("/dashboards/projects/7/", AT).content.decode()
    assert "data-milestone=" in body and "已完成" in body and "演示文号〔2016〕" in body
    assert "确认完成" not in body  # a leader reads, the owner department marks
    later = as_user("duchashi").get("/dashboards/projects/7/", {"at": "2018B6"}).content.decode()
    assert "确认完成" in later  # the 2017 and 2018 milestones are open to the office
