"""Checking a read workbook, nothing written: the 说明 sheet, the columns, formulas and
every row against the units, the user's rights, the stored reports and each element.

Every problem is appended with its sheet, row and column; the rows that pass are what
the import stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NoReturn

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from eduplan.core.periods import Period
from eduplan.org.access import Action, User, can
from eduplan.org.models import OrgUnit
from eduplan.reporting.definitions import ElementDef, FormDefinition
from eduplan.reporting.models import DataValue, ExpectedReport, Form, Status, Submission
from eduplan.reporting.services import EDITABLE
from eduplan.reporting.values import ValueRefused, display_value, is_blank, parse_value
from eduplan.reporting.xlsx.messages import (
    ERR_CODE_ROW,
    ERR_COLUMN_ADDED,
    ERR_COLUMN_MISSING,
    ERR_COLUMN_TWICE,
    ERR_COLUMN_UNKNOWN,
    ERR_FORMULA,
    ERR_LOCKED,
    ERR_NO_SHEET,
    ERR_REVISION,
    ERR_STALE,
    ERR_UNIT_FORBIDDEN,
    ERR_UNIT_MISSING,
    ERR_UNIT_NOT_EXPECTED,
    ERR_UNIT_TWICE,
    ERR_UNIT_UNKNOWN,
    ERR_WRONG_FORM,
    ERR_WRONG_PERIOD,
    NOTE_FORMULA_RESULT,
    ImportProblem,
    file_problem,
)
from eduplan.reporting.xlsx.reading import Cell, cell_at, cell_text, info_values, unit_code
from eduplan.reporting.xlsx.template import (
    CODE_ROW,
    DATA_SHEET,
    FIRST_ROW,
    HEADER_ROW,
    INFO_FORM,
    INFO_PERIOD,
    INFO_SHEET,
    NAME_KEY,
    REVISION_KEY,
    UNIT_KEY,
    stored_rows,
)


@dataclass
class RowPlan:
    number: int
    unit: OrgUnit
    revision: int | None
    values: dict[str, Any] = field(default_factory=dict)  # element code -> changed raw value


def check_info(
    rows: list[list[Cell]] | None, form: Form, period: Period, problems: list[ImportProblem]
) -> None:
    if rows is None:
        problems.append(file_problem(ERR_NO_SHEET % {"sheet": INFO_SHEET}, INFO_SHEET))
        return
    info = info_values(rows)
    if info.get(INFO_FORM) != form.code:
        problems.append(
            file_problem(
                ERR_WRONG_FORM % {"found": info.get(INFO_FORM, ""), "expected": form.code},
                INFO_SHEET,
            )
        )
    if info.get(INFO_PERIOD, "").upper() != period.code:
        problems.append(
            file_problem(
                ERR_WRONG_PERIOD % {"found": info.get(INFO_PERIOD, ""), "expected": period.code},
                INFO_SHEET,
            )
        )


def check_columns(
    rows: list[list[Cell]], definition: FormDefinition, problems: list[ImportProblem]
) -> tuple[dict[int, ElementDef], int | None]:
    """Which column holds which element (read from the hidden code row) and the revision
    column; problems for a changed layout."""
    width = max((len(r) for r in rows), default=0)

    def problem(col: int, element: str, message: str) -> None:
        problems.append(
            ImportProblem(DATA_SHEET, HEADER_ROW, get_column_letter(col), element, message)
        )

    if cell_text(cell_at(rows, CODE_ROW, 1).value) != UNIT_KEY or (
        cell_text(cell_at(rows, CODE_ROW, 2).value) != NAME_KEY
    ):
        problems.append(ImportProblem(DATA_SHEET, CODE_ROW, "A", "", str(ERR_CODE_ROW)))
        return {}, None
    by_code = {e.code: e for e in definition.elements}
    columns: dict[int, ElementDef] = {}
    seen: dict[str, int] = {}
    revision_col: int | None = None
    for col in range(3, width + 1):
        code = cell_text(cell_at(rows, CODE_ROW, col).value)
        if code == REVISION_KEY:
            revision_col = col
            continue
        if not code:
            has_data = any(
                not is_blank(cell_at(rows, r, col).value) for r in range(HEADER_ROW, len(rows) + 1)
            )
            if has_data:
                header = cell_text(cell_at(rows, HEADER_ROW, col).value)
                problem(col, header, str(ERR_COLUMN_ADDED))
            continue
        element = by_code.get(code)
        if element is None:
            header = cell_text(cell_at(rows, HEADER_ROW, col).value)
            problem(col, header, ERR_COLUMN_UNKNOWN % {"code": code})
        elif code in seen:
            problem(
                col,
                element.name,
                ERR_COLUMN_TWICE % {"name": element.name, "column": get_column_letter(seen[code])},
            )
        else:
            seen[code] = col
            columns[col] = element
    for element in definition.elements:
        if element.code not in seen:
            problems.append(
                ImportProblem(
                    DATA_SHEET,
                    HEADER_ROW,
                    "",
                    element.name,
                    ERR_COLUMN_MISSING % {"name": element.name},
                )
            )
    return columns, revision_col


def _percentage(element: ElementDef, cell: Cell) -> Any:
    """A percentage typed as 45.5% is stored by Excel as 0.455 with a % format."""
    if (
        element.type == "percentage"
        and "%" in cell.number_format
        and isinstance(cell.value, int | float)
        and not isinstance(cell.value, bool)
    ):
        return Decimal(repr(cell.value)) * 100
    return cell.value


def check_formulas(
    sheets: dict[str, list[list[Cell]]],
    columns: dict[int, ElementDef],
    problems: list[ImportProblem],
    notes: list[ImportProblem],
) -> None:
    """A formula in a numeric column of the data sheet is read as the number the workbook
    saved with it, and noted; any other formula (text, codes, no saved number) is refused
    cell by cell: a formula's text must never reach a stored value."""
    for sheet, rows in sheets.items():
        for number, cells in enumerate(rows, start=1):
            for col, cell in enumerate(cells, start=1):
                if cell.data_type != "f":
                    continue
                element = columns.get(col) if sheet == DATA_SHEET else None
                where = (sheet, number, get_column_letter(col), element.name if element else "")
                cached = cell.cached
                if (
                    element is not None
                    and element.numeric
                    and isinstance(cached, int | float)
                    and not isinstance(cached, bool)
                ):
                    cells[col - 1] = Cell(cached, "n", cell.number_format)
                    notes.append(
                        ImportProblem(*where, str(NOTE_FORMULA_RESULT % {"value": cached}))
                    )
                else:
                    problems.append(ImportProblem(*where, str(ERR_FORMULA)))


class _RowRefused(Exception):
    """A row's problem is listed: go on with the next row."""


@dataclass
class _RowCheck:
    """Checks one data row at a time against what was read once for all rows: the units
    the sheet names, which of them are expected to report, and their stored reports."""

    user: User
    rows: list[list[Cell]]
    columns: dict[int, ElementDef]
    revision_col: int | None
    submit: bool
    problems: list[ImportProblem]
    units: dict[str, OrgUnit]
    expected: set[int]
    stored: dict[int, tuple[Submission, dict[str, DataValue]]]
    first_row_of: dict[str, int] = field(default_factory=dict)

    def problem(self, row: int, column: str, element: str, message: str) -> None:
        self.problems.append(ImportProblem(DATA_SHEET, row, column, element, message))

    def refuse(self, row: int, column: str, element: str, message: str) -> NoReturn:
        self.problem(row, column, element, message)
        raise _RowRefused

    def row(self, number: int, cells: list[Cell]) -> RowPlan | None:
        """The row to store, or None when it has nothing to store; `_RowRefused` (its
        problem listed) when it may not be stored."""
        unit = self.unit(number)
        submission, values = self.stored.get(unit.pk, (None, {}))
        row = RowPlan(number=number, unit=unit, revision=self.revision(number))
        listed = len(self.problems)
        self.changes(row, values)
        has_formula = any(c.data_type == "f" for c in cells)  # listed by check_formulas
        if has_formula or len(self.problems) > listed:
            return None
        if submission is None and not row.values:
            return None  # a blank row for a unit that has reported nothing: nothing to do
        self.may_change(row, submission)
        return row

    def unit(self, number: int) -> OrgUnit:
        """The row's unit: known, named once in the sheet, the user's to enter for and
        expected to report."""
        code = unit_code(cell_at(self.rows, number, 1).value)
        label = str(_("Unit code"))
        if not code:
            self.refuse(number, "A", label, str(ERR_UNIT_MISSING))
        unit = self.units.get(code)
        if unit is None:
            self.refuse(number, "A", label, ERR_UNIT_UNKNOWN % {"code": code})
        if code in self.first_row_of:
            self.refuse(number, "A", label, ERR_UNIT_TWICE % {"row": self.first_row_of[code]})
        self.first_row_of[code] = number
        if not can(self.user, Action.REPORT_ENTER, unit):
            self.refuse(number, "A", label, ERR_UNIT_FORBIDDEN % {"unit": unit.name})
        if unit.pk not in self.expected:
            self.refuse(number, "A", label, ERR_UNIT_NOT_EXPECTED % {"unit": unit.name})
        return unit

    def revision(self, number: int) -> int | None:
        """The revision the row was downloaded at (hidden column; None if blank)."""
        if not self.revision_col:
            return None
        cell = cell_at(self.rows, number, self.revision_col)
        if is_blank(cell.value):
            return None
        try:
            return int(cell_text(cell.value))
        except ValueError:
            self.refuse(number, get_column_letter(self.revision_col), "", str(ERR_REVISION))

    def changes(self, row: RowPlan, values: dict[str, DataValue]) -> None:
        """Each element whose value differs from the stored one goes into `row.values`;
        a value refused is listed."""
        for col, element in self.columns.items():
            cell = cell_at(self.rows, row.number, col)
            letter = get_column_letter(col)
            if cell.data_type == "f":
                continue  # listed by check_formulas
            old = values.get(element.code)
            old_display = display_value(element, old.number, old.text) if old else ""
            raw = _percentage(element, cell)
            if cell_text(raw) == old_display:
                continue
            try:
                parsed = parse_value(element, raw)
            except ValueRefused as exc:
                self.problem(row.number, letter, element.name, str(exc))
                continue
            if display_value(element, *parsed) != old_display:
                row.values[element.code] = raw

    def may_change(self, row: RowPlan, submission: Submission | None) -> None:
        """Refuses a row that would overwrite a newer report or change a locked one."""
        label = str(_("Unit code"))
        editable = submission is None or submission.status in EDITABLE
        # A row that changes nothing and submits nothing cannot overwrite anyone.
        acts = bool(row.values) or (self.submit and editable)
        if acts and submission is not None and submission.revision != row.revision:
            self.refuse(row.number, "A", label, ERR_STALE % {"unit": row.unit.name})
        if row.values and submission is not None and not editable:
            status = Status(submission.status).label
            self.refuse(
                row.number, "A", label, ERR_LOCKED % {"unit": row.unit.name, "status": status}
            )


def check_rows(
    user: User,
    form: Form,
    period: Period,
    rows: list[list[Cell]],
    columns: dict[int, ElementDef],
    revision_col: int | None,
    submit: bool,
    problems: list[ImportProblem],
) -> list[RowPlan]:
    """Check every data row against the units, the user's rights and each element;
    return the rows to store (problems appended, nothing written)."""
    filled = [
        (number, rows[number - 1])
        for number in range(FIRST_ROW, len(rows) + 1)
        if any(not is_blank(c.value) for c in rows[number - 1])
    ]
    codes = {unit_code(cell_at(rows, n, 1).value) for n, _r in filled}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes - {""})}
    expected = set(
        ExpectedReport.objects.filter(
            form=form, period=period.code, subject="", org_unit__in=units.values()
        ).values_list("org_unit_id", flat=True)
    )
    check = _RowCheck(
        user=user,
        rows=rows,
        columns=columns,
        revision_col=revision_col,
        submit=submit,
        problems=problems,
        units=units,
        expected=expected,
        stored=stored_rows(form, period.code, list(units.values())),
    )
    plan: list[RowPlan] = []
    for number, cells in filled:
        try:
            row = check.row(number, cells)
        except _RowRefused:
            continue
        if row is not None:
            plan.append(row)
    return plan
