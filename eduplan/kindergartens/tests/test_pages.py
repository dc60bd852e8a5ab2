"""The pages: public lists for anyone, the workflow pages for their roles only."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from eduplan.kindergartens.models import Application, Certification, Enrolment, RecheckRound
from eduplan.kindergartens.tests.conftest import population_store


@pytest.fixture
def certified(kg):
    Certification.objects.create(
        kindergarten=kg.jinshui_kg1, certified_on=datetime.date(2015, 3, 1)
    )
    Certification.objects.create(
        kindergarten=kg.erqi_kg,
        certified_on=datetime.date(2014, 3, 1),
        ended_on=datetime.date(2015, 3, 1),
    )
    return kg


def _login(client, kg, who):
    client.force_login(kg.users[who])
    return client


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return [row for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.values]


def test_the_public_list_shows_certified_kindergartens_only(
    client, certified, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        text = client.get("/kindergartens/public/").content.decode()
    assert "金水一幼" in text and "二七一幼" not in text and "金水二幼" not in text
    assert "800.00" in text and "12358" in text
    rows = _sheet(client.get("/kindergartens/public/xlsx/"))
    assert any(row and row[0] == "金水一幼" for row in rows)
    assert not any(row and row[0] == "二七一幼" for row in rows)


def test_the_public_notice_shows_what_runs_today(client, kg):
    today = datetime.date.today()
    Application.objects.create(
        kindergarten=kg.jinshui_kg2,
        kind=Application.Kind.INCLUSIVE,
        status=Application.Status.NOTICE,
        fee_monthly=Decimal("700"),
        evidence="x",
        applied_on=today,
        notice_starts=today,
        notice_ends=today + datetime.timedelta(days=7),
    )
    Application.objects.create(
        kindergarten=kg.erqi_kg,
        kind=Application.Kind.INCLUSIVE,
        status=Application.Status.APPLIED,
        fee_monthly=Decimal("700"),
        evidence="x",
        applied_on=today,
    )
    text = client.get("/kindergartens/public/notices/").content.decode()
    assert "金水二幼" in text and "二七一幼" not in text
    rows = _sheet(client.get("/kindergartens/public/notices/xlsx/"))
    assert any(row and row[0] == "金水二幼" for row in rows)


def test_the_staff_pages_ask_for_a_login(client, kg):
    for url in ("/kindergartens/", "/kindergartens/applications/", "/kindergartens/rechecks/"):
        assert client.get(url).status_code == 302


def test_the_overview_shows_each_district_with_its_double_ninety(client, kg, population_form):
    form, version = population_form
    population_store(form, version, kg.city.jinshui, 2016, 100)
    Enrolment.objects.create(
        kindergarten=kg.jinshui_kg1,
        unit_path=kg.jinshui_kg1.unit_path,
        year=2016,
        counted_on=datetime.date(2016, 9, 1),
        classes=3,
        children_3=30,
        children_4=30,
        children_5=32,
    )
    text = _login(client, kg, "xue").get("/kindergartens/?year=2016").content.decode()
    assert "金水区" in text and "二七区" in text and "92.0" in text
    text = _login(client, kg, "dora").get("/kindergartens/?year=2016").content.decode()
    assert "二七区" in text and "金水区" not in text
    rows = _sheet(_login(client, kg, "xue").get("/kindergartens/?year=2016&export=rates"))
    assert any(row and row[0] == "金水区" and row[1] == 92 for row in rows)


def test_a_kindergarten_applies_and_its_district_reviews_through_the_pages(client, kg):
    _login(client, kg, "kim")
    data = {"kind": "inclusive", "fee_monthly": "650", "evidence": "收费批复"}
    assert (
        client.post(f"/kindergartens/k/{kg.jinshui_kg1.unit.code}/apply/", data).status_code == 302
    )
    # Sent again (a retry): refused, stored once.
    response = client.post(f"/kindergartens/k/{kg.jinshui_kg1.unit.code}/apply/", data)
    assert response.status_code == 400 and Application.objects.count() == 1
    application = Application.objects.get()
    assert (
        _login(client, kg, "dora").get(f"/kindergartens/applications/{application.pk}/").status_code
        == 403
    )
    step = {"what": "step", "step": "district_pass"}
    assert (
        client.post(f"/kindergartens/applications/{application.pk}/act/", step).status_code == 403
    )
    _login(client, kg, "bob")
    assert (
        "区县现场评估通过"
        in client.get(f"/kindergartens/applications/{application.pk}/").content.decode()
    )
    client.post(f"/kindergartens/applications/{application.pk}/act/", step)
    application.refresh_from_db()
    assert application.status == Application.Status.DISTRICT_PASSED
    # Out of order: refused with its reason, nothing changed.
    response = client.post(f"/kindergartens/applications/{application.pk}/act/", step, follow=True)
    assert "此步骤现在不能办理" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.DISTRICT_PASSED


def test_only_the_preschool_department_opens_the_rounds(client, kg):
    assert _login(client, kg, "bob").get("/kindergartens/rechecks/").status_code == 403
    assert _login(client, kg, "dan").get("/kindergartens/rechecks/").status_code == 403
    _login(client, kg, "xue")
    assert client.get("/kindergartens/rechecks/").status_code == 200
    response = client.post("/kindergartens/rechecks/", {"year": "2016", "size": "2", "seed": "s"})
    assert response.status_code == 302
    round_ = RecheckRound.objects.get()
    text = client.get(f"/kindergartens/rechecks/{round_.year}/").content.decode()
    assert "s" in text and round_.items.count() == 2
    assert client.post("/kindergartens/rechecks/", {"year": "2016", "size": "2"}).status_code == 400
