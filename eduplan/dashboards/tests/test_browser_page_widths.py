"""In a real Chromium no page of any role's menu is wider than a phone (390 px) or a
desktop (1440 px): nothing runs past the window."""

from __future__ import annotations

import pytest

from eduplan.core.tests.browser import needs_browser
from eduplan.dashboards.tests.test_every_page_reads_in_chinese import ROLES

pytestmark = needs_browser


@pytest.mark.django_db(transaction=True)
def test_no_page_of_any_menu_is_wider_than_a_phone_or_a_desktop(demo, live_server, browser_page):
    page, _external = browser_page
    too_wide = []
    for username in ROLES:
        page.context.clear_cookies()
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "eduplan2016")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        menu = page.eval_on_selector_all(
            "nav a.nav-link", "links => links.map(a => a.getAttribute('href'))"
        )
        for url in [page.url.removeprefix(live_server.url), *menu]:
            for width in (390, 1440):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{live_server.url}{url}")
                page.wait_for_load_state()
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    too_wide.append(f"{username} {url} at {width}: {scroll} px")
    assert too_wide == [], "\n".join(too_wide)
