"""Entering records: checked values, unique keys, revisions, history and who may keep them."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied

from eduplan.core.errors import InputError
from eduplan.ledgers.models import EventKind, LedgerRecord, LedgerRecordEvent, RecordStatus
from eduplan.ledgers.services import (
    PRIVATE_MASK,
    record_create,
    record_retire,
    record_update,
)
from eduplan.ledgers.tests.conftest import SECRET, add, values
from eduplan.reporting.idempotency import KeyReused
from eduplan.reporting.services import ConflictError, SubmissionInvalid


def test_dan_adds_a_record_with_its_columns_and_first_history(city, ledger):
    record = add(city, ledger, tags="合唱、舞蹈", online="是", link="http://x", contact=SECRET)
    assert record.org_unit == city.jinshui_one
    assert record.unit_path == city.jinshui_one.path
    assert (record.on.isoformat(), record.year, record.month) == ("2016-05-10", 2016, "201605")
    assert record.key == "410105-P1|2016"
    assert record.data["tags"] == ["合唱", "舞蹈"] and record.data["online"] is True
    assert record.data["pupils"] == 120 and record.revision == 1
    event = record.events.get()
    assert event.kind == EventKind.CREATE and event.user == city.users["dan"]
    assert event.new["contact"] == PRIVATE_MASK  # the history never holds a person's value
    assert SECRET not in record.search


REFUSED = [
    ({"colour": "红"}, "colour"),  # unknown field
    ({"pupils": "很多"}, "pupils"),  # wrong type
    ({"pupils": 1001}, "pupils"),  # above max
    ({"pupils": 12.5}, "pupils"),  # not whole
    ({"school": "999999"}, "school"),  # unknown school code
    ({"school": "410105"}, "school"),  # a district, not a school type the field takes
    ({"kind": "丙"}, "kind"),  # not a choice
    ({"held_on": "2016-13-01"}, "held_on"),  # not a date
    ({"held_on": ""}, "held_on"),  # required
    ({"doc": "文号1"}, "doc"),  # pattern
    ({"link": "http://x"}, "link"),  # relevant only when online
    ({"pupils": "=1+1"}, "pupils"),  # a formula
    ({"pupils": "1,2,3"}, "pupils"),  # separators out of their places
    ({"pupils": "1e2"}, "pupils"),  # a count in scientific notation
    ({"cost": "0.00005"}, "cost"),  # more decimals than the field keeps (2)
    ({"visits": 10**14}, "visits"),  # a count beyond the configured bound
]


@pytest.mark.parametrize(("change", "field"), REFUSED)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(city, ledger, change, field):
    with pytest.raises(SubmissionInvalid, match=f"^{re.escape(field)}: ") as caught:
        add(city, ledger, **change)
    assert field in {p.element for p in caught.value.problems}
    assert all(p.message for p in caught.value.problems)
    assert not LedgerRecord.objects.exists() and not LedgerRecordEvent.objects.exists()


def test_a_school_is_recorded_once_a_year(city, ledger):
    first = add(city, ledger)
    with pytest.raises(SubmissionInvalid, match=str(first.pk)):
        add(city, ledger, held_on="2016-11-01", kind="乙")
    assert LedgerRecord.objects.count() == 1
    assert add(city, ledger, held_on="2017-03-01").key == "410105-P1|2017"


def test_a_retired_record_frees_its_key_and_keeps_its_reason(city, ledger):
    record = add(city, ledger)
    record_retire(user=city.users["dan"], record=record, reason="重复录入", revision=1)
    record.refresh_from_db()
    assert record.status == RecordStatus.RETIRED and record.retired_reason == "重复录入"
    assert record.events.last().reason == "重复录入"
    assert add(city, ledger).pk != record.pk
    with pytest.raises(InputError, match="该记录已注销，不能修改"):
        record_update(user=city.users["dan"], record=record, values=values(), revision=None)


def test_retiring_needs_a_reason(city, ledger):
    record = add(city, ledger)
    with pytest.raises(InputError, match=r"reason|原因"):
        record_retire(user=city.users["dan"], record=record, reason=" ", revision=1)
    record.refresh_from_db()
    assert record.status == RecordStatus.ACTIVE


def test_an_edit_records_who_and_old_and_new_values_and_a_stale_one_conflicts(city, ledger):
    record = add(city, ledger, contact="甲")
    changed = record_update(
        user=city.users["dan"], record=record, values=values(pupils=150, contact="乙"), revision=1
    )
    assert changed.revision == 2 and changed.data["pupils"] == 150
    event = changed.events.order_by("pk").last()
    assert (event.kind, event.user) == (EventKind.UPDATE, city.users["dan"])
    assert (event.old["pupils"], event.new["pupils"]) == (120, 150)
    assert event.old["contact"] == event.new["contact"] == PRIVATE_MASK
    with pytest.raises(ConflictError, match="该记录已被他人修改"):
        record_update(user=city.users["dan"], record=record, values=values(pupils=99), revision=1)
    changed.refresh_from_db()
    assert changed.data["pupils"] == 150 and changed.revision == 2


def test_a_retried_create_with_the_same_key_is_stored_once(city, ledger):
    dan = city.users["dan"]
    first = record_create(user=dan, ledger=ledger, values=values(), idempotency_key="k-1")
    again = record_create(user=dan, ledger=ledger, values=values(), idempotency_key="k-1")
    assert again.pk == first.pk and LedgerRecord.objects.count() == 1
    with pytest.raises(KeyReused, match="该幂等键已用于另一个请求"):
        record_create(user=dan, ledger=ledger, values=values(pupils=5), idempotency_key="k-1")


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "dora", "sue", "lee", "nobody"])
def test_only_the_keeping_department_enters_its_ledger(city, ledger, who):
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        record_create(user=city.users[who], ledger=ledger, values=values())
    assert not LedgerRecord.objects.exists()


def test_a_ledger_each_unit_keeps_is_entered_by_the_unit_and_its_district_only(city, own_ledger):
    row = {"school": "410105-P1", "day": "2016-09-01", "adviser": SECRET}
    for who in ("alice", "bob"):
        record = record_create(user=city.users[who], ledger=own_ledger, values=row)
        record_retire(user=city.users[who], record=record, reason="测试", revision=None)
    for who in ("charlie", "dora", "dan", "sue", "lee"):
        with pytest.raises(
            (PermissionDenied, SubmissionInvalid), match=r"您无权在此执行该操作|^school: .*金水一小"
        ) as refused:
            record_create(user=city.users[who], ledger=own_ledger, values=row)
        if isinstance(refused.value, SubmissionInvalid):  # a keeper elsewhere: the unit named
            [problem] = refused.value.problems
            assert problem.element == "school" and "金水一小" in problem.message
    assert LedgerRecord.objects.filter(status=RecordStatus.ACTIVE).count() == 0
    record = record_create(user=city.users["alice"], ledger=own_ledger, values=row)
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        record_update(user=city.users["dora"], record=record, values=row, revision=None)
    with pytest.raises(
        SubmissionInvalid, match="school: 您无权为二七一小填报本台账"
    ):  # moving it to a school outside her scope
        record_update(
            user=city.users["alice"],
            record=record,
            values={**row, "school": "410103-P1"},
            revision=None,
        )
    record.refresh_from_db()
    assert record.org_unit == city.jinshui_one and record.revision == 1


def test_numbers_are_read_as_the_forms_read_them(city, ledger, settings):
    settings.EDUPLAN_COUNT_MAX = 500
    record = add(city, ledger, pupils="1,000", cost="1,234.50", visits=500)
    assert (record.data["pupils"], record.data["cost"], record.data["visits"]) == (
        1000,
        1234.5,
        500,
    )
    with pytest.raises(SubmissionInvalid, match=r"^visits: 501 大于最大值 500$"):
        add(city, ledger, held_on="2017-03-01", visits="501")
    with pytest.raises(
        SubmissionInvalid, match=r"^cost: 0\.005 的小数位数超过此项保留的位数（最多 2 位）$"
    ):
        add(city, ledger, held_on="2017-03-01", cost="0.005")


def test_an_update_changes_the_fields_sent_and_keeps_the_others(city, ledger):
    record = add(city, ledger, tags="合唱", contact=SECRET)
    changed = record_update(
        user=city.users["dan"], record=record, values={"pupils": 99}, revision=1
    )
    assert changed.data["pupils"] == 99
    assert changed.data["tags"] == ["合唱"] and changed.data["contact"] == SECRET
    assert changed.data["school"] == "410105-P1" and changed.data["kind"] == "甲"


@pytest.mark.parametrize("stale", [True, False])
def test_one_who_may_not_keep_the_ledger_is_refused_before_any_word_on_the_record(
    city, ledger, stale
):
    record = add(city, ledger)
    revision = 7 if stale else 1
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        record_update(user=city.users["alice"], record=record, values={}, revision=revision)
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        record_retire(user=city.users["alice"], record=record, reason=" ", revision=revision)
