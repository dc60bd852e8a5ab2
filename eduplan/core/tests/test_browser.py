"""Pages in a real Chromium: log in as a school reporter, read the plan, stay in scope.

Runs where Debian's Chromium is installed (CI installs it); skipped elsewhere with a message.
Screenshots go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eduplan.demo.services import PLAN_FILE, org_load_file
from eduplan.org.models import OrgUnit, Role
from eduplan.org.tests.factories import OrgUnitFactory, user_with_role
from eduplan.plans.loading import plan_spec_from_file
from eduplan.plans.services import plan_load

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
    ),
]


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM work of the
    # test happens before it starts, and the live server runs in its own thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        external: list[str] = []
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = context.new_page()
        page.on(
            "request",
            lambda r: (
                external.append(r.url)
                if not r.url.startswith(("http://localhost", "http://127.0.0.1", "data:"))
                else None
            ),
        )
        yield page, external
        browser.close()


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
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
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
