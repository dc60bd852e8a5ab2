"""Co-handling and reassignment: 基础教育处 (Dan) leads an order that 金水区 (Bob)
co-handles. Bob sees it and answers his own part, never the order's feedback; Dora, of
another district, neither sees nor answers it; the office reviews only once Dan has
answered. The office reassigns an unanswered order, with a reason, to another unit."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from eduplan.core.errors import InputError
from eduplan.supervision.handling import (
    ERR_ALREADY_COHANDLES,
    ERR_LEAD_ANSWERED,
    ERR_LEAD_COHANDLES,
    ERR_NOT_COHANDLER,
    ERR_NOT_UNDONE,
    ERR_REASON,
    ERR_SAME_UNIT,
    cohandler_feedback,
    order_cohandlers_add,
    order_reassign,
)
from eduplan.supervision.models import CoHandler, InboxMessage, OrderStatus
from eduplan.supervision.services import (
    ERR_NOT_RESPONSIBLE,
    ERR_OFFICE_ONLY,
    ERR_TRANSITION,
    order_feedback,
    order_review,
    order_sign,
)
from eduplan.supervision.tests.conftest import TODAY, raise_by_hand

MINE = "/supervision/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def shared(city):
    """An order 基础教育处 leads and 金水区 co-handles."""
    return raise_by_hand(city.users["sue"], "基础教育处", cohandlers="金水区")


def _url(order) -> str:
    return f"/supervision/orders/{order.pk}/"


def _listed(client, user) -> list[str]:
    client.force_login(user)
    return re.findall(r'class="order-row" data-order="(\d+)"', client.get(MINE).content.decode())


def test_the_lead_and_the_co_handling_unit_see_the_order_and_another_district_does_not(
    client, city, shared
):
    assert _listed(client, city.users["dan"]) == [str(shared.pk)]
    assert _listed(client, city.users["bob"]) == [str(shared.pk)]
    assert _listed(client, city.users["dora"]) == []
    assert client.get(_url(shared)).status_code == 403
    client.force_login(city.users["bob"])
    body = client.get(_url(shared)).content.decode()
    assert 'data-cohandler="410105"' in body and 'value="co_feedback"' in body
    assert 'value="sign"' not in body and 'name="response"' not in body
    assert [m.user.username for m in InboxMessage.objects.order_by("pk")] == ["dan", "bob"]


def test_each_unit_answers_its_own_part_and_the_office_reviews_after_the_lead(client, city, shared):
    dan, bob, dora, sue = (city.users[n] for n in ("dan", "bob", "dora", "sue"))
    row = CoHandler.objects.get(order=shared)
    # Bob may not sign or give the order's feedback, only his part; Dora not even that.
    with pytest.raises(PermissionDenied, match=str(ERR_NOT_RESPONSIBLE)):
        order_sign(user=bob, order=shared)
    with pytest.raises(PermissionDenied, match=str(ERR_NOT_COHANDLER)):
        cohandler_feedback(user=dora, cohandler=row, response="二七区意见")
    with pytest.raises(PermissionDenied, match=str(ERR_NOT_COHANDLER)):
        cohandler_feedback(user=dan, cohandler=row, response="代为填写")
    order_sign(user=dan, order=shared)
    client.force_login(dan)
    assert "金水区" in client.get(_url(shared)).content.decode().split('id="cohandlers-waiting"')[1]
    # The office cannot review before the lead has answered.
    with pytest.raises(InputError, match="“已签收”的督办单不能变为“复核中”") as refused:
        order_review(user=sue, order=shared)
    assert refused.value.message == str(ERR_TRANSITION) % {
        "old": OrderStatus.SIGNED.label,
        "new": OrderStatus.REVIEWING.label,
    }
    client.force_login(bob)
    assert client.post(_url(shared), {"action": "feedback", "response": "完成"}).status_code == 403
    posted = client.post(
        _url(shared),
        {"action": "co_feedback", "cohandler": row.pk, "cohandler_response": "金水区已完成配合"},
    )
    assert posted.status_code == 302
    row.refresh_from_db()
    assert (row.response, row.responded_by) == ("金水区已完成配合", bob)
    shared.refresh_from_db()
    assert shared.status == OrderStatus.SIGNED and shared.response == ""
    client.force_login(dan)
    assert 'id="cohandlers-waiting"' not in client.get(_url(shared)).content.decode()
    order_feedback(user=dan, order=shared, response="汇总反馈：均已完成")
    with pytest.raises(InputError, match=str(ERR_LEAD_ANSWERED)):
        cohandler_feedback(user=bob, cohandler=row, response="补充")
    assert order_review(user=sue, order=shared).status == OrderStatus.REVIEWING
    history = list(shared.events.values_list("action", "actor__username"))
    assert history == [
        ("assign", "sue"),
        ("cohandle", "sue"),
        ("sign", "dan"),
        ("co_feedback", "bob"),
        ("start", "dan"),
        ("feedback", "dan"),
        ("review", "sue"),
    ]


def test_the_office_adds_co_handling_units_and_others_may_not(city, shared):
    added = order_cohandlers_add(user=city.users["sue"], order=shared, units="二七区")
    assert [c.unit for c in added] == [city.erqi]
    assert InboxMessage.objects.filter(user=city.users["dora"], order=shared).count() == 1
    for units, message in (
        ("金水区", ERR_ALREADY_COHANDLES % {"unit": "金水区"}),
        ("基础教育处", ERR_LEAD_COHANDLES % {"unit": "基础教育处"}),
    ):
        with pytest.raises(InputError, match=re.escape(str(message))) as refused:
            order_cohandlers_add(user=city.users["sue"], order=shared, units=units)
        assert refused.value.message == message and refused.value.where == "cohandlers"
    for who in ("lee", "dan", "bob"):
        with pytest.raises(PermissionDenied, match=str(ERR_OFFICE_ONLY)):
            order_cohandlers_add(user=city.users[who], order=shared, units="体卫艺处")
    assert CoHandler.objects.filter(order=shared).count() == 2


def test_sue_reassigns_an_unanswered_order_to_another_unit_with_the_reason(client, city):
    sue, alice, bob = city.users["sue"], city.users["alice"], city.users["bob"]
    order = raise_by_hand(sue, "金水一小")
    order_sign(user=alice, order=order)
    client.force_login(sue)
    posted = client.post(
        _url(order), {"action": "reassign", "new_unit": "金水区", "reassign_reason": "需区级统筹"}
    )
    assert posted.status_code == 302
    order.refresh_from_db()
    assert (order.responsible_unit, order.status) == (city.jinshui, OrderStatus.ASSIGNED)
    assert order.signed_at is None and order.signed_by is None
    last = order.events.last()
    assert (last.action, last.actor, last.status) == ("reassign", sue, "assigned")
    assert last.note == "金水一小 → 金水区：需区级统筹" and last.at is not None
    notice = InboxMessage.objects.filter(user=bob, order=order).latest("pk")
    assert "金水区" in notice.subject and "需区级统筹" in notice.body
    with pytest.raises(PermissionDenied, match="只有责任单位或其上级县区可以办理此督办单"):
        order_sign(user=alice, order=order)
    assert order_sign(user=bob, order=order).status == OrderStatus.SIGNED


def test_a_reassignment_out_of_order_or_by_the_wrong_role_is_refused(client, city, shared):
    sue = city.users["sue"]
    for who in ("lee", "dan", "bob"):
        with pytest.raises(PermissionDenied, match=str(ERR_OFFICE_ONLY)):
            order_reassign(user=city.users[who], order=shared, unit="体卫艺处", reason="调整")
    client.force_login(city.users["lee"])
    lee_post = {"action": "reassign", "new_unit": "体卫艺处", "reassign_reason": "调整"}
    assert client.post(_url(shared), lee_post).status_code == 403
    for unit, reason, where, message in (
        ("不存在处", "调整", "new_unit", "不存在处"),
        ("基础教育处", "调整", "new_unit", ERR_SAME_UNIT % {"unit": "基础教育处"}),
        ("金水区", "调整", "new_unit", ERR_ALREADY_COHANDLES % {"unit": "金水区"}),
        ("体卫艺处", " ", "reassign_reason", str(ERR_REASON)),
    ):
        with pytest.raises(InputError, match=re.escape(str(message))) as refused:
            order_reassign(user=sue, order=shared, unit=unit, reason=reason)
        assert refused.value.where == where and message in refused.value.message
    order_sign(user=city.users["dan"], order=shared)
    order_feedback(user=city.users["dan"], order=shared, response="已完成")
    with pytest.raises(InputError, match=str(ERR_NOT_UNDONE)):
        order_reassign(user=sue, order=shared, unit="体卫艺处", reason="调整")
    shared.refresh_from_db()
    assert shared.responsible_unit == city.dept_basic
    assert not shared.events.filter(action="reassign").exists()
