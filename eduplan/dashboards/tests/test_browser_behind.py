"""A leader's first screen names every lagging item's owner: logged in (leaders land on
the cockpit), without scrolling, at 1366×768."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from eduplan.core.tests.browser import ARTIFACTS, needs_browser
from eduplan.dashboards.selectors.behind import behind_build, orders_behind, plan_behind
from eduplan.dashboards.selectors.frame import frame_for
from eduplan.indicators.status import target_status_list
from eduplan.indicators.work import plan_work

pytestmark = needs_browser


def _owners_behind(username: str) -> set[str]:
    """The owners the user's cockpit names (default period): those with most behind."""
    user = get_user_model().objects.get(username=username)
    frame = frame_for(user=user, plan_code=None, at_code=None, org_code=None)
    statuses = target_status_list(plan=frame.plan, at=frame.at, unit=frame.unit)
    work = plan_work(plan=frame.plan, at=frame.at, unit=frame.unit)
    behind = behind_build(
        plan_items=plan_behind(frame, statuses, work.tasks),
        orders=orders_behind(user=user, day=timezone.localdate()),
    )
    return {o.owner for o in behind.owners_listed}


@pytest.mark.django_db(transaction=True)
def test_a_leaders_first_screen_names_every_lagging_items_owner(demo, live_server, browser_page):
    page, external = browser_page
    owners = _owners_behind("leader")
    assert owners, "the demo city has work behind"
    page.goto(f"{live_server.url}/accounts/login/?next=/dashboards/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", "eduplan2016")
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboards/**")
    page.wait_for_selector("#behind-owners")
    page.screenshot(path=str(ARTIFACTS / "cockpit-first-screen-1366.png"))
    height = page.viewport_size["height"] if page.viewport_size else 768
    shown = {}
    for chip in page.locator("#behind-owners [data-owner]").all():
        box = chip.bounding_box()
        assert box is not None
        shown[chip.get_attribute("data-owner")] = box["y"] + box["height"]
    assert set(shown) == owners
    late = {owner: bottom for owner, bottom in shown.items() if bottom > height}
    assert not late, f"owners below the first screen: {late}"
    # The worst item is named with its owner at the top of the ranked list.
    first = page.locator("#behind tbody tr").first
    assert first.get_attribute("data-owner") in owners
    assert external == []


@pytest.mark.django_db(transaction=True)
def test_the_big_screen_fills_a_1920_by_1080_screen_without_an_empty_bottom(
    demo, live_server, browser_page
):
    page, _external = browser_page
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/accounts/login/?next=/dashboards/screen/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", "eduplan2016")
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboards/screen/**")
    page.wait_for_selector("[data-chart][data-drawn] svg")
    page.screenshot(path=str(ARTIFACTS / "screen-1920.png"))
    # Nothing hangs below the screen, and the last block reaches its bottom.
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    chart = page.locator("[data-chart='reports-missing']").bounding_box()
    assert chart is not None and chart["y"] + chart["height"] >= 1080 * 0.9
    behind = page.locator("#behind").bounding_box()
    assert behind is not None and behind["y"] < 1080 / 3  # the lagging list comes first
