"""Each role's main task from login, in a real Chromium, by links only: Alice (a school)
finds her due report on her 工作台 and fills it through the Excel template; Bob (金水区)
finds the school that has not reported and returns a report, and Alice sees the message;
Sue (the supervision office) finds a new feedback in her inbox.

The clock is not moved (the browser would drop its session cookie), so the 2016 report is
overdue: it is listed under 逾期未报. Screenshots go to test-artifacts/."""

from __future__ import annotations

import io

import openpyxl
import pytest

from eduplan.core.tests.browser import ARTIFACTS, needs_browser
from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.models import Status, Submission
from eduplan.reporting.services import (
    expected_reports_open,
    form_load,
    submission_save,
    submission_submit,
)
from eduplan.reporting.tests.conftest import CLASS_FORM, GOOD
from eduplan.supervision.services import order_feedback, order_sign
from eduplan.supervision.tests.conftest import raise_order
from eduplan.workbench.tests.conftest import PASSWORD

pytestmark = needs_browser


@pytest.fixture
def opened_form(city):
    form, _version, _created = form_load(definition=definition_from_data(CLASS_FORM, source="test"))
    expected_reports_open(form=form, period_code="2016T1")
    return form


def _log_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/work/")


@pytest.mark.django_db(transaction=True)
def test_alice_finds_her_due_report_on_her_work_and_fills_it_with_the_excel_template(
    live_server, browser_page, city, opened_form, tmp_path
):
    page, external = browser_page
    base = live_server.url
    _log_in(page, base, "alice")
    assert page.locator("h1").first.inner_text() == "工作台"
    item = page.locator("#work-overdue .work-item", has_text="班额情况")
    assert item.count() == 1
    page.screenshot(path=str(ARTIFACTS / "workbench-school-1366.png"), full_page=True)

    item.locator("a").first.click()
    page.wait_for_url("**/reports/class-size-test/2016T1/410105-P1/")
    page.locator("a.xlsx-link").click()
    page.wait_for_url("**/reports/xlsx/class-size-test/2016T1/410105-P1/")
    with page.expect_download() as download:
        page.locator("a[href$='template.xlsx']").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    book = openpyxl.load_workbook(template)
    sheet = next(ws for ws in book.worksheets if ws["A3"].value == "#unit")
    columns = {cell.value: cell.column_letter for cell in sheet[3]}
    for code, value in GOOD.items():
        sheet[f"{columns[code]}4"] = int(value)
    filled = io.BytesIO()
    book.save(filled)
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "班额情况.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": filled.getvalue(),
            }
        ],
    )
    page.check("#id_submit")
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    assert Submission.objects.get(org_unit=city.jinshui_one).status == Status.SUBMITTED

    page.locator("nav a[href='/work/']").click()
    page.wait_for_url("**/work/")
    assert page.locator("#work-overdue .work-item").count() == 0
    assert external == []


@pytest.mark.django_db(transaction=True)
def test_bob_finds_the_missing_school_returns_a_report_and_alice_reads_why(
    live_server, browser_page, city, opened_form
):
    page, external = browser_page
    base = live_server.url
    sub = submission_save(
        user=city.users["alice"],
        form=opened_form,
        org_unit=city.jinshui_one,
        period_code="2016T1",
        values=GOOD,
    )
    submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)

    _log_in(page, base, "bob")
    page.locator("nav a[href='/reports/']").first.click()
    page.locator("a[href='/reports/completeness/']").click()
    page.wait_for_url("**/reports/completeness/class-size-test/**")
    # The pickers are linked: choosing a period shows it at once, for the same unit.
    page.select_option("#id_period", "2016T2")
    page.wait_for_url("**/reports/completeness/class-size-test/2016T2/?org=410105")
    page.select_option("#id_period", "2016T1")
    page.wait_for_url("**/reports/completeness/class-size-test/2016T1/?org=410105")
    page.locator("#missing-only").click()
    page.wait_for_url("**missing=1**")
    missing = page.locator("tr.child-row")
    assert missing.count() == 1 and missing.first.get_attribute("data-unit") == "410105-P2"
    page.screenshot(path=str(ARTIFACTS / "completeness-missing-1366.png"), full_page=True)

    page.locator("nav a[href='/work/']").click()
    page.locator("#work-approvals .work-item a", has_text="班额情况").click()
    page.wait_for_url("**/reports/class-size-test/2016T1/410105-P1/")
    page.fill("#id_reason", "在校生数与学籍系统不符")
    page.click("button[value=return]")
    page.wait_for_url("**/reports/completeness/class-size-test/2016T1/?org=410105")
    assert page.locator("#entry-form").count() == 0  # not an editable copy of her form

    _log_in(page, base, "alice")
    returned = page.locator("#work-returned .work-item")
    assert returned.count() == 1 and "在校生数与学籍系统不符" in returned.inner_text()
    page.locator("nav a[href='/supervision/inbox/']").click()
    message = page.locator(".inbox-message").first
    assert "报表被退回" in message.inner_text() and "在校生数与学籍系统不符" in message.inner_text()
    page.screenshot(path=str(ARTIFACTS / "inbox-returned-1366.png"), full_page=True)
    assert external == []


@pytest.mark.django_db(transaction=True)
def test_the_supervision_office_finds_a_new_feedback_in_its_inbox(live_server, browser_page, city):
    page, external = browser_page
    base = live_server.url
    order = raise_order(city.jinshui_one)
    order_sign(user=city.users["alice"], order=order)
    order_feedback(user=city.users["alice"], order=order, response="已完成整改并上传佐证")

    _log_in(page, base, "sue")
    review = page.locator("#work-orders .work-item")
    assert review.count() == 1 and "测试督办事项" in review.inner_text()
    badge = page.locator("#badge-work .badge")
    badge.wait_for()
    assert int(badge.inner_text()) >= 1
    page.locator("nav a[href='/supervision/inbox/']").click()
    message = page.locator(".inbox-message[data-read='0']").first
    assert "待复核" in message.inner_text() and "已完成整改并上传佐证" in message.inner_text()
    message.locator(f"a[href='/supervision/orders/{order.pk}/']").click()
    page.wait_for_url(f"**/supervision/orders/{order.pk}/")
    page.screenshot(path=str(ARTIFACTS / "inbox-feedback-1366.png"), full_page=True)
    assert external == []
