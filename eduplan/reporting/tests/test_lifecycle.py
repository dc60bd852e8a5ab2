"""Alice fills, submits; Bob (her district) approves or returns; the figures follow."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from eduplan.core.errors import InputError
from eduplan.org.models import Role
from eduplan.org.services import UnitSpec, org_units_create
from eduplan.org.tests.factories import user_with_role
from eduplan.reporting.models import DataValue, ExpectedReport, Status, Submission, SubmissionEvent
from eduplan.reporting.selectors import approval_queue, completeness, completeness_by_child
from eduplan.reporting.services import (
    ConflictError,
    SubmissionInvalid,
    expected_reports_open,
    submission_approve,
    submission_reopen,
    submission_return,
    submission_save,
    submission_submit,
)
from eduplan.reporting.tests.conftest import GOOD

IN_TIME = datetime.datetime(2016, 7, 20, 9, 0, tzinfo=datetime.UTC)
LATE = datetime.datetime(2016, 8, 20, 9, 0, tzinfo=datetime.UTC)


def _fill(city, form, who="alice", unit=None, values=None, **kw):
    return submission_save(
        user=city.users[who],
        form=form,
        org_unit=unit or city.jinshui_one,
        period_code="2016T1",
        values=values or GOOD,
        **kw,
    )


def test_alice_fills_submits_and_bob_sees_it_in_his_completeness_and_approves(city, class_form):
    with time_machine.travel(IN_TIME):
        draft = _fill(city, class_form)
        assert draft.status == Status.DRAFT
        assert completeness(form=class_form, period="2016T1", unit=city.jinshui).submitted == 0
        submitted = submission_submit(
            user=city.users["alice"], submission=draft, revision=draft.revision
        )
    rates = completeness(form=class_form, period="2016T1", unit=city.jinshui)
    assert (rates.expected, rates.submitted, rates.on_time, rates.missing) == (2, 1, 1, 1)
    assert approval_queue(user=city.users["bob"]) == [submitted]
    assert approval_queue(user=city.users["dora"]) == []
    approved = submission_approve(
        user=city.users["bob"], submission=submitted, revision=submitted.revision
    )
    assert approved.status == Status.APPROVED
    assert completeness(form=class_form, period="2016T1", unit=city.jinshui).approved == 1
    assert completeness(form=class_form, period="2016T1", unit=city.root).submitted == 1


def test_bob_returns_with_a_reason_and_alice_resubmits(city, class_form):
    sub = _fill(city, class_form)
    sub = submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    with pytest.raises(InputError, match="请填写原因"):
        submission_return(user=city.users["bob"], submission=sub, revision=sub.revision, reason=" ")
    sub = submission_return(
        user=city.users["bob"], submission=sub, revision=sub.revision, reason="大班额数有误"
    )
    assert sub.status == Status.RETURNED and sub.returned_reason == "大班额数有误"
    assert completeness(form=class_form, period="2016T1", unit=city.jinshui).submitted == 0
    sub = _fill(city, class_form, values={"classes_large": "2"}, revision=sub.revision)
    sub = submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    assert sub.status == Status.SUBMITTED
    actions = list(SubmissionEvent.objects.filter(submission=sub).values_list("action", flat=True))
    assert actions == ["create", "submit", "return", "save", "submit"]


def test_an_approved_report_is_locked_until_an_approver_reopens_it(city, class_form):
    sub = _fill(city, class_form)
    sub = submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    sub = submission_approve(user=city.users["bob"], submission=sub, revision=sub.revision)
    with pytest.raises(InputError, match="不能编辑"):
        _fill(city, class_form, values={"classes_large": "1"}, revision=sub.revision)
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        submission_reopen(
            user=city.users["alice"], submission=sub, revision=sub.revision, reason="改"
        )
    sub = submission_reopen(
        user=city.users["bob"], submission=sub, revision=sub.revision, reason="复核更正"
    )
    assert sub.status == Status.RETURNED
    _fill(city, class_form, values={"classes_large": "1"}, revision=sub.revision)


def test_every_change_is_in_the_history_with_who_old_and_new(city, class_form):
    sub = _fill(city, class_form)
    sub = _fill(
        city,
        class_form,
        who="bob",
        values={"classes_large": "4", "note": "核实"},
        revision=sub.revision,
    )
    last = SubmissionEvent.objects.filter(submission=sub).last()
    assert last.actor == city.users["bob"]
    assert {"element": "classes_large", "old": "3", "new": "4"} in last.changes
    assert {"element": "note", "old": "", "new": "核实"} in last.changes


def test_values_carry_the_unit_period_and_version_they_were_filled_against(city, class_form):
    sub = _fill(city, class_form)
    assert sub.form_version_id == class_form.current_version_id
    assert sub.org_unit == city.jinshui_one and sub.period == "2016T1"
    values = {v.element.code: v.number for v in DataValue.objects.filter(submission=sub)}
    assert values == {"classes_total": 20, "pupils_total": 900, "classes_large": 3}
    assert set(DataValue.objects.values_list("org_unit", flat=True)) == {city.jinshui_one.pk}


def test_a_bad_value_refuses_the_whole_save_saying_which_field(city, class_form):
    with pytest.raises(SubmissionInvalid, match="classes_total: “二十”不是数字") as excinfo:
        _fill(
            city,
            class_form,
            values={
                "classes_total": "二十",
                "pupils_total": "900",
                "share_digital": "120",
                "ghost": 1,
            },
        )
    fields = {p.element for p in excinfo.value.problems}
    assert fields == {"classes_total", "share_digital", "ghost"}
    assert not Submission.objects.exists()
    assert not DataValue.objects.exists()


def test_a_number_too_large_to_compute_with_is_refused_saying_so_not_a_crash(city, class_form):
    with pytest.raises(SubmissionInvalid, match=r"^share_digital: 数字过大$"):
        _fill(city, class_form, values={"share_digital": "1e99999999999"})
    with pytest.raises(SubmissionInvalid, match=r"^pupils_total: 数字过大$"):
        _fill(city, class_form, values={"pupils_total": "9" * 40})
    assert not Submission.objects.exists()


def test_a_formula_is_refused(city, class_form):
    with pytest.raises(SubmissionInvalid, match="公式"):
        _fill(city, class_form, values={"note": '=HYPERLINK("http://x")'})


def test_errors_block_submission_and_warnings_need_a_comment(city, class_form):
    sub = _fill(
        city,
        class_form,
        values={"classes_total": "20", "pupils_total": "900", "classes_large": "30"},
    )
    with pytest.raises(SubmissionInvalid, match="大班额班数不能超过教学班总数"):
        submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    sub = _fill(
        city,
        class_form,
        values={"classes_large": "2", "pupils_total": "1700"},
        revision=sub.revision,
    )
    with pytest.raises(SubmissionInvalid, match="填报存在预警，请在说明中解释后再提交") as excinfo:
        submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    assert [p.element for p in excinfo.value.problems] == ["comment"]
    sub = submission_submit(
        user=city.users["alice"],
        submission=sub,
        revision=sub.revision,
        comment="寄宿制学校，已核实",
    )
    assert sub.status == Status.SUBMITTED


def test_required_fields_block_submission(city, class_form):
    sub = _fill(city, class_form, values={"classes_total": "20"})
    with pytest.raises(SubmissionInvalid, match="在校生总数 为必填项") as excinfo:
        submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    assert {p.element for p in excinfo.value.problems} == {"pupils_total", "classes_large"}


def test_a_retried_save_with_the_same_key_is_stored_once(city, class_form):
    first = _fill(city, class_form, idempotency_key="k-1")
    again = _fill(city, class_form, idempotency_key="k-1")
    assert again.pk == first.pk and again.revision == first.revision
    assert Submission.objects.count() == 1
    assert SubmissionEvent.objects.count() == 1
    with pytest.raises(InputError, match="另一个请求"):
        _fill(city, class_form, values={"classes_total": "21"}, idempotency_key="k-1")


def test_a_stale_edit_is_refused_and_changes_nothing(city, class_form):
    sub = _fill(city, class_form)
    opened_at = sub.revision
    _fill(city, class_form, who="bob", values={"classes_large": "5"}, revision=opened_at)
    with pytest.raises(ConflictError, match="reload"):
        _fill(city, class_form, values={"classes_large": "1"}, revision=opened_at)
    assert DataValue.objects.get(element__code="classes_large").number == 5


def test_nobody_enters_or_decides_outside_their_scope(city, class_form):
    for who in ("charlie", "dora", "lee", "sue"):
        with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
            _fill(city, class_form, who=who)
    sub = _fill(city, class_form)
    sub = submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    for who in ("alice", "charlie", "dora", "lee", "dan"):
        with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
            submission_approve(user=city.users[who], submission=sub, revision=sub.revision)
    assert Submission.objects.get().status == Status.SUBMITTED


def test_a_bureau_run_school_reports_to_the_forms_owner_department(city, class_form):
    reporter = user_with_role("sam", Role.SCHOOL_REPORTER, city.bureau_school)
    sub = submission_save(
        user=reporter,
        form=class_form,
        org_unit=city.bureau_school,
        period_code="2016T1",
        values=GOOD,
    )
    sub = submission_submit(user=reporter, submission=sub, revision=sub.revision)
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        submission_approve(user=city.users["bob"], submission=sub, revision=sub.revision)
    assert approval_queue(user=city.users["dan"]) == [sub]  # 基础教育处 owns the form
    submission_approve(user=city.users["dan"], submission=sub, revision=sub.revision)


def test_a_unit_not_expected_to_report_is_refused(city, class_form):
    with pytest.raises(InputError, match="应报单位"):
        submission_save(
            user=city.users["bob"],
            form=class_form,
            org_unit=city.jinshui,
            period_code="2016T1",
            values=GOOD,
        )


def test_late_reports_count_as_submitted_but_not_on_time(city, class_form):
    with time_machine.travel(LATE):
        sub = _fill(city, class_form)
        submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    rates = completeness(form=class_form, period="2016T1", unit=city.root)
    assert (rates.expected, rates.submitted, rates.on_time, rates.late) == (4, 1, 0, 1)


def test_a_school_opened_later_does_not_change_past_rates(city, class_form):
    before = completeness(form=class_form, period="2016T1", unit=city.jinshui)
    org_units_create(
        specs=[
            UnitSpec(
                "410105-P9", "金水新小", "primary", "410105", opened_on=datetime.date(2016, 9, 1)
            )
        ]
    )
    expected_reports_open(form=class_form, period_code="2016T1")  # reopening adds nobody
    assert completeness(form=class_form, period="2016T1", unit=city.jinshui) == before
    assert expected_reports_open(form=class_form, period_code="2016T2") == 5
    assert ExpectedReport.objects.filter(period="2016T2", org_unit__code="410105-P9").exists()


def test_completeness_by_district_in_a_fixed_number_of_queries(
    city, class_form, django_assert_num_queries
):
    sub = _fill(city, class_form)
    submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    with django_assert_num_queries(3):
        rows = {
            r["unit"].code: r["completeness"]
            for r in completeness_by_child(form=class_form, period="2016T1", unit=city.root)
        }
    assert rows["410105"].expected == 2 and rows["410105"].submitted == 1
    assert rows["410103"].expected == 1 and rows["410103"].missing == 1
    assert rows["410100-S1"].expected == 1
