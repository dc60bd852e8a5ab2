"""Why an import refuses a file: the messages, and the place each problem points to.

Every message is a constant, so tests assert it and the translation keeps one msgid.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

ERR_TOO_LARGE = gettext_lazy("The file is %(size)s, larger than the limit of %(limit)s.")
ERR_UNZIPPED = gettext_lazy("The workbook unpacks to %(size)s, too large to read.")
ERR_NOT_XLSX = gettext_lazy(
    "“%(name)s” is not a workbook this platform reads (.xlsx, .xls, .et, .ods); save it as an "
    "Excel Workbook (.xlsx) and upload again."
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
NOTE_FORMULA_RESULT = gettext_lazy(
    "A formula: read as the result the workbook saved with it, %(value)s; check that it is "
    "the figure meant."
)
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


@dataclass(frozen=True)
class ImportProblem:
    """One reason a file is refused: where (sheet, row, column, element) and why."""

    sheet: str
    row: int | None
    column: str
    element: str
    message: str


def file_problem(message: str, sheet: str = "") -> ImportProblem:
    return ImportProblem(sheet=sheet, row=None, column="", element="", message=message)
