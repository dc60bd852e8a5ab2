"""Importing a filled template, all or nothing.

An import checks every cell first (`checking`) and lists every problem with its sheet,
row and column; only a file without problems is stored, all rows in one transaction,
each through `submission_save` like the web form, so a refused file changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from openpyxl.utils import get_column_letter

from eduplan.core.errors import InputError
from eduplan.core.periods import Period, PeriodCodeError, period_from_code
from eduplan.core.workbooks import workbook_as_xlsx
from eduplan.org.access import User
from eduplan.reporting.definitions import ElementDef, FormDefinition
from eduplan.reporting.models import Form, Submission
from eduplan.reporting.rules import rule_names
from eduplan.reporting.services import (
    EDITABLE,
    ConflictError,
    FieldProblem,
    SubmissionInvalid,
    submission_save,
    submission_submit,
)
from eduplan.reporting.xlsx.checking import (
    RowPlan,
    check_columns,
    check_formulas,
    check_info,
    check_rows,
)
from eduplan.reporting.xlsx.messages import (
    ERR_NO_ROWS,
    ERR_NO_SHEET,
    ERR_NOT_XLSX,
    ERR_PERIOD,
    ERR_STALE,
    ERR_TOO_LARGE,
    ERR_TOO_MANY_ROWS,
    ImportProblem,
    file_problem,
)
from eduplan.reporting.xlsx.reading import MAX_ROWS, sheets_read
from eduplan.reporting.xlsx.template import DATA_SHEET, FIRST_ROW, INFO_SHEET, definition_of


@dataclass
class ImportResult:
    """What an import did, or every problem that kept it from storing anything."""

    stored: int = 0  # rows whose values were saved
    submitted: int = 0  # rows submitted for approval
    unchanged: int = 0  # rows with nothing new
    problems: list[ImportProblem] = field(default_factory=list)
    notes: list[ImportProblem] = field(default_factory=list)  # read, but worth a look

    @property
    def ok(self) -> bool:
        return not self.problems


class _Refused(Exception):
    """A service refused a row inside the import's transaction: roll every row back."""


def xlsx_size_problem(size: int) -> ImportProblem | None:
    """The problem with a file of `size` bytes, if it is over the upload limit (so that a
    view can refuse a large upload before reading it)."""
    limit = settings.EDUPLAN_UPLOAD_MAX_BYTES
    if size <= limit:
        return None
    sizes = {"size": filesizeformat(size), "limit": filesizeformat(limit)}
    return file_problem(ERR_TOO_LARGE % sizes)


def xlsx_import(
    *,
    user: User,
    form: Form,
    period_code: str,
    data: bytes,
    filename: str,
    submit: bool = False,
) -> ImportResult:
    """Store a filled template, all or nothing: every problem in the file is listed with
    its sheet, row and column, and if there is any, nothing is stored. Each row goes
    through `submission_save` (and `submission_submit` when `submit`), as on the web."""
    result = ImportResult()
    problems = result.problems
    too_large = xlsx_size_problem(len(data))
    if too_large is not None:
        problems.append(too_large)
        return result
    try:
        period = period_from_code(period_code)
        definition = definition_of(form)
    except PeriodCodeError:
        problems.append(file_problem(ERR_PERIOD % {"code": period_code}))
        return result
    except InputError as exc:
        problems.append(file_problem(exc.message))
        return result
    try:
        data = workbook_as_xlsx(data, max_unzipped=settings.EDUPLAN_ARCHIVE_MAX_TOTAL_BYTES)
        sheets = sheets_read(data)
    except InputError as exc:  # refused before parsing, or stopped at a limit
        problems.append(file_problem(exc.message, exc.where))
        return result
    except Exception:  # a broken upload can fail anywhere inside zip and XML parsing
        problems.append(file_problem(ERR_NOT_XLSX % {"name": filename}))
        return result
    rows = sheets.get(DATA_SHEET)
    if rows is None:
        problems.append(file_problem(ERR_NO_SHEET % {"sheet": DATA_SHEET}, DATA_SHEET))
        return result
    check_info(sheets.get(INFO_SHEET), form, period, problems)
    columns, revision_col = check_columns(rows, definition, problems)
    if len(rows) > MAX_ROWS + FIRST_ROW - 1:
        problems.append(file_problem(ERR_TOO_MANY_ROWS % {"n": MAX_ROWS}, DATA_SHEET))
    if problems:
        return result  # the file's layout is wrong: its rows cannot be read
    check_formulas(sheets, columns, problems, result.notes)
    plan = check_rows(user, form, period, rows, columns, revision_col, submit, problems)
    if problems:
        return result
    if not plan:
        problems.append(file_problem(str(ERR_NO_ROWS), DATA_SHEET))
        return result
    _store(user, form, period, definition, plan, columns, submit, result)
    return result


def _store(
    user: User,
    form: Form,
    period: Period,
    definition: FormDefinition,
    plan: Iterable[RowPlan],
    columns: dict[int, ElementDef],
    submit: bool,
    result: ImportResult,
) -> None:
    """Save (and submit) every planned row in one transaction; any refusal rolls all back."""
    letters = {e.code: get_column_letter(col) for col, e in columns.items()}
    names = {e.code: e.name for e in definition.elements}
    # A rule's problem is shown in the leftmost column its left side reads.
    order = {e.code: col for col, e in columns.items()}
    for rule in definition.rules:
        read = rule_names(rule.left) & set(order)
        if read:
            blamed = min(read, key=order.__getitem__)
            letters[rule.code], names[rule.code] = letters[blamed], names[blamed]

    def refused(row: RowPlan, found: list[FieldProblem]) -> None:
        for p in found:
            result.problems.append(
                ImportProblem(
                    DATA_SHEET,
                    row.number,
                    letters.get(p.element, ""),
                    names.get(p.element, ""),
                    p.message,
                )
            )

    stored = submitted = unchanged = 0
    try:
        with transaction.atomic():
            for row in plan:
                try:
                    submission: Submission | None
                    if row.values:
                        submission = submission_save(
                            user=user,
                            form=form,
                            org_unit=row.unit,
                            period_code=period.code,
                            values=row.values,
                            revision=row.revision,
                        )
                        revision: int | None = submission.revision
                        stored += 1
                    else:
                        submission = Submission.objects.filter(
                            form=form, period=period.code, org_unit=row.unit, subject=""
                        ).first()
                        revision = row.revision  # checked again under lock by the service
                        unchanged += 1
                    if submit and submission is not None and submission.status in EDITABLE:
                        submission_submit(user=user, submission=submission, revision=revision)
                        submitted += 1
                except SubmissionInvalid as exc:
                    refused(row, exc.problems)
                except ConflictError:
                    refused(row, [FieldProblem("", str(ERR_STALE % {"unit": row.unit.name}))])
                except (InputError, PermissionDenied) as exc:
                    refused(row, [FieldProblem("", getattr(exc, "message", None) or str(exc))])
            if result.problems:
                raise _Refused
    except _Refused:
        return
    result.stored, result.submitted, result.unchanged = stored, submitted, unchanged
