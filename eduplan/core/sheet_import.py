"""What every register's workbook import shares: opening the upload safely (an .xls, .et
or .ods rewritten as .xlsx by core.workbooks), reading one sheet with the fast reader,
and problems named by sheet, row and column.

The messages are the same words (msgids) as the report import's, so a user reads one
wording whichever register refuses the file.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.parsers.expat import ExpatError

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy

from eduplan.core.sheet import SheetMissing, sheet_rows
from eduplan.core.workbooks import WorkbookUnreadable, workbook_as_xlsx

UNZIPPED_FACTOR = 10
SHOWN_PROBLEMS = 200
ERR_TOO_LARGE = gettext_lazy("The file is %(size)s, larger than the limit of %(limit)s.")
ERR_UNZIPPED = gettext_lazy("The workbook unpacks to %(size)s, too large to read.")
ERR_NOT_XLSX = gettext_lazy(
    "“%(name)s” is not a workbook this platform reads (.xlsx, .xls, .et, .ods); save it as an "
    "Excel Workbook (.xlsx) and upload again."
)
ERR_NO_SHEET = gettext_lazy(
    "The workbook has no sheet named “%(sheet)s”; use the template downloaded from this platform."
)
ERR_CODE_ROW = gettext_lazy(
    "The hidden row of codes (row 3) or the unit columns were changed; download the template again."
)
ERR_NO_ROWS = gettext_lazy("The sheet holds no unit rows to import.")
ERR_UNIT_UNKNOWN = gettext_lazy("No unit has the code “%(code)s”.")
ERR_UNIT_MISSING = gettext_lazy("The unit code is missing.")
ERR_FORMULA = gettext_lazy("Formulas are not accepted; type the value itself.")
ERR_WHOLE = gettext_lazy("A whole number is expected here, not “%(value)s”.")


@dataclass(frozen=True)
class SheetProblem:
    """One reason a workbook is refused: where (sheet, row, column) and why."""

    sheet: str
    row: int | None
    column: str
    message: str

    @property
    def place(self) -> str:
        if self.row is None:
            return self.sheet
        return f"{self.sheet}!{self.column}{self.row}"


class WorkbookRefused(Exception):
    """The file cannot be read as the expected workbook at all."""

    def __init__(self, problem: SheetProblem) -> None:
        self.problem = problem
        super().__init__(problem.message)


def workbook_sheet_rows(*, data: bytes, name: str, sheet: str) -> list[tuple[int, list[Any]]]:
    """The rows of `sheet` in an uploaded workbook, after refusing a file too large (as
    uploaded or unpacked), one that is not a workbook, or one without that sheet."""
    limit = settings.EDUPLAN_UPLOAD_MAX_BYTES
    if len(data) > limit:
        sizes = {"size": filesizeformat(len(data)), "limit": filesizeformat(limit)}
        raise WorkbookRefused(SheetProblem("", None, "", str(ERR_TOO_LARGE % sizes)))
    try:
        # .xls, WPS .et and .ods are read too, rewritten as .xlsx first.
        data = workbook_as_xlsx(data, max_unzipped=limit * UNZIPPED_FACTOR)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > limit * UNZIPPED_FACTOR:
            message = str(ERR_UNZIPPED % {"size": filesizeformat(unpacked)})
            raise WorkbookRefused(SheetProblem("", None, "", message))
        return list(sheet_rows(data, sheet))
    except SheetMissing:
        raise WorkbookRefused(
            SheetProblem(sheet, None, "", str(ERR_NO_SHEET % {"sheet": sheet}))
        ) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, ExpatError, WorkbookUnreadable):
        # Not a zip, a part missing or damaged XML inside: not a workbook we can read.
        raise WorkbookRefused(
            SheetProblem("", None, "", str(ERR_NOT_XLSX % {"name": name}))
        ) from None


def cell_whole(value: Any) -> tuple[int | None, str]:
    """A cell read as a whole number: (the number, "") or (None, why not)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("="):
            return None, str(ERR_FORMULA)
        if text.isdigit():
            return int(text), ""
        return None, str(ERR_WHOLE % {"value": text})
    if isinstance(value, bool) or value is None:
        return None, str(ERR_WHOLE % {"value": "" if value is None else value})
    if isinstance(value, float):
        if value.is_integer():
            return int(value), ""
        return None, str(ERR_WHOLE % {"value": value})
    if isinstance(value, int):
        return value, ""
    return None, str(ERR_WHOLE % {"value": value})


def cell_text(value: Any) -> str:
    """A cell as trimmed text (numbers as written: 410105, not 410105.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
