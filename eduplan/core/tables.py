"""Tables as plain values, and the workbook any page's table downloads as.

A page builds its tables once, renders them and, when asked with `?export=<id>`,
returns the same rows as an .xlsx (written injection-safe by `core.xlsx`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

# Re-exported for the readers that still import it from here (dashboards.selectors).
from eduplan.core.numbers import number as number
from eduplan.core.xlsx import XLSX_CONTENT_TYPE, table_xlsx

# A figure in a table or a chart, as core.numbers.number gives it.
Number = float | int | None


@dataclass(frozen=True)
class Table:
    """A table as plain values (text, numbers, dates): what a download holds."""

    id: str
    title: str
    header: list[str]
    rows: list[list[Any]]
    note: str = ""

    def xlsx_response(self) -> HttpResponse:
        return xlsx_download(title=self.title, header=self.header, rows=self.rows, note=self.note)


def xlsx_download(
    *, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], note: str = ""
) -> HttpResponse:
    """One table as a workbook download named after its title."""
    response = HttpResponse(
        table_xlsx(title=title, header=header, rows=rows, note=note),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{title}.xlsx"
    )
    return response


def table_export(
    request: HttpRequest, tables: list[Table] | Callable[[], list[Table]]
) -> HttpResponse | None:
    """The workbook of the table named by `?export=`, if the request asks for one; a
    name the page does not have is a 404 that says so.

    `tables` may be a function that builds them: a paginated page then reads every row
    only when a workbook is asked for, not on each view of one screen of them.
    """
    wanted = request.GET.get("export")
    if not wanted:
        return None
    for table in tables() if callable(tables) else tables:
        if table.id == wanted:
            return table.xlsx_response()
    raise Http404(_("This page has no table named “%(name)s”.") % {"name": wanted})
