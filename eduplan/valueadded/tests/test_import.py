"""A cohort's records imported by workbook: every bad cell named by sheet, row and column
with nothing stored; a good file replaces the cohort's records, once however often sent."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eduplan.valueadded.models import CohortImport, Pupil
from eduplan.valueadded.records_xlsx import FIRST_ROW, SHEET, columns, records_template

URL = reverse("valueadded:import")


def _row(exam: str, school: str, **cells: Any) -> list[Any]:
    values: dict[str, Any] = {
        "exam_number": exam,
        "school": school,
        "zk_total": 520,
        "zk_chinese": 90,
        "zk_maths": 95,
        "zk_english": 88,
        "disadvantaged": "否",
        "gk_chinese": 110,
        "gk_maths": 100,
        "gk_english": 105,
        "gk_comprehensive": 200,
        "xk_physics": 80,
    }
    values.update(cells)
    return [values.get(code) for code, _heading in columns()]


def _workbook(rows: list[list[Any]], cohort: int = 2019) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(records_template(cohort=cohort)))
    ws = wb[SHEET]
    for r, row in enumerate(rows, start=FIRST_ROW):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _post(client, data: bytes, cohort: str = "2019"):
    upload = SimpleUploadedFile("records.xlsx", data)
    return client.post(URL, {"cohort": cohort, "file": upload})


@pytest.fixture
def dan(client, city, settings):
    settings.EDUPLAN_VALUEADDED_DEPARTMENTS = [city.dept_basic.code]
    client.force_login(city.users["dan"])
    return client


def test_a_good_workbook_stores_the_cohort_without_names_and_once_when_sent_again(dan, city):
    school = city.bureau_school.code
    data = _workbook([_row("190001", school), _row("190002", school, disadvantaged="是")])
    for _attempt in range(2):
        response = _post(dan, data)
        assert response.status_code == 302
    pupils = Pupil.objects.filter(cohort=2019).order_by("exam_number")
    assert [p.exam_number for p in pupils] == ["190001", "190002"]
    assert pupils[0].outcome_total == 515 and pupils[1].disadvantaged
    assert pupils[0].prior == {"zk_chinese": 90, "zk_maths": 95, "zk_english": 88}
    assert pupils[0].outcomes["xk_physics"] == 80 and "xk_history" not in pupils[0].outcomes
    assert CohortImport.objects.filter(cohort=2019).count() == 2


def test_a_pupil_without_every_gaokao_subject_has_no_total(dan, city):
    _post(dan, _workbook([_row("190003", city.bureau_school.code, gk_maths=None)]))
    assert Pupil.objects.get(exam_number="190003").outcome_total is None


# (cells changed, column letter, words in the message)
REFUSED = [
    ({"exam_number": ""}, "A", ""),
    ({"school": "NOPE"}, "B", "NOPE"),
    ({"school": "410105-P1"}, "B", "410105-P1"),  # a primary school
    ({"zk_total": "abc"}, "C", "abc"),
    ({"zk_total": None}, "C", ""),
    ({"zk_maths": 900}, "E", "900"),
    ({"disadvantaged": "maybe"}, "G", "maybe"),
    ({"gk_comprehensive": 301}, "K", "301"),
    ({"gk_chinese": "=1+1"}, "H", ""),
    ({"xk_physics": -1}, "L", "-1"),
]


@pytest.mark.parametrize(("cells", "column", "words"), REFUSED)
def test_a_bad_cell_is_named_by_sheet_row_and_column_and_nothing_is_stored(
    dan, city, cells, column, words
):
    good = _row("190010", city.bureau_school.code)
    bad = _row("190011", city.bureau_school.code)
    for code, value in cells.items():
        bad[[c for c, _h in columns()].index(code)] = value
    response = _post(dan, _workbook([good, bad]))
    assert response.status_code == 400
    problems = response.context["problems"]
    assert [p.place for p in problems] == [f"{SHEET}!{column}{FIRST_ROW + 1}"]
    assert words in problems[0].message
    assert not Pupil.objects.exists()


def test_a_repeated_exam_number_is_refused_naming_the_first_row(dan, city):
    school = city.bureau_school.code
    response = _post(dan, _workbook([_row("1", school), _row("1", school)]))
    assert response.status_code == 400
    problem = response.context["problems"][0]
    assert problem.place == f"{SHEET}!A{FIRST_ROW + 1}" and str(FIRST_ROW) in problem.message
    assert not Pupil.objects.exists()


def test_a_file_that_is_not_a_workbook_and_a_bad_cohort_are_refused(dan, city):
    assert _post(dan, b"not a workbook at all").status_code == 400
    data = _workbook([_row("190001", city.bureau_school.code)])
    assert _post(dan, data, cohort="1850").status_code == 400
    assert _post(dan, data, cohort="").status_code == 400
    assert not Pupil.objects.exists()


def test_an_import_replaces_the_cohorts_records_and_leaves_other_cohorts(dan, city):
    school = city.bureau_school.code
    _post(dan, _workbook([_row("A1", school), _row("A2", school)]), cohort="2018")
    _post(dan, _workbook([_row("B1", school)]))
    _post(dan, _workbook([_row("B2", school)]))
    assert sorted(Pupil.objects.values_list("cohort", "exam_number")) == [
        (2018, "A1"),
        (2018, "A2"),
        (2019, "B2"),
    ]


@pytest.mark.parametrize("who", ["lee", "sue", "sam", "bob", "alice"])
def test_only_the_designated_department_imports(client, city, settings, who):
    from eduplan.org.models import Role
    from eduplan.org.tests.factories import user_with_role

    settings.EDUPLAN_VALUEADDED_DEPARTMENTS = [city.dept_basic.code]
    city.users["sam"] = user_with_role("sam", Role.DEPARTMENT, city.root, city.dept_sports)
    client.force_login(city.users[who])
    assert client.get(URL).status_code == 403
    assert _post(client, _workbook([_row("1", city.bureau_school.code)])).status_code == 403
    assert not Pupil.objects.exists()


def test_the_template_downloads_with_its_code_row(dan):
    response = dan.get(URL, {"template": "1", "cohort": "2019"})
    ws = openpyxl.load_workbook(io.BytesIO(response.content))[SHEET]
    assert [c.value for c in ws[3]] == [code for code, _ in columns()]
