"""Supervision pages over HTTP: Alice answers her school's orders, Sue works the board,
Lee reads it; nobody acts outside their scope; list pages' queries do not grow."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eduplan.supervision.models import InboxMessage, OrderStatus, Rule, SupervisionOrder
from eduplan.supervision.services import order_feedback, order_sign, reminders_send
from eduplan.supervision.tests.conftest import raise_order

MINE = "/supervision/"
BOARD = "/supervision/board/"
INBOX = "/supervision/inbox/"


def _url(order: SupervisionOrder) -> str:
    return f"/supervision/orders/{order.pk}/"


def _rows(body: str) -> list[str]:
    return re.findall(r'class="order-row" data-order="(\d+)"', body)


def _answered(city):
    order = raise_order(city.jinshui_one)
    order_sign(user=city.users["alice"], order=order)
    return order_feedback(user=city.users["alice"], order=order, response="已整改")


def test_alice_sees_the_orders_of_her_school_and_not_charlies(client, city):
    mine, theirs = raise_order(city.jinshui_one), raise_order(city.erqi_one)
    client.force_login(city.users["alice"])
    assert _rows(client.get(MINE).content.decode()) == [str(mine.pk)]
    client.force_login(city.users["bob"])
    assert _rows(client.get(MINE).content.decode()) == [str(mine.pk)]
    client.force_login(city.users["charlie"])
    assert _rows(client.get(MINE).content.decode()) == [str(theirs.pk)]


def test_alice_signs_writes_and_submits_feedback_on_the_order_page(client, city):
    order = raise_order(city.jinshui_one)
    client.force_login(city.users["alice"])
    body = client.get(_url(order)).content.decode()
    assert 'value="sign"' in body and 'name="response"' not in body
    assert client.post(_url(order), {"action": "sign"}).status_code == 302
    body = client.get(_url(order)).content.decode()
    assert 'name="response"' in body and 'value="close"' not in body
    refused = client.post(_url(order), {"action": "feedback", "response": "  "})
    assert refused.status_code == 200 and 'id="order-error"' in refused.content.decode()
    client.post(_url(order), {"action": "save", "response": "正在整改"})
    assert (
        client.post(_url(order), {"action": "feedback", "response": "已整改完毕"}).status_code
        == 302
    )
    order.refresh_from_db()
    assert (order.status, order.response) == (OrderStatus.RESPONDED, "已整改完毕")
    actions = re.findall(r'data-action="(\w+)"', client.get(_url(order)).content.decode())
    assert actions == ["feedback", "save", "start", "sign", "assign"]


def test_charlie_may_neither_open_nor_answer_an_order_of_alices_school(client, city):
    order = raise_order(city.jinshui_one)
    client.force_login(city.users["charlie"])
    assert client.get(_url(order)).status_code == 403
    assert client.post(_url(order), {"action": "sign"}).status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.ASSIGNED


def test_lee_reads_an_answered_order_but_only_sue_may_close_it(client, city):
    order = _answered(city)
    client.force_login(city.users["lee"])
    body = client.get(_url(order)).content.decode()
    assert "已整改" in body and 'value="close"' not in body
    assert client.post(_url(order), {"action": "close"}).status_code == 403
    client.force_login(city.users["dan"])
    assert client.post(_url(order), {"action": "close"}).status_code == 403
    client.force_login(city.users["sue"])
    assert 'value="close"' in client.get(_url(order)).content.decode()
    assert client.post(_url(order), {"action": "close"}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and order.closed_by == city.users["sue"]


def test_sue_sends_feedback_back_with_a_reason(client, city):
    order = _answered(city)
    client.force_login(city.users["sue"])
    refused = client.post(_url(order), {"action": "send_back", "reason": "", "due_on": ""})
    assert 'id="order-error"' in refused.content.decode()
    bad_date = client.post(_url(order), {"action": "send_back", "reason": "补充", "due_on": "x"})
    assert 'id="order-error"' in bad_date.content.decode()
    assert (
        client.post(_url(order), {"action": "send_back", "reason": "补充佐证"}).status_code == 302
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_PROGRESS


def test_an_unknown_action_is_a_bad_request(client, city):
    order = raise_order(city.jinshui_one)
    client.force_login(city.users["alice"])
    assert client.post(_url(order), {"action": "delete"}).status_code == 400


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 403), ("bob", 403), ("dan", 403), ("lee", 200), ("sue", 200)]
)
def test_the_board_is_for_the_supervision_office_and_leaders(client, city, who, status):
    client.force_login(city.users[who])
    assert client.get(BOARD).status_code == status


def test_the_board_filters_by_colour_status_and_rule(client, city):
    late = raise_order(city.jinshui_one, rule=Rule.REPORT_MISSING)  # 2016: long red
    answered = _answered(city)
    fresh = raise_order(city.erqi_one, at=datetime.date.today(), respond_days=30)
    client.force_login(city.users["sue"])
    assert set(_rows(client.get(BOARD).content.decode())) == {
        str(late.pk),
        str(answered.pk),
        str(fresh.pk),
    }
    assert _rows(client.get(BOARD + "?colour=red").content.decode()) == [str(late.pk)]
    # Answered years after its 2016 deadline: late, so yellow, never green.
    assert _rows(client.get(BOARD + "?colour=yellow").content.decode()) == [str(answered.pk)]
    assert _rows(client.get(BOARD + "?colour=green").content.decode()) == [str(fresh.pk)]
    assert _rows(client.get(BOARD + "?status=responded").content.decode()) == [str(answered.pk)]
    assert _rows(client.get(BOARD + "?rule=report_missing").content.decode()) == [str(late.pk)]
    body = client.get(BOARD).content.decode()
    assert 'data-count="red">1<' in body and 'data-count="green">1<' in body
    assert 'data-count="yellow">1<' in body


def test_the_inbox_shows_my_messages_and_marks_them_read(
    client, city, django_capture_on_commit_callbacks
):
    raise_order(city.jinshui_one)
    raise_order(city.erqi_one)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(at=datetime.date(2016, 9, 6))
    mine = InboxMessage.objects.get(user=city.users["alice"])
    theirs = InboxMessage.objects.get(user=city.users["charlie"])
    client.force_login(city.users["alice"])
    body = client.get(INBOX).content.decode()
    assert f'data-message="{mine.pk}"' in body and f'data-message="{theirs.pk}"' not in body
    assert 'id="unread-count">1<' in body
    assert client.post(INBOX, {"action": "read", "message": theirs.pk}).status_code == 404
    assert client.post(INBOX, {"action": "read", "message": mine.pk}).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert 'id="unread-count"' not in client.get(INBOX).content.decode()
    client.force_login(city.users["charlie"])
    client.post(INBOX, {"action": "read_all"})
    theirs.refresh_from_db()
    assert theirs.read_at is not None


@pytest.mark.parametrize("url", [MINE, BOARD, INBOX])
def test_anonymous_visitors_are_sent_to_log_in(client, city, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("alice", MINE),
        ("bob", MINE + "?closed=1"),
        ("sue", BOARD),
        ("lee", BOARD + "?colour=red&rule=milestone_overdue"),
        ("alice", INBOX),
    ],
)
def test_list_pages_make_no_more_queries_for_ten_orders_than_for_one(
    client, city, who, url, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    def add(n):
        for _ in range(n):
            raise_order(city.jinshui_one)
        with django_capture_on_commit_callbacks(execute=True):
            reminders_send(at=datetime.date(2016, 9, 6))

    client.force_login(city.users[who])
    add(1)
    with CaptureQueriesContext(connection) as one:
        first = client.get(url)
    assert first.status_code == 200
    add(9)
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(url).content.decode()
    listed = body.count('class="order-row"') or body.count('class="list-group-item inbox-message')
    assert listed == 10


def test_sue_accepts_and_closes_from_the_board_and_lee_sees_no_such_button(client, city):
    order = _answered(city)
    client.force_login(city.users["lee"])
    assert 'value="close"' not in client.get(BOARD).content.decode()
    client.force_login(city.users["sue"])
    body = client.get(BOARD).content.decode()
    assert 'value="close"' in body and "已整改" in body
    response = client.post(_url(order), {"action": "close", "next": BOARD})
    assert response.status_code == 302 and response["Location"] == BOARD
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    elsewhere = client.post(
        _url(_answered(city)), {"action": "close", "next": "https://example.com/"}
    )
    assert elsewhere["Location"].startswith("/supervision/orders/")
