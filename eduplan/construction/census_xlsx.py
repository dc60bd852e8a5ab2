"""The class census as a workbook: a template per school or per district (every school
under it) and its import, previewed first and stored all or nothing.

Sheet 班级 has a title row, a header row, a hidden row of column codes and a class per
row from row 4: school code, school name (for the reader only), school year, grade,
class number, pupils. Each school and year found in the file is replaced by the file's
classes through `census_replace` (so the history and the checks are those of the page);
a school absent from the file is left as it is. Every problem is listed with its sheet,
row and column, and nothing is stored if there is any. The preview carries what it read,
signed, with the revision of each census it compared against: a census changed between
preview and confirmation is a conflict, a confirmation sent twice stores once.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from eduplan.construction.census import (
    YEAR_MAX,
    YEAR_MIN,
    CensusWrite,
    ClassRow,
    census_replace,
    census_revision,
    class_row_problems,
)
from eduplan.construction.models import SchoolClass
from eduplan.core.errors import InputError
from eduplan.core.sheet_import import (
    ERR_CODE_ROW,
    ERR_NO_ROWS,
    ERR_UNIT_MISSING,
    ERR_UNIT_UNKNOWN,
    SHOWN_PROBLEMS,
    SheetProblem,
    WorkbookRefused,
    cell_text,
    cell_whole,
    workbook_sheet_rows,
)
from eduplan.core.xlsx import HEADER_FILL, HEADER_FONT, TITLE_FONT, cell_put
from eduplan.org.access import Action, User, can
from eduplan.org.models import SCHOOL_TYPES, OrgUnit
from eduplan.org.selectors import unit_subtree

SHEET = "班级"
TITLE_ROW, HEADER_ROW, CODE_ROW, FIRST_ROW = 1, 2, 3, 4
CODES = ["school", "school_name", "school_year", "grade", "number", "pupils"]
MAX_ROWS = 50_000
SIGNING_SALT = "construction.census-import"
ERR_NOT_YOURS = gettext_lazy("You may not enter the classes of %(unit)s.")
ERR_NOT_UNDER = gettext_lazy("%(unit)s is not under %(scope)s, the unit this import is for.")
ERR_ROW_TWICE = gettext_lazy("This class repeats row %(row)s.")
ERR_YEAR = gettext_lazy("The school year must be a year from %(low)s to %(high)s.")
ERR_TOO_MANY = gettext_lazy("The sheet has more than %(n)s rows; split it into several files.")
ERR_PREVIEW = gettext_lazy("The preview has expired or was altered; upload the file again.")


def _headers() -> list[str]:
    return [
        _("School code"),
        _("School"),
        _("School year"),
        _("Grade"),
        _("Class number"),
        _("Pupils"),
    ]


def census_schools(*, unit: OrgUnit) -> list[OrgUnit]:
    """The unit itself if a school, else the open schools under it, by code."""
    if unit.type in SCHOOL_TYPES:
        return [unit]
    return list(
        unit_subtree(unit=unit)
        .filter(type__in=SCHOOL_TYPES, closed_on__isnull=True)
        .order_by("code")
    )


def census_xlsx_template(*, unit: OrgUnit, school_year: int) -> bytes:
    """The workbook of a school's (or every school's under a district) classes of the
    year as stored, ready to be corrected and imported; a school without classes gets a
    row with its code and the year to start from."""
    schools = census_schools(unit=unit)
    classes: dict[int, list[SchoolClass]] = defaultdict(list)
    for c in SchoolClass.objects.filter(school__in=schools, school_year=school_year).order_by(
        "grade", "number"
    ):
        classes[c.school_id].append(c)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one sheet
    ws.title = SHEET
    census = _("Class-size census")
    title = f"{unit.name} · {census} · {school_year}"
    cell_put(ws, TITLE_ROW, 1, title).font = TITLE_FONT
    for column, (header, code) in enumerate(zip(_headers(), CODES, strict=True), start=1):
        cell = cell_put(ws, HEADER_ROW, column, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell_put(ws, CODE_ROW, column, code)
        ws.column_dimensions[get_column_letter(column)].width = 30 if column == 2 else 14
    ws.row_dimensions[CODE_ROW].hidden = True
    row = FIRST_ROW
    for school in schools:
        listed: list[SchoolClass | None] = list(classes.get(school.pk, [])) or [None]
        for entry in listed:
            values: list[object] = [school.code, school.name, school_year]
            if entry is not None:
                values += [entry.grade, entry.number, entry.pupils]
            for column, value in enumerate(values, start=1):
                cell_put(ws, row, column, value)
            row += 1
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1).coordinate
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class CensusBatch:
    """One school's classes of one year as read from the file, against what is stored."""

    school: OrgUnit
    school_year: int
    rows: list[ClassRow]
    revision: str = ""
    stored: int = 0
    added: int = 0
    removed: int = 0
    corrected: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.corrected)


@dataclass
class CensusImport:
    """What a file would do (batches) or why it is refused (problems)."""

    problems: list[SheetProblem] = field(default_factory=list)
    batches: list[CensusBatch] = field(default_factory=list)
    more_problems: int = 0

    @property
    def token(self) -> str:
        """The batches, signed: what the confirmation stores, unchanged."""
        return signing.dumps(
            [
                [
                    b.school.code,
                    b.school_year,
                    b.revision,
                    [[r.grade, r.number, r.pupils] for r in b.rows],
                ]
                for b in self.batches
            ],
            salt=SIGNING_SALT,
            compress=True,
        )


def _problem(row: int, column: int, message: str) -> SheetProblem:
    return SheetProblem(SHEET, row, get_column_letter(column), message)


def _read_row(
    number: int,
    cells: list[Any],
    units: dict[str, OrgUnit],
    user: User,
    scope: OrgUnit,
) -> tuple[tuple[OrgUnit, int, ClassRow] | None, list[SheetProblem]]:
    """One row: the school, year and class it holds, or every problem in it."""
    cells = (cells + [None] * len(CODES))[: len(CODES)]
    problems = []
    code = cell_text(cells[0])
    school = units.get(code)
    if not code:
        problems.append(_problem(number, 1, str(ERR_UNIT_MISSING)))
    elif school is None:
        problems.append(_problem(number, 1, str(ERR_UNIT_UNKNOWN % {"code": code})))
    elif not school.path.startswith(scope.path) or school.type not in SCHOOL_TYPES:
        message = ERR_NOT_UNDER % {"unit": school.name, "scope": scope.name}
        problems.append(_problem(number, 1, str(message)))
        school = None
    elif not can(user, Action.UNIT_DATA_CHANGE, school):
        problems.append(_problem(number, 1, str(ERR_NOT_YOURS % {"unit": school.name})))
        school = None
    values: list[int] = []
    for column in range(3, 7):
        value, why = cell_whole(cells[column - 1])
        if why:
            problems.append(_problem(number, column, why))
        values.append(value or 0)
    year = values[0]
    if not problems and not YEAR_MIN <= year <= YEAR_MAX:
        problems.append(_problem(number, 3, str(ERR_YEAR % {"low": YEAR_MIN, "high": YEAR_MAX})))
    row = ClassRow(grade=values[1], number=values[2], pupils=values[3])
    column_of = {"grade": 4, "number": 5, "pupils": 6}
    for name, message in class_row_problems(row) if not problems else []:
        problems.append(_problem(number, column_of[name], message))
    if problems or school is None:
        return None, problems
    return (school, year, row), []


def census_xlsx_read(*, user: User, unit: OrgUnit, data: bytes, name: str) -> CensusImport:
    """Read a census workbook for `unit` (a school, or a district and its schools): every
    problem with its place, or the batches it would store and what each would change."""
    result = CensusImport()
    try:
        rows = workbook_sheet_rows(data=data, name=name, sheet=SHEET)
    except WorkbookRefused as refused:
        result.problems.append(refused.problem)
        return result
    by_number = dict(rows)
    codes = [cell_text(v) for v in (by_number.get(CODE_ROW) or [])][: len(CODES)]
    if codes != CODES:
        result.problems.append(SheetProblem(SHEET, CODE_ROW, "A", str(ERR_CODE_ROW)))
        return result
    body = [(n, cells) for n, cells in rows if n >= FIRST_ROW]
    if len(body) > MAX_ROWS:
        result.problems.append(SheetProblem(SHEET, None, "", str(ERR_TOO_MANY % {"n": MAX_ROWS})))
        return result
    wanted_codes = {cell_text(cells[0]) for _n, cells in body if cells}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=wanted_codes)}
    grouped: dict[tuple[int, int], list[ClassRow]] = defaultdict(list)
    schools: dict[int, OrgUnit] = {}
    first_row: dict[tuple[int, int, str], int] = {}
    problems: list[SheetProblem] = []
    for number, cells in body:
        # A row with only the school and year (the template's row for a school without
        # classes) or nothing at all holds no class.
        if all(cell_text(v) == "" for v in (cells + [None] * 6)[3:6]):
            continue
        read, row_problems = _read_row(number, cells, units, user, unit)
        problems += row_problems
        if read is None:
            continue
        school, year, row = read
        key = (school.pk, year, row.key)
        if key in first_row:
            problems.append(_problem(number, 5, str(ERR_ROW_TWICE % {"row": first_row[key]})))
            continue
        first_row[key] = number
        schools[school.pk] = school
        grouped[(school.pk, year)].append(row)
    if not problems and not grouped:
        problems.append(SheetProblem(SHEET, None, "", str(ERR_NO_ROWS)))
    if problems:
        result.problems = problems[:SHOWN_PROBLEMS]
        result.more_problems = max(0, len(problems) - SHOWN_PROBLEMS)
        return result
    result.batches = _batches(grouped, schools)
    return result


def _batches(
    grouped: dict[tuple[int, int], list[ClassRow]], schools: dict[int, OrgUnit]
) -> list[CensusBatch]:
    """Each school and year read, compared with what is stored (one query for all)."""
    stored: dict[tuple[int, int], dict[str, ClassRow]] = defaultdict(dict)
    years = {year for _pk, year in grouped}
    for c in SchoolClass.objects.filter(school_id__in=list(schools), school_year__in=years):
        row = ClassRow(grade=c.grade, number=c.number, pupils=c.pupils)
        stored[(c.school_id, c.school_year)][row.key] = row
    batches = []
    for (pk, year), rows in sorted(
        grouped.items(), key=lambda kv: (schools[kv[0][0]].code, kv[0][1])
    ):
        before = stored.get((pk, year), {})
        after = {r.key: r for r in rows}
        batches.append(
            CensusBatch(
                school=schools[pk],
                school_year=year,
                rows=sorted(rows),
                revision=census_revision(before.values()),
                stored=len(before),
                added=sum(1 for k in after if k not in before),
                removed=sum(1 for k in before if k not in after),
                corrected=sum(1 for k, r in after.items() if k in before and before[k] != r),
            )
        )
    return batches


@transaction.atomic
def census_xlsx_confirm(*, user: User, token: str, note: str = "") -> list[CensusWrite]:
    """Store a previewed import: every school and year as read, each against the
    revision the preview showed (a census changed since is a conflict and nothing is
    stored); a confirmation sent again finds the same classes and stores nothing."""
    try:
        batches = signing.loads(token, salt=SIGNING_SALT, max_age=3600)
    except signing.BadSignature:
        raise InputError(str(ERR_PREVIEW), where="token") from None
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[b[0] for b in batches])}
    written = []
    for code, year, revision, rows in batches:
        school = units.get(code)
        if school is None:
            raise InputError(str(ERR_UNIT_UNKNOWN % {"code": code}), where=code)
        written.append(
            census_replace(
                user=user,
                school=school,
                school_year=year,
                rows=[ClassRow(grade=g, number=n, pupils=p) for g, n, p in rows],
                revision=revision,
                note=note,
            )
        )
    return written
