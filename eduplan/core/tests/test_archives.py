"""Crafted archives are refused before anything parses them, and a sheet is read within
its limits, stopping at the first row, column or text past them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from eduplan.core.archives import archive_check
from eduplan.core.errors import InputError
from eduplan.core.sheet import SheetTooLarge, sheet_rows
from eduplan.core.tests.bombs import Part, docx_bomb, repeated, sheet_xml, workbook

ROW = b'<row><c t="inlineStr"><is><t>0</t></is></c></row>'


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The messages are asserted in English (their msgids)."""
    with translation.override("en"):
        yield


def shared(strings: list[bytes], tail: bytes = b"") -> bytes:
    items = b"".join(b"<si><t>" + s + b"</t></si>" for s in strings)
    return b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + items + tail


def test_a_small_workbook_whose_sheet_unpacks_to_95_mb_is_refused_naming_the_sheet() -> None:
    data = workbook(sheet_xml(repeated(ROW, 95 * 1024 * 1024)))
    assert len(data) < 1024 * 1024
    with pytest.raises(InputError, match=r"xl/worksheets/sheet1.xml"):
        archive_check(data)
    with pytest.raises(InputError, match=r"xl/worksheets/sheet1\.xml"):
        list(sheet_rows(data, "Data"))


def test_a_95_mb_table_of_strings_no_cell_uses_is_refused() -> None:
    strings = repeated(b"<si><t>unused text</t></si>", 95 * 1024 * 1024)
    data = workbook(sheet_xml([ROW]), {"xl/sharedStrings.xml": strings})
    with pytest.raises(InputError, match=r"xl/sharedStrings.xml"):
        archive_check(data)


def test_strings_past_the_last_one_a_cell_uses_are_never_parsed() -> None:
    # The tail is not even XML: reading it would fail, so the read stops before it.
    sheet = sheet_xml([b'<row r="1"><c r="A1" t="s"><v>1</v></c></row>'])
    data = workbook(sheet, {"xl/sharedStrings.xml": shared([b"a", b"b"], b"<si><<<not xml")})
    assert list(sheet_rows(data, "Data")) == [(1, ["b"])]


def test_an_archive_of_two_thousand_parts_is_refused() -> None:
    parts: dict[str, Part] = {f"xl/media/p{i}.xml": b"<a/>" for i in range(2000)}
    with pytest.raises(InputError, match="2004 parts"):
        archive_check(workbook(sheet_xml([ROW]), parts))


def test_a_part_compressed_a_thousand_times_is_refused_under_the_size_limits() -> None:
    data = workbook(sheet_xml([ROW]), {"xl/media/zeros.bin": repeated(b"\0", 4 * 1024 * 1024)})
    with pytest.raises(InputError, match=r"xl/media/zeros.bin.*compressed"):
        archive_check(data)


def test_a_docx_with_a_zero_filled_part_of_200_mb_is_refused() -> None:
    data = docx_bomb(200 * 1024 * 1024)
    assert len(data) < 1024 * 1024
    with pytest.raises(InputError, match=r"word/media/zeros.bin"):
        archive_check(data)


def test_an_ordinary_workbook_passes() -> None:
    rows = [f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'.encode() for n in range(1, 2001)]
    data = workbook(sheet_xml(rows))
    archive_check(data)
    assert len(list(sheet_rows(data, "Data"))) == 2000


def test_reading_stops_at_the_first_row_past_the_limit_naming_it(settings) -> None:
    settings.EDUPLAN_SHEET_MAX_ROWS = 100
    rows = (f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>'.encode() for n in range(1, 10**6))
    data = workbook(sheet_xml(rows))
    with pytest.raises(SheetTooLarge, match="more than 100 rows") as refused:
        list(sheet_rows(data, "Data"))
    assert refused.value.where == "Data!101"


def test_reading_stops_at_a_column_past_the_limit(settings) -> None:
    settings.EDUPLAN_SHEET_MAX_COLUMNS = 30
    data = workbook(sheet_xml([b'<row r="1"><c r="AE1"><v>1</v></c></row>']))
    with pytest.raises(SheetTooLarge, match="more than 30 columns") as refused:
        list(sheet_rows(data, "Data"))
    assert refused.value.where == "Data!AE1"


@pytest.mark.parametrize("shared_text", [False, True])
def test_a_text_longer_than_a_cell_may_hold_is_refused(shared_text: bool) -> None:
    long = b"x" * 40_000
    if shared_text:
        sheet = sheet_xml([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'])
        data = workbook(sheet, {"xl/sharedStrings.xml": shared([long])})
    else:
        cell = b'<row r="1"><c r="B1" t="inlineStr"><is><t>' + long + b"</t></is></c></row>"
        data = workbook(sheet_xml([cell]))
    with pytest.raises(SheetTooLarge, match="32767"):
        list(sheet_rows(data, "Data"))


def test_text_read_from_cells_is_cleaned_and_keeps_right_to_left_marks() -> None:
    cell = '<row r="1"><c r="A1" t="inlineStr"><is><t>甲\u2028乙\u200f丙</t></is></c></row>'
    data = workbook(sheet_xml([cell.encode()]))
    assert list(sheet_rows(data, "Data")) == [(1, ["甲\n乙\u200f丙"])]
