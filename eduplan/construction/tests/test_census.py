"""Entering the class census of a school year: Alice keeps her school's, Bob his
district's schools', by page, workbook and API; Charlie and Dora touch none of Jinshui's;
bad input, stale revisions and retries change nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from eduplan.construction.census import (
    ClassRow,
    census_history,
    census_replace,
    census_revision,
    census_rows,
)
from eduplan.construction.census_xlsx import (
    census_xlsx_confirm,
    census_xlsx_read,
    census_xlsx_template,
)
from eduplan.construction.models import SchoolClass
from eduplan.core.errors import InputError, StaleRevision
from eduplan.core.models import ChangeEvent

YEAR = 2016


@pytest.fixture
def census(city):
    SchoolClass.objects.bulk_create(
        [
            SchoolClass(school=city.jinshui_one, school_year=YEAR, grade=1, number=1, pupils=45),
            SchoolClass(school=city.jinshui_one, school_year=YEAR, grade=1, number=2, pupils=58),
            SchoolClass(school=city.jinshui_two, school_year=YEAR, grade=2, number=1, pupils=70),
            SchoolClass(school=city.erqi_one, school_year=YEAR, grade=1, number=1, pupils=66),
        ]
    )
    return city


def _state():
    return (
        sorted(
            SchoolClass.objects.values_list(
                "school__code", "school_year", "grade", "number", "pupils"
            )
        ),
        ChangeEvent.objects.count(),
    )


def _rows(*triples):
    return [ClassRow(grade=g, number=n, pupils=p) for g, n, p in triples]


def _replace(city, who, school, rows, revision=None):
    return census_replace(
        user=city.users[who], school=school, school_year=YEAR, rows=rows, revision=revision
    )


# The service --------------------------------------------------------------------------


def test_alice_replaces_her_schools_classes_and_each_change_is_in_the_history(census):
    city = census
    revision = census_revision(census_rows(school=city.jinshui_one, school_year=YEAR))
    written = _replace(city, "alice", city.jinshui_one, _rows((1, 1, 46), (2, 1, 50)), revision)
    assert (written.changed, written.added, written.removed, written.corrected) == (True, 1, 1, 1)
    assert census_rows(school=city.jinshui_one, school_year=YEAR) == _rows((1, 1, 46), (2, 1, 50))
    history = {
        (h["what"], h["old"], h["new"], h["actor"]) for h in census_history(school=city.jinshui_one)
    }
    assert history == {
        ("1年级2班", 58, None, "alice"),
        ("1年级1班", 45, 46, "alice"),
        ("2年级1班", None, 50, "alice"),
    }


@pytest.mark.parametrize(
    ("who", "school"),
    [
        ("alice", "jinshui_two"),
        ("alice", "erqi_one"),
        ("dora", "jinshui_one"),
        ("lee", "jinshui_one"),
        ("dan", "jinshui_one"),
        ("nobody", "jinshui_one"),
    ],
)
def test_nobody_replaces_a_census_outside_their_scope_or_role(census, who, school):
    before = _state()
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        _replace(census, who, getattr(census, school), _rows((1, 1, 30)))
    assert _state() == before


def test_bob_keeps_every_school_of_his_district(census):
    written = _replace(census, "bob", census.jinshui_two, _rows((2, 1, 52)))
    assert written.corrected == 1
    assert census_rows(school=census.jinshui_two, school_year=YEAR) == _rows((2, 1, 52))


@pytest.mark.parametrize(
    ("rows", "where", "message"),
    [
        ([(1, 1, 0)], "classes[0].pupils", "班级人数须为 1 至 150 之间的整数"),
        ([(1, 1, 151)], "classes[0].pupils", "班级人数须为 1 至 150 之间的整数"),
        ([(13, 1, 40)], "classes[0].grade", "年级须为 1 至 12 之间的整数"),
        ([(1, 0, 40)], "classes[0].number", "班号须为 1 至 99 之间的整数"),
        ([(1, 1, 40), (1, 1, 41)], "classes[1]", "1年级1班重复填写"),
    ],
)
def test_a_bad_class_list_is_refused_where_it_is_wrong_and_nothing_is_stored(
    census, rows, where, message
):
    before = _state()
    with pytest.raises(InputError, match=message) as refused:
        _replace(census, "alice", census.jinshui_one, _rows(*rows))
    assert refused.value.where == where
    assert _state() == before


def test_a_stale_revision_is_a_conflict_and_nothing_is_stored(census):
    city = census
    seen = census_revision(census_rows(school=city.jinshui_one, school_year=YEAR))
    _replace(city, "bob", city.jinshui_one, _rows((1, 1, 44), (1, 2, 58)), seen)
    before = _state()
    with pytest.raises(StaleRevision, match="已被他人修改"):
        _replace(city, "alice", city.jinshui_one, _rows((1, 1, 45)), seen)
    assert _state() == before


def test_a_retried_write_is_stored_once_and_is_no_conflict(census):
    city = census
    seen = census_revision(census_rows(school=city.jinshui_one, school_year=YEAR))
    wanted = _rows((1, 1, 47), (1, 2, 58))
    first = _replace(city, "alice", city.jinshui_one, wanted, seen)
    after_first = _state()
    again = _replace(city, "alice", city.jinshui_one, wanted, seen)
    assert first.changed and not again.changed
    assert again.revision == first.revision
    assert _state() == after_first


def test_correcting_one_class_is_in_the_history_too(census):
    from eduplan.construction.services import school_class_set_pupils

    target = SchoolClass.objects.get(school=census.jinshui_one, grade=1, number=2)
    school_class_set_pupils(user=census.users["alice"], school_class=target, pupils=55)
    [event] = census_history(school=census.jinshui_one)
    assert (event["what"], event["old"], event["new"]) == ("1年级2班", 58, 55)


# The school's page ----------------------------------------------------------------------


def _formset(rows, revision, deleted=()):
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "revision": revision,
    }
    for i, (g, n, p) in enumerate(rows):
        data.update({f"form-{i}-grade": g, f"form-{i}-number": n, f"form-{i}-pupils": p})
        if i in deleted:
            data[f"form-{i}-DELETE"] = "on"
    return data


def test_alice_edits_removes_and_adds_classes_on_her_schools_page(client, census):
    city = census
    client.force_login(city.users["alice"])
    page = client.get(f"/units/410105-P1/classes/edit/?year={YEAR}")
    assert page.status_code == 200
    revision = page.context["revision"]
    body = _formset([(1, 1, 44), (1, 2, 58), (3, 1, 49), ("", "", "")], revision, deleted={1})
    response = client.post(f"/units/410105-P1/classes/edit/?year={YEAR}", body)
    assert response.status_code == 302
    assert census_rows(school=city.jinshui_one, school_year=YEAR) == _rows((1, 1, 44), (3, 1, 49))
    listing = client.get(f"/units/410105-P1/classes/?year={YEAR}").content.decode()
    assert "修改记录" in listing and "3年级1班" in listing


def test_a_stale_page_is_refused_with_a_message_and_nothing_is_stored(client, census):
    client.force_login(census.users["alice"])
    _replace(census, "bob", census.jinshui_one, _rows((1, 1, 40)))
    before = _state()
    stale = census_revision(_rows((1, 1, 45), (1, 2, 58)))
    response = client.post(
        f"/units/410105-P1/classes/edit/?year={YEAR}", _formset([(1, 1, 41)], stale)
    )
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize(
    ("who", "school", "status"),
    [
        ("alice", "410105-P1", 200),
        ("alice", "410105-P2", 403),
        ("bob", "410105-P2", 200),
        ("charlie", "410105-P1", 403),
        ("dora", "410105-P1", 403),
        ("lee", "410105-P1", 403),
    ],
)
def test_the_census_pages_are_scoped(client, census, who, school, status):
    client.force_login(census.users[who])
    for url in (
        f"/units/{school}/classes/edit/",
        f"/units/{school}/census/template/",
        f"/units/{school}/census/import/",
    ):
        assert client.get(url).status_code == status, url


# Workbooks --------------------------------------------------------------------------------


def _book(rows, codes=("school", "school_name", "school_year", "grade", "number", "pupils")):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "班级"
    ws.append(["标题"])
    ws.append(["学校代码", "学校", "学年", "年级", "班号", "人数"])
    ws.append(list(codes))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_district_workbook_lists_every_school_and_reads_back_unchanged(census):
    city = census
    data = census_xlsx_template(unit=city.jinshui, school_year=YEAR)
    ws = openpyxl.load_workbook(io.BytesIO(data))["班级"]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True)]
    assert rows == [
        ("410105-P1", "金水一小", YEAR, 1, 1, 45),
        ("410105-P1", "金水一小", YEAR, 1, 2, 58),
        ("410105-P2", "金水二小", YEAR, 2, 1, 70),
    ]
    read = census_xlsx_read(user=city.users["bob"], unit=city.jinshui, data=data, name="x.xlsx")
    assert read.problems == []
    assert [(b.school.code, b.changed) for b in read.batches] == [
        ("410105-P1", False),
        ("410105-P2", False),
    ]


def test_a_bad_workbook_names_every_problem_by_row_and_column_and_stores_nothing(census):
    city = census
    data = _book(
        [
            ("410105-P1", "", YEAR, 1, 1, 200),
            ("410105-P1", "", YEAR, 1, 1, 40),
            ("410105-P1", "", YEAR, 1, 1, 41),
            ("999", "", YEAR, 1, 1, 40),
            ("410103-P1", "", YEAR, 1, 1, 40),
            ("410105-P2", "", YEAR, "二", 1, 40),
            ("410105-P2", "", YEAR, 1, 1, "=A1"),
        ]
    )
    before = _state()
    read = census_xlsx_read(user=city.users["bob"], unit=city.jinshui, data=data, name="x.xlsx")
    places = {(p.row, p.column): p.message for p in read.problems}
    assert "班级人数须为 1 至 150 之间的整数" in places[(4, "F")]
    assert "与第 5 行重复" in places[(6, "E")]
    assert "999" in places[(7, "A")]
    assert "二七一小" in places[(8, "A")]
    assert "“二”" in places[(9, "D")]
    assert "不接受公式" in places[(10, "F")]
    assert read.batches == []
    assert _state() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a workbook", "不是本平台能读取的工作簿"),
        (_book([], codes=("a", "b", "c", "d", "e", "f")), "第 3 行"),
        (_book([]), "没有可导入"),
    ],
)
def test_a_file_that_is_not_the_census_workbook_is_refused(census, data, message):
    read = census_xlsx_read(
        user=census.users["alice"], unit=census.jinshui_one, data=data, name="x.xlsx"
    )
    assert [message in p.message for p in read.problems] == [True]


def test_alice_cannot_import_another_schools_classes_through_her_own_page(census):
    data = _book([("410105-P2", "", YEAR, 1, 1, 40)])
    read = census_xlsx_read(
        user=census.users["alice"], unit=census.jinshui_one, data=data, name="x.xlsx"
    )
    assert [(p.row, p.column) for p in read.problems] == [(4, "A")]


def test_a_previewed_import_is_stored_on_confirmation_once(census):
    city = census
    data = _book(
        [
            ("410105-P1", "", YEAR, 1, 1, 45),
            ("410105-P2", "", YEAR, 2, 1, 60),
            ("410105-P2", "", YEAR, 2, 2, 30),
        ]
    )
    read = census_xlsx_read(user=city.users["bob"], unit=city.jinshui, data=data, name="x.xlsx")
    preview = [(b.school.code, b.added, b.removed, b.corrected) for b in read.batches]
    assert preview == [("410105-P1", 0, 1, 0), ("410105-P2", 1, 0, 1)]
    assert SchoolClass.objects.filter(school=city.jinshui_two).count() == 1  # not yet stored
    written = census_xlsx_confirm(user=city.users["bob"], token=read.token)
    assert [w.changed for w in written] == [True, True]
    after = _state()
    again = census_xlsx_confirm(user=city.users["bob"], token=read.token)
    assert [w.changed for w in again] == [False, False]
    assert _state() == after
    assert census_rows(school=city.jinshui_two, school_year=YEAR) == _rows((2, 1, 60), (2, 2, 30))


def test_a_census_changed_after_the_preview_makes_the_whole_import_a_conflict(census):
    city = census
    data = _book([("410105-P1", "", YEAR, 1, 1, 45), ("410105-P2", "", YEAR, 2, 1, 60)])
    read = census_xlsx_read(user=city.users["bob"], unit=city.jinshui, data=data, name="x.xlsx")
    _replace(city, "bob", city.jinshui_two, _rows((2, 1, 61)))
    before = _state()
    with pytest.raises(StaleRevision, match="金水二小"):
        census_xlsx_confirm(user=city.users["bob"], token=read.token)
    assert _state() == before


def test_an_altered_preview_is_refused(census):
    with pytest.raises(InputError, match="预览已过期或被改动"):
        census_xlsx_confirm(user=census.users["bob"], token="x" + "abc:def")


def test_bob_imports_through_the_page_with_a_preview_then_a_confirmation(client, census):
    city = census
    client.force_login(city.users["bob"])
    template = client.get(f"/units/410105/census/template/?year={YEAR}")
    assert template.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(template.content))["班级"]
    ws["F4"] = 50
    out = io.BytesIO()
    ws.parent.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "census.xlsx"
    preview = client.post("/units/410105/census/import/", {"file": upload})
    assert preview.status_code == 200
    assert "确认导入" in preview.content.decode()
    assert SchoolClass.objects.get(school=city.jinshui_one, grade=1, number=1).pupils == 45
    token = preview.context["result"].token
    done = client.post("/units/410105/census/import/", {"token": token})
    assert done.status_code == 302
    assert SchoolClass.objects.get(school=city.jinshui_one, grade=1, number=1).pupils == 50


# API --------------------------------------------------------------------------------------


@pytest.fixture
def api_client(city):
    from django.test import Client

    from eduplan.api.auth import api_token_create
    from eduplan.api.tests.conftest import Api

    keys = {name: api_token_create(user=user, name="t")[1] for name, user in city.users.items()}
    return Api(Client(enforce_csrf_checks=True), keys)


URL = f"/api/v1/census/410105-P1/{YEAR}"


def test_the_api_reads_and_replaces_a_census_with_its_revision(census, api_client):
    read = api_client.call("alice", "GET", URL).json()
    assert read["classes"] == [
        {"grade": 1, "number": 1, "pupils": 45},
        {"grade": 1, "number": 2, "pupils": 58},
    ]
    body = {"revision": read["revision"], "classes": [{"grade": 1, "number": 1, "pupils": 44}]}
    stored = api_client.call("alice", "PUT", URL, body)
    assert stored.status_code == 200 and stored.json()["changed"] is True
    retried = api_client.call("alice", "PUT", URL, body)
    assert retried.status_code == 200 and retried.json()["changed"] is False
    stale = {"revision": read["revision"], "classes": [{"grade": 1, "number": 1, "pupils": 43}]}
    conflict = api_client.call("alice", "PUT", URL, stale)
    assert conflict.status_code == 409 and "已被他人修改" in conflict.json()["detail"]
    assert census_rows(school=census.jinshui_one, school_year=YEAR) == _rows((1, 1, 44))


def test_the_api_names_the_bad_class_and_stores_nothing(census, api_client):
    before = _state()
    body = {
        "classes": [{"grade": 1, "number": 1, "pupils": 40}, {"grade": 1, "number": 2, "pupils": 0}]
    }
    refused = api_client.call("alice", "PUT", URL, body)
    assert refused.status_code == 400
    assert refused.json()["problems"][0]["element"] == "classes[1].pupils"
    assert _state() == before


def test_the_class_page_reads_in_as_many_queries_whatever_its_history(
    client, census, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(census.users["alice"])
    url = f"/units/410105-P1/classes/?year={YEAR}"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for pupils in range(40, 46):
        _replace(census, "alice", census.jinshui_one, _rows((1, 1, pupils), (2, 1, pupils)))
    with django_assert_num_queries(len(few)):
        client.get(url)
