"""A unit's assessment as a workbook: a summary sheet with each part's formula and the
adjustments, then one sheet per part with every record behind it."""

from __future__ import annotations

import io

import openpyxl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from eduplan.appraisal.records import Outcome
from eduplan.appraisal.scoring import PartScore, UnitScore, points_text
from eduplan.core.numbers import number
from eduplan.core.xlsx import HEADER_FILL, HEADER_FONT, TITLE_FONT, cell_put, sheet_title

OUTCOME_LABELS = {
    Outcome.MET: gettext_lazy("Met"),
    Outcome.MISSED: gettext_lazy("Missed"),
    Outcome.PENDING: gettext_lazy("Not counted"),
}


def _header(ws: Worksheet, row: int, names: list[str]) -> None:
    for column, name in enumerate(names, start=1):
        cell = cell_put(ws, row, column, name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(column)].width = max(10, min(50, 2 * len(name) + 6))


def _summary(ws: Worksheet, score: UnitScore, rule: str) -> None:
    title = _("Appraisal %(year)s: %(unit)s") % {"year": score.year, "unit": score.unit.name}
    cell_put(ws, 1, 1, title).font = TITLE_FONT
    cell_put(ws, 2, 1, _("Weights version %(version)s") % {"version": score.weights.version})
    cell_put(ws, 3, 1, rule)
    _header(
        ws,
        5,
        [
            _("Part"),
            _("Weight"),
            _("Met"),
            _("Counted"),
            _("Share (%)"),
            _("Points scored"),
            _("Formula"),
        ],
    )
    row = 6
    for part in score.parts:
        share = None if part.share is None else number(part.share * 100, 1)
        values = [part.label, part.weight, part.met, part.counted, share, part.points, part.formula]
        for column, value in enumerate(values, start=1):
            cell_put(ws, row, column, value)
        row += 1
    cell_put(ws, row, 1, _("Computed score"))
    cell_put(ws, row, 6, score.computed)
    row += 2
    _header(ws, row, [_("Adjustment"), _("Points scored"), _("Reason"), _("Made by"), _("Made at")])
    for a in score.adjustments:
        row += 1
        for column, value in enumerate(
            ["", a.points, a.reason, a.made_by.get_username(), a.made_at], start=1
        ):
            cell_put(ws, row, column, value)
    row += 2
    cell_put(ws, row, 1, _("Adjustments in all"))
    cell_put(ws, row, 6, score.adjusted)
    cell_put(ws, row + 1, 1, _("Final score"))
    cell_put(ws, row + 1, 6, score.final)
    cell_put(ws, row + 1, 7, points_text(score.final))


def _part_sheet(wb: Workbook, part: PartScore) -> None:
    ws = wb.create_sheet(sheet_title(part.label))
    cell_put(ws, 1, 1, part.formula).font = TITLE_FONT
    _header(ws, 3, [_("Outcome"), _("Record"), _("Due date"), _("Done"), _("Note"), _("Link")])
    for row, r in enumerate(part.records, start=4):
        values = [str(OUTCOME_LABELS[r.outcome]), r.label, r.due, r.done, r.note, r.url]
        for column, value in enumerate(values, start=1):
            cell_put(ws, row, column, value)
    ws.freeze_panes = ws.cell(row=4, column=1).coordinate


def unit_score_xlsx(score: UnitScore, *, rule: str) -> bytes:
    """The workbook of one unit's assessment."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one sheet
    ws.title = sheet_title(_("Summary"))
    _summary(ws, score, rule)
    for part in score.parts:
        _part_sheet(wb, part)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
