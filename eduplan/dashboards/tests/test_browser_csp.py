"""Under the Content-Security-Policy, in a real Chromium: the browser refuses nothing on
the pages with charts, maps and auto-submitting pickers, the charts draw, the districts
map is laid out and coloured, and a period picker still submits its form."""

from __future__ import annotations

import pytest

from eduplan.core.tests.browser import needs_browser

pytestmark = needs_browser

PAGES = [
    "/dashboards/?at=2016B6",
    "/dashboards/projects/1/?at=2016B6",
    "/dashboards/districts/?at=2016B6",
    "/dashboards/screen/?at=2016B6",
    "/reports/completeness/",
    "/targets/",
]


@pytest.mark.django_db(transaction=True)
def test_the_browser_refuses_nothing_and_pages_still_work(demo, live_server, browser_page):
    page, _external = browser_page
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    base = live_server.url
    page.goto(f"{base}/accounts/login/?next=/dashboards/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", "eduplan2016")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    for url in PAGES:
        page.goto(f"{base}{url}")
        page.wait_for_load_state("networkidle")
        if "projects" in url or url.startswith("/dashboards/?"):
            page.wait_for_selector("[data-chart][data-drawn] svg")
        if "districts" in url:
            tile = page.locator(".district-tile").first
            colour = tile.evaluate("t => getComputedStyle(t).backgroundColor")
            assert colour not in ("", "rgba(0, 0, 0, 0)")
            assert tile.evaluate("t => t.style.gridRow") != ""
    assert refused == []

    page.goto(f"{base}/dashboards/?at=2016B6")
    page.select_option("#at", "2017B2")
    page.wait_for_url("**at=2017B2**")
