"""The dashboards in a real Chromium: a leader logs in, opens the cockpit, picks a
period, opens a project, reads a chart as a table and downloads it; the big screen; a
phone-width cockpit; then a district official sees only the district, a school reporter
lands on the school page, and a department opens its project.

Runs where Debian's Chromium is installed (CI installs it); skipped elsewhere with a
message. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import openpyxl
import pytest

from eduplan.core.tests.browser import ARTIFACTS, needs_browser

pytestmark = needs_browser


def _log_in(page, base: str, username: str, next_url: str) -> None:
    page.goto(f"{base}{next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", "eduplan2016")
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_each_role_uses_the_dashboards(demo, live_server, browser_page, tmp_path):

    page, external = browser_page
    base = live_server.url

    _log_in(page, base, "leader", "/dashboards/?at=2016B6")
    assert page.locator("h1").first.inner_text().startswith("领导驾驶舱")
    assert page.locator(".project-tile").count() == 17
    page.wait_for_selector("[data-chart][data-drawn] svg")
    page.screenshot(path=str(ARTIFACTS / "cockpit-1366.png"), full_page=True)

    page.select_option("#at", "2017B2")
    page.wait_for_url("**at=2017B2**")
    assert "2017年第2双月" in page.locator("h1 + span").inner_text()

    page.locator(".project-tile[data-project='1']").click()
    page.wait_for_url("**/dashboards/projects/1/**")
    page.wait_for_selector("[data-chart][data-drawn] svg")
    chart = page.locator("figure").first
    chart.locator("summary").click()
    assert chart.locator("table tbody tr").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "project-1366.png"), full_page=True)
    with page.expect_download() as download:
        chart.locator("a[href*='export=']").click()
    saved = tmp_path / "chart.xlsx"
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    assert sheet.max_row >= 4
    with page.expect_download() as report:
        page.locator("a[href*='report.docx']").click()
    assert report.value.suggested_filename.endswith(".docx")

    page.goto(f"{base}/dashboards/screen/?at=2016B6")
    page.wait_for_selector("[data-chart][data-drawn] svg")
    page.screenshot(path=str(ARTIFACTS / "big-screen-1366.png"))

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/dashboards/?at=2016B6")
    page.screenshot(path=str(ARTIFACTS / "cockpit-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.set_viewport_size({"width": 1366, "height": 768})

    page.context.clear_cookies()
    _log_in(page, base, "jinshui", "/dashboards/districts/?at=2016B6")
    rows = page.locator("tbody tr[data-district]")
    assert rows.count() == 1 and rows.first.get_attribute("data-district") == "410105"
    page.screenshot(path=str(ARTIFACTS / "districts-jinshui-1366.png"), full_page=True)

    page.context.clear_cookies()
    _log_in(page, base, "jinshui-school1", "/dashboards/")
    page.wait_for_url("**/dashboards/schools/**")
    assert page.locator("h2", has_text="应报报表").count() == 1
    page.wait_for_selector("[data-chart='census'][data-drawn] svg")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "school-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.set_viewport_size({"width": 1366, "height": 768})

    page.context.clear_cookies()
    _log_in(page, base, "tiweiyi", "/dashboards/projects/3/?at=2016B6")
    assert "校园足球提升" in page.locator("h1").inner_text()

    assert external == []
