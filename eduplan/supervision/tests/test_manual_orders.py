"""Orders raised by hand: Sue (the supervision office) raises an order from a leader's
instruction with its source document; Bob's district signs, reports progress, answers
with evidence; Sue reviews and closes. Only the office raises; a retried form stores one
order; bad input names its field and stores nothing."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from eduplan.core.errors import InputError
from eduplan.core.xlsx import table_xlsx
from eduplan.org.models import Role, UnitType
from eduplan.org.selectors import ERR_UNIT_UNKNOWN
from eduplan.org.tests.factories import OrgUnitFactory, user_with_role
from eduplan.supervision.evidence import EvidenceItem
from eduplan.supervision.handling import (
    ERR_DUE_PAST,
    ERR_OFFICE_ITSELF,
    ERR_SOURCE,
    ERR_UNIT_OUTSIDE,
    order_cohandlers_add,
    order_interim_feedback,
    order_raise,
    order_reassign,
)
from eduplan.supervision.models import (
    InboxMessage,
    MessageKind,
    OrderEvent,
    OrderEvidence,
    OrderStatus,
    Rule,
    SupervisionOrder,
)
from eduplan.supervision.services import (
    ERR_NOT_RESPONSIBLE,
    ERR_OFFICE_ONLY,
    order_close,
    order_feedback,
    order_review,
    order_sign,
)
from eduplan.supervision.tests.conftest import TODAY, draft_for, raise_by_hand

NEW = "/supervision/orders/new/"


@pytest.fixture(autouse=True)
def _today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(TODAY, tick=False):
        yield


def _form(token: str, **changes: str) -> dict[str, str]:
    data = {
        "token": token,
        "source": "meeting",
        "source_title": "局长办公会议纪要",
        "source_number": "郑教纪〔2016〕3号",
        "source_date": "2016-08-30",
        "title": "完成校舍安全排查",
        "asked": "排查全部校舍并报送清单",
        "unit": "金水区",
        "cohandlers": "",
        "due_on": "2016-09-20",
    }
    data.update(changes)
    return data


def test_sue_raises_an_order_with_its_source_and_every_step_after_is_stamped(city, people):
    sue, bob = city.users["sue"], city.users["bob"]
    source = SimpleUploadedFile("批示.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    order = raise_by_hand(sue, "410105", source_file=source)
    assert (order.rule, order.status, order.responsible_unit) == (
        Rule.MANUAL,
        OrderStatus.ASSIGNED,
        city.jinshui,
    )
    assert order.subject.startswith("manual:") and order.source == "leader"
    assert order.source_number == "郑教督〔2016〕12号" and order.source_file.name.endswith(".pdf")
    assert (order.assigned_on, order.due_on, order.created_by) == (
        datetime.date(2016, 9, 1),
        datetime.date(2016, 9, 30),
        sue,
    )
    [notice] = InboxMessage.objects.filter(user=bob)
    assert notice.kind == MessageKind.NOTICE and f"#{order.pk}" in notice.subject
    assert "金水区" in notice.subject and "2016-09-30" in notice.subject

    order_sign(user=bob, order=order)
    for note in ("已完成摸底", "已开工两所"):
        order_interim_feedback(user=bob, order=order, text=note)
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_PROGRESS  # interim feedback is not 反馈
    link = EvidenceItem(url="https://example.org/jinshui/report", note="开工通报")
    photo = EvidenceItem(
        upload=SimpleUploadedFile("开工.jpg", b"\xff\xd8\xff\xe0 jpeg"), note="现场照片"
    )
    order_feedback(user=bob, order=order, response="两所学校均已开工", evidence=[link, photo])
    order_review(user=sue, order=order)
    order_close(user=sue, order=order, note="核实无误")
    history = list(order.events.values_list("action", "status", "actor__username", "note"))
    assert history == [
        ("assign", "assigned", "sue", "9月30日前报告新建学校开工情况"),
        ("sign", "signed", "bob", ""),
        ("start", "in_progress", "bob", ""),
        ("interim", "in_progress", "bob", "已完成摸底"),
        ("interim", "in_progress", "bob", "已开工两所"),
        ("feedback", "responded", "bob", "两所学校均已开工"),
        ("review", "reviewing", "sue", ""),
        ("close", "closed", "sue", "核实无误"),
    ]
    assert all(e.at is not None for e in order.events.all())
    evidence = list(OrderEvidence.objects.filter(order=order).order_by("pk"))
    assert [(e.url, e.name, e.note, e.unit, e.added_by) for e in evidence] == [
        ("https://example.org/jinshui/report", "", "开工通报", city.jinshui, bob),
        ("", "开工.jpg", "现场照片", city.jinshui, bob),
    ]
    assert {e.event.action for e in evidence} == {"feedback"}


def test_the_order_page_shows_the_source_the_interim_feedback_and_the_evidence(client, city):
    sue, bob = city.users["sue"], city.users["bob"]
    order = raise_by_hand(sue, "金水区", source_file=SimpleUploadedFile("批示.pdf", b"%PDF"))
    order_sign(user=bob, order=order)
    client.force_login(bob)
    url = f"/supervision/orders/{order.pk}/"
    sheet = table_xlsx(title="进度", header=["进度"], rows=[["50%"]])
    upload = SimpleUploadedFile("进度表.xlsx", sheet)
    done = client.post(
        url,
        {"action": "interim", "interim": "已完成一半", "evidence_files": upload},
    )
    assert done.status_code == 302
    body = client.get(url).content.decode()
    assert "郑教督〔2016〕12号" in body and "关于加快推进学校建设的批示" in body
    assert 'data-action="interim"' in body and "已完成一半" in body and "进度表.xlsx" in body
    evidence = OrderEvidence.objects.get(order=order)
    assert client.get(f"/supervision/evidence/{evidence.pk}/").getvalue() == sheet
    assert client.get(f"/supervision/orders/{order.pk}/source/").getvalue() == b"%PDF"
    client.force_login(city.users["dora"])  # another district: neither the page nor the files
    assert client.get(url).status_code == 403
    assert client.get(f"/supervision/evidence/{evidence.pk}/").status_code == 403
    assert client.get(f"/supervision/orders/{order.pk}/source/").status_code == 403


def test_a_retried_create_stores_one_order(client, city):
    client.force_login(city.users["sue"])
    token = uuid.uuid4().hex
    form = client.get(NEW).content.decode()
    assert re.search(r'name="token" value="[0-9a-f]{32}"', form)
    first = client.post(NEW, _form(token))
    again = client.post(NEW, _form(token))
    [order] = SupervisionOrder.objects.all()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == f"/supervision/orders/{order.pk}/"
    assert order.source == "meeting" and order.responsible_unit == city.jinshui
    assert OrderEvent.objects.filter(order=order, action="assign").count() == 1
    # The service the page calls replays the same way.
    same = order_raise(user=city.users["sue"], draft=draft_for("金水区"), token=token)
    assert same.pk == order.pk and SupervisionOrder.objects.count() == 1


BAD = [
    ({"source": ""}, "source", ERR_SOURCE),
    ({"due_on": "2016-08-31"}, "due_on", ERR_DUE_PAST),
    ({"unit": "不存在区"}, "unit", ERR_UNIT_UNKNOWN),
    ({"cohandlers": "二七区、不存在区"}, "cohandlers", ERR_UNIT_UNKNOWN),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD)
def test_bad_input_gives_a_message_naming_the_field_and_stores_nothing(
    client, city, changes, field, message
):
    client.force_login(city.users["sue"])
    refused = client.post(NEW, _form(uuid.uuid4().hex, **changes))
    assert refused.status_code == 200
    body = refused.content.decode()
    [item] = re.findall(rf'<li data-field="{field}">(.*?)</li>', body)
    expected = str(message).split("%")[0]
    assert expected in item
    assert SupervisionOrder.objects.count() == 0 and InboxMessage.objects.count() == 0


def test_a_file_too_large_is_refused_naming_the_field(client, city, settings):
    settings.EDUPLAN_UPLOAD_MAX_BYTES = 10
    client.force_login(city.users["sue"])
    big = SimpleUploadedFile("纪要.pdf", b"x" * 11)
    refused = client.post(NEW, {**_form(uuid.uuid4().hex), "source_file": big})
    assert refused.status_code == 413 and "纪要.pdf" in refused.content.decode()
    assert SupervisionOrder.objects.count() == 0
    with pytest.raises(InputError, match=re.escape("纪要.pdf")) as caught:
        raise_by_hand(
            city.users["sue"], "金水区", source_file=SimpleUploadedFile("纪要.pdf", b"x" * 11)
        )
    assert caught.value.where == "source_file"


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"source": "rumour"}, "source"),
        ({"source_title": " "}, "source_title"),
        ({"asked": ""}, "asked"),
        ({"due_on": None}, "due_on"),
        ({"due_on": datetime.date(2016, 8, 31)}, "due_on"),
        ({"unit": ""}, "unit"),
    ],
)
def test_the_service_refuses_a_bad_draft_naming_the_field(city, changes, where):
    unit = changes.pop("unit", "金水区")
    with pytest.raises(InputError, match=f"^{re.escape(where)}: ") as refused:
        raise_by_hand(city.users["sue"], unit, **changes)
    assert refused.value.where == where
    assert SupervisionOrder.objects.count() == 0


@pytest.mark.parametrize("who", ["lee", "dan", "bob", "alice", "nobody"])
def test_nobody_but_the_supervision_office_raises_an_order(client, city, who):
    with pytest.raises(PermissionDenied, match=str(ERR_OFFICE_ONLY)):
        raise_by_hand(city.users[who], "金水区")
    client.force_login(city.users[who])
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _form(uuid.uuid4().hex)).status_code == 403
    assert SupervisionOrder.objects.count() == 0


def test_a_district_supervision_office_cannot_raise_an_order_for_another_district(client, city):
    office = user_with_role("sam", Role.SUPERVISION, city.jinshui)
    with pytest.raises(
        InputError, match=re.escape(str(ERR_UNIT_OUTSIDE) % {"unit": "二七区"})
    ) as refused:
        raise_by_hand(office, "二七区")
    assert refused.value.where == "unit"
    assert refused.value.message == str(ERR_UNIT_OUTSIDE) % {"unit": "二七区"}
    assert raise_by_hand(office, "金水一小").responsible_unit == city.jinshui_one
    client.force_login(office)
    refused_page = client.post(NEW, _form(uuid.uuid4().hex, unit="二七一小"))
    assert '<li data-field="unit">' in refused_page.content.decode()
    assert SupervisionOrder.objects.count() == 1


def test_leaders_read_a_raised_order_but_do_not_decide_and_others_do_not_answer(client, city):
    order = raise_by_hand(city.users["sue"], "金水区")
    client.force_login(city.users["lee"])
    body = client.get(f"/supervision/orders/{order.pk}/").content.decode()
    assert "局长办公会议纪要" not in body and "关于加快推进学校建设的批示" in body
    assert 'value="reassign"' not in body and 'value="sign"' not in body
    assert client.post(f"/supervision/orders/{order.pk}/", {"action": "sign"}).status_code == 403
    for who in ("dora", "alice", "lee"):
        with pytest.raises(PermissionDenied, match=str(ERR_NOT_RESPONSIBLE)):
            order_sign(user=city.users[who], order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.ASSIGNED


def test_the_board_offers_a_new_order_to_the_office_only(client, city):
    client.force_login(city.users["sue"])
    assert (
        'id="order-new" href="/supervision/orders/new/"'
        in client.get("/supervision/board/").content.decode()
    )
    client.force_login(city.users["lee"])
    assert 'id="order-new"' not in client.get("/supervision/board/").content.decode()


def test_the_office_never_assigns_an_order_to_itself(city):
    office = OrgUnitFactory(
        code="DEPT-DCS", name="督查室", type=UnitType.DEPARTMENT, parent=city.root
    )
    sue = city.users["sue"]
    refusal = str(ERR_OFFICE_ITSELF) % {"unit": office.name}
    with pytest.raises(InputError, match=re.escape(refusal)) as refused:
        raise_by_hand(sue, "督查室")
    assert refused.value.where == "unit"
    assert SupervisionOrder.objects.count() == 0
    order = raise_by_hand(sue, "金水区")
    with pytest.raises(InputError, match=re.escape(refusal)):
        order_cohandlers_add(user=sue, order=order, units="督查室")
    with pytest.raises(InputError, match=re.escape(refusal)):
        order_reassign(user=sue, order=order, unit="督查室", reason="改由督查室办理")
    order.refresh_from_db()
    assert order.responsible_unit == city.jinshui and not order.cohandlers.exists()
