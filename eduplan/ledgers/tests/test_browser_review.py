"""The review queue in a real Chromium, as 金水区's administrator on the demo: approve one
fee item, return another with a reason, at laptop and phone width, nothing fetched from
another host. Screenshots go to test-artifacts/.

Runs where Debian's Chromium is installed (CI installs it); skipped elsewhere.
"""

from __future__ import annotations

import pytest

from eduplan.core.tests.browser import ARTIFACTS, needs_browser

pytestmark = needs_browser


@pytest.mark.django_db(transaction=True)
def test_a_district_approves_and_returns_fee_items_on_the_review_page(
    demo, live_server, browser_page
):
    from eduplan.ledgers.models import LedgerRecord, ReviewState

    jinshui = LedgerRecord.objects.filter(ledger__code="fee_items", org_unit__parent__code="410105")
    # Two more of 金水区's fee items await review, whatever the demo's draw left waiting.
    more = (
        jinshui.filter(review=ReviewState.APPROVED).order_by("pk")[:2].values_list("pk", flat=True)
    )
    LedgerRecord.objects.filter(pk__in=list(more)).update(review=ReviewState.SUBMITTED)
    before = jinshui.filter(review=ReviewState.SUBMITTED).count()
    assert before >= 2
    page, external = browser_page
    page.goto(f"{live_server.url}/ledgers/review/?ledger=fee_items")
    page.fill("#id_username", "jinshui")
    page.fill("#id_password", "eduplan2016")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("section.review-item").count() == before
    page.screenshot(path=str(ARTIFACTS / "ledger-review-1366.png"), full_page=True)

    first = page.locator("section.review-item").first
    first_id = int(first.get_attribute("id").removeprefix("record-"))
    first.get_by_role("button", name="审核通过").click()
    page.wait_for_load_state()
    assert f"记录 #{first_id} 已审核通过" in page.content()

    second = page.locator("section.review-item").first
    second_id = int(second.get_attribute("id").removeprefix("record-"))
    second.get_by_label("退回原因").fill("批准文号与文件不符")
    second.get_by_role("button", name="退回").click()
    page.wait_for_load_state()
    assert page.locator("section.review-item").count() == before - 2

    states = dict(
        LedgerRecord.objects.filter(pk__in=[first_id, second_id]).values_list("pk", "review")
    )
    assert states == {first_id: ReviewState.APPROVED, second_id: ReviewState.RETURNED}
    assert LedgerRecord.objects.get(pk=second_id).review_reason == "批准文号与文件不符"

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/ledgers/review/")
    page.screenshot(path=str(ARTIFACTS / "ledger-review-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    assert external == []
