"""The Excel template and import: all or nothing, every problem with sheet, row and column."""

from __future__ import annotations

import io

import openpyxl

from eduplan.core.tests.bombs import repeated, sheet_xml, workbook
from eduplan.ledgers.models import LedgerImport, LedgerRecord, LedgerRecordEvent
from eduplan.ledgers.xlsx import (
    CODE_ROW,
    FIRST_ROW,
    SHEET,
    ledger_xlsx_import,
    ledger_xlsx_template,
)


def filled(ledger, rows, *, codes=None):
    wb = openpyxl.load_workbook(io.BytesIO(ledger_xlsx_template(ledger=ledger)))
    ws = wb[SHEET]
    header = [c.value for c in ws[CODE_ROW]]
    if codes is not None:
        for col, code in enumerate(codes, start=1):
            ws.cell(row=CODE_ROW, column=col, value=code)
        header = codes
    for r, row in enumerate(rows, start=FIRST_ROW):
        for code, value in row.items():
            ws.cell(row=r, column=header.index(code) + 1, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = [
    {"school": "410105-P1", "held_on": "2016-05-10", "kind": "甲", "pupils": 12, "contact": "甲"},
    {"school": "410105-P2", "held_on": "2016/6/1", "kind": "乙", "tags": "合唱，舞蹈"},
    {"school": "410100-S1", "held_on": "2016-07-01", "kind": "甲"},
]


def test_a_good_workbook_is_stored_whole_with_history_and_once_only(city, ledger):
    rows = GOOD
    data = filled(ledger, rows)
    result = ledger_xlsx_import(user=city.users["dan"], ledger=ledger, data=data, filename="a.xlsx")
    assert result.ok and result.stored == 3
    assert LedgerRecord.objects.count() == 3 == LedgerRecordEvent.objects.count()
    stored = LedgerRecord.objects.get(org_unit=city.jinshui_two)
    assert stored.data["tags"] == ["合唱", "舞蹈"] and stored.data["held_on"] == "2016-06-01"
    again = ledger_xlsx_import(user=city.users["dan"], ledger=ledger, data=data, filename="a.xlsx")
    assert again.ok and again.replayed and again.stored == 3
    assert LedgerRecord.objects.count() == 3 and LedgerImport.objects.count() == 1


def test_every_problem_is_named_by_sheet_row_and_column_and_nothing_is_stored(city, ledger):
    rows = [
        GOOD[0],
        {"school": "999999", "held_on": "2016-05-10", "kind": "甲"},  # row 5: unknown school
        {"school": "410105-P2", "held_on": "2016-05-10", "kind": "甲", "pupils": 5000},  # 6
        {"school": "410105-P2", "held_on": "明天", "kind": "甲"},  # 7
        {"school": "410105-P1", "held_on": "2016-09-10", "kind": "乙"},  # 8: repeats row 4
        {"school": "410105-P2", "held_on": "2016-05-10", "kind": "甲", "pupils": "=A1*2"},  # 9
    ]
    result = ledger_xlsx_import(
        user=city.users["dan"], ledger=ledger, data=filled(ledger, rows), filename="b.xlsx"
    )
    found = {(p.sheet, p.row, p.column, p.element) for p in result.problems}
    assert (SHEET, 5, "A", "school") in found
    assert (SHEET, 6, "D", "pupils") in found
    assert (SHEET, 7, "B", "held_on") in found
    assert (SHEET, 9, "D", "pupils") in found
    assert any(p.row == 8 and "4" in p.message for p in result.problems)
    assert all(p.message for p in result.problems)
    assert not LedgerRecord.objects.exists() and not LedgerImport.objects.exists()


def test_an_unknown_column_and_a_file_that_is_not_a_workbook_are_refused(city, ledger):
    codes = ["school", "held_on", "kind", "colour"]
    data = filled(
        ledger, [{"school": "410105-P1", "held_on": "2016-05-10", "kind": "甲"}], codes=codes
    )
    result = ledger_xlsx_import(user=city.users["dan"], ledger=ledger, data=data, filename="c.xlsx")
    assert [(p.row, p.column, p.element) for p in result.problems] == [(CODE_ROW, "D", "colour")]
    bad = ledger_xlsx_import(
        user=city.users["dan"], ledger=ledger, data=b"PK not really", filename="x.xlsx"
    )
    assert len(bad.problems) == 1 and "x.xlsx" in bad.problems[0].message
    text = ledger_xlsx_import(
        user=city.users["dan"], ledger=ledger, data=b"a,b\n1,2\n", filename="d.csv"
    )
    assert "d.csv" in text.problems[0].message
    assert not LedgerRecord.objects.exists()


def test_rows_for_units_outside_the_keepers_reach_are_refused(city, own_ledger):
    rows = [
        {"school": "410105-P1", "day": "2016-09-01"},
        {"school": "410103-P1", "day": "2016-09-01"},
    ]
    result = ledger_xlsx_import(
        user=city.users["bob"], ledger=own_ledger, data=filled(own_ledger, rows), filename="e.xlsx"
    )
    assert [(p.row, p.column) for p in result.problems] == [(FIRST_ROW + 1, "A")]
    assert not LedgerRecord.objects.exists()


def test_the_template_offers_each_choice_list_and_says_how_to_name_a_unit(city, ledger):
    wb = openpyxl.load_workbook(io.BytesIO(ledger_xlsx_template(ledger=ledger)))
    lists = {
        str(v.sqref).split(":")[0][:1]: v.formula1
        for v in wb[SHEET].data_validations.dataValidation
    }
    assert lists == {"C": '"甲,乙"', "H": '"是,否"'}
    notes = {row[1]: row[4] for row in wb["说明"].iter_rows(values_only=True)}
    assert notes["school"] == "单位名称或代码（小学、高级中学）"
    assert notes["pupils"] == "0 – 1000"


def test_a_ledger_workbook_bomb_is_refused_before_parsing_and_nothing_is_stored(city, ledger):
    zeros = repeated(b"\0", 8 * 1024 * 1024)  # 8 MB compressed to a few kB
    bomb = workbook(sheet_xml([]), {"xl/media/image1.png": zeros})
    result = ledger_xlsx_import(user=city.users["dan"], ledger=ledger, data=bomb, filename="b.xlsx")
    [problem] = result.problems
    assert problem.message.startswith("部件 xl/media/image1.png 的压缩比为")
    assert not LedgerRecord.objects.exists() and not LedgerImport.objects.exists()


def test_a_ledger_sheet_past_the_row_limit_is_refused_naming_the_row(city, ledger, settings):
    settings.EDUPLAN_SHEET_MAX_ROWS = 5
    rows = [{"school": "410105-P1", "held_on": "2016-05-10", "kind": "甲"}] * 10
    result = ledger_xlsx_import(
        user=city.users["dan"], ledger=ledger, data=filled(ledger, rows), filename="c.xlsx"
    )
    [problem] = result.problems
    assert problem.message == "工作表超过 5 行" and problem.sheet.endswith("!6")
    assert not LedgerRecord.objects.exists()
