"""Pages that summarise apply the rule of what they summarise: walking every summary page
as each role of the demo city, a progress report's narrative, problems and evidence file
names appear exactly where the report itself may be read (REPORT_VIEW on its unit), and a
district's figures exactly where the district may be viewed (UNIT_VIEW)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from docx import Document

from eduplan.core.figures_cache import figures_changed
from eduplan.indicators.work import PROGRESS_FORM
from eduplan.org.access import Action, can
from eduplan.org.models import OrgUnit, UnitType
from eduplan.plans.models import Task
from eduplan.reporting.models import Attachment, DataElement, DataValue, Status, Submission

AT = {"at": "2016B6"}
MARKED = {"mp_narrative": "NARR", "mp_problems": "PROB"}
ROLES = ["leader", "duchashi", "jichu", "jinshui", "jinshui-school1"]


@pytest.fixture
def marked(demo, db):
    """Every approved progress report of the demo, its narrative, problems and one evidence
    file named after it (NARR-/PROB-/EVID-<pk>), so a page shows which reports it reads."""
    reports = list(
        Submission.objects.filter(form__code=PROGRESS_FORM, status=Status.APPROVED)
        .select_related("org_unit")
        .order_by("pk")
    )
    assert reports, "the demo city has approved progress reports"
    elements = {e.code: e for e in DataElement.objects.filter(code__in=MARKED)}
    for report in reports:
        for code, marker in MARKED.items():
            DataValue.objects.update_or_create(
                submission=report,
                element=elements[code],
                defaults={
                    "org_unit": report.org_unit,
                    "period": report.period,
                    "text": f"{marker}-{report.pk}",
                },
            )
        Attachment.objects.create(
            submission=report,
            file=f"evidence/EVID-{report.pk}.pdf",
            name=f"EVID-{report.pk}.pdf",
            size=1,
            uploaded_by=get_user_model().objects.get(username="leader"),
        )
    figures_changed()
    yield reports
    # The figures computed from the marked reports are keyed by a stamp the rollback undoes.
    caches[settings.FIGURES_CACHE].clear()


def _tasks(reports: list[Submission]) -> list[Task]:
    pks = sorted({int(r.subject.removeprefix("task:")) for r in reports})
    return list(
        Task.objects.filter(pk__in=pks).select_related("measure__project").order_by("pk")[:8]
    )


def _workbook_text(content: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _summaries(client, tasks: list[Task]) -> str:
    """Everything the summary pages and their downloads show, as one text."""
    projects = sorted({t.measure.project.number for t in tasks if t.measure is not None})
    assert projects
    texts = []
    for number in projects:
        page = client.get(f"/dashboards/projects/{number}/", AT)
        assert page.status_code == 200
        texts.append(page.content.decode())
        sheet = client.get(f"/dashboards/projects/{number}/", {**AT, "export": "measures"})
        texts.append(_workbook_text(sheet.content))
        report = client.get(f"/dashboards/projects/{number}/report.docx", AT)
        texts.append(_docx_text(report.content))
    texts.append(client.get("/dashboards/tasks/", AT).content.decode())
    texts.append(
        _workbook_text(client.get("/dashboards/tasks/", {**AT, "export": "tasks"}).content)
    )
    for task in tasks:
        page = client.get(f"/dashboards/tasks/{task.pk}/", AT)
        assert page.status_code == 200
        texts.append(page.content.decode())
    return "\n".join(texts)


@pytest.mark.parametrize("username", ROLES)
def test_summary_pages_show_of_a_progress_report_only_what_its_reader_may_read(
    as_user, marked, username
):
    user = get_user_model().objects.get(username=username)
    tasks = _tasks(marked)
    shown = _summaries(as_user(username), tasks)
    on_pages = {int(r.subject.removeprefix("task:")) for r in marked}
    seen = {int(pk) for pk in re.findall(r"(?:NARR|PROB|EVID)-(\d+)", shown)}
    readable = {r.pk for r in marked if can(user, Action.REPORT_VIEW, r)}
    assert seen <= readable, f"{username} sees reports outside the rule: {seen - readable}"
    if username == "leader":  # the whole city: the walk does reach the reports
        assert seen and on_pages
    if username == "jinshui-school1":
        assert not readable and not seen
        assert "progress-withheld" in shown  # the page says a report exists


@pytest.mark.parametrize("username", ROLES)
def test_the_districts_page_shows_the_figures_of_the_districts_the_user_may_view(as_user, username):
    user = get_user_model().objects.get(username=username)
    client = as_user(username)
    body = client.get("/dashboards/districts/", AT).content.decode()
    rows = re.findall(r'<tr data-district="(\d+)"', body)
    districts = OrgUnit.objects.filter(type=UnitType.DISTRICT, parent__parent__isnull=True)
    allowed = sorted(d.code for d in districts if can(user, Action.UNIT_VIEW, d))
    assert sorted(rows) == allowed
    values = re.findall(r'<span class="value">([^<]*)<', body)
    assert sum(v not in ("&nbsp;", "") for v in values) <= len(allowed)
    sheet = _workbook_text(
        client.get("/dashboards/districts/", {**AT, "export": "districts"}).content
    )
    names = {d.name for d in districts}
    assert {n for n in names if n in sheet} == {d.name for d in districts if d.code in allowed}
    if username == "jinshui-school1":
        assert rows == []  # a school sees its own figures, not its district's
    if username == "leader":
        assert len(rows) == 16
