"""Excel in and out: a form's template for one or many units, and importing it back.

The template (sheet 填报) has a title row, a header row of element names, a hidden row of
element codes (so the import never depends on the Chinese names) and one row per unit,
prefilled with stored values and the revision each row was read at. Sheet 说明 names the
form, its version and the period. Text is always written as text, never as a formula.

An import checks every cell first and lists every problem with its sheet, row and
column; only a file without problems is stored, all rows in one transaction, each
through `submission_save` like the web form, so a refused file changes nothing.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from eduplan.core.errors import InputError
from eduplan.core.xlsx import cell_put
from eduplan.org.access import Action, can
from eduplan.org.models import OrgUnit
from eduplan.reporting.definitions import ElementDef, FormDefinition
from eduplan.reporting.models import DataValue, ExpectedReport, Form, Status, Submission
from eduplan.reporting.periods import Period, PeriodCodeError, period_from_code
from eduplan.reporting.rules import rule_names
from eduplan.reporting.services import (
    EDITABLE,
    ConflictError,
    FieldProblem,
    SubmissionInvalid,
    form_definition,
    submission_save,
    submission_submit,
)
from eduplan.reporting.values import ValueRefused, display_value, is_blank, parse_value

DATA_SHEET = "填报"
INFO_SHEET = "说明"
TITLE_ROW, HEADER_ROW, CODE_ROW, FIRST_ROW = 1, 2, 3, 4
# Codes of the fixed columns in the hidden code row; "#" cannot start an element code.
UNIT_KEY, NAME_KEY, REVISION_KEY = "#unit", "#name", "#revision"
# Keys in 说明's third column, read by the import.
INFO_FORM, INFO_VERSION, INFO_DIGEST, INFO_PERIOD = "form", "version", "digest", "period"
MAX_ROWS = 20000
MAX_COLUMNS = 300
# A small .xlsx may unpack to a huge one (zip bomb): refuse past this many times the limit.
UNZIPPED_FACTOR = 10
NUMBER_LIMIT = 10**15  # the largest magnitude values.parse_value accepts

ERR_TOO_LARGE = gettext_lazy("The file is %(size)s, larger than the limit of %(limit)s.")
ERR_UNZIPPED = gettext_lazy("The workbook unpacks to %(size)s, too large to read.")
ERR_NOT_XLSX = gettext_lazy(
    "“%(name)s” is not an Excel workbook (.xlsx); save it as an Excel Workbook and upload again."
)
ERR_NO_SHEET = gettext_lazy(
    "The workbook has no sheet named “%(sheet)s”; use the template downloaded from this platform."
)
ERR_WRONG_FORM = gettext_lazy(
    "This template is for the form “%(found)s”, not “%(expected)s”; download this form's template."
)
ERR_WRONG_PERIOD = gettext_lazy(
    "This template is for the period “%(found)s”, not “%(expected)s”; download this period's "
    "template."
)
ERR_CODE_ROW = gettext_lazy(
    "The hidden row of codes (row 3) or the unit columns were changed; download the template again."
)
ERR_COLUMN_UNKNOWN = gettext_lazy(
    "This column is not part of the form's template (code “%(code)s”); remove it."
)
ERR_COLUMN_ADDED = gettext_lazy(
    "This column was added to the template; remove it or download the template again."
)
ERR_COLUMN_MISSING = gettext_lazy("The column of %(name)s is missing; download the template again.")
ERR_COLUMN_TWICE = gettext_lazy("This column repeats %(name)s (already in column %(column)s).")
ERR_TOO_MANY_ROWS = gettext_lazy("The sheet has more than %(n)s rows; split it into several files.")
ERR_NO_ROWS = gettext_lazy("The sheet holds no unit rows to import.")
ERR_UNIT_MISSING = gettext_lazy("The unit code is missing.")
ERR_UNIT_UNKNOWN = gettext_lazy("No unit has the code “%(code)s”.")
ERR_UNIT_TWICE = gettext_lazy("This unit already appears in row %(row)s.")
ERR_UNIT_FORBIDDEN = gettext_lazy("You may not enter reports for %(unit)s.")
ERR_UNIT_NOT_EXPECTED = gettext_lazy(
    "%(unit)s is not expected to report this form for this period."
)
ERR_FORMULA = gettext_lazy("Formulas are not accepted; type the value itself.")
ERR_LOCKED = gettext_lazy(
    "The report of %(unit)s is %(status)s and cannot be changed; ask its approver to return it."
)
ERR_STALE = gettext_lazy(
    "The report of %(unit)s was changed after this template was downloaded; download the "
    "template again."
)
ERR_REVISION = gettext_lazy("The hidden revision column was changed; download the template again.")
ERR_SUBJECTS = gettext_lazy(
    "This form is reported once per subject and cannot be filled in Excel; use the web form."
)
ERR_PERIOD = gettext_lazy("“%(code)s” is not a period code.")
ERR_NO_VERSION = gettext_lazy("The form has no version loaded yet.")


# Template ------------------------------------------------------------------------------

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
CODE_FONT = Font(size=8, color="808080")
UNLOCKED = Protection(locked=False)


def _header(element: ElementDef) -> str:
    return f"{element.name}（{element.unit}）" if element.unit else element.name


def _cell_value(element: ElementDef, value: DataValue | None) -> Any:
    """The stored value as the template cell shows it (numbers as numbers, dates as dates)."""
    if value is None:
        return None
    shown = display_value(element, value.number, value.text)
    if element.numeric and value.number is not None:
        number = value.number.normalize()
        return int(number) if number == number.to_integral_value() else number
    if element.type == "date" and shown:
        try:
            return datetime.date.fromisoformat(shown)
        except ValueError:
            return shown
    return shown


def _validation(element: ElementDef) -> DataValidation | None:
    error_title = _("Value refused")
    if element.type == "boolean":
        dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
        dv.error = _("Choose 是 or 否.")
    elif element.type == "choice":
        listed = ",".join(element.choices)
        if len(listed) > 250 or any(c in listed for c in '"'):
            return None  # Excel's inline lists are short; the import still checks the value
        dv = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
        dv.error = _("Choose one of: %(choices)s") % {"choices": "、".join(element.choices)}
    elif element.numeric:
        low = element.min if element.min is not None else -(NUMBER_LIMIT - 1)
        high = element.max if element.max is not None else NUMBER_LIMIT - 1
        kind = "whole" if element.type == "integer" else "decimal"
        dv = DataValidation(
            type=kind,
            operator="between",
            formula1=_plain(low),
            formula2=_plain(high),
            allow_blank=True,
        )
        dv.error = (
            _("Type a whole number from %(min)s to %(max)s.")
            if kind == "whole"
            else _("Type a number from %(min)s to %(max)s.")
        ) % {"min": _plain(low), "max": _plain(high)}
    else:
        return None
    dv.errorTitle = error_title
    dv.showErrorMessage = True
    return dv


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _stored_rows(
    form: Form, period: str, units: Sequence[OrgUnit]
) -> dict[int, tuple[Submission, dict[str, DataValue]]]:
    """Each unit's submission (no subject) with its values, in two queries."""
    submissions = Submission.objects.filter(
        form=form, period=period, subject="", org_unit__in=[u.pk for u in units]
    ).prefetch_related("values__element")
    return {s.org_unit_id: (s, {v.element.code: v for v in s.values.all()}) for s in submissions}


def _definition(form: Form) -> FormDefinition:
    if form.current_version is None:
        raise InputError(str(ERR_NO_VERSION), where=form.code)
    definition = form_definition(form.current_version)
    if definition.subjects:
        raise InputError(str(ERR_SUBJECTS), where=form.code)
    return definition


def xlsx_units(*, user: Any, form: Form, period_code: str, unit: OrgUnit) -> list[OrgUnit]:
    """The units under `unit` expected to report the form for the period that the user
    may enter for: a school's own row, a district's schools."""
    period = period_from_code(period_code)
    expected = (
        ExpectedReport.objects.filter(
            form=form, period=period.code, subject="", org_unit__path__startswith=unit.path
        )
        .select_related("org_unit")
        .order_by("org_unit__path")
    )
    return [r.org_unit for r in expected if can(user, Action.REPORT_ENTER, r.org_unit)]


def xlsx_template(*, form: Form, period_code: str, units: Sequence[OrgUnit]) -> bytes:
    """One workbook for the form and period with a row per unit, prefilled with what is
    stored; the caller has checked that the user may enter for every unit."""
    definition = _definition(form)
    assert form.current_version is not None
    period = period_from_code(period_code)
    stored = _stored_rows(form, period.code, units)
    elements = definition.elements
    revision_col = len(elements) + 3
    last_col = get_column_letter(revision_col - 1)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    cell_put(ws, TITLE_ROW, 1, f"{form.name} · {period.label}").font = TITLE_FONT
    ws.merge_cells(f"A{TITLE_ROW}:{last_col}{TITLE_ROW}")
    headers = [str(_("Unit code")), str(_("Unit name")), *(_header(e) for e in elements)]
    for col, text in enumerate(headers, start=1):
        cell = cell_put(ws, HEADER_ROW, col, text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    codes = [UNIT_KEY, NAME_KEY, *(e.code for e in elements), REVISION_KEY]
    for col, code in enumerate(codes, start=1):
        cell_put(ws, CODE_ROW, col, code).font = CODE_FONT
    ws.row_dimensions[CODE_ROW].hidden = True
    cell_put(ws, HEADER_ROW, revision_col, str(_("Revision")))

    for i, unit in enumerate(units):
        row = FIRST_ROW + i
        submission, values = stored.get(unit.pk, (None, {}))
        for col, text in ((1, unit.code), (2, unit.name)):
            cell_put(ws, row, col, text).fill = LOCKED_FILL
        for col, element in enumerate(elements, start=3):
            cell = cell_put(ws, row, col, _cell_value(element, values.get(element.code)))
            cell.protection = UNLOCKED
            if element.type == "date":
                cell.number_format = "yyyy-mm-dd"
            elif element.type in {"text", "choice", "boolean"}:
                cell.number_format = "@"
        if submission is not None:
            cell_put(ws, row, revision_col, submission.revision)

    if units:
        last_row = FIRST_ROW + len(units) - 1
        for col, element in enumerate(elements, start=3):
            dv = _validation(element)
            if dv is not None:
                letter = get_column_letter(col)
                dv.add(f"{letter}{FIRST_ROW}:{letter}{last_row}")
                ws.add_data_validation(dv)

    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 28
    for col in range(3, revision_col):
        ws.column_dimensions[get_column_letter(col)].width = 16
    ws.column_dimensions[get_column_letter(revision_col)].hidden = True
    ws.freeze_panes = f"C{FIRST_ROW}"
    _protect(ws)
    _info_sheet(wb, form, definition, period)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _protect(ws: Any) -> None:
    """Lock everything but the value cells (no password: the import checks anyway)."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


TYPE_LABELS = {
    "number": gettext_lazy("number"),
    "integer": gettext_lazy("whole number"),
    "percentage": gettext_lazy("percentage"),
    "boolean": gettext_lazy("yes/no"),
    "text": gettext_lazy("text"),
    "date": gettext_lazy("date"),
    "choice": gettext_lazy("choice"),
}


def _info_sheet(wb: Any, form: Form, definition: FormDefinition, period: Period) -> None:
    assert form.current_version is not None
    ws = wb.create_sheet(INFO_SHEET)
    cell_put(ws, 1, 1, str(_("How to fill in this template"))).font = TITLE_FONT
    facts = [
        (_("Form"), form.name, ""),
        (_("Form code"), form.code, INFO_FORM),
        (_("Form version"), form.current_version.number, INFO_VERSION),
        (_("Version digest"), form.current_version.digest, INFO_DIGEST),
        (_("Period"), period.label, ""),
        (_("Period code"), period.code, INFO_PERIOD),
        (_("Generated at"), timezone.localtime().strftime("%Y-%m-%d %H:%M"), ""),
    ]
    for row, (label, value, key) in enumerate(facts, start=3):
        cell_put(ws, row, 1, str(label)).font = HEADER_FONT
        cell_put(ws, row, 2, value)
        if key:
            cell_put(ws, row, 3, key).font = CODE_FONT
    row = len(facts) + 4
    cell_put(ws, row, 1, str(_("Instructions"))).font = HEADER_FONT
    steps = [
        _("Fill in the sheet 填报, one row per unit; the grey unit code and name are fixed."),
        _(
            "Do not change, insert or delete header rows or columns: the hidden row 3 holds the "
            "codes the import reads."
        ),
        _(
            "Type values, never formulas; choose 是/否 and choices from the drop-down lists; "
            "for a percentage type the number (45.5 means 45.5%)."
        ),
        _(
            "The import checks every cell: if any cell is wrong, nothing in the file is stored; "
            "correct what it lists and upload again."
        ),
        _(
            "The template remembers the version of each report; if someone changes a report "
            "after you downloaded it, download the template again."
        ),
        _("A blank cell clears a stored value; a report already submitted or approved is kept."),
    ]
    for i, step in enumerate(steps, start=1):
        cell_put(ws, row + i, 1, f"{i}. {step}")
    row += len(steps) + 2
    columns = [
        _("Code"),
        _("Element"),
        _("Type"),
        _("Unit of measure"),
        _("Required"),
        _("Allowed values"),
    ]
    for col, text in enumerate(columns, start=1):
        cell = cell_put(ws, row, col, str(text))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for i, element in enumerate(definition.elements, start=1):
        allowed = "、".join(element.choices)
        if element.numeric and (element.min is not None or element.max is not None):
            low = "" if element.min is None else _plain(element.min)
            high = "" if element.max is None else _plain(element.max)
            allowed = f"{low} – {high}"
        line = [
            element.code,
            element.name,
            str(TYPE_LABELS.get(element.type, element.type)),
            element.unit,
            str(_("yes")) if element.required else "",
            allowed,
        ]
        for col, text in enumerate(line, start=1):
            cell_put(ws, row + i, col, text)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 10
    _protect(ws)


# Import --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One reason a file is refused: where (sheet, row, column, element) and why."""

    sheet: str
    row: int | None
    column: str
    element: str
    message: str


@dataclass
class ImportResult:
    stored: int = 0  # rows whose values were saved
    submitted: int = 0  # rows submitted for approval
    unchanged: int = 0  # rows with nothing new
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Cell:
    value: Any
    data_type: str
    number_format: str


@dataclass
class _Row:
    number: int
    unit: OrgUnit
    revision: int | None
    values: dict[str, Any] = field(default_factory=dict)  # element code -> changed raw value


class _Refused(Exception):
    """A service refused a row inside the import's transaction: roll every row back."""


def _file_problem(message: str, sheet: str = "") -> ImportProblem:
    return ImportProblem(sheet=sheet, row=None, column="", element="", message=message)


def xlsx_size_problem(size: int) -> ImportProblem | None:
    """The problem with a file of `size` bytes, if it is over the upload limit (so that a
    view can refuse a large upload before reading it)."""
    limit = settings.EDUPLAN_UPLOAD_MAX_BYTES
    if size <= limit:
        return None
    sizes = {"size": filesizeformat(size), "limit": filesizeformat(limit)}
    return _file_problem(ERR_TOO_LARGE % sizes)


def _read_sheets(data: bytes) -> dict[str, list[list[_Cell]]]:
    """Every cell of the sheets the import reads (values and formulas, not results)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheets: dict[str, list[list[_Cell]]] = {}
        for name in (DATA_SHEET, INFO_SHEET):
            if name not in wb.sheetnames:
                continue
            rows: list[list[_Cell]] = []
            for row in wb[name].iter_rows(max_col=MAX_COLUMNS):
                rows.append(
                    [
                        _Cell(
                            getattr(c, "value", None),
                            getattr(c, "data_type", "n"),
                            str(getattr(c, "number_format", "General") or "General"),
                        )
                        for c in row
                    ]
                )
                if len(rows) > MAX_ROWS + FIRST_ROW:
                    break
            sheets[name] = rows
        return sheets
    finally:
        wb.close()


def _unzipped_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _cell(rows: list[list[_Cell]], row: int, col: int) -> _Cell:
    if row - 1 < len(rows) and col - 1 < len(rows[row - 1]):
        return rows[row - 1][col - 1]
    return _Cell(None, "n", "General")


def _text(value: Any) -> str:
    """A cell's value as text, to compare with a stored value's display."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        try:
            return f"{Decimal(repr(value) if isinstance(value, float) else value).normalize():f}"
        except InvalidOperation:
            return str(value)
    return str(value).strip()


def _unit_code(value: Any) -> str:
    if isinstance(value, float) and value == int(value):
        value = int(value)  # a code typed as a number, e.g. 410105
    return _text(value)


def _info_values(rows: list[list[_Cell]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for row in rows:
        if len(row) >= 3 and isinstance(row[2].value, str) and row[2].value.strip():
            found[row[2].value.strip()] = _text(row[1].value)
    return found


def _check_info(
    rows: list[list[_Cell]] | None, form: Form, period: Period, problems: list[ImportProblem]
) -> None:
    if rows is None:
        problems.append(_file_problem(ERR_NO_SHEET % {"sheet": INFO_SHEET}, INFO_SHEET))
        return
    info = _info_values(rows)
    if info.get(INFO_FORM) != form.code:
        problems.append(
            _file_problem(
                ERR_WRONG_FORM % {"found": info.get(INFO_FORM, ""), "expected": form.code},
                INFO_SHEET,
            )
        )
    if info.get(INFO_PERIOD, "").upper() != period.code:
        problems.append(
            _file_problem(
                ERR_WRONG_PERIOD % {"found": info.get(INFO_PERIOD, ""), "expected": period.code},
                INFO_SHEET,
            )
        )


def _columns(
    rows: list[list[_Cell]], definition: FormDefinition, problems: list[ImportProblem]
) -> tuple[dict[int, ElementDef], int | None]:
    """Which column holds which element (read from the hidden code row) and the revision
    column; problems for a changed layout."""
    width = max((len(r) for r in rows), default=0)

    def problem(col: int, element: str, message: str) -> None:
        problems.append(
            ImportProblem(DATA_SHEET, HEADER_ROW, get_column_letter(col), element, message)
        )

    if _text(_cell(rows, CODE_ROW, 1).value) != UNIT_KEY or (
        _text(_cell(rows, CODE_ROW, 2).value) != NAME_KEY
    ):
        problems.append(ImportProblem(DATA_SHEET, CODE_ROW, "A", "", str(ERR_CODE_ROW)))
        return {}, None
    by_code = {e.code: e for e in definition.elements}
    columns: dict[int, ElementDef] = {}
    seen: dict[str, int] = {}
    revision_col: int | None = None
    for col in range(3, width + 1):
        code = _text(_cell(rows, CODE_ROW, col).value)
        if code == REVISION_KEY:
            revision_col = col
            continue
        if not code:
            has_data = any(
                not is_blank(_cell(rows, r, col).value) for r in range(HEADER_ROW, len(rows) + 1)
            )
            if has_data:
                header = _text(_cell(rows, HEADER_ROW, col).value)
                problem(col, header, str(ERR_COLUMN_ADDED))
            continue
        element = by_code.get(code)
        if element is None:
            header = _text(_cell(rows, HEADER_ROW, col).value)
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


def _percentage(element: ElementDef, cell: _Cell) -> Any:
    """A percentage typed as 45.5% is stored by Excel as 0.455 with a % format."""
    if (
        element.type == "percentage"
        and "%" in cell.number_format
        and isinstance(cell.value, int | float)
        and not isinstance(cell.value, bool)
    ):
        return Decimal(repr(cell.value)) * 100
    return cell.value


def xlsx_import(
    *,
    user: Any,
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
        definition = _definition(form)
    except PeriodCodeError:
        problems.append(_file_problem(ERR_PERIOD % {"code": period_code}))
        return result
    except InputError as exc:
        problems.append(_file_problem(exc.message))
        return result
    try:
        unzipped = _unzipped_size(data)
        if unzipped > UNZIPPED_FACTOR * settings.EDUPLAN_UPLOAD_MAX_BYTES:
            problems.append(_file_problem(ERR_UNZIPPED % {"size": filesizeformat(unzipped)}))
            return result
        sheets = _read_sheets(data)
    except Exception:  # a broken upload can fail anywhere inside zip and XML parsing
        problems.append(_file_problem(ERR_NOT_XLSX % {"name": filename}))
        return result
    rows = sheets.get(DATA_SHEET)
    if rows is None:
        problems.append(_file_problem(ERR_NO_SHEET % {"sheet": DATA_SHEET}, DATA_SHEET))
        return result
    _check_info(sheets.get(INFO_SHEET), form, period, problems)
    columns, revision_col = _columns(rows, definition, problems)
    if len(rows) > MAX_ROWS + FIRST_ROW - 1:
        problems.append(_file_problem(ERR_TOO_MANY_ROWS % {"n": MAX_ROWS}, DATA_SHEET))
    if problems:
        return result  # the file's layout is wrong: its rows cannot be read
    _check_formulas(sheets, columns, problems)
    plan = _check_rows(user, form, period, rows, columns, revision_col, submit, problems)
    if problems:
        return result
    if not plan:
        problems.append(_file_problem(str(ERR_NO_ROWS), DATA_SHEET))
        return result
    _store(user, form, period, definition, plan, columns, submit, result)
    return result


def _check_formulas(
    sheets: dict[str, list[list[_Cell]]],
    columns: dict[int, ElementDef],
    problems: list[ImportProblem],
) -> None:
    """A formula anywhere in the workbook is refused, cell by cell."""
    for sheet, rows in sheets.items():
        for number, cells in enumerate(rows, start=1):
            for col, cell in enumerate(cells, start=1):
                if cell.data_type == "f":
                    element = columns.get(col) if sheet == DATA_SHEET else None
                    problems.append(
                        ImportProblem(
                            sheet,
                            number,
                            get_column_letter(col),
                            element.name if element else "",
                            str(ERR_FORMULA),
                        )
                    )


def _check_rows(
    user: Any,
    form: Form,
    period: Period,
    rows: list[list[_Cell]],
    columns: dict[int, ElementDef],
    revision_col: int | None,
    submit: bool,
    problems: list[ImportProblem],
) -> list[_Row]:
    """Check every data row against the units, the user's rights and each element;
    return the rows to store (problems appended, nothing written)."""
    raw_rows = [
        (number, rows[number - 1])
        for number in range(FIRST_ROW, len(rows) + 1)
        if any(not is_blank(c.value) for c in rows[number - 1])
    ]
    codes = {_unit_code(_cell(rows, n, 1).value) for n, _r in raw_rows}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes - {""})}
    expected = set(
        ExpectedReport.objects.filter(
            form=form, period=period.code, subject="", org_unit__in=units.values()
        ).values_list("org_unit_id", flat=True)
    )
    stored = _stored_rows(form, period.code, list(units.values()))
    plan: list[_Row] = []
    first_row_of: dict[str, int] = {}

    def problem(row: int, column: str, element: str, message: str) -> None:
        problems.append(ImportProblem(DATA_SHEET, row, column, element, message))

    for number, cells in raw_rows:
        code = _unit_code(_cell(rows, number, 1).value)
        unit_label = str(_("Unit code"))
        if not code:
            problem(number, "A", unit_label, str(ERR_UNIT_MISSING))
            continue
        unit = units.get(code)
        if unit is None:
            problem(number, "A", unit_label, ERR_UNIT_UNKNOWN % {"code": code})
            continue
        if code in first_row_of:
            problem(number, "A", unit_label, ERR_UNIT_TWICE % {"row": first_row_of[code]})
            continue
        first_row_of[code] = number
        if not can(user, Action.REPORT_ENTER, unit):
            problem(number, "A", unit_label, ERR_UNIT_FORBIDDEN % {"unit": unit.name})
            continue
        if unit.pk not in expected:
            problem(number, "A", unit_label, ERR_UNIT_NOT_EXPECTED % {"unit": unit.name})
            continue
        submission, values = stored.get(unit.pk, (None, {}))
        revision_cell = _cell(rows, number, revision_col) if revision_col else None
        revision: int | None = None
        if revision_cell is not None and not is_blank(revision_cell.value):
            try:
                revision = int(_text(revision_cell.value))
            except ValueError:
                problem(number, get_column_letter(revision_col or 1), "", str(ERR_REVISION))
                continue
        row = _Row(number=number, unit=unit, revision=revision)
        row_problems = len(problems)
        has_formula = any(c.data_type == "f" for c in cells)  # listed by _check_formulas
        for col, element in columns.items():
            cell = _cell(rows, number, col)
            letter = get_column_letter(col)
            if cell.data_type == "f":
                continue  # listed by _check_formulas
            old = values.get(element.code)
            old_display = display_value(element, old.number, old.text) if old else ""
            raw = _percentage(element, cell)
            if _text(raw) == old_display:
                continue
            try:
                parsed = parse_value(element, raw)
            except ValueRefused as exc:
                problem(number, letter, element.name, str(exc))
                continue
            if display_value(element, *parsed) != old_display:
                row.values[element.code] = raw
        if has_formula or len(problems) > row_problems:
            continue
        if submission is None and not row.values:
            continue  # a blank row for a unit that has reported nothing: nothing to do
        editable = submission is None or submission.status in EDITABLE
        # A row that changes nothing and submits nothing cannot overwrite anyone.
        acts = bool(row.values) or (submit and editable)
        if acts and submission is not None and submission.revision != revision:
            problem(number, "A", unit_label, ERR_STALE % {"unit": unit.name})
            continue
        if row.values and submission is not None and not editable:
            status = Status(submission.status).label
            problem(number, "A", unit_label, ERR_LOCKED % {"unit": unit.name, "status": status})
            continue
        plan.append(row)
    return plan


def _store(
    user: Any,
    form: Form,
    period: Period,
    definition: FormDefinition,
    plan: Iterable[_Row],
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

    def refused(row: _Row, found: list[FieldProblem]) -> None:
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
