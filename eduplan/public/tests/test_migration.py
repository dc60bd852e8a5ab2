"""Fee items and directory entries of a database from before the ledgers move into them:
a published fee item is an approved record, an unpublished one awaits review; an
unpublished directory entry is retired; the public pages show what they showed before."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from eduplan.ledgers.models import EventKind, LedgerRecord, RecordStatus, ReviewState

BEFORE = [("public", "0001_initial"), ("ledgers", "0003_record_review")]


def _migrate(targets: list[tuple[str, str]]) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_fees_and_entries_become_ledger_records_and_show_as_before(client):
    old = _migrate(BEFORE)
    unit = old.get_model("org", "OrgUnit")
    root = unit.objects.create(
        code="410100", name="郑州市教育局", type="bureau", path="/410100/", depth=0
    )
    district = unit.objects.create(
        code="410105", name="金水区", type="district", parent=root, path="/410100/410105/", depth=1
    )
    school = unit.objects.create(
        code="410105-P8",
        name="金水民办育才小学",
        type="primary",
        parent=district,
        ownership="private",
        path="/410100/410105/410105-P8/",
        depth=2,
        opened_on=datetime.date(2010, 9, 1),
    )
    fee = old.get_model("public", "FeeItem")
    common = {
        "school": school,
        "school_year": 2016,
        "unit": "元/生·学期",
        "approving_body": "郑州市发展和改革委员会",
        "document_number": "郑发改〔2016〕1号",
        "scope": "全体在校生",
        "hotline": "12358",
    }
    fee.objects.create(item="学费", amount=Decimal("6000.50"), published=True, **common)
    fee.objects.create(item="秘密收费", amount=Decimal("10"), published=False, **common)
    old.get_model("public", "DirectoryEntry").objects.create(
        school=school,
        licence_number="教民141010520000001号",
        sponsor="郑州市育才教育科技有限公司",
        address="金水区文化路88号",
        phone="0371-63330001",
        levels="小学",
        approved_by="金水区教育局",
        published=True,
    )
    _migrate([("public", "0003_drop_fee_items_directory_entries")])

    fees = {r.data["item"]: r for r in LedgerRecord.objects.filter(ledger__code="fee_items")}
    assert fees["学费"].review == ReviewState.APPROVED and fees["学费"].data["amount"] == 6000.5
    assert fees["秘密收费"].review == ReviewState.SUBMITTED
    assert fees["学费"].key == "410105-P8|2016|学费" and fees["学费"].unit_path.endswith("P8/")
    kinds = set(fees["学费"].events.values_list("kind", flat=True))
    assert kinds == {EventKind.CREATE, EventKind.APPROVE}
    [entry] = LedgerRecord.objects.filter(ledger__code="private_schools")
    assert entry.status == RecordStatus.ACTIVE and entry.data["licence_number"].startswith("教民")

    page = client.get("/public/fees/").content.decode()
    assert "学费" in page and "6000.50" in page and "秘密收费" not in page
    assert "郑州市育才教育科技有限公司" in client.get("/public/private-schools/").content.decode()
