"""Who sees and adjusts which assessment: leaders and the office every unit, Bob his
district only, Dan his department only, Alice (a school) nothing, anonymous visitors
the login page; adjustments only by Lee or Sue, with a reason, stored once, audited."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from eduplan.appraisal.models import Adjustment
from eduplan.appraisal.services import adjustment_record
from eduplan.core.errors import InputError
from eduplan.org.access import Action, can

INDEX = "/appraisal/2016/"


def _units(body: str) -> list[str]:
    return re.findall(r'class="appraisal-row" data-unit="([^"]+)"', body)


@pytest.mark.parametrize(
    ("who", "units"),
    [
        ("lee", ["D-JC", "D-TWY", "410103", "410105"]),
        ("sue", ["D-JC", "D-TWY", "410103", "410105"]),
        ("dan", ["D-JC"]),
        ("bob", ["410105"]),
        ("dora", ["410103"]),
    ],
)
def test_the_list_shows_the_units_in_scope_by_code_with_no_rank(client, city, year, who, units):
    client.force_login(city.users[who])
    body = client.get(INDEX).content.decode()
    assert _units(body) == units
    assert "排名" not in body.replace("不是排名", "")
    assert "按单位代码排列，不是排名" in body


@pytest.mark.parametrize("who", ["alice", "charlie", "nobody"])
def test_a_school_or_a_user_without_scope_sees_no_assessment(client, city, year, who):
    client.force_login(city.users[who])
    assert client.get(INDEX).status_code == 403
    assert client.get(f"{INDEX}410105/").status_code == 403
    assert client.get(f"{INDEX}410105/xlsx/").status_code == 403


@pytest.mark.parametrize("url", [INDEX, f"{INDEX}410105/", f"{INDEX}410105/xlsx/", "/appraisal/"])
def test_anonymous_visitors_get_the_login_page(client, city, year, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_district_sees_its_own_page_and_not_its_neighbours(client, city, year):
    client.force_login(city.users["bob"])
    assert client.get(f"{INDEX}410105/").status_code == 200
    assert client.get(f"{INDEX}410103/").status_code == 403
    assert client.get(f"{INDEX}410103/xlsx/").status_code == 403
    assert client.get(f"{INDEX}D-JC/").status_code == 403


def test_department_staff_see_their_department_only(client, city, year):
    client.force_login(city.users["dan"])
    assert client.get(f"{INDEX}D-JC/").status_code == 200
    assert client.get(f"{INDEX}D-TWY/").status_code == 403
    assert client.get(f"{INDEX}410105/").status_code == 403


def test_a_school_is_not_an_appraised_unit(client, city, year):
    client.force_login(city.users["lee"])
    assert client.get(f"{INDEX}410105-P1/").status_code == 404


@pytest.mark.parametrize("who", ["lee", "sue", "dan", "bob", "dora", "alice", "nobody"])
def test_only_leaders_and_the_office_may_adjust(city, who):
    assert can(city.users[who], Action.APPRAISAL_ADJUST, city.jinshui) is (who in {"lee", "sue"})
    may_view = who in {"lee", "sue", "bob"}
    assert can(city.users[who], Action.APPRAISAL_VIEW, city.jinshui) is may_view


def _post(client, code: str = "410105", **data):
    payload = {"points": "-2", "reason": "发生安全责任事故", "request_key": "k-1", **data}
    return client.post(f"{INDEX}{code}/adjust/", payload)


def test_sue_adjusts_a_score_with_a_reason_and_a_retry_is_stored_once(client, city, year):
    client.force_login(city.users["sue"])
    first = _post(client)
    assert first.status_code == 302 and first["Location"] == f"{INDEX}410105/"
    assert _post(client).status_code == 302  # the browser sent it again
    [adjustment] = Adjustment.objects.all()
    assert (adjustment.unit, adjustment.year, adjustment.points) == (
        city.jinshui,
        2016,
        Decimal(-2),
    )
    assert adjustment.made_by == city.users["sue"] and adjustment.reason == "发生安全责任事故"
    body = client.get(f"{INDEX}410105/").content.decode()
    assert 'id="score-adjusted">-2.0<' in body and 'id="score-final">73<' in body
    assert "sue" in body and "发生安全责任事故" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "   "}, "请填写调整理由"),
        ({"points": "0"}, "不为 0"),
        ({"points": "120"}, "不为 0"),
        ({"points": "abc"}, "数"),
    ],
)
def test_a_bad_adjustment_is_refused_saying_why_and_nothing_is_stored(
    client, city, year, data, message
):
    client.force_login(city.users["lee"])
    response = _post(client, **data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Adjustment.objects.exists()


@pytest.mark.parametrize("who", ["bob", "dan", "alice"])
def test_others_cannot_adjust_even_their_own_score(client, city, year, who):
    client.force_login(city.users[who])
    code = "D-JC" if who == "dan" else "410105"
    assert _post(client, code=code).status_code == 403
    assert not Adjustment.objects.exists()


def test_an_adjustment_is_append_only_and_a_reused_key_is_refused(city, year):
    lee = city.users["lee"]
    made = adjustment_record(
        user=lee, unit=city.erqi, year=2016, points="1.5", reason="创新加分", request_key="k"
    )
    with pytest.raises(InputError, match="另一项调整"):
        adjustment_record(
            user=lee, unit=city.erqi, year=2016, points="3", reason="创新加分", request_key="k"
        )
    with pytest.raises(ValueError, match="append-only"):
        made.save()
    with pytest.raises(ValueError, match="append-only"):
        made.delete()
    assert Adjustment.objects.count() == 1


def test_the_list_sends_as_many_queries_for_more_districts(client, city, year):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from eduplan.org.models import UnitType
    from eduplan.org.tests.factories import OrgUnitFactory

    client.force_login(city.users["lee"])
    client.get(INDEX)  # target statuses are computed once per data change
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    for code in ("410106", "410108"):
        OrgUnitFactory(code=code, name=code, type=UnitType.DISTRICT, parent=city.root)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as more:
        body = client.get(INDEX).content.decode()
    assert _units(body)[-2:] == ["410106", "410108"]
    assert len(more) == len(few)
