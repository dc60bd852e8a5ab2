"""A person field stays private on every path in and out: never searchable, never echoed
in a refusal, never in the API, an export or a page for those without the right, and
never in a log line, whichever way the record came in."""

from __future__ import annotations

import io
import json
import logging

from django.test import Client

from eduplan.api.tests.conftest import Api
from eduplan.ledgers.models import LedgerRecord
from eduplan.ledgers.tests.conftest import SECRET, add, load_text
from eduplan.ledgers.tests.test_xlsx import filled
from eduplan.ledgers.xlsx import ledger_xlsx_import

PHONE = "13800138000"
WITH_PHONE = """\
code: phones_test
name: 联系台账
keeper: {department: D-JC}
unit: school
date: day
public: true
fields:
  - {code: school, label: 学校, type: unit, required: true, public: true}
  - {code: day, label: 日期, type: date, required: true, public: true}
  - {code: phone, label: 电话, type: person, pattern: "1[0-9]{10}"}
"""


def client_for(city, who):
    client = Client()
    if who:
        client.force_login(city.users[who])
    return client


def test_a_person_value_is_never_found_by_search(ledger_api: Api, city, ledger):
    add(city, ledger, contact=SECRET)
    for who in ("dan", "bob"):
        page = client_for(city, who).get("/ledgers/showcase_test/", {"q": SECRET[:4]})
        assert page.status_code == 200 and "金水一小" not in page.content.decode()
        found = ledger_api.call(who, "GET", f"/api/v1/ledgers/showcase_test/records?q={SECRET}")
        assert found.json()["count"] == 0


def test_a_refused_person_value_is_not_echoed_on_any_path(ledger_api: Api, city, caplog):
    caplog.set_level(logging.DEBUG)
    ledger = load_text(WITH_PHONE, "phones.yaml")
    wrong = f"{PHONE}-9"
    row = {"school": "410105-P1", "day": "2016-05-10", "phone": wrong}
    api = ledger_api.call("dan", "POST", "/api/v1/ledgers/phones_test/records", {"values": row})
    assert api.status_code == 400 and api.json()["problems"][0]["element"] == "phone"
    form = client_for(city, "dan").post(
        "/ledgers/phones_test/new/", {**row, "idempotency_key": "p"}
    )
    assert form.status_code == 400
    result = ledger_xlsx_import(
        user=city.users["dan"], ledger=ledger, data=filled(ledger, [row]), filename="p.xlsx"
    )
    assert [p.element for p in result.problems] == ["phone"]
    assert wrong not in api.content.decode()
    # The form gives the typist back what they typed, in its field only.
    assert form.content.decode().count(wrong) == 1
    assert f'value="{wrong}"' in form.content.decode()
    assert all(wrong not in p.message for p in result.problems)
    assert wrong not in caplog.text and not LedgerRecord.objects.exists()


def test_a_person_value_entered_any_way_reaches_only_those_who_keep_it(
    ledger_api: Api, city, caplog
):
    caplog.set_level(logging.DEBUG)
    ledger = load_text(WITH_PHONE, "phones.yaml")
    row = {"school": "410105-P1", "day": "2016-05-10", "phone": PHONE}
    url = "/api/v1/ledgers/phones_test/records"
    assert ledger_api.call("dan", "POST", url, {"values": row}).status_code == 200
    dan = client_for(city, "dan")
    form = {**row, "school": "410105-P2", "idempotency_key": "q"}
    assert dan.post("/ledgers/phones_test/new/", form).status_code == 302
    data = filled(ledger, [{**row, "school": "410100-S1"}])
    assert ledger_xlsx_import(user=city.users["dan"], ledger=ledger, data=data, filename="q").ok
    assert LedgerRecord.objects.count() == 3
    for record in LedgerRecord.objects.all():
        assert PHONE not in json.dumps([list(e) for e in record.events.values_list("old", "new")])
        assert PHONE not in record.search
    for who in ("bob", "alice", "lee", "sue"):
        client = client_for(city, who)
        assert PHONE not in client.get("/ledgers/phones_test/").content.decode()
        export = client.get("/ledgers/phones_test/?export=xlsx").content
        assert PHONE not in _workbook_text(export)
        assert PHONE not in ledger_api.call(who, "GET", f"{url}?limit=10").content.decode()
    for reader in (None, "bob"):
        public = client_for(city, reader).get("/ledgers/phones_test/public/")
        assert public.status_code == 200 and PHONE not in public.content.decode()
        assert "电话" not in public.content.decode()
    assert PHONE in _workbook_text(dan.get("/ledgers/phones_test/?export=xlsx").content)
    assert PHONE not in caplog.text


def _workbook_text(body: bytes) -> str:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(body))
    return " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value)


def test_a_keeper_of_one_record_sees_its_person_value_not_another_units(
    ledger_api: Api, city, own_ledger
):
    own = {"school": "410105-P1", "day": "2016-09-01", "adviser": SECRET}
    other = {"school": "410103-P1", "day": "2016-09-01", "adviser": "二七的顾问"}
    assert ledger_api.call("alice", "POST", "/api/v1/ledgers/own_test/records", {"values": own})
    assert ledger_api.call("dora", "POST", "/api/v1/ledgers/own_test/records", {"values": other})
    for who, seen in (("bob", True), ("lee", False), ("sue", False)):
        got = ledger_api.call(who, "GET", "/api/v1/ledgers/own_test/records").json()
        text = json.dumps(got, ensure_ascii=False)
        assert (SECRET in text) is seen and "二七的顾问" not in text
