"""The safety pages for each role: a school sees its own hazards and reports fixes, a
district its open hazards by severity and age, the city every district; nobody sees a
unit outside their scope; each list downloads as .xlsx."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
import time_machine

from eduplan.safety.models import Hazard, HazardStatus, Severity
from eduplan.safety.services import hazard_fix_report, hazard_record
from eduplan.safety.tests.conftest import png

TODAY = datetime.datetime(2016, 6, 20, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def hazard(safety):
    return hazard_record(
        user=safety.ann,
        inspection=safety.inspection,
        rule_code="B03",
        severity=Severity.GRAVE,
        description="三楼走廊栏杆松动",
        deadline=datetime.date(2016, 5, 31),
        responsible_person="李校长",
    )


def _client(client, safety, who):
    client.force_login(safety.city.users[who])
    return client


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("alice", "/safety/units/410105-P1/"),
        ("bob", "/safety/districts/410105/"),
        ("ann", "/safety/city/"),
        ("lee", "/safety/city/"),
    ],
)
def test_each_role_lands_on_its_own_safety_page(client, safety, who, landing):
    response = _client(client, safety, who).get("/safety/")
    assert response.status_code == 302 and response["Location"] == landing


def test_a_school_sees_its_hazards_buildings_and_buses(client, safety, hazard):
    with time_machine.travel(TODAY):
        page = _client(client, safety, "alice").get("/safety/units/410105-P1/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "栏杆牢固" in text and "已逾期" in text
    assert "在用，须加固" in text  # the dormitory rated C
    assert "豫A12345" in text


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("alice", "/safety/units/410105-P2/"),
        ("charlie", "/safety/units/410105-P1/"),
        ("alice", "/safety/districts/410105/"),
        ("dora", "/safety/districts/410105/"),
        ("bob", "/safety/city/"),
        ("alice", "/safety/city/"),
        ("nobody", "/safety/city/"),
    ],
)
def test_nobody_sees_a_safety_page_outside_their_scope(client, safety, who, url):
    assert _client(client, safety, who).get(url).status_code == 403


def test_another_schools_hazard_is_refused(client, safety, hazard):
    c = _client(client, safety, "charlie")
    assert c.get(f"/safety/hazards/{hazard.pk}/").status_code == 403
    assert c.get("/safety/units/410105-P1/?export=hazards").status_code == 403
    response = c.post(
        f"/safety/hazards/{hazard.pk}/", {"step": "fix", "fix_note": "x", "fix_evidence": png()}
    )
    assert response.status_code == 403
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.OPEN


def test_the_school_reports_a_fix_on_the_hazards_page_and_a_retry_changes_nothing(
    client, safety, hazard
):
    c = _client(client, safety, "alice")
    page = c.get(f"/safety/hazards/{hazard.pk}/")
    assert "上报整改情况" in page.content.decode() and "验收整改" not in page.content.decode()
    data = {"step": "fix", "fix_note": "更换栏杆", "fixed_on": "2016-06-01"}
    response = c.post(f"/safety/hazards/{hazard.pk}/", {**data, "fix_evidence": png()})
    assert response.status_code == 302
    again = c.post(f"/safety/hazards/{hazard.pk}/", {**data, "fix_evidence": png()})
    assert again.status_code == 400 and "已不在整改中" in again.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.FIXED and hazard.fixed_on == datetime.date(2016, 6, 1)
    assert hazard.events.filter(kind="fixed").count() == 1


def test_a_fix_without_evidence_is_refused_on_the_page_saying_so(client, safety, hazard):
    response = _client(client, safety, "alice").post(
        f"/safety/hazards/{hazard.pk}/", {"step": "fix", "fix_note": "更换栏杆"}
    )
    assert response.status_code == 400 and "整改情况须附佐证材料" in response.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.OPEN


def test_the_inspector_verifies_on_the_hazards_page(client, safety, hazard):
    hazard_fix_report(user=safety.city.users["alice"], hazard=hazard, note="更换", evidence=png())
    c = _client(client, safety, "ann")
    assert "验收整改" in c.get(f"/safety/hazards/{hazard.pk}/").content.decode()
    evidence = c.get(f"/safety/hazards/{hazard.pk}/evidence/")
    assert evidence.status_code == 200 and evidence["Content-Disposition"].startswith("attachment")
    response = c.post(f"/safety/hazards/{hazard.pk}/", {"step": "verify", "verdict": "accept"})
    assert response.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.CLOSED


def test_the_district_page_counts_open_hazards_by_severity_and_age(client, safety, hazard):
    with time_machine.travel(TODAY):
        c = _client(client, safety, "bob")
        page = c.get("/safety/districts/410105/")
        rows = _sheet(c.get("/safety/districts/410105/?export=overview"))
        listed = _sheet(c.get("/safety/districts/410105/?export=hazards"))
    assert page.status_code == 200 and "金水一小" in page.content.decode()
    assert rows[0][:3] == ["隐患等级", "未销号隐患", "已逾期"]
    # Found 2016-04-12, 69 days before 2016-06-20: the 31–90 days column.
    assert rows[1] == ["重大", 1, 1, 0, 1, 0, 0]
    assert listed[1][0] == "金水一小" and listed[1][3] == "重大" and listed[1][-1] == "是"


def test_the_city_page_shows_every_district_with_a_chart(client, safety, hazard):
    c = _client(client, safety, "ann")
    page = c.get("/safety/city/")
    text = page.content.decode()
    assert page.status_code == 200 and 'data-chart="districts-chart"' in text
    assert "/safety/districts/410105/" in text
    rows = _sheet(c.get("/safety/city/?export=districts"))
    assert rows[0] == ["县（市、区）", "重大", "较大", "一般", "未销号隐患", "已逾期"]
    assert ["金水区", 1, 0, 0, 1, 1] in rows and ["二七区", 0, 0, 0, 0, 0] in rows


def test_the_overviews_take_a_fixed_number_of_queries(
    client, safety, hazard, django_assert_max_num_queries
):
    c = _client(client, safety, "ann")
    with django_assert_max_num_queries(12):
        c.get("/safety/districts/410105/")
    with django_assert_max_num_queries(12):
        c.get("/safety/city/")
