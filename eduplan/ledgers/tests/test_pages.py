"""The ledger pages as their users see them, and a person field kept private everywhere:
pages, exports, the API, the history and the logs."""

from __future__ import annotations

import io
import logging

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from eduplan.ledgers.models import LedgerRecord
from eduplan.ledgers.tests.conftest import SECRET, add, values


def client_for(city, who):
    client = Client()
    if who:
        client.force_login(city.users[who])
    return client


def test_the_index_lists_the_ledgers_and_refuses_those_without_a_scope(city, ledger):
    add(city, ledger)
    page = client_for(city, "alice").get("/ledgers/")
    assert page.status_code == 200 and "测试台账" in page.content.decode()
    assert client_for(city, "nobody").get("/ledgers/").status_code == 403
    assert client_for(city, None).get("/ledgers/").status_code == 302


def test_a_district_sees_only_its_own_units_records(city, ledger):
    add(city, ledger)
    add(city, ledger, school="410103-P1")
    bob = client_for(city, "bob").get("/ledgers/showcase_test/").content.decode()
    assert "金水一小" in bob and "二七一小" not in bob
    dan = client_for(city, "dan").get("/ledgers/showcase_test/").content.decode()
    assert "金水一小" in dan and "二七一小" in dan


def test_filters_and_search_narrow_the_list(city, ledger):
    add(city, ledger, kind="乙")
    add(city, ledger, school="410103-P1", held_on="2017-01-05")
    dan = client_for(city, "dan")
    assert "二七一小" not in dan.get("/ledgers/showcase_test/?f_kind=乙").content.decode()
    assert "金水一小" not in dan.get("/ledgers/showcase_test/?year=2017").content.decode()
    assert "金水一小" not in dan.get("/ledgers/showcase_test/?org=410103").content.decode()
    assert "二七一小" not in dan.get("/ledgers/showcase_test/?q=410105").content.decode()


def test_the_list_costs_the_same_queries_for_one_record_or_many(city, ledger):
    add(city, ledger)
    dan = client_for(city, "dan")
    dan.get("/ledgers/showcase_test/")
    with CaptureQueriesContext(connection) as one:
        dan.get("/ledgers/showcase_test/")
    for code in ("410105-P2", "410103-P1", "410100-S1"):
        add(city, ledger, school=code)
    with CaptureQueriesContext(connection) as many:
        dan.get("/ledgers/showcase_test/")
    assert len(many) == len(one)


def test_the_keeper_adds_edits_and_retires_on_the_pages(city, ledger):
    dan = client_for(city, "dan")
    posted = {**values(), "idempotency_key": "web-1"}
    response = dan.post("/ledgers/showcase_test/new/", posted)
    assert response.status_code == 302
    record = LedgerRecord.objects.get()
    assert dan.post("/ledgers/showcase_test/new/", posted).status_code == 302  # a retry
    assert LedgerRecord.objects.count() == 1
    bad = dan.post("/ledgers/showcase_test/new/", {**values(), "pupils": "-3"})
    assert bad.status_code == 400 and "-3" in bad.content.decode()
    url = f"/ledgers/records/{record.pk}/"
    edited = dan.post(url, {**values(pupils="99"), "revision": "1", "action": "edit"})
    assert edited.status_code == 302
    stale = dan.post(url, {**values(pupils="77"), "revision": "1", "action": "edit"})
    assert stale.status_code == 409
    record.refresh_from_db()
    assert record.data["pupils"] == 99
    page = dan.get(url).content.decode()
    assert "120" in page and "99" in page and "dan" in page  # the history: old, new, who
    assert dan.post(url, {"action": "retire", "reason": "撤销", "revision": "2"}).status_code == 302
    record.refresh_from_db()
    assert record.status == "retired"


@pytest.mark.parametrize("who", ["alice", "bob", "sue", "lee"])
def test_those_who_do_not_keep_the_ledger_cannot_add_or_change(city, ledger, who):
    record = add(city, ledger)
    client = client_for(city, who)
    assert client.get("/ledgers/showcase_test/new/").status_code == 403
    assert client.post("/ledgers/showcase_test/new/", values(school="410105-P2")).status_code == 403
    assert client.post("/ledgers/showcase_test/import/").status_code == 403
    response = client.post(
        f"/ledgers/records/{record.pk}/", {**values(pupils="1"), "revision": "1"}
    )
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.data["pupils"] == 120 and LedgerRecord.objects.count() == 1


def test_a_record_outside_the_scope_is_refused(city, ledger):
    record = add(city, ledger)
    assert client_for(city, "charlie").get(f"/ledgers/records/{record.pk}/").status_code == 403
    assert client_for(city, "bob").get(f"/ledgers/records/{record.pk}/").status_code == 200


def _export(client) -> str:
    response = client.get("/ledgers/showcase_test/?export=xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert ws is not None
    return " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)


def test_a_person_field_is_shown_and_exported_only_to_those_who_keep_the_record(
    city, ledger, own_ledger, caplog
):
    caplog.set_level(logging.DEBUG)
    record = add(city, ledger, contact=SECRET)
    dan, bob = client_for(city, "dan"), client_for(city, "bob")
    assert SECRET in dan.get("/ledgers/showcase_test/").content.decode()
    assert SECRET in _export(dan)
    for who in ("bob", "lee", "sue", "alice"):
        client = client_for(city, who)
        assert SECRET not in client.get("/ledgers/showcase_test/").content.decode()
        assert SECRET not in client.get(f"/ledgers/records/{record.pk}/").content.decode()
        assert SECRET not in _export(client)
    public = client_for(city, None).get("/ledgers/showcase_test/public/")
    assert public.status_code == 200
    assert "金水一小" in public.content.decode() and SECRET not in public.content.decode()
    assert "联系人" not in public.content.decode()
    assert SECRET not in bob.get("/ledgers/showcase_test/public/").content.decode()
    # The history holds no person's value, and nothing was logged with it.
    assert (
        SECRET
        not in dan.get(f"/ledgers/records/{record.pk}/").content.decode().rsplit("<h2", 1)[-1]
    )
    assert SECRET not in str(list(record.events.values_list("old", "new")))
    assert SECRET not in caplog.text


def test_a_ledger_that_is_not_public_has_no_public_page(city, own_ledger):
    assert client_for(city, None).get("/ledgers/own_test/public/").status_code == 404


def test_an_edit_that_sends_no_fields_keeps_the_record_and_a_field_sent_blank_is_cleared(
    city, ledger
):
    record = add(city, ledger, tags="合唱、舞蹈", pupils=120, cost="2.5")
    dan = client_for(city, "dan")
    url = f"/ledgers/records/{record.pk}/"
    assert dan.post(url, {"revision": "1", "action": "edit"}).status_code == 302
    record.refresh_from_db()
    assert (record.data["pupils"], record.data["tags"], record.data["cost"]) == (
        120,
        ["合唱", "舞蹈"],
        2.5,
    )
    # The form's blank hidden input for the checkboxes: none ticked clears the field.
    cleared = {"revision": str(record.revision), "action": "edit", "tags": "", "cost": ""}
    assert dan.post(url, cleared).status_code == 302
    record.refresh_from_db()
    assert "tags" not in record.data and "cost" not in record.data
    assert record.data["pupils"] == 120
    form = dan.get(url).content.decode()
    assert '<input type="hidden" name="tags" value="">' in form
