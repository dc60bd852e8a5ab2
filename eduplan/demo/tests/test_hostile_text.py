"""Text pasted from anywhere never takes an export down: with control characters
(a vertical tab from Word among them), lone surrogates, right-to-left marks and strings
of a million characters in the plan, the tasks, the reports and the orders, every
workbook and document the leader's pages offer downloads, and opens."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model
from django.test import Client

from eduplan.core.docx import centred, document_bytes, document_new, paragraph_add, table_add
from eduplan.core.xlsx import table_xlsx
from eduplan.plans.models import Goal, Measure, Project, Target, Task, WorkPoint
from eduplan.reporting.models import DataValue
from eduplan.supervision.models import SupervisionOrder

CONTROLS = "\x0b\x0c\x1b\x7f\x85\u2028"
MARKS = "\u200f\u202e\u2066"
SEEDS = ["/dashboards/", "/targets/", "/supervision/", "/supervision/bulletin/", "/reports/"]
LINK = re.compile(r'href="([/?][^"#]*)"')
EXPORT = re.compile(r"export=|\.docx|\.xlsx")


def hostile(length: int) -> str:
    """Every kind of bad text the database can hold. No database stores a lone surrogate
    and PostgreSQL no NUL: the edge's cleaning keeps them out (core tests), and the
    writers clean them too (test_writers_clean_what_the_database_could_not_hold)."""
    bad = CONTROLS + MARKS
    if connection.vendor != "postgresql":
        bad += "\x00"
    text = f"进度{bad}过半 =1+1 "
    return (text * (length // len(text) + 1))[:length]


FIELDS: list[tuple[type[Model], str, int]] = [
    (Goal, "text", 1_000_000),
    (Measure, "text", 1_000_000),
    (WorkPoint, "text", 1_000_000),
    (Task, "note", 1_000_000),
    (DataValue, "text", 1_000_000),
    (SupervisionOrder, "detail", 1_000_000),
    (Project, "name", 200),
    (Target, "indicator", 200),
    (Task, "title", 300),
    (SupervisionOrder, "title", 300),
]


def _poison() -> None:
    for model, field, length in FIELDS:
        # The long text on a few rows of each, the short one everywhere else.
        rows = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        model._default_manager.filter(pk__in=rows[:3]).update(**{field: hostile(length)})
        model._default_manager.filter(pk__in=rows[3:]).update(**{field: hostile(min(length, 80))})


def _links(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code in (200, 302), (url, response.status_code)
    if response.status_code != 200 or "text/html" not in response["Content-Type"]:
        return []
    links = [link.replace("&amp;", "&") for link in LINK.findall(response.content.decode())]
    return [url.split("?")[0] + link if link.startswith("?") else link for link in links]


@pytest.mark.django_db
def test_every_export_downloads_and_opens_with_hostile_text_everywhere(demo) -> None:
    _poison()
    client = Client()
    client.force_login(get_user_model().objects.get(username="leader"))
    pages: list[str] = []
    for seed in SEEDS:
        pages += [seed] + [u for u in _links(client, seed) if not EXPORT.search(u)]
    pages = list(
        dict.fromkeys(p for p in pages if not p.startswith(("/accounts/", "/i18n/", "/static/")))
    )[:60]
    exports: set[str] = set()
    for page in pages:
        exports.update(u for u in _links(client, page) if EXPORT.search(u))
    assert any(".docx" in u for u in exports) and any("export=" in u for u in exports)
    for url in sorted(exports):
        response = client.get(url)
        assert response.status_code == 200, url
        data = response.getvalue()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None, url
        if "spreadsheetml" in response["Content-Type"]:
            openpyxl.load_workbook(io.BytesIO(data), read_only=True).close()


def test_writers_clean_what_the_database_could_not_hold() -> None:
    text = "甲\ud800\x00\x0b乙" + MARKS
    doc = document_new()
    centred(doc, text)
    paragraph_add(doc, text)
    table_add(doc, [text], [[text]])
    body = zipfile.ZipFile(io.BytesIO(document_bytes(doc))).read("word/document.xml").decode()
    assert "甲" in body and "\ud800" not in body
    sheet = table_xlsx(title=text, header=[text], rows=[[text, "x" * 40_000]])
    ws = openpyxl.load_workbook(io.BytesIO(sheet)).active
    assert ws is not None and ws["A3"].value == "甲\n乙" + MARKS
    assert len(str(ws["B3"].value)) == 32_767
