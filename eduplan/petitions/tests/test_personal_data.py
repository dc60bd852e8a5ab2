"""A petitioner's identity and contact appear only on the petitions office's own page for
them, and each read is logged: never on another page of any role, in a workbook, on a
public page, in a log line, in a supervision order or in the API."""

from __future__ import annotations

import datetime
import io
import logging

import pytest
import time_machine
from django.test import Client
from django.urls import get_resolver, reverse
from openpyxl import load_workbook

from eduplan.org.access import declared_rule
from eduplan.petitions.models import BacklogCase, PersonalDataRead, RiskEntry
from eduplan.petitions.services import case_decide, case_route
from eduplan.petitions.tests.conftest import PERSONAL, register
from eduplan.supervision.models import OrderEvent, SupervisionOrder
from eduplan.supervision.services import supervision_scan

ROLES = ["lee", "sue", "dan", "xena", "bob", "dora", "alice", "charlie", "nobody"]
NOW = datetime.datetime(2017, 1, 3, 2, tzinfo=datetime.UTC)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pages(case) -> list[str]:
    cases = reverse("petitions:cases")
    overview = reverse("petitions:overview")
    return [
        cases,
        f"{cases}?state=all",
        reverse("petitions:case", args=[case.pk]),
        f"{overview}?year=2016",
        reverse("petitions:risks"),
        reverse("petitions:backlog"),
        reverse("petitions:register"),
    ]


def _exports(case) -> list[str]:
    return [
        reverse("petitions:cases") + "?state=all&export=cases",
        reverse("petitions:overview") + "?year=2016&export=overview",
        reverse("petitions:risks") + "?export=risks",
        reverse("petitions:backlog") + "?export=backlog",
    ]


def _expected_status(who: str, url: str) -> int:
    """Everyone with a role and a scope opens the lists (cut to what they may see); the
    case (routed to 金水区) opens to its district, the office and the bureau's readers;
    the form to register, to the office and the districts."""
    if who == "nobody":
        return 403
    if url.endswith("/new/"):
        return 200 if who in {"xena", "bob", "dora"} else 403
    if url.rstrip("/").split("/")[-1].isdigit():
        return 200 if who in {"lee", "sue", "xena", "bob"} else 403
    return 200


def _no_personal_data(text: str, where: str) -> None:
    for value in PERSONAL:
        assert value not in text, f"{value} in {where}"


@pytest.fixture
def handled(city, case):
    """The case routed to 金水区, a backlog case, a risk: every list has a row."""
    with time_machine.travel(NOW, tick=False):
        case_route(user=city.users["xena"], case=case, unit=city.jinshui, on=NOW.date())
    BacklogCase.objects.create(case=case, lead_official="张局长", listed_on=NOW.date())
    RiskEntry.objects.create(
        unit=city.jinshui, period="2016Q4", category="fees", level="high", description="收费争议"
    )
    return case


@pytest.mark.parametrize("who", ROLES)
def test_no_page_and_no_workbook_of_any_role_shows_a_petitioner(city, handled, who):
    client = _client(city.users[who])
    with time_machine.travel(NOW, tick=False):
        for url in _pages(handled):
            response = client.get(url)
            assert response.status_code == _expected_status(who, url), url
            _no_personal_data(response.content.decode(), f"{who} {url}")
        for url in _exports(handled):
            response = client.get(url)
            assert response.status_code == _expected_status(who, url), url
            if response.status_code != 200:
                continue
            book = load_workbook(io.BytesIO(response.content))
            cells = " ".join(
                str(c)
                for ws in book.worksheets
                for row in ws.iter_rows(values_only=True)
                for c in row
            )
            _no_personal_data(cells, f"{who} {url}")
    assert not PersonalDataRead.objects.exists()  # nothing above read them


def test_the_case_page_shows_the_case_to_those_who_may_see_it(city, handled):
    url = reverse("petitions:case", args=[handled.pk])
    with time_machine.travel(NOW, tick=False):
        seen = {who for who in ROLES if _client(city.users[who]).get(url).status_code == 200}
    assert seen == {"lee", "sue", "xena", "bob"}  # routed to 金水区, not to Alice's school
    page = _client(city.users["xena"]).get(url).content.decode()
    assert handled.number in page and reverse("petitions:petitioners", args=[handled.pk]) in page


@pytest.mark.parametrize("who", ROLES)
def test_only_the_petitions_office_reads_petitioners_and_every_read_is_logged(city, handled, who):
    url = reverse("petitions:petitioners", args=[handled.pk])
    client = _client(city.users[who])
    first = client.get(url)
    if who != "xena":
        assert first.status_code == 403
        _no_personal_data(first.content.decode(), url)
        assert not PersonalDataRead.objects.exists()
        return
    second = client.get(url)
    for response in (first, second):
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        for value in PERSONAL:
            assert value in response.content.decode()
    reads = list(PersonalDataRead.objects.order_by("pk"))
    assert [(r.user.username, r.case_id) for r in reads] == [("xena", handled.pk)] * 2
    assert all(r.at is not None for r in reads)


def test_an_anonymous_visitor_is_sent_to_log_in_and_no_petitions_page_is_public(client, case):
    response = client.get(reverse("petitions:petitioners", args=[case.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    patterns = get_resolver().url_patterns
    petitions = next(p for p in patterns if getattr(p, "namespace", None) == "petitions")
    for pattern in petitions.url_patterns:
        rule = declared_rule(pattern.callback)
        assert rule is not None and rule.action is not None, pattern.name
    _no_personal_data(client.get(reverse("public:index")).content.decode(), "public index")


def test_no_log_line_carries_a_petitioner(city, office, caplog):
    caplog.set_level(logging.DEBUG)
    case = register(city, people_count=6)  # a group petition that skipped a level
    xena = _client(city.users["xena"])
    with time_machine.travel(NOW, tick=False):
        case_decide(user=city.users["xena"], case=case, accepted=True, on=NOW.date())
        xena.get(reverse("petitions:petitioners", args=[case.pk]))
        _client(city.users["bob"]).get(reverse("petitions:petitioners", args=[case.pk]))
        xena.post(reverse("petitions:case", args=[case.pk]), {"action": "extend", "days": 99})
    supervision_scan(at=datetime.date(2017, 3, 1))
    logged = " ".join(
        f"{r.getMessage()} {r.args!r} {getattr(r, 'request', '')}" for r in caplog.records
    )
    assert caplog.records  # the refused read above was logged (403)
    _no_personal_data(logged, "logs")


def test_supervision_orders_name_the_case_never_its_petitioner(city, office):
    case = register(city, people_count=6)
    result = supervision_scan(at=datetime.date(2017, 1, 3))
    orders = SupervisionOrder.objects.filter(subject__startswith=f"petition:{case.pk}")
    assert result.total_created >= 3 and orders.count() >= 3
    for order in orders:
        assert case.number in order.title
        _no_personal_data(f"{order.title} {order.detail}", "order")
    for event in OrderEvent.objects.filter(order__in=orders):
        _no_personal_data(event.note, "order history")


def test_the_api_offers_nothing_of_petitions(city, case):
    schema = _client(city.users["xena"]).get("/api/v1/openapi.json")
    assert schema.status_code == 200
    text = schema.content.decode()
    # ("competition" holds the letters too: look for the register's own words.)
    for word in ("/petitions", "petitioner", "Petitioner", "PetitionCase"):
        assert word not in text
    _no_personal_data(text, "API schema")
