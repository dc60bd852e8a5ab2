"""Entering records as their keepers do: bad input refused on the form, in a workbook and
through the API with where and why, and nothing stored; units named by name or code and
shown by name; search and the download under the list's filters."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplan.api.tests.conftest import Api
from eduplan.core.errors import InputError
from eduplan.core.loading import yaml_load
from eduplan.ledgers.definitions import definition_from_data
from eduplan.ledgers.models import LedgerImport, LedgerRecord, LedgerRecordEvent
from eduplan.ledgers.services import definition_of, record_create
from eduplan.ledgers.tests.conftest import OWN, SAMPLE, add, load_text, values
from eduplan.ledgers.tests.test_xlsx import filled
from eduplan.ledgers.values import values_clean
from eduplan.ledgers.xlsx import FIRST_ROW, SHEET, SHOWN_PROBLEMS, ledger_xlsx_import
from eduplan.org.tests.factories import OrgUnitFactory
from eduplan.reporting.services import SubmissionInvalid

RECORDS = "/api/v1/ledgers/showcase_test/records"
OWN_RECORDS = "/api/v1/ledgers/own_test/records"


def client_for(city, who):
    client = Client()
    client.force_login(city.users[who])
    return client


def nothing_stored():
    return not LedgerRecord.objects.exists() and not LedgerRecordEvent.objects.exists()


def errors_of(response) -> dict[str, str]:
    """The form's error message by field (each field is one `mb-2 row` block)."""
    errors = {}
    for block in response.content.decode().split('<div class="mb-2 row">')[1:]:
        field = re.search(r'id="f_(\w+)"', block)
        error = re.search(r'invalid-feedback d-block">([^<]+)<', block)
        if field and error:
            errors[field.group(1)] = error.group(1)
    return errors


# Bad input: the web form ---------------------------------------------------------------

FORM_REFUSED = [
    ({"pupils": "很多"}, "pupils"),  # wrong type
    ({"pupils": "1001"}, "pupils"),  # out of range
    ({"school": "999999"}, "school"),  # unknown unit code
    ({"school": "金水区"}, "school"),  # a district: not a kind of unit the field takes
    ({"held_on": "2016-02-30"}, "held_on"),  # not a date
]


@pytest.mark.parametrize(("change", "field"), FORM_REFUSED)
def test_the_form_refuses_bad_input_at_its_field_and_stores_nothing(city, ledger, change, field):
    dan = client_for(city, "dan")
    posted = {**values(), **change, "idempotency_key": "k"}
    response = dan.post("/ledgers/showcase_test/new/", posted)
    assert response.status_code == 400
    errors = errors_of(response)
    assert field in errors and errors[field].strip()
    assert nothing_stored()


def test_the_form_refuses_a_duplicate_key_and_a_unit_outside_the_keepers_reach(
    city, ledger, own_ledger
):
    add(city, ledger)
    dan = client_for(city, "dan")
    twin = dan.post("/ledgers/showcase_test/new/", {**values(kind="乙"), "idempotency_key": "t"})
    assert twin.status_code == 400 and "相同的记录" in errors_of(twin)["school"]
    bob = client_for(city, "bob")
    row = {"school": "410103-P1", "day": "2016-09-01", "idempotency_key": "o"}
    outside = bob.post("/ledgers/own_test/new/", row)
    assert outside.status_code == 400
    assert "您无权为二七一小填报本台账" in errors_of(outside)["school"]
    assert LedgerRecord.objects.count() == 1


# Bad input: the workbook ----------------------------------------------------------------


def test_a_workbook_lists_every_kind_of_problem_at_once_and_stores_nothing(city, own_ledger):
    rows = [
        {"school": "410105-P1", "day": "2016-09-01"},  # 4: good
        {"school": "410105-P9", "day": "2016-09-01"},  # 5: unknown unit
        {"school": "410105-P2", "day": "九月"},  # 6: not a date
        {"school": "410103-P1", "day": "2016-09-01"},  # 7: outside bob's district
        {"school": "金水二小", "day": 42000.5},  # 8: good, by name, a day number
    ]
    data = filled(own_ledger, rows)
    result = ledger_xlsx_import(user=city.users["bob"], ledger=own_ledger, data=data, filename="a")
    found = {(p.sheet, p.row, p.column, p.element) for p in result.problems}
    assert found == {
        (SHEET, FIRST_ROW + 1, "A", "school"),
        (SHEET, FIRST_ROW + 2, "B", "day"),
        (SHEET, FIRST_ROW + 3, "A", "school"),
    }
    assert all(p.message for p in result.problems)
    assert nothing_stored() and not LedgerImport.objects.exists()


def test_a_workbook_with_many_bad_rows_names_the_first_ones_and_counts_the_rest(city, ledger):
    rows = [{"school": "410105-P1", "held_on": "2016-05-10", "kind": "丙"}] * 260
    data = filled(ledger, rows)
    result = ledger_xlsx_import(user=city.users["dan"], ledger=ledger, data=data, filename="m")
    assert len(result.problems) == SHOWN_PROBLEMS and result.more > 0
    assert result.problems[0].row == FIRST_ROW and result.problems[0].element == "kind"
    assert nothing_stored()


def test_the_import_page_shows_each_problem_with_sheet_row_and_column(city, ledger):
    rows = [{"school": "410105-P1", "held_on": "2016-05-10", "kind": "甲", "pupils": 5000}]
    upload = io.BytesIO(filled(ledger, rows))
    upload.name = "bad.xlsx"
    page = client_for(city, "dan").post("/ledgers/showcase_test/import/", {"file": upload})
    assert page.status_code == 400
    text = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "|", page.content.decode()))
    assert f"|{SHEET}||{FIRST_ROW}||D||pupils|" in text
    notbook = io.BytesIO(b"not a workbook at all")
    notbook.name = "notes.xlsx"
    page = client_for(city, "dan").post("/ledgers/showcase_test/import/", {"file": notbook})
    assert page.status_code == 400 and "notes.xlsx" in page.content.decode()
    assert nothing_stored()


# Bad input: the API ---------------------------------------------------------------------

API_REFUSED = [
    ({"colour": "红"}, "colour"),  # unknown field
    ({"pupils": "很多"}, "pupils"),  # wrong type
    ({"pupils": [1, 2]}, "pupils"),  # a list for a number
    ({"held_on": True}, "held_on"),  # a yes for a date
    ({"pupils": 1001}, "pupils"),  # out of range
    ({"school": "999999"}, "school"),  # unknown unit code
    ({"school": ["410105-P1"]}, "school"),  # a list for a unit
    ({"school": "410105"}, "school"),  # a district, not a school
    ({"kind": ["甲", "乙"]}, "kind"),  # several for one choice
    ({"tags": "合唱、独唱"}, "tags"),  # not one of the choices
]


@pytest.mark.parametrize(("change", "field"), API_REFUSED)
def test_the_api_answers_bad_values_with_400_and_the_field(
    ledger_api: Api, city, ledger, change, field
):
    response = ledger_api.call("dan", "POST", RECORDS, {"values": {**values(), **change}})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] and any(field in p["element"] for p in body["problems"])
    assert all(p["message"] for p in body["problems"])
    assert nothing_stored()


def test_the_api_refuses_a_duplicate_an_outside_unit_and_a_malformed_body(
    ledger_api: Api, city, ledger, own_ledger
):
    add(city, ledger)
    twin = ledger_api.call("dan", "POST", RECORDS, {"values": values(kind="乙")})
    assert twin.status_code == 400 and twin.json()["problems"][0]["element"] == "school"
    row = {"school": "410103-P1", "day": "2016-09-01"}
    outside = ledger_api.call("bob", "POST", OWN_RECORDS, {"values": row})
    assert outside.status_code == 400
    [problem] = outside.json()["problems"]
    assert problem["element"] == "school" and "二七一小" in problem["message"]
    for body in ({"values": {"pupils": {"a": 1}}}, {"values": "x"}, {}):
        malformed = ledger_api.call("dan", "POST", RECORDS, body)
        assert malformed.status_code == 400 and malformed.json()["problems"]
    record = LedgerRecord.objects.get()
    url = f"{RECORDS}/{record.pk}"
    changed = ledger_api.call("dan", "PUT", url, {"values": values(pupils=-1), "revision": 1})
    assert changed.status_code == 400 and changed.json()["problems"][0]["element"] == "pupils"
    assert LedgerRecord.objects.count() == 1 and LedgerRecord.objects.get().revision == 1


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.dictionaries(st.sampled_from(["school", "held_on", "kind", "pupils", "cost",
                                            "tags", "online", "link", "doc", "attachment",
                                            "contact", "other"]), JSONISH, max_size=8))  # fmt: skip
def test_any_value_of_any_field_is_checked_or_refused_never_an_error(raw):
    definition = definition_from_data(yaml_load(text=SAMPLE, source="t.yaml"), source="t.yaml")
    clean, problems = values_clean(definition, raw, {})
    assert all(p.element and p.message for p in problems)
    assert set(clean) <= set(definition.by_code)
    json.dumps(clean)  # what is stored is plain JSON


# Units by name or code ------------------------------------------------------------------


def test_a_unit_may_be_named_by_name_code_or_both_and_is_stored_by_code(city, ledger):
    first = add(city, ledger, school="金水一小")
    second = add(city, ledger, school="金水二小（410105-P2）")
    third = add(city, ledger, school=" 410100-S1 ")
    assert [r.data["school"] for r in (first, second, third)] == [
        "410105-P1",
        "410105-P2",
        "410100-S1",
    ]
    assert first.org_unit == city.jinshui_one and "金水一小" in first.search


def test_a_name_two_units_share_is_refused_unless_one_is_in_the_users_scope(
    city, ledger, own_ledger
):
    OrgUnitFactory(code="410103-P9", name="金水一小", parent=city.erqi)
    with pytest.raises(SubmissionInvalid, match="410103-P9") as refused:
        add(city, ledger, school="金水一小")  # Dan works for the whole city
    assert refused.value.problems[0].element == "school"
    row = {"school": "金水一小", "day": "2016-09-01"}
    record = record_create(user=city.users["bob"], ledger=own_ledger, values=row)
    assert record.org_unit == city.jinshui_one


KINDS_BY_CHOICE = SAMPLE.replace(
    "unit_types: [primary, senior]}",
    "unit_types: [primary, senior],\n     unit_types_by: {field: kind, types: {甲: [primary]}}}",
)


def test_a_choice_may_narrow_the_kinds_of_unit_a_field_takes(city):
    ledger = load_text(KINDS_BY_CHOICE)
    with pytest.raises(SubmissionInvalid, match="局属一中不属于适合类别“甲”的单位类型"):
        add(city, ledger, school="410100-S1", kind="甲")
    assert add(city, ledger, school="410100-S1", kind="乙").org_unit == city.bureau_school
    assert add(city, ledger, school="410105-P1", kind="甲").org_unit == city.jinshui_one


@pytest.mark.parametrize(
    "rule",
    [
        "{field: pupils, types: {甲: [primary]}}",  # not a choice field
        "{field: kind, types: {丙: [primary]}}",  # not one of its choices
        "{field: nothing, types: {甲: [primary]}}",  # no such field
    ],
)
def test_a_bad_choice_rule_for_unit_kinds_is_refused_with_its_place(city, rule):
    text = SAMPLE.replace(
        "unit_types: [primary, senior]}", f"unit_types: [primary, senior], unit_types_by: {rule}}}"
    )
    with pytest.raises(InputError, match=r"\S") as refused:  # the reason varies with the rule
        definition_from_data(yaml_load(text=text, source="t.yaml"), source="t.yaml")
    assert "unit_types_by" in refused.value.where


def test_the_form_offers_the_units_in_the_users_scope_by_name(city, own_ledger):
    bob = client_for(city, "bob").get("/ledgers/own_test/new/").content.decode()
    offered = re.findall(r'<option value="([^"]+)"></option>', bob)
    assert "金水一小（410105-P1）" in offered and "金水二小（410105-P2）" in offered
    assert not any("二七" in o or "局属" in o for o in offered)


def test_units_and_choices_are_shown_by_name_in_the_list_the_record_and_the_download(city, ledger):
    record = add(city, ledger, school="410105-P1", online=True)
    dan = client_for(city, "dan")
    listed = dan.get("/ledgers/showcase_test/").content.decode()
    shown = dan.get(f"/ledgers/records/{record.pk}/").content.decode()
    assert "金水一小" in listed and "410105-P1" not in listed
    assert "金水一小" in shown and ">是<" in shown
    body = dan.get("/ledgers/showcase_test/?export=xlsx").content
    ws = openpyxl.load_workbook(io.BytesIO(body))[SHEET]
    row = [c.value for c in ws[FIRST_ROW]]
    assert row[0] == "金水一小" and "是" in row and "410105-P1" not in row


def test_a_downloaded_list_imports_again_as_it_is(city, ledger):
    add(city, ledger, school="410105-P1", tags=["合唱", "舞蹈"], online=True, link="http://x")
    body = client_for(city, "dan").get("/ledgers/showcase_test/?export=xlsx").content
    LedgerRecord.objects.all().delete()
    result = ledger_xlsx_import(user=city.users["dan"], ledger=ledger, data=body, filename="e")
    assert result.ok, result.problems
    again = LedgerRecord.objects.get()
    assert again.org_unit == city.jinshui_one and again.data["tags"] == ["合唱", "舞蹈"]


# Search and download under the filters --------------------------------------------------


def test_search_finds_records_by_unit_name_and_the_download_keeps_the_filters(city, ledger):
    add(city, ledger, school="410105-P1", kind="甲")
    add(city, ledger, school="410105-P2", kind="乙")
    add(city, ledger, school="410103-P1", kind="甲")
    dan = client_for(city, "dan")
    found = dan.get("/ledgers/showcase_test/?q=金水").content.decode()
    assert "金水一小" in found and "金水二小" in found and "二七一小" not in found
    body = dan.get("/ledgers/showcase_test/?q=金水&f_kind=甲&export=xlsx").content
    ws = openpyxl.load_workbook(io.BytesIO(body))[SHEET]
    names = [r[0] for r in ws.iter_rows(min_row=FIRST_ROW, values_only=True) if r[0]]
    assert names == ["金水一小"]


def test_the_list_is_paginated(city, ledger, monkeypatch):
    monkeypatch.setattr("eduplan.ledgers.views.PER_PAGE", 2)
    for code in ("410105-P1", "410105-P2", "410103-P1"):
        add(city, ledger, school=code)
    dan = client_for(city, "dan")
    first = dan.get("/ledgers/showcase_test/").content.decode()
    second = dan.get("/ledgers/showcase_test/?page=2").content.decode()
    rows = [len(re.findall(r'href="/ledgers/records/\d+/"', p)) for p in (first, second)]
    assert rows == [2, 1]


def test_a_definition_without_choice_rules_is_unchanged(city):
    ledger = load_text(OWN, "own.yaml")
    assert "unit_types_by" not in json.dumps(definition_of(ledger.current_version).data)


def test_the_history_shows_units_by_name_and_yes_no_as_words(city, ledger):
    from eduplan.ledgers.services import record_update

    record = add(city, ledger, online=False)
    record_update(
        user=city.users["dan"],
        record=record,
        values=values(school="410105-P2", online=True),
        revision=1,
    )
    page = client_for(city, "dan").get(f"/ledgers/records/{record.pk}/").content.decode()
    history = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "|", page.rsplit("<h2", 1)[-1]))
    assert "|学校||金水一小||金水二小|" in history and "|线上||否||是|" in history
    assert "True" not in history and "410105-P2" not in history


def test_the_unit_filter_takes_a_name_or_a_code(city, ledger):
    add(city, ledger, school="410105-P1")
    add(city, ledger, school="410103-P1")
    dan = client_for(city, "dan")
    for org in ("二七区", "410103", "二七一小"):
        page = dan.get("/ledgers/showcase_test/", {"org": org}).content.decode()
        assert "二七一小" in page and "金水一小" not in page
