"""The ledger API: the list `eduplan ledger list --json` also prints, writes with revisions
(a stale one is 409), refusals with the field, retries stored once, person fields hidden."""

from __future__ import annotations

import json

from eduplan.api.tests.conftest import Api
from eduplan.ledgers.models import LedgerRecord
from eduplan.ledgers.tests.conftest import SECRET, add, values

RECORDS = "/api/v1/ledgers/showcase_test/records"


def test_the_list_gives_each_ledger_with_its_records_and_metrics(ledger_api: Api, city, ledger):
    add(city, ledger)
    add(city, ledger, school="410103-P1")
    body = ledger_api.call("bob", "GET", "/api/v1/ledgers").json()
    [shown] = body["ledgers"]
    assert shown["code"] == "showcase_test" and shown["keeper"] == "基础教育处"
    assert shown["version"] == 1 and shown["records"] == 1  # bob sees 金水 only
    assert {m["key"] for m in shown["metrics"]} >= {"ledger.showcase_test.events"}


def test_create_update_conflict_and_retire(ledger_api: Api, city, ledger):
    created = ledger_api.call(
        "dan", "POST", RECORDS, {"values": values(contact=SECRET)}, **{"Idempotency-Key": "a1"}
    )
    assert created.status_code == 200, created.content
    record = created.json()
    assert record["values"]["contact"] == SECRET and record["unit"] == "410105-P1"
    retry = ledger_api.call(
        "dan", "POST", RECORDS, {"values": values(contact=SECRET)}, **{"Idempotency-Key": "a1"}
    )
    assert retry.json()["id"] == record["id"] and LedgerRecord.objects.count() == 1
    reused = ledger_api.call(
        "dan", "POST", RECORDS, {"values": values(pupils=3)}, **{"Idempotency-Key": "a1"}
    )
    assert reused.status_code == 422
    url = f"{RECORDS}/{record['id']}"
    changed = ledger_api.call("dan", "PUT", url, {"values": values(pupils=9), "revision": 1})
    assert changed.status_code == 200 and changed.json()["revision"] == 2
    stale = ledger_api.call("dan", "PUT", url, {"values": values(pupils=8), "revision": 1})
    assert stale.status_code == 409 and stale.json()["detail"]
    assert LedgerRecord.objects.get().data["pupils"] == 9
    retired = ledger_api.call("dan", "POST", f"{url}/retire", {"reason": "重复", "revision": 2})
    assert retired.json()["status"] == "retired"


def test_bad_values_are_refused_with_the_field_and_nothing_is_stored(ledger_api: Api, city, ledger):
    response = ledger_api.call(
        "dan", "POST", RECORDS, {"values": {**values(), "school": "999999", "colour": 1}}
    )
    assert response.status_code == 400
    assert {p["element"] for p in response.json()["problems"]} == {"school", "colour"}
    assert not LedgerRecord.objects.exists()


def test_a_person_field_is_hidden_from_readers_who_do_not_keep_it(ledger_api: Api, city, ledger):
    add(city, ledger, contact=SECRET)
    for who in ("bob", "lee", "alice"):
        response = ledger_api.call(who, "GET", RECORDS)
        assert response.status_code == 200
        assert SECRET not in json.dumps(response.json(), ensure_ascii=False)
        assert response.json()["count"] == 1
    assert SECRET in json.dumps(ledger_api.call("dan", "GET", RECORDS).json(), ensure_ascii=False)
    assert ledger_api.call("charlie", "GET", RECORDS).json()["count"] == 0
