"""The value-added pages and workbooks, as each role: who sees what, no figure below the
minimum cohort, and schools always in the order of their codes, never by value-added."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse

from eduplan.valueadded.figures import POOLED, Model, fits_for

CITY = reverse("valueadded:city")
VIEWERS = ["lee", "dan"]
REFUSED = ["sue", "sam", "bob", "dora", "alice", "charlie", "hugh", "nobody"]
INTERVAL = re.compile(r"\[-?\d+\.\d, -?\d+\.\d\]")


def _school_url(code: str) -> str:
    return reverse("valueadded:school", args=[code])


def _rows(html: str) -> list[tuple[str, str]]:
    """(school code, the row's text) of each school row, in page order."""
    return re.findall(r'<tr data-school="([^"]+)">(.*?)</tr>', html, re.S)


def _visible(html: str) -> str:
    return re.sub(r"<script.*?</script>", "", html, flags=re.S)


def _xlsx_rows(content: bytes) -> list[tuple]:
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert ws is not None
    return [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0]]


@pytest.mark.parametrize("who", VIEWERS)
def test_leaders_and_the_designated_department_see_every_high_school(client, high, who):
    client.force_login(high.users[who])
    response = client.get(CITY)
    assert response.status_code == 200
    assert [code for code, _ in _rows(response.content.decode())] == [s.code for s in high.schools]
    for school in high.schools:
        assert client.get(_school_url(school.code)).status_code == 200


@pytest.mark.parametrize("who", REFUSED)
def test_everyone_else_is_refused_the_city_and_its_workbook(client, high, who):
    client.force_login(high.users[who])
    assert client.get(CITY).status_code == 403
    assert client.get(CITY, {"export": "xlsx"}).status_code == 403


def test_no_page_is_public(client, high):
    for url in (CITY, _school_url(high.schools[0].code), reverse("valueadded:import")):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_a_high_schools_own_account_sees_its_school_and_no_other(client, high):
    client.force_login(high.users["hugh"])
    own = high.city.bureau_school
    assert client.get(reverse("valueadded:entry")).url == _school_url(own.code)
    page = client.get(_school_url(own.code))
    assert page.status_code == 200 and own.name in page.content.decode()
    assert client.get(_school_url(own.code), {"export": "xlsx"}).status_code == 200
    for other in high.schools:
        if other != own:
            assert client.get(_school_url(other.code)).status_code == 403
            assert client.get(_school_url(other.code), {"export": "xlsx"}).status_code == 403
    # Not a list of all schools, not even the link to it.
    assert reverse("valueadded:city") not in page.content.decode()


@pytest.mark.parametrize("who", ["sue", "sam", "bob", "alice"])
def test_a_school_page_is_refused_to_roles_without_the_right(client, high, who):
    client.force_login(high.users[who])
    assert client.get(_school_url(high.city.bureau_school.code)).status_code == 403


def test_a_unit_that_is_not_a_high_school_has_no_page(client, high):
    client.force_login(high.users["lee"])
    assert client.get(_school_url(high.city.jinshui_one.code)).status_code == 404


@pytest.mark.parametrize("who", VIEWERS)
def test_a_cohort_below_the_minimum_shows_no_figure_on_the_page_or_in_the_workbook(
    client, high, who
):
    client.force_login(high.users[who])
    small = high.schools[0]  # 18 pupils in 2018
    html = client.get(CITY, {"cohort": 2018}).content.decode()
    rows = dict(_rows(html))
    assert not INTERVAL.search(rows[small.code])
    assert "18" in rows[small.code]
    assert INTERVAL.search(rows[high.schools[1].code])
    funnel = json.loads(re.search(r'id="funnel-data"[^>]*>(.*?)</script>', html, re.S)[1])
    assert small.name not in {p["name"] for p in funnel["points"]}
    assert len(funnel["points"]) == len(high.schools) - 2  # schools 0 and 9: 18 pupils
    workbook = _xlsx_rows(client.get(CITY, {"export": "xlsx"}).content)
    line = next(r for r in workbook if r[0] == small.code and "2018" in r[2])
    assert line[3:] == (18, None, None, None) * 3
    own = client.get(_school_url(small.code), {"export": "xlsx"}).content
    year = [r for r in _xlsx_rows(own) if "2018" in r[0]]
    assert len(year) == 3 and all(r[3:] == (None, None, None) for r in year)


@pytest.mark.parametrize("who", ["lee", "dan", "hugh"])
def test_with_a_minimum_above_every_cohort_no_figure_is_shown_anywhere(client, high, settings, who):
    settings.EDUPLAN_VALUEADDED_MIN_PUPILS = 100_000
    client.force_login(high.users[who])
    own = high.city.bureau_school
    pages = [client.get(_school_url(own.code)).content.decode()]
    workbooks = [client.get(_school_url(own.code), {"export": "xlsx"}).content]
    if who != "hugh":
        pages += [client.get(CITY, {"cohort": c}).content.decode() for c in (2016, POOLED)]
        workbooks.append(client.get(CITY, {"export": "xlsx"}).content)
    for html in pages:
        assert not INTERVAL.search(_visible(html))
        assert '"points": []' in html or "funnel-data" not in html
        if "intervals-data" in html:
            chart = json.loads(re.search(r'id="intervals-data"[^>]*>(.*?)</script>', html, re.S)[1])
            for series in chart["series"]:
                assert {p[1] for p in series["data"]} | set(series["low"]) == {None}
    for content in workbooks:
        for row in _xlsx_rows(content):
            numbers = [v for v in row if isinstance(v, float)]
            assert numbers == []


@pytest.mark.parametrize("who", VIEWERS)
def test_schools_are_listed_by_code_never_by_value_added(client, high, who):
    client.force_login(high.users[who])
    fits = fits_for(POOLED)
    assert fits is not None
    effects = [fits.figure(Model.REGRESSION, s.pk).effect for s in high.schools]
    codes = [s.code for s in high.schools]
    by_value = [c for _e, c in sorted(zip(effects, codes, strict=True), reverse=True)]
    assert by_value != codes and by_value[::-1] != codes  # the test can tell them apart
    html = client.get(CITY).content.decode()
    assert [code for code, _ in _rows(html)] == codes
    workbook = _xlsx_rows(client.get(CITY, {"export": "xlsx"}).content)
    for label in {r[2] for r in workbook}:
        assert [r[0] for r in workbook if r[2] == label] == codes
    # No progression rate, no position (the page says it is not a ranking, and why).
    assert "升学率" not in html and "名次" not in html and not re.search(r"第\d+名", html)


def test_a_schools_page_shows_its_figure_by_cohort_subject_and_intake_band(client, high):
    client.force_login(high.users["hugh"])
    html = client.get(_school_url(high.city.bureau_school.code)).content.decode()
    # 4 rows (three cohorts, pooled) × 3 models, 10 subjects, and the intake bands with
    # enough pupils (a selective school has few in the lowest fifths).
    assert len(INTERVAL.findall(_visible(html))) >= 4 * 3 + 10 + 1
    for model in Model:
        assert model.label in html
    chart = json.loads(re.search(r'id="intervals-data"[^>]*>(.*?)</script>', html, re.S)[1])
    assert len(chart["categories"]) == 4 and len(chart["series"]) == 3
