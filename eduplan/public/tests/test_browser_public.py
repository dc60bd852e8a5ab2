"""The public pages in a real Chromium, as a citizen without an account: the index, the
plan's project statuses, a district's school fees, the private-school directory, a
football league table and building progress, at laptop and phone width, with nothing
fetched from another host. Screenshots go to test-artifacts/.

Runs where Debian's Chromium is installed (CI installs it); skipped elsewhere.
"""

from __future__ import annotations

import pytest

from eduplan.core.tests.browser import ARTIFACTS, needs_browser

pytestmark = needs_browser

PAGES = [
    ("public-index", "/public/"),
    ("public-plan", "/public/plan/"),
    ("public-fees", "/public/fees/?district=410105"),
    ("public-directory", "/public/private-schools/"),
    ("public-football", "/public/football/"),
    ("public-construction", "/public/construction/"),
]


@pytest.mark.django_db(transaction=True)
def test_a_citizen_reads_every_public_page_without_logging_in(demo, live_server, browser_page):
    from eduplan.football.models import Competition

    league = Competition.objects.filter(published=True).order_by("pk").first()
    page, external = browser_page
    for name, url in [*PAGES, ("public-league", f"/public/football/{league.pk}/")]:
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == 200, url
        assert "/accounts/login/" not in page.url
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        page.screenshot(path=str(ARTIFACTS / f"{name}-1366.png"), full_page=True)
    assert page.locator("table tbody tr").count() >= 4  # the league's standings

    page.set_viewport_size({"width": 390, "height": 844})
    for name, url in PAGES[1:4]:
        page.goto(f"{live_server.url}{url}")
        page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 392, url
    assert external == []
