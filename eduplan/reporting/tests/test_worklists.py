"""Finding the work on the reporting pages: 我的填报 puts what is still to submit first and
counts it; the Excel template and import is one click from 我的填报, the entry page and
completeness (for those who may enter); completeness sorts and narrows to units with
missing reports; an approver who returns a report goes back to the queue or completeness."""

from __future__ import annotations

import re

from eduplan.org.models import Role
from eduplan.org.tests.factories import user_with_role
from eduplan.reporting.services import submission_save, submission_submit
from eduplan.reporting.tests.conftest import GOOD

COMPLETENESS = "/reports/completeness/class-size-test/2016T1/"
XLSX_P1 = "/reports/xlsx/class-size-test/2016T1/410105-P1/"


def _submitted(city, form, who, unit):
    sub = submission_save(
        user=city.users[who], form=form, org_unit=unit, period_code="2016T1", values=GOOD
    )
    return submission_submit(user=city.users[who], submission=sub, revision=sub.revision)


def _units_in_order(body: str) -> list[str]:
    return re.findall(r'class="report-row" data-form="[\w-]+" data-unit="([\w-]+)"', body)


def test_my_reports_lists_what_is_still_to_submit_first_and_counts_it(client, city, class_form):
    _submitted(city, class_form, "alice", city.jinshui_one)
    client.force_login(city.users["bob"])
    body = client.get("/reports/").content.decode()
    # 金水二小 has not reported: before 金水一小, which has.
    assert _units_in_order(body) == ["410105-P2", "410105-P1"]
    counts = re.search(r'id="open-counts" data-due="(\d+)" data-overdue="(\d+)"', body)
    assert counts is not None and int(counts[1]) + int(counts[2]) == 1


def test_the_excel_template_is_linked_from_my_reports_the_entry_page_and_completeness(
    client, city, class_form
):
    client.force_login(city.users["alice"])
    assert XLSX_P1 in client.get("/reports/").content.decode()
    assert XLSX_P1 in client.get("/reports/class-size-test/2016T1/410105-P1/").content.decode()
    client.force_login(city.users["bob"])
    body = client.get(COMPLETENESS).content.decode()
    assert "/reports/xlsx/class-size-test/2016T1/410105/" in body


def test_no_excel_link_for_whoever_may_not_enter_the_reports(client, city, class_form):
    client.force_login(city.users["lee"])
    body = client.get(f"{COMPLETENESS}?org=410105").content.decode()
    assert 'id="children"' in body and "/reports/xlsx/" not in body


def test_completeness_narrows_to_units_with_missing_reports_and_sorts_by_a_column(
    client, city, class_form
):
    _submitted(city, class_form, "alice", city.jinshui_one)
    client.force_login(city.users["bob"])
    rows = r'class="child-row" data-unit="([\w-]+)"'
    everyone = client.get(COMPLETENESS).content.decode()
    assert re.findall(rows, everyone) == ["410105-P1", "410105-P2"]
    missing = client.get(f"{COMPLETENESS}?missing=1").content.decode()
    assert re.findall(rows, missing) == ["410105-P2"]
    assert 'id="show-all-units"' in missing
    by_missing = client.get(f"{COMPLETENESS}?sort=-missing").content.decode()
    assert re.findall(rows, by_missing) == ["410105-P2", "410105-P1"]
    assert 'aria-sort="descending"' in by_missing
    by_rate = client.get(f"{COMPLETENESS}?sort=rate").content.decode()
    assert re.findall(rows, by_rate) == ["410105-P2", "410105-P1"]


def test_returning_a_report_sends_the_approver_to_the_queue_then_to_completeness(
    client, city, class_form
):
    city.users["jim"] = user_with_role("jim", Role.SCHOOL_REPORTER, city.jinshui_two)
    first = _submitted(city, class_form, "alice", city.jinshui_one)
    second = _submitted(city, class_form, "jim", city.jinshui_two)
    client.force_login(city.users["bob"])
    entry = "/reports/class-size-test/2016T1/{}/"
    response = client.post(
        entry.format("410105-P1"),
        {"action": "return", "revision": first.revision, "reason": "在校生数有误"},
    )
    assert response.status_code == 302 and response.url == "/reports/approvals/"
    response = client.post(
        entry.format("410105-P2"),
        {"action": "return", "revision": second.revision, "reason": "班数有误"},
    )
    assert response.status_code == 302 and response.url == f"{COMPLETENESS}?org=410105"
