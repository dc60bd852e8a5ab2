"""Through the API too, a period closed for entry refuses drafts with the reason, and a
report an approver reopens may be corrected and resubmitted."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from eduplan.api.tests.conftest import SCHOOL
from eduplan.reporting.entry_window import ERR_CLOSED
from eduplan.reporting.models import DataValue, Submission
from eduplan.reporting.schedule import reporting_run
from eduplan.reporting.tests.conftest import GOOD

CLOSES_ON = datetime.date(2016, 9, 14)  # 2016T1 is due 08-15, closed 30 days later


@pytest.fixture(autouse=True)
def _close_days(settings):
    settings.EDUPLAN_REPORTING_CLOSE_DAYS_AFTER_DUE = 30


def _closed_message() -> str:
    with translation.override("zh-hans"):
        return str(ERR_CLOSED) % {
            "form": "班额情况",
            "period": "2016年春季学期",
            "date": CLOSES_ON.isoformat(),
        }


def test_the_api_refuses_a_draft_in_a_closed_period_until_an_approver_reopens(
    api, city, class_form
):
    rev = api.call("alice", "PUT", SCHOOL, {"values": {"classes_total": "20"}}).json()["revision"]
    reporting_run(at=CLOSES_ON)
    refused = api.call("alice", "PUT", SCHOOL, {"values": GOOD, "revision": rev})
    assert refused.status_code == 400
    assert refused.json()["problems"] == [
        {"element": "", "message": _closed_message(), "severity": "error"}
    ]
    submit = api.call("alice", "POST", SCHOOL + "/submit", {"revision": rev})
    assert submit.status_code == 400 and submit.json()["problems"][0]["message"] == (
        _closed_message()
    )
    assert list(DataValue.objects.values_list("element__code", flat=True)) == ["classes_total"]
    assert Submission.objects.get().status == "draft"


def test_after_an_approver_reopens_the_api_takes_the_correction(api, city, class_form):
    rev = api.call("alice", "PUT", SCHOOL, {"values": GOOD}).json()["revision"]
    rev = api.call("alice", "POST", SCHOOL + "/submit", {"revision": rev}).json()["revision"]
    rev = api.call("bob", "POST", SCHOOL + "/approve", {"revision": rev}).json()["revision"]
    reporting_run(at=CLOSES_ON)
    for who in ("alice", "dora"):  # the reporter, another district's administrator
        wrong = api.call(who, "POST", SCHOOL + "/reopen", {"revision": rev, "reason": "改"})
        assert wrong.status_code in (403, 404)
    rev = api.call("bob", "POST", SCHOOL + "/reopen", {"revision": rev, "reason": "有误"}).json()[
        "revision"
    ]
    fixed = api.call("alice", "PUT", SCHOOL, {"values": {"classes_large": "2"}, "revision": rev})
    assert fixed.status_code == 200 and fixed.json()["values"]["classes_large"] == "2"
    done = api.call("alice", "POST", SCHOOL + "/submit", {"revision": fixed.json()["revision"]})
    assert done.status_code == 200 and done.json()["status"] == "submitted"
