"""An order moves 立项交办 → 签收 → 办理 → 反馈 → 复核 → 办结销号: the responsible unit
answers, only the supervision office reviews, closes or sends back."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from eduplan.core.errors import InputError
from eduplan.supervision.models import OrderEvent, OrderStatus, SupervisionOrder
from eduplan.supervision.services import (
    ERR_NO_RESPONSE,
    ERR_NOT_RESPONSIBLE,
    ERR_OFFICE_ONLY,
    ERR_RESPONSE_REQUIRED,
    ERR_SIGN_FIRST,
    TRANSITIONS,
    order_close,
    order_feedback,
    order_response_save,
    order_review,
    order_send_back,
    order_sign,
)
from eduplan.supervision.tests.conftest import raise_order


def _answered(city, unit=None, who="alice"):
    order = raise_order(unit or city.jinshui_one)
    user = city.users[who]
    order_sign(user=user, order=order)
    return order_feedback(user=user, order=order, response="已完成整改并补报材料")


def test_every_status_is_in_the_transition_map_and_closed_leads_nowhere():
    assert set(TRANSITIONS) == set(OrderStatus.values)
    assert TRANSITIONS[OrderStatus.CLOSED] == frozenset()


def test_alice_signs_and_answers_sue_reviews_and_closes_each_step_timestamped_with_its_actor(city):
    alice, sue = city.users["alice"], city.users["sue"]
    with time_machine.travel(datetime.datetime(2016, 8, 31, 2, tzinfo=datetime.UTC), tick=False):
        order = raise_order(city.jinshui_one)
    steps = [
        (
            datetime.datetime(2016, 9, 1, 2, tzinfo=datetime.UTC),
            lambda o: order_sign(user=alice, order=o),
        ),
        (
            datetime.datetime(2016, 9, 2, 2, tzinfo=datetime.UTC),
            lambda o: order_response_save(user=alice, order=o, response="正在整改"),
        ),
        (
            datetime.datetime(2016, 9, 3, 2, tzinfo=datetime.UTC),
            lambda o: order_feedback(user=alice, order=o, response="已整改完毕"),
        ),
        (
            datetime.datetime(2016, 9, 4, 2, tzinfo=datetime.UTC),
            lambda o: order_review(user=sue, order=o),
        ),
        (
            datetime.datetime(2016, 9, 5, 2, tzinfo=datetime.UTC),
            lambda o: order_close(user=sue, order=o, note="核实无误"),
        ),
    ]
    for when, step in steps:
        with time_machine.travel(when, tick=False):
            order = step(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    assert order.response == "已整改完毕"
    assert (order.signed_by, order.started_by, order.responded_by) == (alice, alice, alice)
    assert (order.reviewed_by, order.closed_by) == (sue, sue)
    assert [t.day for t in (order.signed_at, order.started_at, order.responded_at)] == [1, 2, 3]
    assert [t.day for t in (order.reviewed_at, order.closed_at)] == [4, 5]
    history = list(order.events.values_list("action", "status", "actor__username"))
    assert history == [
        ("assign", "assigned", None),
        ("sign", "signed", "alice"),
        ("start", "in_progress", "alice"),
        ("save", "in_progress", "alice"),
        ("feedback", "responded", "alice"),
        ("review", "reviewing", "sue"),
        ("close", "closed", "sue"),
    ]


def test_alice_may_answer_for_her_school_but_not_for_charlies(city):
    theirs = raise_order(city.erqi_one)
    with pytest.raises(PermissionDenied, match=re.escape(str(ERR_NOT_RESPONSIBLE))) as refused:
        order_sign(user=city.users["alice"], order=theirs)
    assert str(refused.value) == str(ERR_NOT_RESPONSIBLE)
    assert order_sign(user=city.users["charlie"], order=theirs).status == OrderStatus.SIGNED
    mine = raise_order(city.jinshui_one)
    assert order_sign(user=city.users["alice"], order=mine).status == OrderStatus.SIGNED


def test_bob_answers_for_his_district_and_its_schools_and_dora_for_neither(city):
    district, school = raise_order(city.jinshui), raise_order(city.jinshui_two)
    for order in (district, school):
        with pytest.raises(PermissionDenied, match=re.escape(str(ERR_NOT_RESPONSIBLE))):
            order_sign(user=city.users["dora"], order=order)
        assert order_sign(user=city.users["bob"], order=order).status == OrderStatus.SIGNED
    with pytest.raises(PermissionDenied, match=re.escape(str(ERR_NOT_RESPONSIBLE))):
        order_sign(user=city.users["alice"], order=raise_order(city.jinshui))


def test_dan_answers_for_his_department_only(city):
    with pytest.raises(PermissionDenied, match=re.escape(str(ERR_NOT_RESPONSIBLE))):
        order_sign(user=city.users["dan"], order=raise_order(city.dept_sports))
    assert (
        order_sign(user=city.users["dan"], order=raise_order(city.dept_basic)).signed_by
        == (city.users["dan"])
    )


@pytest.mark.parametrize("who", ["sue", "lee", "dan", "dora", "nobody"])
def test_only_the_responsible_unit_answers_never_the_office_or_leaders(city, who):
    order = raise_order(city.jinshui_one)
    with pytest.raises(PermissionDenied, match=re.escape(str(ERR_NOT_RESPONSIBLE))):
        order_sign(user=city.users[who], order=order)


@pytest.mark.parametrize("who", ["lee", "dan", "alice", "bob", "nobody"])
def test_nobody_but_the_supervision_office_may_review_close_or_send_back(city, who):
    order = _answered(city)
    for attempt in (
        lambda: order_close(user=city.users[who], order=order),
        lambda: order_review(user=city.users[who], order=order),
        lambda: order_send_back(user=city.users[who], order=order, reason="不符合要求"),
    ):
        with pytest.raises(PermissionDenied, match=re.escape(str(ERR_OFFICE_ONLY))) as refused:
            attempt()
        assert str(refused.value) == str(ERR_OFFICE_ONLY)
    order.refresh_from_db()
    assert order.status == OrderStatus.RESPONDED


def test_sue_accepts_and_closes_an_answered_order_passing_through_review(city):
    order = order_close(user=city.users["sue"], order=_answered(city))
    assert order.status == OrderStatus.CLOSED and order.reviewed_at and order.closed_at
    assert list(order.events.values_list("action", flat=True))[-2:] == ["review", "close"]


@pytest.mark.parametrize("stage", ["assigned", "signed", "in_progress"])
def test_an_order_cannot_be_closed_without_a_response(city, stage):
    order = raise_order(city.jinshui_one)
    alice = city.users["alice"]
    if stage != "assigned":
        order_sign(user=alice, order=order)
    if stage == "in_progress":
        order_response_save(user=alice, order=order, response="  ")
    order.refresh_from_db()
    assert order.status == stage
    with pytest.raises(InputError, match=re.escape(str(ERR_NO_RESPONSE))) as refused:
        order_close(user=city.users["sue"], order=order)
    assert refused.value.message == str(ERR_NO_RESPONSE)
    order.refresh_from_db()
    assert order.status == stage and order.closed_at is None


def test_the_database_refuses_a_closed_or_answered_order_without_a_response(city):
    order = raise_order(city.jinshui_one)
    for status in (OrderStatus.CLOSED, OrderStatus.REVIEWING, OrderStatus.RESPONDED):
        with (
            pytest.raises(IntegrityError, match="supervision_order_answered_has_response"),
            transaction.atomic(),
        ):
            SupervisionOrder.objects.filter(pk=order.pk).update(status=status)


def test_feedback_needs_a_response_and_a_signature_first(city):
    order = raise_order(city.jinshui_one)
    alice = city.users["alice"]
    with pytest.raises(InputError, match=re.escape(str(ERR_SIGN_FIRST))) as refused:
        order_feedback(user=alice, order=order, response="已整改")
    assert refused.value.message == str(ERR_SIGN_FIRST)
    order_sign(user=alice, order=order)
    with pytest.raises(InputError, match=re.escape(str(ERR_RESPONSE_REQUIRED))) as refused:
        order_feedback(user=alice, order=order, response="   ")
    assert refused.value.message == str(ERR_RESPONSE_REQUIRED)
    assert refused.value.where == "response"
    order.refresh_from_db()
    assert order.status == OrderStatus.SIGNED


def test_the_office_sends_feedback_back_to_handling_with_a_reason_and_a_new_deadline(city):
    sue, alice = city.users["sue"], city.users["alice"]
    with time_machine.travel(datetime.datetime(2016, 9, 5, 2, tzinfo=datetime.UTC)):
        order = order_review(user=sue, order=_answered(city))
        with pytest.raises(InputError, match="请说明退回原因") as refused:
            order_send_back(user=sue, order=order, reason=" ")
        assert refused.value.where == "reason"
        with pytest.raises(InputError, match="新的反馈期限不能早于今天") as refused:
            order_send_back(
                user=sue, order=order, reason="材料不全", due_on=datetime.date(2016, 9, 1)
            )
        assert refused.value.where == "due_on"
        order = order_send_back(
            user=sue, order=order, reason="材料不全", due_on=datetime.date(2016, 9, 20)
        )
    assert order.status == OrderStatus.IN_PROGRESS
    assert order.due_on == datetime.date(2016, 9, 20)
    last = order.events.last()
    assert (last.action, last.note, last.due_on) == ("send_back", "材料不全", order.due_on)
    order = order_feedback(user=alice, order=order, response="已补充材料")
    assert order.status == OrderStatus.RESPONDED


def test_a_step_the_map_does_not_allow_is_refused(city):
    order = _answered(city)
    with pytest.raises(InputError, match="“已反馈”的督办单不能变为“已签收”"):
        order_sign(user=city.users["alice"], order=order)
    order_close(user=city.users["sue"], order=order)
    for attempt in (
        lambda: order_review(user=city.users["sue"], order=order),
        lambda: order_send_back(user=city.users["sue"], order=order, reason="重新办理"),
        lambda: order_response_save(user=city.users["alice"], order=order, response="改"),
    ):
        with pytest.raises(
            InputError,
            match=r"^(#\d+: “已办结销号”的督办单不能变为|response: 此督办单已反馈，不能再修改)",
        ):
            attempt()


def test_the_event_history_is_append_only(city):
    event = raise_order(city.jinshui_one).events.get()
    event.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert OrderEvent.objects.get(pk=event.pk).note != "rewritten"
