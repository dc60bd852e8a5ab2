"""A ledger keeper in a real Chromium: 体卫艺处's demo account adds a 美育示范学校 by
typing the school's name into the unit picker, first under the wrong category (a school
is no 美育示范县) and reads the refusal at the field, then corrects it; finds the record
by the school's name in the list; adds a resource with its file and downloads it.

Runs where Debian's Chromium is installed (CI installs it); skipped elsewhere.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eduplan.core.tests.browser import ARTIFACTS, needs_browser

pytestmark = needs_browser


@pytest.mark.django_db(transaction=True)
def test_a_keeper_enters_records_by_unit_name_and_file_in_the_browser(
    live_server, browser_page, tmp_path, settings
):
    from eduplan.demo.services import demo_setup
    from eduplan.ledgers.models import LedgerFile, LedgerRecord
    from eduplan.org.models import OrgUnit, UnitType

    settings.MEDIA_ROOT = tmp_path
    demo_setup(scale=0.02, seed=2016)
    taken = set(
        LedgerRecord.objects.filter(ledger__code="aesthetic_models", year=2018).values_list(
            "org_unit", flat=True
        )
    )
    school = (
        OrgUnit.objects.filter(type=UnitType.PRIMARY).exclude(pk__in=taken).order_by("path").first()
    )
    assert school is not None
    kept = LedgerRecord.objects.filter(org_unit=school, ledger__code="aesthetic_models")
    before = kept.count()
    page, external = browser_page
    base = live_server.url

    page.goto(f"{base}/ledgers/aesthetic_models/new/")
    page.fill("#id_username", "tiweiyi")
    page.fill("#id_password", "eduplan2016")
    page.click("button[type=submit]")
    page.wait_for_url("**/ledgers/aesthetic_models/new/")
    offered = page.locator(f"#units_unit option[value='{school.name}（{school.code}）']")
    assert offered.count() == 1
    page.fill("#f_unit", f"{school.name}（{school.code}）")
    page.select_option("#f_category", "美育示范县（市、区）")
    page.select_option("#f_level", "市级")
    page.fill("#f_designated_on", "2018-10-08")
    page.locator("main form[method=post] button.btn-primary").click()
    page.wait_for_load_state()
    assert page.locator("#f_unit.is-invalid").count() == 1
    assert school.name in page.locator(".invalid-feedback").first.inner_text()
    assert kept.count() == before

    page.select_option("#f_category", "美育示范学校")
    page.locator("main form[method=post] button.btn-primary").click()
    page.wait_for_url("**/ledgers/records/*/")
    assert kept.count() == before + 1

    page.goto(f"{base}/ledgers/aesthetic_models/")
    page.fill("#q", school.name)
    page.locator("main form[method=get] button.btn-primary").click()
    page.wait_for_load_state()
    assert school.name in page.locator("table").inner_text()
    assert school.code not in page.locator("table").inner_text()

    page.goto(f"{base}/ledgers/aesthetic_resources/new/")
    page.select_option("#f_category", "网络资源")
    page.fill("#f_title", "合唱微课")
    page.fill("#f_provider", f"{school.name}（{school.code}）")
    page.fill("#f_added_on", "2018-10-08")
    resource = tmp_path / "合唱微课.pdf"
    resource.write_bytes(b"%PDF-1.4 lesson")
    page.set_input_files("#f_file", str(resource))
    page.locator("main form[method=post] button.btn-primary").click()
    page.wait_for_url("**/ledgers/records/*/")
    page.screenshot(path=str(ARTIFACTS / "ledger-record-file-1366.png"), full_page=True)
    stored = LedgerFile.objects.get(name="合唱微课.pdf")
    with page.expect_download() as download:
        page.locator(f"a[href='/ledgers/files/{stored.pk}/']").click()
    assert Path(download.value.path()).read_bytes() == b"%PDF-1.4 lesson"
    assert not external, f"pages fetched from outside: {external}"
