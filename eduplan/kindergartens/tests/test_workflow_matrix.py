"""Every workflow step against every role, in and out of scope, and out of order: only
the kindergarten (or its district) applies, only its district reviews on site, only the
preschool department takes the city's steps, each only from the status before it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from eduplan.core.errors import InputError
from eduplan.kindergartens.models import Application, ApplicationEvent, Kindergarten
from eduplan.kindergartens.workflow import STEPS, application_step, application_submit

S = Application.Status
WHO = ["lee", "sue", "dan", "xue", "bob", "dora", "alice", "kim", "charlie", "nobody"]
# step -> who may take it on a Jinshui kindergarten's application
MAY = {
    "district_pass": {"bob"},
    "district_refuse": {"bob"},
    "city_pass": {"xue"},
    "city_refuse": {"xue"},
    "notice_start": {"xue"},
    "publish": {"xue"},
}


def _application(kg: Kindergarten, status: str) -> Application:
    past = datetime.date(2016, 1, 4)
    return Application.objects.create(
        kindergarten=kg,
        kind=Application.Kind.INCLUSIVE,
        status=status,
        fee_monthly=Decimal("600"),
        evidence="收费标准批复",
        applied_on=past,
        notice_starts=past if status == S.NOTICE else None,
        notice_ends=past + datetime.timedelta(days=7) if status == S.NOTICE else None,
    )


def test_every_step_is_in_the_matrix():
    assert set(MAY) == set(STEPS)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("step", list(STEPS))
def test_a_step_is_taken_only_by_its_role_inside_its_scope(kg, who, step):
    application = _application(kg.jinshui_kg1, next(iter(STEPS[step].before)))
    call = {"user": kg.users[who], "application": application, "step": step, "note": "理由"}
    if who in MAY[step]:
        done = application_step(**call)
        assert done.status == STEPS[step].after
        assert ApplicationEvent.objects.filter(application=application, step=step).count() == 1
    else:
        with pytest.raises(PermissionDenied, match=r"may not do this here|无权"):
            application_step(**call)
        application.refresh_from_db()
        assert application.status in STEPS[step].before
        assert not ApplicationEvent.objects.filter(application=application).exists()


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("status", [s.value for s in S])
def test_a_step_out_of_order_is_refused_and_changes_nothing(kg, step, status):
    if status in STEPS[step].before:
        pytest.skip("in order")
    application = _application(kg.jinshui_kg1, status)
    who = next(iter(MAY[step]))
    with pytest.raises(InputError, match="cannot be taken now"):
        application_step(user=kg.users[who], application=application, step=step, note="理由")
    application.refresh_from_db()
    assert application.status == status
    assert not ApplicationEvent.objects.filter(application=application).exists()


@pytest.mark.parametrize("who", ["bob", "dora", "xue"])
def test_a_district_reviews_only_its_own_kindergartens(kg, who):
    application = _application(kg.erqi_kg, S.APPLIED)
    step = {"user": kg.users[who], "application": application, "step": "district_pass"}
    if who == "dora":
        assert application_step(**step).status == S.DISTRICT_PASSED
    else:
        with pytest.raises(PermissionDenied, match=r"may not do this here|无权"):
            application_step(**step)


@pytest.mark.parametrize("who", WHO)
def test_only_the_kindergarten_or_its_district_applies(kg, who):
    call = {
        "user": kg.users[who],
        "kindergarten": kg.jinshui_kg1,
        "kind": Application.Kind.INCLUSIVE,
        "fee_monthly": "680",
        "evidence": "物价部门收费批复",
    }
    if who in {"kim", "bob"}:
        assert application_submit(**call).status == S.APPLIED
    else:
        with pytest.raises(PermissionDenied, match=r"may not do this here|无权"):
            application_submit(**call)
        assert not Application.objects.exists()


@pytest.mark.parametrize("step", ["district_refuse", "city_refuse"])
def test_a_refusal_says_why(kg, step):
    application = _application(kg.jinshui_kg1, next(iter(STEPS[step].before)))
    who = next(iter(MAY[step]))
    with pytest.raises(InputError, match="Say why"):
        application_step(user=kg.users[who], application=application, step=step, note=" ")
    done = application_step(
        user=kg.users[who], application=application, step=step, note="收费高于普惠限价"
    )
    assert (done.status, done.refusal_reason) == (S.REFUSED, "收费高于普惠限价")
