"""The petitions office's pages: registering (a retried form stored once, bad input
refused with a message), handling a case from its page, the lists in a fixed number of
queries."""

from __future__ import annotations

import datetime

import time_machine
from django.test import Client
from django.urls import reverse

from eduplan.petitions.models import PetitionCase, Petitioner
from eduplan.petitions.tests.conftest import register

NOW = datetime.datetime(2017, 1, 3, 2, tzinfo=datetime.UTC)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(city, **overrides):
    data = {
        "request_key": "k-1",
        "received_on": "2017-01-02",
        "channel": "letter",
        "category": "fees",
        "concerned_unit": city.jinshui_two.pk,
        "summary": "反映收取补课费",
        "people_count": "1",
        "name": "陈某",
        "id_number": "",
        "phone": "",
        "address": "",
        "earlier": "",
    }
    data.update(overrides)
    return data


def test_the_office_registers_a_case_once_however_often_the_form_is_sent(city, office):
    xena = _client(city.users["xena"])
    url = reverse("petitions:register")
    with time_machine.travel(NOW, tick=False):
        assert xena.get(url).status_code == 200
        first = xena.post(url, _form(city))
        second = xena.post(url, _form(city))
    case = PetitionCase.objects.get()
    assert first["Location"] == second["Location"] == reverse("petitions:case", args=[case.pk])
    assert Petitioner.objects.count() == 1 and case.received_by == city.root


def test_a_bad_registration_says_what_is_wrong_and_stores_nothing(city, office):
    xena = _client(city.users["xena"])
    with time_machine.travel(NOW, tick=False):
        response = xena.post(
            reverse("petitions:register"), _form(city, received_on="2017-02-01", earlier="")
        )
    assert (
        response.status_code == 200
        and "2017" not in response.context["form"].errors.get("received_on", [""])[0]
    )
    assert response.context["form"].non_field_errors()
    assert not PetitionCase.objects.exists()


def test_a_district_handles_its_case_from_the_case_page(city, case):
    bob = _client(city.users["bob"])
    url = reverse("petitions:case", args=[case.pk])
    with time_machine.travel(NOW, tick=False):
        bob.post(url, {"action": "decide", "accepted": "1", "on": "2017-01-03", "note": ""})
        page = bob.get(url).content.decode()
    case.refresh_from_db()
    assert case.accepted and case.due_step == "reply"
    assert "2017-03-04" in page  # sixty days after 3 January
    alice = _client(city.users["alice"])
    assert alice.post(url, {"action": "route"}).status_code == 403


def test_the_lists_read_a_fixed_number_of_queries(city, office, django_assert_max_num_queries):
    for _ in range(3):
        register(city)
    xena = _client(city.users["xena"])
    with time_machine.travel(NOW, tick=False):
        xena.get(reverse("petitions:cases"))
        with django_assert_max_num_queries(12) as few:
            xena.get(reverse("petitions:cases") + "?state=all")
    for _ in range(20):
        register(city)
    with time_machine.travel(NOW, tick=False):
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = xena.get(reverse("petitions:cases") + "?state=all")
        assert response.content.decode().count("XF2016-") >= 23
        with django_assert_max_num_queries(12):
            assert xena.get(reverse("petitions:overview") + "?year=2016").status_code == 200
