"""Excel in and out: a template per unit or district, filled and imported back all or
nothing, every problem named by sheet, row and column; no formula in or out."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Mapping

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eduplan.core.archives import archive_check
from eduplan.core.errors import InputError
from eduplan.core.tests.bombs import repeated, sheet_xml, workbook
from eduplan.core.tests.ods import xlsx_as_ods
from eduplan.reporting.models import DataValue, Status, Submission, SubmissionEvent
from eduplan.reporting.services import submission_approve, submission_save, submission_submit
from eduplan.reporting.tests.conftest import GOOD
from eduplan.reporting.xlsx import ImportProblem, messages, xlsx_import, xlsx_template, xlsx_units
from eduplan.reporting.xlsx.reading import cell_text, sheets_read, unit_code
from eduplan.reporting.xlsx.template import DATA_SHEET, INFO_SHEET

PERIOD = "2016T1"
# The class form's columns: A code, B name, then its elements in order.
COLUMN = {
    "classes_total": "C",
    "pupils_total": "D",
    "classes_large": "E",
    "share_digital": "F",
    "has_card": "G",
    "note": "H",
}


def _template(city, form, who="alice", unit=None) -> bytes:
    units = xlsx_units(
        user=city.users[who], form=form, period_code=PERIOD, unit=unit or city.jinshui_one
    )
    return xlsx_template(form=form, period_code=PERIOD, units=units)


def _book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _fill(data: bytes, rows: Mapping[int, Mapping[str, object]]) -> bytes:
    """Type values into the template: {row number: {element code: value}}."""
    wb = _book(data)
    ws = wb[DATA_SHEET]
    for row, values in rows.items():
        for code, value in values.items():
            ws[f"{COLUMN[code]}{row}"] = value
    return _bytes(wb)


def _import(city, data: bytes, who="alice", **kw):
    return xlsx_import(
        user=city.users[who],
        form=kw.pop("form"),
        period_code=kw.pop("period_code", PERIOD),
        data=data,
        filename=kw.pop("filename", "filled.xlsx"),
        **kw,
    )


def _counts():
    return Submission.objects.count(), DataValue.objects.count(), SubmissionEvent.objects.count()


def _where(problems: list[ImportProblem]) -> list[tuple]:
    return [(p.sheet, p.row, p.column) for p in problems]


def _stored(unit) -> dict[str, object]:
    return {
        v.element.code: v.number if v.number is not None else v.text
        for v in DataValue.objects.filter(org_unit=unit).select_related("element")
    }


# The template ----------------------------------------------------------------------


def test_the_template_has_a_title_names_with_units_hidden_codes_and_a_row_per_unit(
    city, class_form
):
    wb = _book(_template(city, class_form, who="bob", unit=city.jinshui))
    ws = wb[DATA_SHEET]
    assert "班额情况" in ws["A1"].value and "2016年春季学期" in ws["A1"].value
    assert ws["C2"].value == "教学班总数（个）" and ws["E2"].value == "大班额班数"
    assert [c.value for c in ws[3]][:4] == ["#unit", "#name", "classes_total", "pupils_total"]
    assert ws.row_dimensions[3].hidden
    assert [(ws[f"A{r}"].value, ws[f"B{r}"].value) for r in (4, 5)] == [
        ("410105-P1", "金水一小"),
        ("410105-P2", "金水二小"),
    ]
    assert ws["A6"].value is None  # 二七区's school is not Bob's
    assert ws.protection.sheet
    assert ws["A4"].protection.locked and ws["B4"].protection.locked
    assert not ws["C4"].protection.locked
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert validations["C4:C5"].type == "whole" and validations["C4:C5"].formula1 == "1"
    assert validations["F4:F5"].type == "decimal" and validations["F4:F5"].formula2 == "100"
    assert validations["G4:G5"].type == "list" and validations["G4:G5"].formula1 == '"是,否"'
    info = {row[2]: row[1] for row in wb[INFO_SHEET].iter_rows(values_only=True) if row[2]}
    assert info["form"] == "class-size-test" and info["period"] == PERIOD
    assert info["digest"] == class_form.current_version.digest


def test_the_template_is_prefilled_with_what_is_stored(city, class_form):
    sub = submission_save(
        user=city.users["alice"],
        form=class_form,
        org_unit=city.jinshui_one,
        period_code=PERIOD,
        values={**GOOD, "has_card": "是", "share_digital": "45.5"},
    )
    ws = _book(_template(city, class_form))[DATA_SHEET]
    assert ws["C4"].value == 20 and ws["G4"].value == "是" and float(ws["F4"].value) == 45.5
    revision_column = next(c.column_letter for c in ws[3] if c.value == "#revision")
    assert ws[f"{revision_column}4"].value == sub.revision


def test_a_stored_text_that_looks_like_a_formula_comes_out_as_text(city, class_form):
    submission_save(
        user=city.users["alice"],
        form=class_form,
        org_unit=city.jinshui_one,
        period_code=PERIOD,
        values={"note": "x"},
    )
    # Such text cannot come in through the services; it may through older data.
    DataValue.objects.filter(element__code="note").update(text="=1+1")
    city.jinshui_one.name = '=HYPERLINK("http://evil")'
    city.jinshui_one.save(update_fields=["name"])
    data = _template(city, class_form)
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    ws = _book(data)[DATA_SHEET]
    assert ws["H4"].value == "=1+1" and ws["H4"].data_type == "s" and ws["H4"].quotePrefix
    assert ws["B4"].data_type == "s" and ws["B4"].quotePrefix
    # Imported back unchanged, the text is neither refused nor stored again.
    before = _counts()
    result = _import(city, data, form=class_form)
    assert result.ok and result.stored == 0 and result.unchanged == 1
    assert _counts() == before


def test_control_characters_in_stored_text_do_not_break_the_template(city, class_form):
    submission_save(
        user=city.users["alice"],
        form=class_form,
        org_unit=city.jinshui_one,
        period_code=PERIOD,
        values={"note": "响铃\x07字符"},
    )
    ws = _book(_template(city, class_form))[DATA_SHEET]
    assert ws["H4"].value == "响铃字符"


# Round trip ---------------------------------------------------------------------------


def test_a_filled_template_round_trips_into_stored_values(city, class_form):
    data = _fill(
        _template(city, class_form),
        {
            4: {
                "classes_total": 20,
                "pupils_total": 900,
                "classes_large": 3,
                "share_digital": 45.5,
                "has_card": "是",
                "note": "含分校区",
            }
        },
    )
    result = _import(city, data, form=class_form)
    assert result.ok, result.problems
    assert (result.stored, result.submitted) == (1, 0)
    assert _stored(city.jinshui_one) == {
        "classes_total": 20,
        "pupils_total": 900,
        "classes_large": 3,
        "share_digital": 45.5,
        "has_card": 1,
        "note": "含分校区",
    }
    sub = Submission.objects.get()
    assert sub.status == Status.DRAFT
    assert SubmissionEvent.objects.get().actor == city.users["alice"]


def test_a_template_saved_as_ods_by_libreoffice_or_wps_imports_the_same(city, class_form):
    filled = _fill(_template(city, class_form), {4: {**GOOD, "note": "另存为 .ods"}})
    result = _import(city, xlsx_as_ods(filled), form=class_form, filename="班额.ods")
    assert result.ok, result.problems
    assert _stored(city.jinshui_one) == {
        "classes_total": 20,
        "pupils_total": 900,
        "classes_large": 3,
        "note": "另存为 .ods",
    }


def _with_saved_results(data: bytes, results: Mapping[str, str]) -> bytes:
    """The workbook as Excel saves it: each formula cell with the result it computed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                text = body.decode()
                for ref, value in results.items():
                    text = re.sub(
                        rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?',
                        rf"\1\2<v>{value}</v>",
                        text,
                    )
                body = text.encode()
            target.writestr(info, body)
    return out.getvalue()


def test_a_formula_with_a_saved_number_is_read_as_that_number_and_noted(city, class_form):
    filled = _fill(_template(city, class_form), {4: {**GOOD, "pupils_total": "=C4*45"}})
    result = _import(city, _with_saved_results(filled, {"D4": "900"}), form=class_form)
    assert result.ok, result.problems
    assert _stored(city.jinshui_one)["pupils_total"] == 900
    assert [(n.sheet, n.row, n.column) for n in result.notes] == [("填报", 4, "D")]
    assert "900" in result.notes[0].message and "公式" in result.notes[0].message


def test_a_formula_without_a_saved_result_or_in_a_text_column_is_still_refused(city, class_form):
    filled = _fill(
        _template(city, class_form), {4: {**GOOD, "pupils_total": "=C4*45", "note": "=A1"}}
    )
    result = _import(city, _with_saved_results(filled, {"H4": "5"}), form=class_form)
    assert not result.ok
    assert sorted(_where(result.problems)) == [("填报", 4, "D"), ("填报", 4, "H")]
    assert not DataValue.objects.exists()


def test_a_file_that_is_no_workbook_says_which_formats_are_read(city, class_form):
    result = _import(city, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, form=class_form)
    assert not result.ok
    assert ".xls、.et、.ods" in result.problems[0].message
    assert "另存为" in result.problems[0].message


def test_a_percentage_typed_with_a_percent_sign_is_stored_as_the_number(city, class_form):
    wb = _book(_template(city, class_form))
    cell = wb[DATA_SHEET]["F4"]
    cell.value, cell.number_format = 0.455, "0.0%"  # what Excel stores for 45.5%
    assert _import(city, _bytes(wb), form=class_form).ok
    assert _stored(city.jinshui_one) == {"share_digital": 45.5}


def test_the_import_can_submit_each_report(city, class_form):
    data = _fill(_template(city, class_form), {4: GOOD})
    result = _import(city, data, form=class_form, submit=True)
    assert result.ok and result.submitted == 1
    assert Submission.objects.get().status == Status.SUBMITTED


def test_a_district_imports_many_schools_at_once(city, class_form):
    data = _fill(
        _template(city, class_form, who="bob", unit=city.jinshui),
        {4: GOOD, 5: {"classes_total": 30, "pupils_total": 1300, "classes_large": 0}},
    )
    result = _import(city, data, who="bob", form=class_form)
    assert result.ok and result.stored == 2
    assert _stored(city.jinshui_two)["pupils_total"] == 1300
    assert set(Submission.objects.values_list("org_unit__code", flat=True)) == {
        "410105-P1",
        "410105-P2",
    }


def test_blank_rows_of_units_that_reported_nothing_are_skipped(city, class_form):
    data = _fill(_template(city, class_form, who="bob", unit=city.jinshui), {4: GOOD})
    result = _import(city, data, who="bob", form=class_form)
    assert result.ok and result.stored == 1
    assert Submission.objects.get().org_unit == city.jinshui_one


def test_a_school_reporter_cannot_import_another_schools_row(city, class_form):
    data = _fill(
        _template(city, class_form, who="bob", unit=city.jinshui),
        {4: GOOD, 5: GOOD},
    )
    before = _counts()
    result = _import(city, data, who="alice", form=class_form)
    assert _where(result.problems) == [("填报", 5, "A")]
    assert str(messages.ERR_UNIT_FORBIDDEN % {"unit": "金水二小"}) == result.problems[0].message
    assert _counts() == before


# Refusals -----------------------------------------------------------------------------


def _rename_sheet(data: bytes) -> bytes:
    wb = _book(data)
    wb[DATA_SHEET].title = "Sheet1"
    return _bytes(wb)


def _set(data: bytes, sheet: str, coordinate: str, value: object) -> bytes:
    wb = _book(data)
    wb[sheet][coordinate] = value
    return _bytes(wb)


def _info_period(data: bytes, value: str) -> bytes:
    wb = _book(data)
    for row in wb[INFO_SHEET].iter_rows():
        if row[2].value == "period":
            row[1].value = value
    return _bytes(wb)


def _drop_column(data: bytes, letter: str) -> bytes:
    wb = _book(data)
    wb[DATA_SHEET].delete_cols(openpyxl.utils.column_index_from_string(letter))
    return _bytes(wb)


def _bad_zip(_data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not-xml")
    return out.getvalue()


BAD_FILES = {
    "not an xlsx at all": (lambda d: b"name,value\n1,2\n", [("", None, "")], messages.ERR_NOT_XLSX),
    "a zip that is not a workbook": (_bad_zip, [("", None, "")], messages.ERR_NOT_XLSX),
    "a truncated workbook": (lambda d: d[: len(d) // 2], [("", None, "")], messages.ERR_NOT_XLSX),
    "no sheet 填报": (_rename_sheet, [("填报", None, "")], messages.ERR_NO_SHEET),
    "an unknown element code": (
        lambda d: _set(d, "填报", "D3", "pupils"),
        [("填报", 2, "D"), ("填报", 2, "")],
        messages.ERR_COLUMN_UNKNOWN,
    ),
    "a missing column": (
        lambda d: _drop_column(d, "E"),
        [("填报", 2, "")],
        messages.ERR_COLUMN_MISSING,
    ),
    "another period in 说明": (
        lambda d: _info_period(d, "2016T2"),
        [("说明", None, "")],
        messages.ERR_WRONG_PERIOD,
    ),
    "another form in 说明": (
        lambda d: _set(d, "说明", "B4", "class-size"),
        [("说明", None, "")],
        messages.ERR_WRONG_FORM,
    ),
    "an unknown unit": (
        lambda d: _set(_fill(d, {4: GOOD}), "填报", "A4", "999999"),
        [("填报", 4, "A")],
        messages.ERR_UNIT_UNKNOWN,
    ),
    "a unit twice": (
        lambda d: _set(_set(_fill(d, {4: GOOD}), "填报", "A5", "410105-P1"), "填报", "C5", 5),
        [("填报", 5, "A")],
        messages.ERR_UNIT_TWICE,
    ),
    "text in a number cell": (
        lambda d: _fill(d, {4: {**GOOD, "pupils_total": "九百"}}),
        [("填报", 4, "D")],
        None,
    ),
    "separators out of their places, a count with an exponent, a count of 1e14": (
        lambda d: _fill(
            d,
            {4: {**GOOD, "classes_total": "1,2,3,4", "pupils_total": "1e3", "classes_large": 1e14}},
        ),
        [("填报", 4, "C"), ("填报", 4, "D"), ("填报", 4, "E")],
        None,
    ),
    "a value out of range": (
        lambda d: _fill(d, {4: {**GOOD, "classes_total": 0, "share_digital": 120}}),
        [("填报", 4, "C"), ("填报", 4, "F")],
        None,
    ),
    "a formula": (
        lambda d: _fill(d, {4: {**GOOD, "classes_large": "=C4/10"}}),
        [("填报", 4, "E")],
        messages.ERR_FORMULA,
    ),
    "a formula in the name column": (
        lambda d: _set(_fill(d, {4: GOOD}), "填报", "B4", '=HYPERLINK("http://x","a")'),
        [("填报", 4, "B")],
        messages.ERR_FORMULA,
    ),
    "a blank unit code": (
        lambda d: _set(_fill(d, {4: GOOD}), "填报", "A4", None),
        [("填报", 4, "A")],
        messages.ERR_UNIT_MISSING,
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_saying_where_and_nothing_is_stored(city, class_form, case):
    spoil, where, message = BAD_FILES[case]
    data = spoil(_template(city, class_form))
    before = _counts()
    result = _import(city, data, form=class_form)
    assert not result.ok
    assert sorted(_where(result.problems), key=str) == sorted(where, key=str)
    if message is not None:
        first = str(message).split("%")[0]
        assert any(p.message.startswith(first) for p in result.problems), result.problems
    assert all(p.message for p in result.problems)
    assert _counts() == before


def test_problems_name_the_element_of_their_column(city, class_form):
    data = _fill(_template(city, class_form), {4: {**GOOD, "pupils_total": "九百"}})
    (problem,) = _import(city, data, form=class_form).problems
    assert (problem.element, problem.column) == ("在校生总数", "D")
    assert "九百" in problem.message


def test_a_file_over_the_size_limit_is_refused(city, class_form, settings):
    data = _fill(_template(city, class_form), {4: GOOD})
    settings.EDUPLAN_UPLOAD_MAX_BYTES = len(data) - 1
    result = _import(city, data, form=class_form)
    assert _where(result.problems) == [("", None, "")]
    assert not Submission.objects.exists()


def test_every_problem_in_the_file_is_listed_not_just_the_first(city, class_form):
    data = _fill(
        _template(city, class_form, who="bob", unit=city.jinshui),
        {
            4: {**GOOD, "pupils_total": "九百", "has_card": "也许"},
            5: {**GOOD, "classes_large": "=1+1", "classes_total": -1},
        },
    )
    data = _set(data, "填报", "A6", "410103-P1")  # 二七一小 is not Bob's
    result = _import(city, data, who="bob", form=class_form)
    assert sorted(_where(result.problems)) == [
        ("填报", 4, "D"),
        ("填报", 4, "G"),
        ("填报", 5, "C"),
        ("填报", 5, "E"),
        ("填报", 6, "A"),
    ]
    assert not Submission.objects.exists()


def test_a_row_refused_by_the_service_rolls_back_the_rows_before_it(city, class_form):
    data = _fill(
        _template(city, class_form, who="bob", unit=city.jinshui),
        {4: GOOD, 5: {"classes_total": 10, "pupils_total": 400, "classes_large": 12}},
    )
    before = _counts()
    result = _import(city, data, who="bob", form=class_form, submit=True)
    # The rule "大班额班数不能超过教学班总数" is checked on submission, in row 5's column E.
    assert [(p.row, p.column, p.element, p.message) for p in result.problems] == [
        (5, "E", "大班额班数", "大班额班数不能超过教学班总数")
    ]
    assert result.stored == 0
    assert _counts() == before


def test_a_report_changed_after_the_download_is_not_overwritten(city, class_form):
    sub = submission_save(
        user=city.users["alice"],
        form=class_form,
        org_unit=city.jinshui_one,
        period_code=PERIOD,
        values=GOOD,
    )
    data = _fill(_template(city, class_form, who="bob", unit=city.jinshui), {4: {"note": "旧"}})
    submission_save(
        user=city.users["alice"],
        form=class_form,
        org_unit=city.jinshui_one,
        period_code=PERIOD,
        values={"classes_large": "4"},
        revision=sub.revision,
    )
    before = _counts()
    result = _import(city, data, who="bob", form=class_form)
    assert _where(result.problems) == [("填报", 4, "A")]
    assert _counts() == before
    assert _stored(city.jinshui_one)["classes_large"] == 4


def test_a_row_left_as_it_was_does_not_block_the_file(city, class_form):
    sub = submission_save(
        user=city.users["alice"],
        form=class_form,
        org_unit=city.jinshui_one,
        period_code=PERIOD,
        values=GOOD,
    )
    template = _template(city, class_form, who="bob", unit=city.jinshui)
    sub = submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    submission_approve(user=city.users["bob"], submission=sub, revision=sub.revision)
    # 金水一小's report moved on (new revision, same values); Bob fills only 金水二小.
    result = _import(city, _fill(template, {5: GOOD}), who="bob", form=class_form)
    assert result.ok and (result.stored, result.unchanged) == (1, 1)


def test_a_unit_not_expected_to_report_is_refused(city, class_form):
    data = _set(_template(city, class_form, who="bob", unit=city.jinshui), "填报", "A6", "410105")
    data = _set(data, "填报", "C6", 3)
    result = _import(city, data, who="bob", form=class_form)
    assert _where(result.problems) == [("填报", 6, "A")]
    assert result.problems[0].message == str(messages.ERR_UNIT_NOT_EXPECTED % {"unit": "金水区"})


def test_a_submitted_report_is_kept_and_may_not_be_changed_by_import(city, class_form):
    sub = submission_save(
        user=city.users["alice"],
        form=class_form,
        org_unit=city.jinshui_one,
        period_code=PERIOD,
        values=GOOD,
    )
    sub = submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    submission_approve(user=city.users["bob"], submission=sub, revision=sub.revision)
    template = _template(city, class_form, who="bob", unit=city.jinshui)
    kept = _import(city, _fill(template, {5: GOOD}), who="bob", form=class_form)
    assert kept.ok and (kept.stored, kept.unchanged) == (1, 1)
    Submission.objects.filter(org_unit=city.jinshui_two).delete()
    changed = _import(city, _fill(template, {4: {"classes_large": 1}}), who="bob", form=class_form)
    assert _where(changed.problems) == [("填报", 4, "A")]
    assert _stored(city.jinshui_one)["classes_large"] == 3


def test_the_template_reads_stored_values_in_a_fixed_number_of_queries(city, class_form):
    for unit in (city.jinshui_one, city.jinshui_two):
        submission_save(
            user=city.users["bob"],
            form=class_form,
            org_unit=unit,
            period_code=PERIOD,
            values=GOOD,
        )
    units = [city.jinshui_one, city.jinshui_two]
    with CaptureQueriesContext(connection) as queries:
        xlsx_template(form=class_form, period_code=PERIOD, units=units)
    assert len(queries) <= 3


# Pages ------------------------------------------------------------------------------


def _page(code="410105-P1"):
    return f"/reports/xlsx/class-size-test/{PERIOD}/{code}/"


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("alice", "410105-P1", 200),
        ("alice", "410105-P2", 403),
        ("charlie", "410105-P1", 403),
        ("bob", "410105", 200),
        ("bob", "410103", 403),
        ("dora", "410105-P1", 403),
        ("lee", "410105-P1", 403),
        ("nobody", "410105-P1", 403),
    ],
)
def test_the_excel_pages_are_scoped(client, city, class_form, who, code, status):
    client.force_login(city.users[who])
    assert client.get(_page(code)).status_code == status
    assert client.get(_page(code) + "template.xlsx").status_code == status


def test_an_anonymous_visitor_is_sent_to_log_in(client, city, class_form):
    assert client.get(_page()).status_code == 302


def test_a_district_downloads_its_schools_rows_and_uploads_them(client, city, class_form):
    client.force_login(city.users["bob"])
    response = client.get(_page("410105") + "template.xlsx")
    assert response["Content-Type"] == xlsx_views_type()
    assert "class-size-test-2016T1-410105.xlsx" in response["Content-Disposition"]
    data = _fill(response.content, {4: GOOD, 5: GOOD})
    upload = io.BytesIO(data)
    upload.name = "金水区.xlsx"
    response = client.post(_page("410105"), {"file": upload, "submit": "on"})
    assert response.status_code == 302
    assert set(Submission.objects.values_list("status", flat=True)) == {Status.SUBMITTED}


def test_a_refused_upload_shows_every_problem_and_stores_nothing(client, city, class_form):
    client.force_login(city.users["alice"])
    data = _fill(_template(city, class_form), {4: {**GOOD, "pupils_total": "九百"}})
    upload = io.BytesIO(data)
    upload.name = "x.xlsx"
    response = client.post(_page(), {"file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert "在校生总数" in body and "九百" in body
    assert not Submission.objects.exists()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, city, class_form, settings):
    settings.EDUPLAN_UPLOAD_MAX_BYTES = 10
    client.force_login(city.users["alice"])
    upload = io.BytesIO(b"x" * 100)
    upload.name = "big.xlsx"
    response = client.post(_page(), {"file": upload})
    assert response.status_code == 413  # stopped while it streamed in
    assert not Submission.objects.exists()


def test_a_period_of_another_type_is_not_found(client, city, class_form):
    client.force_login(city.users["alice"])
    assert client.get("/reports/xlsx/class-size-test/2016B1/410105-P1/").status_code == 404


def xlsx_views_type() -> str:
    from eduplan.reporting.views_xlsx import XLSX_TYPE

    return XLSX_TYPE


@pytest.mark.parametrize(
    ("value", "text"),
    [(2.5, "2.5"), (90.0, "90"), (1e-05, "0.00001"), (1e20, "100000000000000000000"), (12, "12")],
)
def test_a_number_in_a_cell_reads_as_people_write_it(value: float | int, text: str) -> None:
    assert cell_text(value) == text


def test_a_unit_code_typed_as_a_number_reads_as_the_code() -> None:
    assert unit_code(410105.0) == "410105"
    assert unit_code(" 410105-P1 ") == "410105-P1"


def test_a_report_workbook_whose_sheet_unpacks_to_95_mb_is_refused_before_parsing(city, class_form):
    bomb = workbook(sheet_xml(repeated(b"<row><c><v>0</v></c></row>", 95 * 1024 * 1024)))
    result = _import(city, bomb, form=class_form)
    [problem] = result.problems
    assert "xl/worksheets/sheet1.xml" in problem.message and _counts() == (0, 0, 0)


def test_a_report_workbook_with_a_large_table_of_texts_is_refused_before_it_is_parsed():
    # Hex text compresses only twice: under every archive limit, over a report's table.
    texts = (b"<si><t>" + os.urandom(4096).hex().encode() + b"</t></si>" for _ in range(2400))
    data = workbook(sheet_xml([]), {"xl/sharedStrings.xml": texts})
    archive_check(data)
    with pytest.raises(InputError, match="工作簿的共享文字表解压后为"):
        sheets_read(data)


def test_the_notes_sheet_calls_a_number_a_number_not_a_list_position(city):
    from eduplan.reporting.definitions import definition_from_data
    from eduplan.reporting.services import expected_reports_open, form_load
    from eduplan.reporting.tests.conftest import CLASS_FORM

    data = {
        **CLASS_FORM,
        "code": "money-test",
        "elements": [{"code": "invest", "name": "完成投资", "type": "number", "unit": "万元"}],
        "rules": [],
    }
    form, _version, _created = form_load(definition=definition_from_data(data, source="test"))
    expected_reports_open(form=form, period_code=PERIOD)
    notes = _book(_template(city, form))[INFO_SHEET]
    row = next(r for r in notes.iter_rows(values_only=True) if r[0] == "invest")
    assert row[2] == "数值"
