"""Charts and tables as data: the server builds them, ECharts draws them, and every one
can be read as a table and downloaded as a workbook from the same numbers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from eduplan.core.tables import Number, Table


@dataclass(frozen=True)
class Series:
    name: str
    data: list[Number]
    role: str = "actual"  # actual | expected | forecast | goal | bar


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    kind: str  # line | bar | spark
    categories: list[str]
    series: list[Series]
    unit: str = ""
    category_title: str = ""
    note: str = ""  # carried to the table's workbook (e.g. a provisional measure)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "unit": self.unit,
            "categories": self.categories,
            "series": [{"name": s.name, "data": s.data, "role": s.role} for s in self.series],
        }

    def table(self) -> Table:
        header = [self.category_title or self.title] + [
            f"{s.name}（{self.unit}）" if self.unit else s.name for s in self.series
        ]
        rows = [
            [category] + [s.data[i] if i < len(s.data) else None for s in self.series]
            for i, category in enumerate(self.categories)
        ]
        return Table(id=self.id, title=self.title, header=header, rows=rows, note=self.note)


def day_label(day: datetime.date) -> str:
    return day.isoformat()
