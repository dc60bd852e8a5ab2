"""Why an import refuses a file: the messages, and the place each problem points to.

Every message is a constant, so tests assert it and the translation keeps one msgid.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from eduplan.core import sheet_import as shared

# The messages every workbook import shares (one msgid each), named here for reporting.
ERR_CODE_ROW = shared.ERR_CODE_ROW
ERR_FORMULA = shared.ERR_FORMULA
ERR_NOT_XLSX = shared.ERR_NOT_XLSX
ERR_NO_ROWS = shared.ERR_NO_ROWS
ERR_NO_SHEET = shared.ERR_NO_SHEET
ERR_TOO_LARGE = shared.ERR_TOO_LARGE
ERR_UNIT_MISSING = shared.ERR_UNIT_MISSING
ERR_UNIT_UNKNOWN = shared.ERR_UNIT_UNKNOWN
ERR_UNZIPPED = shared.ERR_UNZIPPED

ERR_WRONG_FORM = gettext_lazy(
    "This template is for the form “%(found)s”, not “%(expected)s”; download this form's template."
)
ERR_WRONG_PERIOD = gettext_lazy(
    "This template is for the period “%(found)s”, not “%(expected)s”; download this period's "
    "template."
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
ERR_UNIT_TWICE = gettext_lazy("This unit already appears in row %(row)s.")
ERR_UNIT_FORBIDDEN = gettext_lazy("You may not enter reports for %(unit)s.")
ERR_UNIT_NOT_EXPECTED = gettext_lazy(
    "%(unit)s is not expected to report this form for this period."
)
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
