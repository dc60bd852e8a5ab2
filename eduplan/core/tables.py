"""Tables as plain values, and the workbook any page's table downloads as.

A page builds its tables once, renders them and, when asked with `?export=<id>`,
returns the same rows as an .xlsx (written injection-safe by `core.xlsx`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from eduplan.core.xlsx import XLSX_CONTENT_TYPE, table_xlsx

Number = float | int | None


def number(value: Decimal | float | int | None, places: int = 2) -> Number:
    """A figure for a chart or a workbook: floats rounded, whole numbers as ints."""
    if value is None:
        return None
    f = round(float(value), places)
    return int(f) if f == int(f) else f


@dataclass(frozen=True)
class Table:
    """A table as plain values (text, numbers, dates): what a download holds."""

    id: str
    title: str
    header: list[str]
    rows: list[list[Any]]
    note: str = ""

    def xlsx_response(self) -> HttpResponse:
        body = table_xlsx(title=self.title, header=self.header, rows=self.rows, note=self.note)
        response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
        # RFC 6266/5987: the Chinese title as the UTF-8 filename, an ASCII fallback.
        response["Content-Disposition"] = (
            f"attachment; filename=\"{self.id}.xlsx\"; filename*=UTF-8''{quote(self.title)}.xlsx"
        )
        return response


def table_export(request: HttpRequest, tables: list[Table]) -> HttpResponse | None:
    """The workbook of the table named by `?export=`, if the request asks for one; a
    name the page does not have is a 404 that says so."""
    wanted = request.GET.get("export")
    if not wanted:
        return None
    for table in tables:
        if table.id == wanted:
            return table.xlsx_response()
    raise Http404(_("This page has no table named “%(name)s”.") % {"name": wanted})
