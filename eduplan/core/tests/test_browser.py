"""Pages in a real Chromium: log in as a school reporter, read the plan, stay in scope.

Runs where Debian's Chromium is installed (CI installs it); skipped elsewhere with a message.
Screenshots go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import pytest

from eduplan.core.tests.browser import ARTIFACTS, needs_browser
from eduplan.demo.services import PLAN_FILE, org_load_file
from eduplan.org.models import OrgUnit, Role
from eduplan.org.tests.factories import OrgUnitFactory, user_with_role
from eduplan.plans.loading import plan_spec_from_file
from eduplan.plans.services import plan_load

pytestmark = needs_browser


@pytest.mark.django_db(transaction=True)
def test_school_reporter_logs_in_reads_the_plan_and_is_kept_to_her_school(
    live_server, browser_page
):
    org_load_file()
    plan_load(spec=plan_spec_from_file(PLAN_FILE))
    jinshui = OrgUnit.objects.get(code="410105")
    school = OrgUnitFactory(code="410105-P0001", name="金水区第一小学", parent=jinshui)
    OrgUnitFactory(code="410105-P0002", name="金水区第二小学", parent=jinshui)
    user_with_role("alice", Role.SCHOOL_REPORTER, school)
    page, external = browser_page

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url("**/work/")  # she lands on her 工作台, the plan one click away
    page.locator("nav a.nav-link[href='/']").click()
    page.wait_for_url("**/plans/zhengzhou-2016/")
    assert page.locator("h1").inner_text().startswith("郑州市教育局")
    assert page.locator(".project-card").count() == 17
    page.screenshot(path=str(ARTIFACTS / "plan-overview-1366.png"), full_page=False)

    page.click("text=学校建设工程")
    page.wait_for_url("**/projects/1/")
    assert "大班额比2013年减少60%以上" in page.content()

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "project-phone.png"), full_page=False)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone: {width}px"

    response = page.goto(f"{live_server.url}/units/410105-P0002/")
    assert response is not None and response.status == 403
    assert not external, f"pages fetched from outside: {external}"
    assert (ARTIFACTS / "plan-overview-1366.png").exists()
