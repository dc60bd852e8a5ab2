"""A ledger's Excel template and its import, all or nothing.

Sheet 台账 has a title row, a header row of field labels, a hidden row of field codes
(the import reads the codes, never the Chinese labels) and a record per row from row 4.
The import checks every cell first and lists every problem with its sheet, row and
column (reporting's messages and problem type); only a file without problems is stored,
in one transaction. The same file uploaded again is answered as already imported.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from eduplan.core.archives import archive_check
from eduplan.core.errors import InputError
from eduplan.core.figures_cache import figures_changed
from eduplan.core.sheet import SheetMissing, excel_day, sheet_rows
from eduplan.core.workbooks import workbook_as_xlsx
from eduplan.core.xlsx import HEADER_FILL, HEADER_FONT, TITLE_FONT, cell_put
from eduplan.ledgers.bulk import records_insert
from eduplan.ledgers.definitions import YEAR, LedgerDefinition
from eduplan.ledgers.models import (
    Ledger,
    LedgerImport,
    LedgerRecord,
    RecordStatus,
)
from eduplan.ledgers.services import (
    Placed,
    definition_of,
    may_enter,
    record_place,
)
from eduplan.ledgers.values import unit_codes, units_index
from eduplan.org.access import User, scope_of, signed_in
from eduplan.org.models import UnitType
from eduplan.reporting.xlsx.importing import xlsx_size_problem
from eduplan.reporting.xlsx.messages import (
    ERR_COLUMN_TWICE,
    ERR_COLUMN_UNKNOWN,
    ERR_NO_ROWS,
    ERR_NO_SHEET,
    ERR_NOT_XLSX,
    ERR_TOO_MANY_ROWS,
    ImportProblem,
    file_problem,
)

SHEET = "台账"
TITLE_ROW, HEADER_ROW, CODE_ROW, FIRST_ROW = 1, 2, 3, 4
MAX_ROWS = 100_000
SHOWN_PROBLEMS = 200
ERR_FORBIDDEN = gettext_lazy("You may not keep this ledger's records for %(unit)s.")
ERR_REPEATS = gettext_lazy("This record repeats row %(row)s (%(fields)s).")
ERR_EXISTS = gettext_lazy("A record with the same %(fields)s exists already.")
ERR_IMPORTED = gettext_lazy(
    "This very file was imported already (%(n)s records); nothing was stored again."
)


LISTED_MAX = 250  # Excel's limit for a list typed into a validation is 255 characters
LAST_ROW = FIRST_ROW + 5000  # the rows a choice column offers its list in


def _listed(f: dict[str, Any]) -> list[str]:
    """What a choice or yes/no column offers in Excel's drop-down."""
    if f["type"] == "yes_no":
        return ["是", "否"]
    return list(f.get("choices") or []) if f["type"] == "choice" else []


def _limits(f: dict[str, Any]) -> str:
    """A field's choices, limits or unit kinds, for the template's notes sheet."""
    if f["type"] == "unit":
        kinds = "、".join(str(UnitType(t).label) for t in f.get("unit_types") or [])
        note = _("the unit's name or code")
        return f"{note}（{kinds}）" if kinds else note
    if f.get("min") is not None or f.get("max") is not None:
        low, high = (f"{f[k]:g}" if f.get(k) is not None else "" for k in ("min", "max"))
        return f"{low} – {high}"
    return "、".join(f.get("choices") or [])


def _header(f: dict[str, Any]) -> str:
    label = f"{f['label']}（{f['unit']}）" if f.get("unit") else f["label"]
    return f"{label} *" if f.get("required") else label


def ledger_xlsx_template(*, ledger: Ledger, rows: list[list[str]] | None = None) -> bytes:
    """The ledger's workbook: the header rows, then the given rows (a download of what
    the user sees, as `selectors.record_cells` shows it: person fields hidden unless the
    user keeps the record)."""
    assert ledger.current_version is not None
    definition = definition_of(ledger.current_version)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = SHEET
    title = _("%(name)s (ledger %(code)s, version %(v)s)") % {
        "name": ledger.name,
        "code": ledger.code,
        "v": ledger.current_version.number,
    }
    cell_put(ws, TITLE_ROW, 1, title).font = TITLE_FONT
    for col, f in enumerate(definition.fields, start=1):
        head = cell_put(ws, HEADER_ROW, col, _header(f))
        head.font, head.fill = HEADER_FONT, HEADER_FILL
        head.alignment = Alignment(wrap_text=True)
        cell_put(ws, CODE_ROW, col, f["code"])
        ws.column_dimensions[get_column_letter(col)].width = max(
            12, min(30, 2 * len(f["label"]) + 4)
        )
        listed = ",".join(_listed(f))
        if listed and len(listed) <= LISTED_MAX and "," not in "".join(_listed(f)):
            check = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
            letter = get_column_letter(col)
            check.add(f"{letter}{FIRST_ROW}:{letter}{LAST_ROW}")
            ws.add_data_validation(check)
    ws.row_dimensions[CODE_ROW].hidden = True
    ws.freeze_panes = f"A{FIRST_ROW}"
    for r, row in enumerate(rows or [], start=FIRST_ROW):
        for col, value in enumerate(row, start=1):
            cell_put(ws, r, col, value)
    info = wb.create_sheet("说明")
    notes = [(_("Field"), _("Code"), _("Type"), _("Required"), _("Choices and limits"))]
    for f in definition.fields:
        required = _("yes") if f.get("required") else ""
        notes.append((f["label"], f["code"], f["type"], required, _limits(f)))
    for r, note in enumerate(notes, start=1):
        for col, value in enumerate(note, start=1):
            cell_put(info, r, col, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class LedgerImportResult:
    stored: int = 0
    replayed: bool = False
    problems: list[ImportProblem] = field(default_factory=list)
    more: int = 0  # problems found past the ones listed

    @property
    def ok(self) -> bool:
        return not self.problems


def _columns(
    codes: tuple[Any, ...], definition: LedgerDefinition, problems: list[ImportProblem]
) -> dict[int, str]:
    """Column index → field code, from the hidden code row."""
    found: dict[int, str] = {}
    seen: dict[str, int] = {}
    for i, code in enumerate(codes):
        if code is None or str(code).strip() == "":
            continue
        code = str(code).strip()
        letter = get_column_letter(i + 1)
        if code not in definition.by_code:
            problems.append(
                ImportProblem(
                    SHEET, CODE_ROW, letter, code, str(ERR_COLUMN_UNKNOWN % {"code": code})
                )
            )
        elif code in seen:
            problems.append(
                ImportProblem(
                    SHEET,
                    CODE_ROW,
                    letter,
                    code,
                    str(
                        ERR_COLUMN_TWICE
                        % {
                            "name": definition.by_code[code]["label"],
                            "column": get_column_letter(seen[code] + 1),
                        }
                    ),
                )
            )
        else:
            seen[code] = i
            found[i] = code
    return found


def _read(
    data: bytes, definition: LedgerDefinition, problems: list[ImportProblem]
) -> list[tuple[int, dict[str, Any]]]:
    """(row number, raw values by field code) for every row that is not blank; a date
    field's number is Excel's day count."""
    try:
        rows = sheet_rows(data, SHEET)
    except SheetMissing:
        problems.append(file_problem(str(ERR_NO_SHEET % {"sheet": SHEET})))
        return []
    dates = {f["code"] for f in definition.fields if f["type"] == "date"}
    columns: dict[int, str] = {}
    read: list[tuple[int, dict[str, Any]]] = []
    for number, row in rows:
        if number == CODE_ROW:
            columns = _columns(tuple(row), definition, problems)
        if number < FIRST_ROW:
            continue
        raw = {code: row[i] for i, code in columns.items() if i < len(row)}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue
        for code in dates & raw.keys():
            value = raw[code]
            if isinstance(value, int | float) and not isinstance(value, bool):
                raw[code] = excel_day(value)
        read.append((number, raw))
        if len(read) > MAX_ROWS:
            problems.append(file_problem(str(ERR_TOO_MANY_ROWS % {"n": MAX_ROWS}), SHEET))
            return []
    if not read and not problems:
        problems.append(file_problem(str(ERR_NO_ROWS), SHEET))
    return read


def _key_names(definition: LedgerDefinition) -> str:
    return "、".join(
        _("year") if c == YEAR else definition.by_code[c]["label"] for c in definition.unique
    )


def _checked(
    *,
    user: User,
    ledger: Ledger,
    definition: LedgerDefinition,
    read: list[tuple[int, dict[str, Any]]],
    problems: list[ImportProblem],
) -> list[Placed]:
    """The records to store; every problem of every row appended to `problems`."""
    letters = {code: get_column_letter(i + 1) for i, code in enumerate(definition.by_code)}
    codes: set[str] = set()
    for _number, raw in read:
        codes |= unit_codes(definition, raw)
    units = units_index(codes, within=scope_of(user))
    existing = set(
        LedgerRecord.objects.filter(ledger=ledger, status=RecordStatus.ACTIVE)
        .exclude(key="")
        .values_list("key", flat=True)
    )
    keys: dict[str, int] = {}
    allowed: dict[str, bool] = {}
    version = ledger.current_version
    assert version is not None
    records = []
    for number, raw in read:
        placed, found = record_place(definition, raw, units)
        for p in found:
            problems.append(
                ImportProblem(SHEET, number, letters.get(p.element, ""), p.element, p.message)
            )
        if placed is None:
            continue
        unit_col = letters[definition.unit_field]
        if placed.unit.code not in allowed:
            allowed[placed.unit.code] = may_enter(user, ledger, placed.unit)
        if not allowed[placed.unit.code]:
            message = str(ERR_FORBIDDEN % {"unit": placed.unit.name})
            problems.append(ImportProblem(SHEET, number, unit_col, definition.unit_field, message))
        if placed.key and placed.key in keys:
            message = str(ERR_REPEATS % {"row": keys[placed.key], "fields": _key_names(definition)})
            problems.append(ImportProblem(SHEET, number, "", "", message))
        elif placed.key in existing:
            message = str(ERR_EXISTS % {"fields": _key_names(definition)})
            problems.append(ImportProblem(SHEET, number, "", "", message))
        if placed.key:
            keys.setdefault(placed.key, number)
        if not problems:
            records.append(placed)
    return records


def ledger_xlsx_import(
    *, user: User, ledger: Ledger, data: bytes, filename: str
) -> LedgerImportResult:
    """Store a filled template, all or nothing: every problem is listed with its sheet,
    row and column, and if there is any, nothing is stored."""
    result = LedgerImportResult()
    too_large = xlsx_size_problem(len(data))
    if too_large is not None:
        result.problems.append(too_large)
        return result
    digest = hashlib.sha256(data).hexdigest()
    try:
        data = workbook_as_xlsx(data, max_unzipped=settings.EDUPLAN_ARCHIVE_MAX_TOTAL_BYTES)
        archive_check(data)
        assert ledger.current_version is not None
        definition = definition_of(ledger.current_version)
        read = _read(data, definition, result.problems)
    except InputError as exc:  # refused before parsing, or stopped at a limit
        result.problems.append(file_problem(exc.message, exc.where))
        return result
    except Exception:  # a broken upload can fail anywhere inside zip and XML parsing
        result.problems.append(file_problem(str(ERR_NOT_XLSX % {"name": filename})))
        return result
    done = LedgerImport.objects.filter(ledger=ledger, digest=digest).first()
    if done is not None:
        result.replayed, result.stored = True, done.records
        return result
    records = _checked(
        user=user, ledger=ledger, definition=definition, read=read, problems=result.problems
    )
    if result.problems:
        result.more = max(0, len(result.problems) - SHOWN_PROBLEMS)
        del result.problems[SHOWN_PROBLEMS:]
        return result
    _store(user=user, ledger=ledger, definition=definition, records=records, digest=digest)
    result.stored = len(records)
    return result


@transaction.atomic
def _store(
    *,
    user: User,
    ledger: Ledger,
    definition: LedgerDefinition,
    records: list[Placed],
    digest: str,
) -> None:
    batch = LedgerImport.objects.create(
        ledger=ledger, digest=digest, records=len(records), user=signed_in(user)
    )
    records_insert(placed=records, batch=batch, definition=definition)
    figures_changed({p.unit.pk for p in records}, provider="ledgers")
