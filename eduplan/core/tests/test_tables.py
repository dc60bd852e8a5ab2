"""A page's tables download through `table_export`: built only when asked for, times in
the local time the pages show."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.http import Http404
from django.test import RequestFactory

from eduplan.core.tables import Table, table_export

TABLE = Table(id="rows", title="测试", header=["时间"], rows=[[None]])


def test_a_table_builder_is_called_only_when_a_workbook_is_asked_for():
    calls: list[int] = []

    def build() -> list[Table]:
        calls.append(1)
        return [TABLE]

    assert table_export(RequestFactory().get("/"), build) is None
    assert calls == []
    response = table_export(RequestFactory().get("/", {"export": "rows"}), build)
    assert response is not None and response.status_code == 200
    assert calls == [1]


def test_an_unknown_table_name_is_a_404_whether_tables_are_built_or_given():
    request = RequestFactory().get("/", {"export": "nothing"})
    with pytest.raises(Http404, match="本页面没有名为“nothing”的表格"):
        table_export(request, [TABLE])
    with pytest.raises(Http404, match="本页面没有名为“nothing”的表格"):
        table_export(request, lambda: [TABLE])


def test_a_stored_utc_time_comes_out_as_the_local_time_the_page_shows(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    stored = datetime.datetime(2016, 7, 20, 1, 30, tzinfo=datetime.UTC)
    table = Table(id="rows", title="测试", header=["时间"], rows=[[stored]])
    sheet = openpyxl.load_workbook(io.BytesIO(table.xlsx_response().content)).active
    assert sheet.cell(row=3, column=1).value == datetime.datetime(2016, 7, 20, 9, 30)
