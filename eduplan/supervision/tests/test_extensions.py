"""Extension requests (申请延期): Alice asks for a later deadline with a reason, one
request at a time; Sue approves (the deadline moves, and the colour follows it) or
refuses with a reason. A request after the deadline is allowed and marked late; leaders
read but do not decide; another district neither asks nor sees."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from eduplan.core.errors import InputError
from eduplan.supervision.extensions import (
    ERR_NEW_DUE,
    ERR_NONE_PENDING,
    ERR_PENDING,
    ERR_REASON,
    extension_approve,
    extension_refuse,
    extension_request,
)
from eduplan.supervision.models import (
    Colour,
    ExtensionRequest,
    ExtensionState,
    InboxMessage,
    OrderStatus,
)
from eduplan.supervision.selectors import colour_now
from eduplan.supervision.services import (
    ERR_ANSWERED,
    ERR_NOT_RESPONSIBLE,
    ERR_OFFICE_ONLY,
    order_feedback,
    order_sign,
)
from eduplan.supervision.tests.conftest import TODAY, raise_by_hand

DUE = datetime.date(2016, 9, 30)
LATER = datetime.date(2016, 10, 31)


def _at(day: int, month: int = 9):
    return time_machine.travel(datetime.datetime(2016, month, day, 2, tzinfo=datetime.UTC))


@pytest.fixture
def order(city):
    with time_machine.travel(TODAY, tick=False):
        order = raise_by_hand(city.users["sue"], "金水一小", due_on=DUE)
        return order_sign(user=city.users["alice"], order=order)


def test_alice_asks_sue_approves_and_the_deadline_and_colour_follow(client, city, order):
    alice, sue = city.users["alice"], city.users["sue"]
    with _at(28):
        assert colour_now(order=order) == Colour.BLUE
        asked = extension_request(user=alice, order=order, new_due_on=LATER, reason="施工延误")
        assert (asked.old_due_on, asked.late, asked.state) == (DUE, False, ExtensionState.PENDING)
        with pytest.raises(InputError, match=str(ERR_PENDING)):
            extension_request(user=alice, order=order, new_due_on=LATER, reason="再次申请")
        client.force_login(sue)
        body = client.get(f"/supervision/orders/{order.pk}/").content.decode()
        assert 'value="extend_approve"' in body and "施工延误" in body
        posted = client.post(
            f"/supervision/orders/{order.pk}/", {"action": "extend_approve", "decision_note": ""}
        )
        assert posted.status_code == 302
        order.refresh_from_db()
        assert order.due_on == LATER and colour_now(order=order) == Colour.GREEN
    with _at(3, month=10):  # past the old deadline, not the approved one
        assert colour_now(order=order) == Colour.GREEN
    asked.refresh_from_db()
    assert (asked.state, asked.decided_by) == (ExtensionState.APPROVED, sue)
    assert asked.decided_at is not None
    events = list(order.events.values_list("action", "actor__username", "due_on"))[-2:]
    assert events == [("extend_ask", "alice", DUE), ("extend_approve", "sue", LATER)]
    [notice] = InboxMessage.objects.filter(user=alice, subject__contains="2016-10-31")
    assert f"#{order.pk}" in notice.subject


def test_sue_refuses_with_a_reason_and_the_deadline_stays(city, order):
    alice, sue = city.users["alice"], city.users["sue"]
    with _at(5, month=10):  # after the deadline: allowed, recorded as late
        asked = extension_request(user=alice, order=order, new_due_on=LATER, reason="人手不足")
        assert asked.late
        assert "(" in order.events.last().note
        with pytest.raises(InputError, match=re.escape(str(ERR_REASON))) as refused:
            extension_refuse(user=sue, order=order, reason=" ")
        assert refused.value.message == str(ERR_REASON) and refused.value.where == "decision_note"
        extension_refuse(user=sue, order=order, reason="期限不可延后")
        order.refresh_from_db()
        assert order.due_on == DUE and colour_now(order=order) == Colour.YELLOW
    asked.refresh_from_db()
    assert (asked.state, asked.decision_note) == (ExtensionState.REFUSED, "期限不可延后")
    assert order.events.last().action == "extend_refuse"
    assert InboxMessage.objects.filter(user=alice, body__contains="期限不可延后").exists()


def test_deciding_an_extension_nobody_asked_for_is_refused(city, order):
    sue = city.users["sue"]
    for decide in (
        lambda: extension_approve(user=sue, order=order),
        lambda: extension_refuse(user=sue, order=order, reason="不同意"),
    ):
        with pytest.raises(InputError, match=str(ERR_NONE_PENDING)):
            decide()
    order.refresh_from_db()
    assert order.due_on == DUE and not order.events.filter(action__startswith="extend").exists()


def test_a_request_needs_a_later_date_and_a_reason_and_an_unanswered_order(city, order):
    alice = city.users["alice"]
    with _at(2):
        for new_due_on, reason, where, message in (
            (None, "施工延误", "new_due_on", str(ERR_NEW_DUE)),
            (DUE, "施工延误", "new_due_on", "2016-09-30"),
            (LATER, "  ", "extension_reason", str(ERR_REASON)),
        ):
            with pytest.raises(InputError, match=re.escape(str(message))) as refused:
                extension_request(user=alice, order=order, new_due_on=new_due_on, reason=reason)
            assert refused.value.where == where and message in refused.value.message
        order_feedback(user=alice, order=order, response="已完成")
        with pytest.raises(InputError, match=str(ERR_ANSWERED)):
            extension_request(user=alice, order=order, new_due_on=LATER, reason="施工延误")
    assert not ExtensionRequest.objects.exists()


@pytest.mark.parametrize("who", ["sue", "lee", "bob", "dora", "charlie", "dan"])
def test_only_the_responsible_unit_asks(city, order, who):
    with _at(2):
        # Bob answers for his district's schools, as he does for their orders.
        if who == "bob":
            assert extension_request(
                user=city.users[who], order=order, new_due_on=LATER, reason="统筹安排"
            )
            return
        with pytest.raises(PermissionDenied, match=str(ERR_NOT_RESPONSIBLE)):
            extension_request(user=city.users[who], order=order, new_due_on=LATER, reason="延期")
    assert not ExtensionRequest.objects.exists()


@pytest.mark.parametrize("who", ["lee", "alice", "bob", "dan"])
def test_only_the_office_decides(client, city, order, who):
    with _at(2):
        extension_request(user=city.users["alice"], order=order, new_due_on=LATER, reason="延误")
        with pytest.raises(PermissionDenied, match=str(ERR_OFFICE_ONLY)):
            extension_approve(user=city.users[who], order=order)
        client.force_login(city.users[who])
        posted = client.post(f"/supervision/orders/{order.pk}/", {"action": "extend_approve"})
        assert posted.status_code == 403
    order.refresh_from_db()
    assert order.due_on == DUE and order.status == OrderStatus.SIGNED
    assert ExtensionRequest.objects.get().state == ExtensionState.PENDING


def test_another_district_cannot_see_or_ask_through_the_page(client, city, order):
    client.force_login(city.users["dora"])
    url = f"/supervision/orders/{order.pk}/"
    assert client.get(url).status_code == 403
    posted = client.post(
        url, {"action": "extend_ask", "new_due_on": "2016-10-31", "extension_reason": "延期"}
    )
    assert posted.status_code == 403
    assert not ExtensionRequest.objects.exists()
