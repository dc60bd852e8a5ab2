"""Review one level up: a school's record is submitted, its district approves or returns
it; only approved records count and are published; each step is in the history; the
queue, the page and the API refuse whoever is not the reviewer and a record not awaiting."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from eduplan.core.errors import InputError
from eduplan.indicators.aggregation import metric_value
from eduplan.ledgers.models import EventKind, LedgerRecord, ReviewState
from eduplan.ledgers.review_selectors import review_queue
from eduplan.ledgers.review_services import (
    ERR_NOT_AWAITING,
    ERR_NOT_REVIEWED,
    ERR_RETURN_REASON,
    record_approve,
    record_return,
)
from eduplan.ledgers.selectors import records_public
from eduplan.ledgers.services import ERR_STALE, may_enter, record_create, record_update
from eduplan.ledgers.tests.conftest import load_text
from eduplan.ledgers.xlsform import xlsform_definition
from eduplan.org.models import Role
from eduplan.org.tests.factories import user_with_role
from eduplan.reporting.services import ConflictError

REVIEWED = """\
code: fees_test
name: 收费测试
keeper: {units: true}
review: {by: next_level, department: D-JC}
unit: school
date: filed_on
unique: [school, item]
public: true
fields:
  - {code: school, label: 学校, type: unit, required: true, public: true}
  - {code: item, label: 项目, type: text, required: true, public: true}
  - {code: amount, label: 标准, type: number, min: 0, public: true}
  - {code: filed_on, label: 日期, type: date, required: true}
  - {code: contact, label: 联系人, type: person}
metrics:
  - {code: items, name: 收费项目, unit: 项}
"""

BY_DISTRICT = """\
code: directory_test
name: 名录测试
keeper: {units: true, level: district}
unit: school
date: listed_on
fields:
  - {code: school, label: 学校, type: unit, required: true}
  - {code: listed_on, label: 日期, type: date, required: true}
"""

QUEUE = "/ledgers/review/"
API = "/api/v1/ledgers/fees_test/records"


def first(message: object) -> str:
    """A message's fixed part, before its first placeholder, as a pattern."""
    return re.escape(str(message).split("%")[0])


@pytest.fixture
def fees(city):
    return load_text(REVIEWED, "fees.yaml")


def enter(city, ledger, who="alice", school="410105-P1", item="作业本费", **more):
    values = {"school": school, "item": item, "amount": 20, "filed_on": "2016-08-25", **more}
    if who not in city.users:  # the bureau-run school's own reporter
        city.users[who] = user_with_role(who, Role.SCHOOL_REPORTER, city.bureau_school)
    return record_create(user=city.users[who], ledger=ledger, values=values)


def items(city, unit=None):
    return metric_value(
        key="ledger.fees_test.items",
        unit=unit or city.root,
        start=datetime.date(2016, 1, 1),
        end=datetime.date(2016, 12, 31),
    ).value


def client_for(city, who):
    client = Client()
    client.force_login(city.users[who])
    return client


def test_a_record_entered_awaits_review_and_counts_only_once_approved(city, fees):
    record = enter(city, fees)
    assert record.review == ReviewState.SUBMITTED
    assert items(city) == 0 and not records_public(fees).exists()
    approved = record_approve(user=city.users["bob"], record=record, revision=record.revision)
    assert approved.review == ReviewState.APPROVED and approved.revision == record.revision + 1
    assert items(city) == 1 and items(city, city.jinshui) == 1
    assert list(records_public(fees)) == [approved]


def test_the_next_level_up_reviews_a_school_in_a_district_its_district_only(city, fees):
    record = enter(city, fees)
    for who in ("alice", "dora", "sue", "dan", "lee"):
        with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
            record_approve(user=city.users[who], record=record, revision=None)
    assert LedgerRecord.objects.get().review == ReviewState.SUBMITTED


def test_a_bureau_run_school_is_reviewed_by_the_department_the_ledger_names(city, fees):
    record = enter(city, fees, who="yi", school="410100-S1")
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        record_approve(user=city.users["sue"], record=record, revision=None)
    record_approve(user=city.users["dan"], record=record, revision=None)
    assert LedgerRecord.objects.get().review == ReviewState.APPROVED


def test_the_queue_lists_what_waits_for_each_reviewer_in_their_scope(city, fees):
    mine = enter(city, fees)
    other = enter(city, fees, who="charlie", school="410103-P1")
    bureau = enter(city, fees, who="yi", school="410100-S1")
    approved = enter(city, fees, item="住宿费")
    record_approve(user=city.users["bob"], record=approved, revision=None)
    assert [w.record for w in review_queue(user=city.users["bob"])[0]] == [mine]
    assert [w.record for w in review_queue(user=city.users["dora"])[0]] == [other]
    assert [w.record for w in review_queue(user=city.users["dan"])[0]] == [bureau]
    assert review_queue(user=city.users["alice"]) == ([], 0)
    assert review_queue(user=city.users["sue"]) == ([], 0)


def test_the_queue_hides_person_fields(city, fees):
    enter(city, fees, contact="秘密的王老师")
    [waiting], _total = review_queue(user=city.users["bob"])
    assert "秘密的王老师" not in str(waiting.cells)
    page = client_for(city, "bob").get(QUEUE).content.decode()
    assert "作业本费" in page and "秘密的王老师" not in page


def test_a_return_needs_a_reason_and_a_changed_record_goes_back_for_review(city, fees):
    record = enter(city, fees)
    with pytest.raises(InputError, match=first(ERR_RETURN_REASON)):
        record_return(user=city.users["bob"], record=record, reason="  ", revision=None)
    returned = record_return(
        user=city.users["bob"], record=record, reason="文号不对", revision=None
    )
    assert returned.review == ReviewState.RETURNED and returned.review_reason == "文号不对"
    values = {**returned.data, "amount": 25}
    changed = record_update(
        user=city.users["alice"], record=returned, values=values, revision=returned.revision
    )
    assert changed.review == ReviewState.SUBMITTED and changed.review_reason == ""
    approved = record_approve(user=city.users["bob"], record=changed, revision=changed.revision)
    assert items(city) == 1
    edited = record_update(
        user=city.users["alice"],
        record=approved,
        values={**values, "amount": 30},
        revision=approved.revision,
    )
    assert edited.review == ReviewState.SUBMITTED and items(city) == 0
    kinds = list(edited.events.order_by("at", "pk").values_list("kind", "reason"))
    assert kinds == [
        (EventKind.CREATE, ""),
        (EventKind.RETURN, "文号不对"),
        (EventKind.UPDATE, ""),
        (EventKind.SUBMIT, ""),
        (EventKind.APPROVE, ""),
        (EventKind.UPDATE, ""),
        (EventKind.SUBMIT, ""),
    ]


def test_deciding_on_a_record_not_awaiting_review_or_stale_is_a_conflict(city, fees, own_ledger):
    record = enter(city, fees)
    with pytest.raises(ConflictError, match=first(ERR_STALE)):
        record_approve(user=city.users["bob"], record=record, revision=record.revision + 5)
    record_approve(user=city.users["bob"], record=record, revision=None)
    with pytest.raises(ConflictError, match=first(ERR_NOT_AWAITING)):
        record_approve(user=city.users["bob"], record=record, revision=None)
    with pytest.raises(ConflictError, match=first(ERR_NOT_AWAITING)):
        record_return(user=city.users["bob"], record=record, reason="晚了", revision=None)
    kept = record_create(
        user=city.users["alice"],
        ledger=own_ledger,
        values={"school": "410105-P1", "day": "2016-05-01"},
    )
    assert kept.review == ReviewState.APPROVED  # a ledger without review: approved as kept
    with pytest.raises(ConflictError, match=first(ERR_NOT_REVIEWED)):
        record_approve(user=city.users["bob"], record=kept, revision=None)


def test_the_queue_page_approves_and_returns_and_refuses_who_does_not_review(city, fees):
    first, second = enter(city, fees), enter(city, fees, item="住宿费")
    bob = client_for(city, "bob")
    page = bob.get(QUEUE)
    assert page.status_code == 200 and f"#{first.pk}" in page.content.decode()
    done = bob.post(QUEUE, {"record": first.pk, "revision": first.revision, "action": "approve"})
    assert done.status_code == 302
    again = bob.post(QUEUE, {"record": first.pk, "revision": first.revision, "action": "approve"})
    assert again.status_code == 409
    no_reason = bob.post(QUEUE, {"record": second.pk, "action": "return", "reason": ""})
    assert no_reason.status_code == 400
    bob.post(QUEUE, {"record": second.pk, "action": "return", "reason": "标准有误"})
    states = dict(LedgerRecord.objects.values_list("pk", "review"))
    assert states == {first.pk: ReviewState.APPROVED, second.pk: ReviewState.RETURNED}
    assert client_for(city, "alice").get(QUEUE).status_code == 403
    third = enter(city, fees, item="午餐费")
    outside = client_for(city, "dora").post(QUEUE, {"record": third.pk, "action": "approve"})
    assert outside.status_code == 403
    assert LedgerRecord.objects.get(pk=third.pk).review == ReviewState.SUBMITTED
    assert client_for(city, "bob").post(QUEUE, {"record": 99999}).status_code == 404


def test_the_api_approves_and_returns_with_409_and_403_as_elsewhere(city, fees, ledger_api):
    record = enter(city, fees)
    url = f"{API}/{record.pk}"
    outside = ledger_api.call("dora", "POST", f"{url}/approve", {})
    assert outside.status_code == 403
    not_theirs = ledger_api.call("alice", "POST", f"{url}/approve", {})
    assert not_theirs.status_code == 403
    stale = ledger_api.call("bob", "POST", f"{url}/approve", {"revision": 99})
    assert stale.status_code == 409
    queue = ledger_api.call("bob", "GET", "/api/v1/ledgers/review").json()
    assert queue["count"] == 1 and queue["records"][0]["id"] == record.pk
    done = ledger_api.call("bob", "POST", f"{url}/approve", {"revision": record.revision})
    assert done.status_code == 200, done.content
    assert done.json()["review"] == "approved" and done.json()["ledger"] == "fees_test"
    again = ledger_api.call("bob", "POST", f"{url}/return", {"reason": "晚了"})
    assert again.status_code == 409
    other = enter(city, fees, item="住宿费")
    refused = ledger_api.call("bob", "POST", f"{API}/{other.pk}/return", {"reason": ""})
    assert refused.status_code == 400
    back = ledger_api.call("bob", "POST", f"{API}/{other.pk}/return", {"reason": "补充依据"})
    assert back.json()["review"] == "returned" and back.json()["review_reason"] == "补充依据"
    assert ledger_api.call("bob", "GET", "/api/v1/ledgers/review").json()["count"] == 0


def test_a_ledger_the_district_keeps_is_written_by_the_district_not_the_school(city):
    ledger = load_text(BY_DISTRICT, "directory.yaml")
    assert not may_enter(city.users["alice"], ledger, city.jinshui_one)
    assert may_enter(city.users["bob"], ledger, city.jinshui_one)
    assert not may_enter(city.users["dora"], ledger, city.jinshui_one)
    record = record_create(
        user=city.users["bob"],
        ledger=ledger,
        values={"school": "410105-P1", "listed_on": "2016-03-01"},
    )
    assert record.review == ReviewState.APPROVED  # kept directly, without review


def test_review_needs_a_ledger_each_unit_keeps_and_a_known_department(city):
    with pytest.raises(InputError, match="units"):
        load_text(REVIEWED.replace("keeper: {units: true}", "keeper: {department: D-JC}"))
    with pytest.raises(InputError, match="D-NONE"):
        load_text(REVIEWED.replace("department: D-JC", "department: D-NONE"))


def test_an_xlsform_settings_sheet_declares_review_and_keeping_level(city):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "required"])
    survey.append(["unit", "school", "学校", "yes"])
    survey.append(["date", "day", "日期", "yes"])
    settings = book.create_sheet("settings")
    settings.append(
        ["form_id", "form_title", "keeper_units", "keeper_level", "unit", "date", "review"]
    )
    settings.append(["x_test", "测试", "yes", "district", "school", "day", "next_level"])
    out = io.BytesIO()
    book.save(out)
    definition = xlsform_definition(data=out.getvalue(), source="x.xlsx")
    assert definition.review == {"by": "next_level"}
    assert definition.keeper == {"units": True, "level": "district"}


def test_the_record_and_list_pages_show_the_review_state_and_its_steps_in_chinese(city, fees):
    record = enter(city, fees)
    record_return(user=city.users["bob"], record=record, reason="文号不对", revision=None)
    alice = client_for(city, "alice")
    page = alice.get(f"/ledgers/records/{record.pk}/").content.decode()
    assert "已退回" in page and "文号不对" in page
    assert "待审核" in page  # the history: from awaiting review to returned
    listed = alice.get("/ledgers/fees_test/").content.decode()
    assert 'class="badge text-bg-danger" title="文号不对"' in listed


def test_the_directory_takes_private_schools_only_and_says_so(city):
    from eduplan.core.loading import yaml_file_load
    from eduplan.ledgers.services import LEDGERS_DIR, ledger_data_load
    from eduplan.org.models import Ownership
    from eduplan.org.tests.factories import OrgUnitFactory
    from eduplan.reporting.services import SubmissionInvalid

    path = LEDGERS_DIR / "private_schools.yaml"
    ledger = ledger_data_load(data=yaml_file_load(path=path), source=path.name)[0]
    OrgUnitFactory(
        code="410105-P8", name="金水民办小学", parent=city.jinshui, ownership=Ownership.PRIVATE
    )
    entry = {
        "licence_number": "教民1号",
        "sponsor": "某公司",
        "address": "文化路1号",
        "phone": "0371-1",
        "levels": "小学",
        "approved_by": "金水区教育局",
        "listed_on": "2016-03-01",
    }
    with pytest.raises(SubmissionInvalid, match=r"^school: .*民办") as refused:
        record_create(
            user=city.users["bob"], ledger=ledger, values={**entry, "school": "410105-P1"}
        )
    [problem] = refused.value.problems
    assert (
        problem.element == "school" and "金水一小" in problem.message and "民办" in problem.message
    )
    assert not LedgerRecord.objects.exists()
    listed = record_create(
        user=city.users["bob"], ledger=ledger, values={**entry, "school": "410105-P8"}
    )
    assert listed.review == ReviewState.APPROVED
