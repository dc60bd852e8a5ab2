"""A training provider's workbook of courses and completions, imported all or nothing.

Sheet 课程 lists the provider's courses (code, name, provider, level, hours, credits,
year, 骨干教师培训); sheet 学员 lists enrolments and completions (teacher number, course
code, enrolled on, completed on, hours credited). Every cell is checked first and every
problem is named by sheet, row and column: an unknown teacher or course, a course listed
twice, a teacher listed twice for one course, negative hours … If there is any, nothing
is stored. A file without problems is stored in one transaction; a row for a teacher and
course already held updates that completion (an enrolment completed later). The same
file again is answered as already imported and stores nothing.

Fast on 100,000 rows: the sheets are streamed by core.sheet, each lookup table is read
in one query (teachers, courses), and the rows are written with bulk_create.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.figures_cache import figures_changed
from eduplan.core.sheet import excel_day
from eduplan.core.sheet_import import (
    SHOWN_PROBLEMS,
    SheetProblem,
    WorkbookRefused,
    cell_text,
    cell_whole,
)
from eduplan.core.sheet_import import (
    workbook_sheet_rows as sheet_read,
)
from eduplan.org.access import SignedInUser
from eduplan.teachers.credits import CreditRules, credits_of
from eduplan.teachers.models import Completion, CompletionImport, Course, CourseLevel, Teacher

COURSES, COMPLETIONS = "课程", "学员"
HEADER_ROW, FIRST_ROW = 1, 2
COURSE_COLUMNS = (
    "课程编号",
    "课程名称",
    "培训机构",
    "级别",
    "学时",
    "学分",
    "年度",
    "骨干教师培训",
)
COMPLETION_COLUMNS = ("教师编号", "课程编号", "报名日期", "结业日期", "认定学时")
LETTERS = "ABCDEFGH"
HOURS_MAX = Decimal(9999)
# How providers write a course's level (the workbook is read the same in any language).
LEVEL_WORDS = {
    "国家级": CourseLevel.NATIONAL,
    "省级": CourseLevel.PROVINCIAL,
    "市级": CourseLevel.CITY,
    "县级": CourseLevel.DISTRICT,
    "区级": CourseLevel.DISTRICT,
    "县（区）级": CourseLevel.DISTRICT,
    "校级": CourseLevel.SCHOOL,
    "校本": CourseLevel.SCHOOL,
}
LEVELS = {**LEVEL_WORDS, **{value: CourseLevel(value) for value in CourseLevel.values}}
LEVELS_SHOWN = "、".join(("国家级", "省级", "市级", "县级", "校级"))
YES, NO = ("是", "yes", "1", "true", "y"), ("否", "no", "0", "false", "n", "")

ERR_HEADER = gettext_lazy("The column heading should read “%(expected)s”; use the template.")
ERR_REQUIRED = gettext_lazy("This cell is required.")
ERR_TOO_LONG = gettext_lazy("At most %(n)s characters.")
ERR_NUMBER = gettext_lazy("A number is expected here, not “%(value)s”.")
ERR_NEGATIVE = gettext_lazy("Hours cannot be negative (%(value)s).")
ERR_CREDITS_NEGATIVE = gettext_lazy("Credits cannot be negative (%(value)s).")
ERR_NUMBER_MAX = gettext_lazy("At most %(max)s.")
ERR_LEVEL = gettext_lazy("The level must be one of %(levels)s, not “%(value)s”.")
ERR_YEAR = gettext_lazy("A year between 2000 and 2100 is expected here.")
ERR_YES_NO = gettext_lazy("Write 是 or 否 here, not “%(value)s”.")
ERR_DATE = gettext_lazy("A date (YYYY-MM-DD) is expected here, not “%(value)s”.")
ERR_COURSE_TWICE = gettext_lazy("The course “%(code)s” is listed twice (first in row %(row)s).")
ERR_TEACHER_UNKNOWN = gettext_lazy("No teacher has the number “%(code)s”.")
ERR_COURSE_UNKNOWN = gettext_lazy(
    "No course has the code “%(code)s”: list it on sheet 课程 or import its course first."
)
ERR_COMPLETION_TWICE = gettext_lazy(
    "Teacher “%(teacher)s” is listed for course “%(course)s” twice (first in row %(row)s)."
)
ERR_BEFORE_ENROLMENT = gettext_lazy("The course cannot be completed before the enrolment.")
ERR_MORE_THAN_COURSE = gettext_lazy("More than the course's %(hours)s hours.")
ERR_HOURS_WITHOUT_COMPLETION = gettext_lazy("Hours are credited only with the date completed.")
ERR_NO_ROWS = gettext_lazy("The sheet 学员 holds no rows to import.")


@dataclass
class ImportResult:
    stored: int = 0
    courses: int = 0
    replayed: bool = False
    problems: list[SheetProblem] = field(default_factory=list)
    more: int = 0  # problems found beyond those listed

    @property
    def ok(self) -> bool:
        return not self.problems


class _Rows:
    """Problems of one sheet, each named by its cell."""

    def __init__(self, sheet: str, problems: list[SheetProblem]) -> None:
        self.sheet = sheet
        self.problems = problems

    def refuse(self, row: int, column: int, message: str) -> None:
        self.problems.append(SheetProblem(self.sheet, row, LETTERS[column], message))


def _cell(values: list[Any], i: int) -> Any:
    return values[i] if i < len(values) else None


def _hours(value: Any, negative: Any = ERR_NEGATIVE) -> tuple[Decimal | None, str]:
    """A cell read as hours: (None, "") when empty, (hours, "") or (None, why not)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    text = cell_text(value)
    if text.startswith("="):
        return None, str(_("Formulas are not accepted; type the value itself."))
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, str(ERR_NUMBER % {"value": text})
    if not number.is_finite():
        return None, str(ERR_NUMBER % {"value": text})
    if number < 0:
        return None, str(negative % {"value": text})
    if number > HOURS_MAX:
        return None, str(ERR_NUMBER_MAX % {"max": HOURS_MAX})
    return number.quantize(Decimal("0.1")), ""


def _date(value: Any) -> tuple[datetime.date | None, str]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    if isinstance(value, datetime.datetime):
        return value.date(), ""
    if isinstance(value, datetime.date):
        return value, ""
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return excel_day(value), ""
    text = cell_text(value)
    try:
        return datetime.date.fromisoformat(text.replace("/", "-")), ""
    except ValueError:
        return None, str(ERR_DATE % {"value": text})


def _header(rows: list[tuple[int, list[Any]]], columns: tuple[str, ...], out: _Rows) -> None:
    values = next((v for n, v in rows if n == HEADER_ROW), [])
    for i, expected in enumerate(columns):
        if cell_text(_cell(values, i)).rstrip(" *") != expected:
            out.refuse(HEADER_ROW, i, str(ERR_HEADER % {"expected": expected}))


def _text(values: list[Any], i: int, row: int, out: _Rows, *, limit: int) -> str:
    text = cell_text(_cell(values, i))
    if not text:
        out.refuse(row, i, str(ERR_REQUIRED))
    elif len(text) > limit:
        out.refuse(row, i, str(ERR_TOO_LONG % {"n": limit}))
    return text


def _courses_read(
    rows: list[tuple[int, list[Any]]], out: _Rows, rules: CreditRules
) -> tuple[list[Course], set[str]]:
    """The courses of sheet 课程 and every code it lists, every problem named."""
    _header(rows, COURSE_COLUMNS, out)
    courses: list[Course] = []
    first_row: dict[str, int] = {}
    for row, values in rows:
        if row < FIRST_ROW or all(cell_text(v) == "" for v in values):
            continue
        before = len(out.problems)
        code = _text(values, 0, row, out, limit=40)
        if code in first_row:
            out.refuse(row, 0, str(ERR_COURSE_TWICE % {"code": code, "row": first_row[code]}))
        elif code:
            first_row[code] = row
        name = _text(values, 1, row, out, limit=200)
        provider = _text(values, 2, row, out, limit=100)
        level_text = cell_text(_cell(values, 3))
        level = LEVELS.get(level_text)
        if level is None:
            out.refuse(row, 3, str(ERR_LEVEL % {"levels": LEVELS_SHOWN, "value": level_text}))
        hours, why = _hours(_cell(values, 4))
        if why or hours is None:
            out.refuse(row, 4, why or str(ERR_REQUIRED))
        credits, why = _hours(_cell(values, 5), ERR_CREDITS_NEGATIVE)
        if why:
            out.refuse(row, 5, why)
        year, why = cell_whole(_cell(values, 6))
        if year is None or not 2000 <= year <= 2100:
            out.refuse(row, 6, str(ERR_YEAR))
        flag = cell_text(_cell(values, 7)).lower()
        if flag not in YES + NO:
            out.refuse(row, 7, str(ERR_YES_NO % {"value": flag}))
        if len(out.problems) > before or hours is None or level is None or year is None:
            continue
        courses.append(
            Course(
                code=code,
                name=name,
                provider=provider,
                level=level,
                hours=hours,
                credits=credits if credits is not None else credits_of(hours, rules),
                year=year,
                backbone=flag in YES,
            )
        )
    return courses, set(first_row)


@dataclass(frozen=True)
class _Lookups:
    teachers: dict[str, int]
    course_hours: dict[str, Decimal]
    listed: set[str]  # codes sheet 课程 lists, with or without problems


def _completions_read(
    rows: list[tuple[int, list[Any]]], out: _Rows, lookups: _Lookups
) -> list[tuple[int, str, datetime.date | None, datetime.date | None, Decimal]]:
    """(teacher pk, course code, enrolled, completed, hours) of sheet 学员."""
    _header(rows, COMPLETION_COLUMNS, out)
    read = []
    seen: dict[tuple[str, str], int] = {}
    for row, values in rows:
        if row < FIRST_ROW or all(cell_text(v) == "" for v in values):
            continue
        before = len(out.problems)
        teacher_code = _text(values, 0, row, out, limit=32)
        teacher = lookups.teachers.get(teacher_code)
        if teacher_code and teacher is None:
            out.refuse(row, 0, str(ERR_TEACHER_UNKNOWN % {"code": teacher_code}))
        course = _text(values, 1, row, out, limit=40)
        course_hours = lookups.course_hours.get(course)
        if course and course_hours is None and course not in lookups.listed:
            out.refuse(row, 1, str(ERR_COURSE_UNKNOWN % {"code": course}))
        key = (teacher_code, course)
        if teacher_code and course and key in seen:
            message = ERR_COMPLETION_TWICE % {
                "teacher": teacher_code,
                "course": course,
                "row": seen[key],
            }
            out.refuse(row, 1, str(message))
        seen.setdefault(key, row)
        enrolled, why = _date(_cell(values, 2))
        if why:
            out.refuse(row, 2, why)
        completed, why = _date(_cell(values, 3))
        if why:
            out.refuse(row, 3, why)
        if enrolled and completed and completed < enrolled:
            out.refuse(row, 3, str(ERR_BEFORE_ENROLMENT))
        hours, why = _hours(_cell(values, 4))
        if why:
            out.refuse(row, 4, why)
        elif hours is not None and completed is None:
            out.refuse(row, 4, str(ERR_HOURS_WITHOUT_COMPLETION))
        elif hours is not None and course_hours is not None and hours > course_hours:
            out.refuse(row, 4, str(ERR_MORE_THAN_COURSE % {"hours": course_hours}))
        if len(out.problems) > before or teacher is None or course_hours is None:
            continue
        credited = (hours if hours is not None else course_hours) if completed else Decimal(0)
        read.append((teacher, course, enrolled, completed, credited))
    return read


def _file_problem(exc: WorkbookRefused) -> SheetProblem:
    return exc.problem


def completions_import(
    *,
    user: SignedInUser,
    data: bytes,
    filename: str,
    rules: CreditRules | None = None,
    timer: Callable[[str], None] | None = None,
) -> ImportResult:
    """Store a provider's workbook, all or nothing (see the module). The caller has
    checked Action.TEACHER_CREDITS."""
    rules = rules or CreditRules.from_settings()
    result = ImportResult()
    digest = hashlib.sha256(data).hexdigest()
    done = CompletionImport.objects.filter(digest=digest).first()
    if done is not None:
        result.replayed, result.stored, result.courses = True, done.rows, done.courses
        return result
    try:
        course_rows = sheet_read(data=data, name=filename, sheet=COURSES)
        completion_rows = sheet_read(data=data, name=filename, sheet=COMPLETIONS)
    except WorkbookRefused as exc:
        result.problems.append(_file_problem(exc))
        return result
    if timer:
        timer("read")
    courses, listed = _courses_read(course_rows, _Rows(COURSES, result.problems), rules)
    lookups = _Lookups(
        teachers=dict(Teacher.objects.values_list("code", "pk")),
        course_hours=dict(Course.objects.values_list("code", "hours"))
        | {c.code: c.hours for c in courses},
        listed=listed,
    )
    completions = _completions_read(completion_rows, _Rows(COMPLETIONS, result.problems), lookups)
    if not completions and not result.problems:
        result.problems.append(SheetProblem(COMPLETIONS, None, "", str(ERR_NO_ROWS)))
    if timer:
        timer("checked")
    if result.problems:
        result.more = max(0, len(result.problems) - SHOWN_PROBLEMS)
        del result.problems[SHOWN_PROBLEMS:]
        return result
    providers = sorted({c.provider for c in courses})
    try:
        _store(
            user=user,
            digest=digest,
            filename=filename,
            provider="、".join(providers)[:100],
            courses=courses,
            completions=completions,
        )
    except IntegrityError:  # the same file, stored by a request running at the same time
        done = CompletionImport.objects.filter(digest=digest).first()
        if done is None:
            raise
        result.replayed, result.stored, result.courses = True, done.rows, done.courses
        return result
    result.stored, result.courses = len(completions), len(courses)
    return result


BATCH = 2000


@transaction.atomic
def _store(
    *,
    user: SignedInUser,
    digest: str,
    filename: str,
    provider: str,
    courses: list[Course],
    completions: list[tuple[int, str, datetime.date | None, datetime.date | None, Decimal]],
) -> None:
    batch = CompletionImport.objects.create(
        digest=digest,
        filename=filename[:200],
        provider=provider,
        rows=len(completions),
        courses=len(courses),
        user=user,
    )
    Course.objects.bulk_create(
        courses,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "provider", "level", "hours", "credits", "year", "backbone"],
    )
    course_ids = dict(Course.objects.values_list("code", "pk"))
    Completion.objects.bulk_create(
        (
            Completion(
                teacher_id=teacher,
                course_id=course_ids[course],
                enrolled_on=enrolled,
                completed_on=completed,
                year=completed.year if completed else None,
                hours=hours,
                batch=batch,
            )
            for teacher, course, enrolled, completed, hours in completions
        ),
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["teacher", "course"],
        update_fields=["enrolled_on", "completed_on", "year", "hours", "batch"],
    )
    figures_changed()


def template_xlsx() -> bytes:
    """The provider's workbook: the two sheets with their headings and a notes sheet."""
    import io

    import openpyxl
    from openpyxl.worksheet.worksheet import Worksheet

    from eduplan.core.xlsx import HEADER_FILL, HEADER_FONT, cell_put

    wb = openpyxl.Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)
    first.title = COURSES
    for sheet, columns in (
        (first, COURSE_COLUMNS),
        (wb.create_sheet(COMPLETIONS), COMPLETION_COLUMNS),
    ):
        for i, heading in enumerate(columns, start=1):
            cell = cell_put(sheet, HEADER_ROW, i, heading)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            sheet.column_dimensions[LETTERS[i - 1]].width = 16
        sheet.freeze_panes = f"A{FIRST_ROW}"
    notes = wb.create_sheet("说明")
    levels = LEVELS_SHOWN
    lines = [
        _("Sheet 课程: one row per course; 级别 is one of %(levels)s.") % {"levels": levels},
        _("学分 may be left empty: it is then the hours divided by %(n)s.")
        % {"n": settings.EDUPLAN_TEACHERS_HOURS_PER_CREDIT},
        _("Sheet 学员: one row per teacher and course; leave 结业日期 empty for an enrolment."),
        _("认定学时 may be left empty: the course's hours are credited."),
    ]
    for r, line in enumerate(lines, start=1):
        cell_put(notes, r, 1, line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
