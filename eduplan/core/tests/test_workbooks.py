"""Workbooks saved as .xls (Excel 97–2003, WPS .et) and .ods read as .xlsx."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import openpyxl
import pytest

from eduplan.core.tests.ods import xlsx_as_ods
from eduplan.core.workbooks import WorkbookUnreadable, workbook_as_xlsx, workbook_kind

SAMPLE_XLS = Path(__file__).with_name("sample.xls")  # written by Excel 97–2003's format


def _sheets(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_an_xls_workbook_reads_as_xlsx_with_its_sheets_numbers_and_dates():
    data = SAMPLE_XLS.read_bytes()
    assert workbook_kind(data) == "xls"
    sheets = _sheets(workbook_as_xlsx(data, max_unzipped=10**8))
    assert list(sheets) == ["填报", "说明"]
    assert sheets["填报"][1] == ("410105001", 900, datetime.datetime(2016, 9, 1))
    assert sheets["填报"][2][:2] == ("410105002", 12.5)  # a whole number stays whole, 12.5 not
    assert sheets["说明"] == [("表单", "class-size")]


def test_an_ods_workbook_reads_as_xlsx():
    book = openpyxl.Workbook()
    book.active.title = "台账"
    book.active.append(["名称", "人数", "日期"])
    book.active.append(["第一小学", 35, datetime.date(2016, 3, 1)])
    out = io.BytesIO()
    book.save(out)
    ods = xlsx_as_ods(out.getvalue())
    assert workbook_kind(ods) == "ods"
    sheets = _sheets(workbook_as_xlsx(ods, max_unzipped=10**8))
    assert sheets["台账"][1] == ("第一小学", 35, datetime.datetime(2016, 3, 1))


def test_an_xlsx_or_any_other_file_is_left_unchanged():
    assert workbook_as_xlsx(b"PK\x03\x04rest", max_unzipped=10) == b"PK\x03\x04rest"
    assert workbook_as_xlsx(b"%PDF-1.7", max_unzipped=10) == b"%PDF-1.7"


def test_an_ods_that_unpacks_past_the_limit_is_refused_before_it_is_parsed():
    book = openpyxl.Workbook()
    book.active.append(["x" * 5000])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(WorkbookUnreadable, match="unpacks too large"):
        workbook_as_xlsx(xlsx_as_ods(out.getvalue()), max_unzipped=1000)


def test_a_broken_xls_is_refused():
    with pytest.raises(WorkbookUnreadable, match=r"\w"):  # calamine's own reason
        workbook_as_xlsx(SAMPLE_XLS.read_bytes()[:600], max_unzipped=10**8)
