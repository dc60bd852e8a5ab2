"""A report's whole life through the API, and the API's promises: a retried write is
stored once, a stale one is refused, bad values are named field by field."""

from __future__ import annotations

import datetime

import time_machine

from eduplan.api.routers.base import MAX_PROBLEMS, MESSAGE_LIMIT
from eduplan.api.tests.conftest import FORM, PERIOD, SCHOOL
from eduplan.reporting.models import (
    DataValue,
    IdempotencyKey,
    Status,
    Submission,
    SubmissionEvent,
)
from eduplan.reporting.services import submission_save
from eduplan.reporting.tests.conftest import GOOD

IN_TIME = datetime.datetime(2016, 7, 20, 9, 0, tzinfo=datetime.UTC)


def test_the_whole_lifecycle_through_the_api(api, city, class_form):
    with time_machine.travel(IN_TIME):
        saved = api.call("alice", "PUT", SCHOOL, {"values": GOOD})
        assert saved.status_code == 200
        body = saved.json()
        assert body["status"] == "draft"
        assert body["values"] == {
            "classes_total": "20",
            "pupils_total": "900",
            "classes_large": "3",
        }

        read = api.call("alice", "GET", SCHOOL).json()
        assert read["revision"] == body["revision"]
        assert (
            read["form_version"] == 1 and read["problems"] == [] and read["returned_reason"] == ""
        )

        submitted = api.call("alice", "POST", SCHOOL + "/submit", {"revision": body["revision"]})
        assert submitted.json()["status"] == "submitted"
    rev = submitted.json()["revision"]

    no_reason = api.call("bob", "POST", SCHOOL + "/return", {"revision": rev, "reason": " "})
    assert no_reason.status_code == 400
    assert no_reason.json()["problems"][0]["element"] == "reason"
    returned = api.call(
        "bob", "POST", SCHOOL + "/return", {"revision": rev, "reason": "大班额有误"}
    )
    assert returned.json()["status"] == "returned"
    assert api.call("alice", "GET", SCHOOL).json()["returned_reason"] == "大班额有误"

    rev = returned.json()["revision"]
    fixed = api.call("alice", "PUT", SCHOOL, {"values": {"classes_large": 2}, "revision": rev})
    assert fixed.json()["values"]["classes_large"] == "2"
    rev = fixed.json()["revision"]
    rev = api.call("alice", "POST", SCHOOL + "/submit", {"revision": rev}).json()["revision"]
    approved = api.call("bob", "POST", SCHOOL + "/approve", {"revision": rev})
    assert approved.json()["status"] == "approved"
    rev = approved.json()["revision"]

    locked = api.call("alice", "PUT", SCHOOL, {"values": {"classes_large": 1}, "revision": rev})
    assert locked.status_code == 400
    reopened = api.call("bob", "POST", SCHOOL + "/reopen", {"revision": rev, "reason": "复核"})
    assert reopened.json()["status"] == "returned"

    actions = list(SubmissionEvent.objects.values_list("action", flat=True))
    assert actions == ["create", "submit", "return", "save", "submit", "approve", "reopen"]
    rates = api.call("bob", "GET", f"/api/v1/completeness/{FORM}/{PERIOD}").json()
    assert (rates["code"], rates["expected"], rates["submitted"]) == ("410105", 2, 0)


def test_completeness_counts_the_scope_and_each_child(api, city, class_form):
    with time_machine.travel(IN_TIME):
        rev = api.call("alice", "PUT", SCHOOL, {"values": GOOD}).json()["revision"]
        api.call("alice", "POST", SCHOOL + "/submit", {"revision": rev})
    rates = api.call("lee", "GET", f"/api/v1/completeness/{FORM}/{PERIOD}").json()
    assert rates["code"] == "410100"
    assert (rates["expected"], rates["submitted"], rates["on_time"], rates["missing"]) == (
        4,
        1,
        1,
        3,
    )
    assert rates["rate"] == 25.0
    children = {c["code"]: c for c in rates["children"]}
    assert set(children) == {"410105", "410103", "410100-S1"}
    assert children["410105"]["submitted"] == 1 and children["410105"]["rate"] == 50.0
    assert children["410103"]["late"] == 0 and children["410103"]["missing"] == 1
    school = api.call("alice", "GET", f"/api/v1/completeness/{FORM}/{PERIOD}").json()
    assert (school["code"], school["expected"], school["children"]) == ("410105-P1", 1, [])


def test_a_retry_with_the_same_idempotency_key_is_stored_once(api, city, class_form):
    first = api.call("alice", "PUT", SCHOOL, {"values": GOOD}, **{"Idempotency-Key": "k-1"})
    again = api.call("alice", "PUT", SCHOOL, {"values": GOOD}, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert Submission.objects.count() == 1
    assert SubmissionEvent.objects.count() == 1
    assert DataValue.objects.count() == 3


def test_a_late_retry_returns_the_first_answer_not_todays_report(api, city, class_form):
    first = api.call("alice", "PUT", SCHOOL, {"values": GOOD}, **{"Idempotency-Key": "k-2"})
    submission_save(
        user=city.users["bob"],
        form=class_form,
        org_unit=city.jinshui_one,
        period_code=PERIOD,
        values={"classes_large": "5"},
        revision=first.json()["revision"],
    )
    again = api.call("alice", "PUT", SCHOOL, {"values": GOOD}, **{"Idempotency-Key": "k-2"})
    # The retry must not hand out Bob's revision: a write made with it would overwrite him.
    assert again.json() == first.json()
    assert DataValue.objects.get(element__code="classes_large").number == 5


def test_a_key_reused_for_another_request_is_refused(api, city, class_form):
    api.call("alice", "PUT", SCHOOL, {"values": GOOD}, **{"Idempotency-Key": "k-3"})
    other = {"values": {**GOOD, "classes_large": 4}}
    response = api.call("alice", "PUT", SCHOOL, other, **{"Idempotency-Key": "k-3"})
    assert response.status_code == 422
    assert DataValue.objects.get(element__code="classes_large").number == 3


def test_a_retried_put_is_one_key_in_the_store_the_web_form_uses(api, city, class_form):
    first = api.call("alice", "PUT", SCHOOL, {"values": GOOD}, **{"Idempotency-Key": "k-4"})
    again = api.call("alice", "PUT", SCHOOL, {"values": GOOD}, **{"Idempotency-Key": "k-4"})
    assert again.json() == first.json()
    stored = IdempotencyKey.objects.get()
    assert (stored.key, stored.submission) == ("k-4", Submission.objects.get())
    assert stored.response == first.json()


def test_the_same_key_with_another_revision_is_refused(api, city, class_form):
    first = api.call("alice", "PUT", SCHOOL, {"values": GOOD}, **{"Idempotency-Key": "k-5"})
    body = {"values": GOOD, "revision": first.json()["revision"]}
    response = api.call("alice", "PUT", SCHOOL, body, **{"Idempotency-Key": "k-5"})
    assert response.status_code == 422
    assert response.json()["detail"] == "该 Idempotency-Key 已用于另一个请求"
    assert Submission.objects.get().revision == first.json()["revision"]


def test_keys_belong_to_their_user(api, city, class_form):
    api.call("alice", "PUT", SCHOOL, {"values": GOOD}, **{"Idempotency-Key": "same"})
    rev = Submission.objects.get().revision
    body = {"values": {"classes_large": 4}, "revision": rev}
    response = api.call("bob", "PUT", SCHOOL, body, **{"Idempotency-Key": "same"})
    assert response.status_code == 200
    assert response.json()["values"]["classes_large"] == "4"


def test_a_stale_revision_is_409_and_changes_nothing(api, city, class_form):
    first = api.call("alice", "PUT", SCHOOL, {"values": GOOD}).json()
    api.call("bob", "PUT", SCHOOL, {"values": {"classes_large": 5}, "revision": first["revision"]})
    stale = {"values": {"classes_large": 1}, "revision": first["revision"]}
    response = api.call("alice", "PUT", SCHOOL, stale)
    assert response.status_code == 409
    assert response.json()["detail"]
    assert DataValue.objects.get(element__code="classes_large").number == 5
    submit = api.call("alice", "POST", SCHOOL + "/submit", {"revision": first["revision"]})
    assert submit.status_code == 409
    assert Submission.objects.get().status == Status.DRAFT


def test_a_second_first_save_without_a_revision_is_409(api, city, class_form):
    api.call("alice", "PUT", SCHOOL, {"values": GOOD})
    response = api.call("bob", "PUT", SCHOOL, {"values": {"classes_large": 9}})
    assert response.status_code == 409
    assert "他人已修改此填报" in response.json()["detail"]
    assert DataValue.objects.get(element__code="classes_large").number == 3


def test_bad_values_are_400_with_a_problem_per_field(api, city, class_form):
    values = {"classes_total": "二十", "pupils_total": 900, "share_digital": 120, "ghost": 1}
    response = api.call("alice", "PUT", SCHOOL, {"values": values})
    assert response.status_code == 400
    problems = {p["element"]: p["message"] for p in response.json()["problems"]}
    assert set(problems) == {"classes_total", "share_digital", "ghost"}
    assert "二十" in problems["classes_total"]
    assert not Submission.objects.exists()


def test_submitting_with_errors_names_the_rules_and_required_fields(api, city, class_form):
    rev = api.call("alice", "PUT", SCHOOL, {"values": {"classes_total": 5}}).json()["revision"]
    problems = api.call("alice", "GET", SCHOOL).json()["problems"]
    assert {p["element"] for p in problems} == {"pupils_total", "classes_large"}
    response = api.call("alice", "POST", SCHOOL + "/submit", {"revision": rev})
    assert response.status_code == 400
    assert {p["element"] for p in response.json()["problems"]} == {"pupils_total", "classes_large"}


def test_a_malformed_body_or_period_is_400_naming_the_field(api, city, class_form):
    response = api.call("alice", "PUT", SCHOOL, {"values": GOOD, "revision": "latest"})
    assert response.status_code == 400
    assert [p["element"] for p in response.json()["problems"]] == ["revision"]
    bad_period = f"/api/v1/submissions/{FORM}/2016B1/410105-P1"
    response = api.call("alice", "PUT", bad_period, {"values": GOOD})
    assert response.status_code == 400
    assert response.json()["problems"][0]["element"] == "period"
    long_key = api.call("alice", "PUT", SCHOOL, {"values": GOOD}, **{"Idempotency-Key": "k" * 101})
    assert long_key.status_code == 400
    assert not Submission.objects.exists()


def test_nothing_reported_yet_is_404_and_so_is_an_unknown_form_or_unit(api, city, class_form):
    assert api.call("alice", "GET", SCHOOL).status_code == 404
    assert api.call("alice", "POST", SCHOOL + "/submit", {"revision": 1}).status_code == 404
    unknown_form = f"/api/v1/submissions/no-such-form/{PERIOD}/410105-P1"
    assert api.call("alice", "GET", unknown_form).status_code == 404
    unknown_unit = f"/api/v1/submissions/{FORM}/{PERIOD}/999999"
    assert api.call("alice", "GET", unknown_unit).status_code == 404
    # Outside the caller's scope it is 403 whether or not a report exists.
    assert api.call("charlie", "GET", SCHOOL).status_code == 403


def test_a_unit_not_expected_to_report_is_400(api, city, class_form):
    district = f"/api/v1/submissions/{FORM}/{PERIOD}/410105"
    response = api.call("bob", "PUT", district, {"values": GOOD})
    assert response.status_code == 400
    assert response.json()["problems"][0]["message"]


def test_reads_take_a_fixed_number_of_queries(api, city, class_form, django_assert_max_num_queries):
    for unit in (city.jinshui_one, city.jinshui_two):
        submission_save(
            user=city.users["bob"],
            form=class_form,
            org_unit=unit,
            period_code=PERIOD,
            values=GOOD,
        )
    for who in ("bob", "lee"):  # a token's last use is noted once, not on every call
        api.call(who, "GET", "/api/v1/forms")
    with django_assert_max_num_queries(8):
        assert api.call("bob", "GET", SCHOOL).status_code == 200
    with django_assert_max_num_queries(10):  # whatever the number of child units
        path = f"/api/v1/completeness/{FORM}/{PERIOD}?org=410100"
        assert api.call("lee", "GET", path).status_code == 200


def test_a_save_and_submit_without_values_leave_the_stored_values(api, city, class_form):
    with time_machine.travel(IN_TIME):
        rev = api.call("alice", "PUT", SCHOOL, {"values": GOOD}).json()["revision"]
        empty = api.call("alice", "PUT", SCHOOL, {"revision": rev})
        assert empty.status_code == 200 and empty.json()["values"] == GOOD
        submitted = api.call("alice", "POST", SCHOOL + "/submit", {"revision": rev})
    assert submitted.status_code == 200 and submitted.json()["values"] == GOOD
    assert DataValue.objects.count() == len(GOOD)


def test_an_approve_by_a_reporter_is_403_before_any_word_on_the_status(api, city, class_form):
    with time_machine.travel(IN_TIME):
        rev = api.call("alice", "PUT", SCHOOL, {"values": GOOD}).json()["revision"]
    for action in ("approve", "return", "reopen"):
        refused = api.call("alice", "POST", f"{SCHOOL}/{action}", {"revision": rev, "reason": "x"})
        assert refused.status_code == 403, action
    assert Submission.objects.get().status == Status.DRAFT


def test_a_huge_value_is_refused_in_a_small_answer(api, city, class_form):
    values = {"classes_total": "9" * 1_500_000, "k" * 500_000: 1}
    response = api.call("alice", "PUT", SCHOOL, {"values": values})
    assert response.status_code == 400
    assert len(response.content) < 2_000
    unknown, number = response.json()["problems"]
    assert unknown["element"] == "k" * 79 + "…"
    assert number["element"] == "classes_total" and len(number["message"]) <= MESSAGE_LIMIT
    assert not Submission.objects.exists()


def test_a_hundred_thousand_unknown_keys_are_refused_in_a_small_answer(api, city, class_form):
    values = {f"g{i:06d}": 1 for i in range(100_000)}  # 1.2 MB, within the body limit
    response = api.call("alice", "PUT", SCHOOL, {"values": values})
    assert response.status_code == 400
    assert len(response.content) < 30_000
    problems = response.json()["problems"]
    assert len(problems) == MAX_PROBLEMS + 1
    assert all(len(p["element"]) <= 80 for p in problems)  # echoed cut short too
    assert f"{100_000 - MAX_PROBLEMS}" in problems[-1]["message"]
    assert not Submission.objects.exists()
