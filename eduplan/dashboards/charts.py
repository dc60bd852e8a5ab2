"""Charts and tables as data: the server builds them, ECharts draws them, and every one
can be read as a table and downloaded as a workbook from the same numbers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from eduplan.core.xlsx import XLSX_CONTENT_TYPE, table_xlsx

Number = float | int | None


@dataclass(frozen=True)
class Series:
    name: str
    data: list[Number]
    role: str = "actual"  # actual | expected | forecast | goal | bar


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
        from urllib.parse import quote

        response["Content-Disposition"] = (
            f"attachment; filename=\"{self.id}.xlsx\"; filename*=UTF-8''{quote(self.title)}.xlsx"
        )
        return response


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    kind: str  # line | bar | spark
    categories: list[str]
    series: list[Series]
    unit: str = ""
    category_title: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "unit": self.unit,
            "categories": self.categories,
            "series": [{"name": s.name, "data": s.data, "role": s.role} for s in self.series],
            **self.extra,
        }

    def table(self) -> Table:
        header = [self.category_title or self.title] + [
            f"{s.name}（{self.unit}）" if self.unit else s.name for s in self.series
        ]
        rows = [
            [category] + [s.data[i] if i < len(s.data) else None for s in self.series]
            for i, category in enumerate(self.categories)
        ]
        return Table(id=self.id, title=self.title, header=header, rows=rows)


def number(value: Decimal | float | int | None, places: int = 2) -> Number:
    """A figure for a chart or a workbook: floats rounded, whole numbers as ints."""
    if value is None:
        return None
    f = round(float(value), places)
    return int(f) if f == int(f) else f


def day_label(day: datetime.date) -> str:
    return day.isoformat()


def export_or_none(request: Any, tables: list[Table]) -> HttpResponse | None:
    """The workbook of the table named by `?export=`, if the request asks for one."""
    wanted = request.GET.get("export")
    if not wanted:
        return None
    for table in tables:
        if table.id == wanted:
            return table.xlsx_response()
    return None
