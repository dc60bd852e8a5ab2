"""我的填报 in a real Chromium: Alice logs in, fills the class-size form and submits it.

Runs where Debian's Chromium is installed (CI installs it); skipped elsewhere with a message.
Screenshots go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from eduplan.core.tests.browser import ARTIFACTS, needs_browser
from eduplan.reporting.models import Status, Submission

pytestmark = needs_browser


@pytest.mark.django_db(transaction=True)
def test_alice_fills_the_class_size_form_from_my_reports_and_submits_it(
    live_server, browser_page, city, class_form
):
    page, external = browser_page
    with translation.override("zh-hans"):
        submitted = str(Status.SUBMITTED.label)  # 已报送 once the catalogue has it

    page.goto(f"{live_server.url}/reports/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url("**/reports/")
    row = page.locator("tr.report-row[data-form='class-size-test']")
    assert row.get_attribute("data-status") == "none"
    row.locator("a").first.click()  # the form; beside it, its Excel template
    page.wait_for_url("**/reports/class-size-test/2016T1/410105-P1/")

    # The first field has the focus: Alice types straight away and tabs through.
    assert page.evaluate("document.activeElement.id") == "id_v-classes_total"
    page.keyboard.type("20")
    page.keyboard.press("Tab")
    page.keyboard.type("900")
    page.fill("#id_v-classes_large", "3")
    page.select_option("#id_v-has_card", "是")
    page.fill("#id_v-note", "第一行\n第二行")  # Enter in a textarea is a new line
    page.screenshot(path=str(ARTIFACTS / "report-entry-1366.png"), full_page=True)
    page.click("button[value=submit]")
    page.wait_for_load_state()

    badge = page.locator("h1 + .report-status")
    assert badge.get_attribute("data-status") == "submitted"
    assert badge.inner_text() == submitted
    assert page.locator("#report-values").count() == 1  # read-only now
    page.screenshot(path=str(ARTIFACTS / "report-submitted-1366.png"), full_page=True)

    page.goto(f"{live_server.url}/reports/")
    assert row.get_attribute("data-status") == "submitted"
    assert row.locator(".report-status").inner_text() == submitted
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/reports/class-size-test/2016T1/410105-P1/")
    page.screenshot(path=str(ARTIFACTS / "report-submitted-phone.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone: {width}px"

    sub = Submission.objects.get()
    assert sub.status == Status.SUBMITTED
    assert sub.values.get(element__code="classes_total").number == 20
    assert sub.values.get(element__code="note").text == "第一行\n第二行"
    assert not external, f"pages fetched from outside: {external}"
