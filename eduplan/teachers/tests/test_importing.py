"""A provider's workbook: stored whole, refused whole naming the cell, stored once."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from eduplan.teachers.importing import COURSE_COLUMNS, completions_import, template_xlsx
from eduplan.teachers.models import Completion, CompletionImport, Course
from eduplan.teachers.tests.conftest import BACKBONE, COURSE, workbook

D = datetime.date
GOOD = [
    ["T0001", "C2016-01", D(2016, 3, 1), D(2016, 6, 30), None],
    ["T0002", "C2016-01", D(2016, 3, 1), D(2016, 6, 30), 30],
    ["T0001", "C2016-02", D(2016, 9, 1), None, None],
]


def _import(register, data, name="provider.xlsx"):
    return completions_import(user=register.city.users["jia"], data=data, filename=name)


def test_a_providers_workbook_is_stored_with_its_courses_and_completions(register):
    result = _import(register, workbook(completions=GOOD))
    assert result.ok and result.stored == 3 and result.courses == 2
    course = Course.objects.get(code="C2016-01")
    # No credits given: the hours over EDUPLAN_TEACHERS_HOURS_PER_CREDIT (10).
    assert course.credits == Decimal("4.00") and course.level == "city" and not course.backbone
    assert Course.objects.get(code="C2016-02").backbone
    wang = Completion.objects.get(teacher=register.teachers["wang"], course=course)
    assert wang.hours == Decimal(40) and wang.year == 2016 and wang.completed_on == D(2016, 6, 30)
    li = Completion.objects.get(teacher=register.teachers["li"], course=course)
    assert li.hours == Decimal(30)
    enrolled = Completion.objects.get(teacher=register.teachers["wang"], course__code="C2016-02")
    assert enrolled.completed_on is None and enrolled.year is None and enrolled.hours == 0


def test_the_same_file_again_is_answered_as_imported_and_stores_nothing(register):
    data = workbook(completions=GOOD)
    first = _import(register, data)
    again = _import(register, data, name="retry.xlsx")
    assert first.ok and again.ok and again.replayed and again.stored == 3
    assert CompletionImport.objects.count() == 1
    assert Completion.objects.count() == 3 and Course.objects.count() == 2


def test_a_later_workbook_completes_an_enrolment_instead_of_adding_a_second(register):
    _import(register, workbook(completions=GOOD))
    later = [["T0001", "C2016-02", D(2016, 9, 1), D(2016, 12, 20), 80]]
    result = _import(register, workbook(courses=[], completions=later))
    assert result.ok and result.stored == 1
    done = Completion.objects.get(teacher=register.teachers["wang"], course__code="C2016-02")
    assert done.completed_on == D(2016, 12, 20) and done.hours == 80 and done.year == 2016
    assert Completion.objects.count() == 3


REFUSED = [
    # (courses, completions, the cell named, words of the message)
    (None, [["T9999", "C2016-01", None, D(2016, 5, 1), None]], "学员!A2", "T9999"),
    (None, [["T0001", "C2099-01", None, D(2016, 5, 1), None]], "学员!B2", "C2099-01"),
    ([COURSE, BACKBONE, COURSE], GOOD, "课程!A4", "第 2 行"),
    (None, [GOOD[0], ["T0001", "C2016-01", None, None, None]], "学员!B3", "第 2 行"),
    (None, [["T0001", "C2016-01", None, D(2016, 5, 1), -4]], "学员!E2", "不能为负"),
    ([[*COURSE[:4], -40, *COURSE[5:]]], GOOD[:2], "课程!E2", "不能为负"),
    ([[*COURSE[:5], -1, *COURSE[6:]]], GOOD[:2], "课程!F2", "不能为负"),
    ([[*COURSE[:3], "部级", *COURSE[4:]]], GOOD[:2], "课程!D2", "部级"),
    (None, [["T0001", "C2016-01", None, D(2016, 5, 1), 41]], "学员!E2", "40"),
    (None, [["T0001", "C2016-01", D(2016, 5, 2), D(2016, 5, 1), None]], "学员!D2", "报名"),
    (None, [["T0001", "C2016-01", None, "明天", None]], "学员!D2", "明天"),
    (None, [["T0001", "C2016-01", None, None, 10]], "学员!E2", "结业日期"),
    (None, [["", "C2016-01", None, None, None]], "学员!A2", "必填"),
]


@pytest.mark.parametrize(("courses", "rows", "cell", "words"), REFUSED)
def test_a_bad_cell_refuses_the_whole_workbook_naming_it(register, courses, rows, cell, words):
    result = _import(register, workbook(courses=courses, completions=rows))
    assert not result.ok
    named = {p.place: p.message for p in result.problems}
    assert cell in named, named
    assert words in named[cell]
    assert Course.objects.count() == 0 and Completion.objects.count() == 0
    assert CompletionImport.objects.count() == 0


def test_every_problem_is_listed_not_only_the_first(register):
    rows = [
        ["T9999", "C2016-01", None, D(2016, 5, 1), None],
        ["T0001", "C2016-01", None, D(2016, 5, 1), -1],
        ["T0002", "C2099-01", None, D(2016, 5, 1), None],
    ]
    result = _import(register, workbook(completions=rows))
    assert [p.place for p in result.problems] == ["学员!A2", "学员!E3", "学员!B4"]


def test_a_course_listed_with_a_problem_is_not_also_called_unknown(register):
    bad_level = [*COURSE[:3], "部级", *COURSE[4:]]
    result = _import(register, workbook(courses=[bad_level], completions=GOOD[:1]))
    assert [p.place for p in result.problems] == ["课程!D2"]


def test_a_changed_heading_is_named(register):
    changed = ("课程代码", *COURSE_COLUMNS[1:])
    result = _import(register, workbook(completions=GOOD, course_header=changed))
    assert [p.place for p in result.problems] == ["课程!A1"]
    assert "课程编号" in result.problems[0].message


def test_a_file_that_is_no_workbook_is_refused_by_name(register):
    result = _import(register, b"not a workbook", name="list.xlsx")
    assert not result.ok and "list.xlsx" in result.problems[0].message
    assert CompletionImport.objects.count() == 0


def test_the_template_reads_back_as_a_workbook_with_no_rows(register):
    result = _import(register, template_xlsx(), name="template.xlsx")
    assert [p.place for p in result.problems] == ["学员"]
