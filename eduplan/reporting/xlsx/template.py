"""The template: one workbook per form and period, a row per unit, prefilled.

Sheet 填报 has a title row, a header row of element names, a hidden row of element codes
(so the import never depends on the Chinese names) and one row per unit, prefilled with
stored values and the revision each row was read at. Sheet 说明 names the form, its
version and the period. The layout constants here are what the import reads back.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from typing import Any, Literal

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from eduplan.core.errors import InputError
from eduplan.core.numbers import plain_number
from eduplan.core.periods import Period, period_from_code
from eduplan.core.xlsx import HEADER_FILL, HEADER_FONT, TITLE_FONT, cell_put
from eduplan.org.access import Action, User, can
from eduplan.org.models import OrgUnit
from eduplan.reporting.definitions import ElementDef, FormDefinition
from eduplan.reporting.models import DataValue, ExpectedReport, Form, Submission
from eduplan.reporting.services import form_definition
from eduplan.reporting.values import display_value, upper_bound
from eduplan.reporting.xlsx.messages import ERR_NO_VERSION, ERR_SUBJECTS

DATA_SHEET = "填报"
INFO_SHEET = "说明"
TITLE_ROW, HEADER_ROW, CODE_ROW, FIRST_ROW = 1, 2, 3, 4
# Codes of the fixed columns in the hidden code row; "#" cannot start an element code.
UNIT_KEY, NAME_KEY, REVISION_KEY = "#unit", "#name", "#revision"
# Keys in 说明's third column, read by the import.
INFO_FORM, INFO_VERSION, INFO_DIGEST, INFO_PERIOD = "form", "version", "digest", "period"
NUMBER_LIMIT = 10**15  # the largest magnitude values.parse_value accepts

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
        bound = upper_bound(element)
        high = bound if bound is not None else NUMBER_LIMIT - 1
        kind: Literal["whole", "decimal"] = "whole" if element.type == "integer" else "decimal"
        dv = DataValidation(
            type=kind,
            operator="between",
            formula1=plain_number(low),
            formula2=plain_number(high),
            allow_blank=True,
        )
        dv.error = (
            _("Type a whole number from %(min)s to %(max)s.")
            if kind == "whole"
            else _("Type a number from %(min)s to %(max)s.")
        ) % {"min": plain_number(low), "max": plain_number(high)}
    else:
        return None
    dv.errorTitle = error_title
    dv.showErrorMessage = True
    return dv


def stored_rows(
    form: Form, period: str, units: Sequence[OrgUnit]
) -> dict[int, tuple[Submission, dict[str, DataValue]]]:
    """Each unit's submission (no subject) with its values, in two queries."""
    submissions = Submission.objects.filter(
        form=form, period=period, subject="", org_unit__in=[u.pk for u in units]
    ).prefetch_related("values__element")
    return {s.org_unit_id: (s, {v.element.code: v for v in s.values.all()}) for s in submissions}


def definition_of(form: Form) -> FormDefinition:
    """The form's current definition; refused when no version is loaded or the form is
    reported once per subject (Excel has one row per unit)."""
    if form.current_version is None:
        raise InputError(str(ERR_NO_VERSION), where=form.code)
    definition = form_definition(form.current_version)
    if definition.subjects:
        raise InputError(str(ERR_SUBJECTS), where=form.code)
    return definition


def xlsx_units(*, user: User, form: Form, period_code: str, unit: OrgUnit) -> list[OrgUnit]:
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
    definition = definition_of(form)
    assert form.current_version is not None
    period = period_from_code(period_code)
    stored = stored_rows(form, period.code, units)
    elements = definition.elements
    revision_col = len(elements) + 3
    last_col = get_column_letter(revision_col - 1)

    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one sheet
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


def _protect(ws: Worksheet) -> None:
    """Lock everything but the value cells (no password: the import checks anyway)."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


TYPE_LABELS = {
    "number": pgettext_lazy("value type", "number"),  # not the 序号 of a list
    "integer": gettext_lazy("whole number"),
    "percentage": gettext_lazy("percentage"),
    "boolean": gettext_lazy("yes/no"),
    "text": gettext_lazy("text"),
    "date": gettext_lazy("date"),
    "choice": gettext_lazy("choice"),
}


def _info_sheet(wb: Workbook, form: Form, definition: FormDefinition, period: Period) -> None:
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
        bound = upper_bound(element) if element.numeric else None
        if element.numeric and (element.min is not None or bound is not None):
            low = "" if element.min is None else plain_number(element.min)
            high = "" if bound is None else plain_number(bound)
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
