"""Excel in and out: a form's template for one or many units, and importing it back.

- `template`: the workbook (sheets 填报 and 说明) and its layout, prefilled with what is
  stored; text is always written as text, never as a formula.
- `reading`: the uploaded workbook's cells, bounded in size, formulas kept as formulas.
- `checking`: every problem of a read workbook with its sheet, row and column.
- `importing`: `xlsx_import`, all or nothing, each row through `submission_save`.
- `messages`: the messages a refused file is listed with, and `ImportProblem`.
"""

from __future__ import annotations

from eduplan.reporting.xlsx.importing import ImportResult, xlsx_import, xlsx_size_problem
from eduplan.reporting.xlsx.messages import ImportProblem
from eduplan.reporting.xlsx.template import xlsx_template, xlsx_units

__all__ = [
    "ImportProblem",
    "ImportResult",
    "xlsx_import",
    "xlsx_size_problem",
    "xlsx_template",
    "xlsx_units",
]
