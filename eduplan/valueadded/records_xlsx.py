"""A cohort's pupil exam records as a workbook: the template, and its import all or nothing.

Sheet 学生成绩: a title row, a header row, a hidden row of column codes, then a pupil per
row: exam number (no name is asked for or kept), school code, the 中考 total and
subjects, whether the family is economically disadvantaged, the 高考 subjects and the
学业水平考试 subjects. Every problem is named by sheet, row and column and nothing is
stored if there is any; an import replaces the cohort's records, so the same file
imported again leaves the same records.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from eduplan.core.sheet_import import (
    ERR_CODE_ROW,
    ERR_FORMULA,
    ERR_NO_ROWS,
    ERR_UNIT_MISSING,
    ERR_UNIT_UNKNOWN,
    SHOWN_PROBLEMS,
    SheetProblem,
    WorkbookRefused,
    cell_text,
    workbook_sheet_rows,
)
from eduplan.core.xlsx import HEADER_FILL, HEADER_FONT, TITLE_FONT, cell_put
from eduplan.org.access import User, actor_of
from eduplan.org.models import OrgUnit
from eduplan.valueadded.models import HIGH_SCHOOL_TYPES, CohortImport, Pupil
from eduplan.valueadded.subjects import GAOKAO, PRIOR_SUBJECTS, XUEKAO

SHEET = "学生成绩"
TITLE_ROW, HEADER_ROW, CODE_ROW, FIRST_ROW = 1, 2, 3, 4
EXAM_NUMBER_MAX = 32
MAX_ROWS = 200_000
COHORT_MIN, COHORT_MAX = 2000, 2100
# Highest score per kind of column (中考 total; a 中考 subject; a 高考 subject; 学考).
PRIOR_TOTAL_MAX = 1000.0
PRIOR_SUBJECT_MAX = 200.0
GAOKAO_MAX = {"gk_comprehensive": 300.0}
GAOKAO_SUBJECT_MAX = 150.0
XUEKAO_MAX = 100.0
YES = {"是", "1", "y", "yes", "true"}
NO = {"否", "0", "n", "no", "false", ""}

ERR_EXAM_NUMBER = gettext_lazy("The exam number is missing.")
ERR_EXAM_NUMBER_LONG = gettext_lazy("The exam number is longer than %(max)s characters.")
ERR_EXAM_NUMBER_TWICE = gettext_lazy("This exam number repeats row %(row)s.")
ERR_NOT_HIGH_SCHOOL = gettext_lazy("The unit “%(code)s” is not a high school.")
ERR_SCORE = gettext_lazy("A score from 0 to %(max)s is expected here, not “%(value)s”.")
ERR_SCORE_MISSING = gettext_lazy("The Zhongkao total is missing.")
ERR_YES_NO = gettext_lazy("是 or 否 is expected here, not “%(value)s”.")
ERR_COHORT = gettext_lazy("The cohort must be a year from %(min)s to %(max)s.")


def columns() -> list[tuple[str, str]]:
    """(code, heading) of every column, in order."""
    return [
        ("exam_number", _("Exam number")),
        ("school", _("School code")),
        ("zk_total", _("Zhongkao total")),
        *[(code, str(label)) for code, label in PRIOR_SUBJECTS],
        ("disadvantaged", _("Economically disadvantaged (是/否)")),
        *[(code, str(label)) for code, label in GAOKAO + XUEKAO],
    ]


def records_template(*, cohort: int) -> bytes:
    """An empty workbook for a cohort's records, as the import reads it back."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one sheet
    ws.title = SHEET
    title = _("Pupil exam records, cohort %(cohort)s (no names)") % {"cohort": cohort}
    cell_put(ws, TITLE_ROW, 1, title).font = TITLE_FONT
    for column, (code, heading) in enumerate(columns(), start=1):
        cell = cell_put(ws, HEADER_ROW, column, heading)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell_put(ws, CODE_ROW, column, code)
        ws.column_dimensions[get_column_letter(column)].width = 14
    ws.row_dimensions[CODE_ROW].hidden = True
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1).coordinate
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Record:
    row: int
    exam_number: str
    school_id: int
    prior_total: float
    prior: dict[str, float]
    disadvantaged: bool
    outcomes: dict[str, float]

    @property
    def outcome_total(self) -> float | None:
        scores = [self.outcomes.get(code) for code, _label in GAOKAO]
        return None if any(s is None for s in scores) else float(sum(s for s in scores if s))


def _score(value: Any, top: float) -> tuple[float | None, str]:
    """A cell as a score in 0..top: (score, "") or (None, why not); empty is (None, "")."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None, ""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("="):
            return None, str(ERR_FORMULA)
        try:
            number = float(text)
        except ValueError:
            return None, str(ERR_SCORE % {"max": f"{top:g}", "value": text})
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        return None, str(ERR_SCORE % {"max": f"{top:g}", "value": value})
    if not 0 <= number <= top:
        return None, str(ERR_SCORE % {"max": f"{top:g}", "value": cell_text(value)})
    return number, ""


def _read(
    number: int, cells: list[Any], schools: dict[str, OrgUnit]
) -> tuple[Record | None, list[SheetProblem]]:
    codes = [code for code, _heading in columns()]
    cells = (cells + [None] * len(codes))[: len(codes)]
    value = dict(zip(codes, cells, strict=True))
    column = {code: get_column_letter(i) for i, code in enumerate(codes, start=1)}
    problems: list[SheetProblem] = []

    def problem(code: str, message: str) -> None:
        problems.append(SheetProblem(SHEET, number, column[code], message))

    exam_number = cell_text(value["exam_number"])
    if not exam_number:
        problem("exam_number", str(ERR_EXAM_NUMBER))
    elif len(exam_number) > EXAM_NUMBER_MAX:
        problem("exam_number", str(ERR_EXAM_NUMBER_LONG % {"max": EXAM_NUMBER_MAX}))
    code = cell_text(value["school"])
    school = schools.get(code)
    if not code:
        problem("school", str(ERR_UNIT_MISSING))
    elif school is None:
        problem("school", str(ERR_UNIT_UNKNOWN % {"code": code}))
    elif school.type not in HIGH_SCHOOL_TYPES:
        problem("school", str(ERR_NOT_HIGH_SCHOOL % {"code": code}))
    prior_total, why = _score(value["zk_total"], PRIOR_TOTAL_MAX)
    if why or prior_total is None:
        problem("zk_total", why or str(ERR_SCORE_MISSING))
    flag = cell_text(value["disadvantaged"]).lower()
    if flag not in YES | NO:
        problem("disadvantaged", str(ERR_YES_NO % {"value": flag}))
    scores: dict[str, float] = {}
    tops = [(c, PRIOR_SUBJECT_MAX) for c, _label in PRIOR_SUBJECTS]
    tops += [(c, GAOKAO_MAX.get(c, GAOKAO_SUBJECT_MAX)) for c, _label in GAOKAO]
    tops += [(c, XUEKAO_MAX) for c, _label in XUEKAO]
    for subject, top in tops:
        score, why = _score(value[subject], top)
        if why:
            problem(subject, why)
        elif score is not None:
            scores[subject] = score
    if problems:
        return None, problems
    assert school is not None and prior_total is not None
    prior_codes = {c for c, _label in PRIOR_SUBJECTS}
    return Record(
        row=number,
        exam_number=exam_number,
        school_id=school.pk,
        prior_total=prior_total,
        prior={k: v for k, v in scores.items() if k in prior_codes},
        disadvantaged=flag in YES,
        outcomes={k: v for k, v in scores.items() if k not in prior_codes},
    ), []


def records_read(*, data: bytes, name: str) -> tuple[list[Record], list[SheetProblem]]:
    """The records a workbook holds, or every problem in it with its place."""
    try:
        rows = workbook_sheet_rows(data=data, name=name, sheet=SHEET)
    except WorkbookRefused as refused:
        return [], [refused.problem]
    codes = [code for code, _heading in columns()]
    found = [cell_text(v) for v in (dict(rows).get(CODE_ROW) or [])][: len(codes)]
    if found != codes:
        return [], [SheetProblem(SHEET, CODE_ROW, "A", str(ERR_CODE_ROW))]
    wanted = {cell_text(cells[1]) for number, cells in rows if number >= FIRST_ROW and cells[1:]}
    schools = {u.code: u for u in OrgUnit.objects.filter(code__in=wanted)}
    records: list[Record] = []
    problems: list[SheetProblem] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        if number < FIRST_ROW or all(cell_text(v) == "" for v in cells):
            continue
        if len(records) + len(problems) > MAX_ROWS:
            break
        record, why = _read(number, cells, schools)
        problems += why
        if record is None:
            continue
        if record.exam_number in seen:
            message = str(ERR_EXAM_NUMBER_TWICE % {"row": seen[record.exam_number]})
            problems.append(SheetProblem(SHEET, number, "A", message))
            continue
        seen[record.exam_number] = number
        records.append(record)
    if not records and not problems:
        problems.append(SheetProblem(SHEET, None, "", str(ERR_NO_ROWS)))
    return records, problems[:SHOWN_PROBLEMS]


def cohort_check(cohort: int) -> str:
    """Why the cohort year is refused, or ""."""
    if not COHORT_MIN <= cohort <= COHORT_MAX:
        return str(ERR_COHORT % {"min": COHORT_MIN, "max": COHORT_MAX})
    return ""


@transaction.atomic
def records_replace(
    *, user: User | None, cohort: int, records: list[Record], file_name: str
) -> int:
    """Replace the cohort's records with these (the import's only write); their count."""
    Pupil.objects.filter(cohort=cohort).delete()
    Pupil.objects.bulk_create(
        (
            Pupil(
                cohort=cohort,
                school_id=r.school_id,
                exam_number=r.exam_number,
                prior_total=r.prior_total,
                prior=r.prior,
                disadvantaged=r.disadvantaged,
                outcome_total=r.outcome_total,
                outcomes=r.outcomes,
            )
            for r in records
        ),
        batch_size=2000,
    )
    CohortImport.objects.create(
        cohort=cohort,
        file_name=file_name[:255],
        pupils=len(records),
        imported_by=actor_of(user) if user is not None else None,
    )
    return len(records)
