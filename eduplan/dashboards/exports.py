"""A project report as a .docx: status, targets, measures with their latest progress,
milestones, work points and owners, as of the end of a period."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from docx.shared import Cm

from eduplan.core.docx import centred, document_bytes, document_new, paragraph_add, table_add
from eduplan.core.numbers import plain_number

if TYPE_CHECKING:
    from eduplan.dashboards.selectors.project import ProjectPage


def _text(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return plain_number(value, places=2, grouping=True)
    return str(value)


def project_report_docx(page: ProjectPage) -> bytes:
    frame, project = page.frame, page.project
    doc = document_new()
    centred(doc, frame.plan.name, size=12)
    centred(
        doc,
        _("Project %(n)s: %(name)s") % {"n": project.number, "name": project.name},
        size=18,
        bold=True,
    )
    centred(
        doc,
        _("%(unit)s, as of the end of %(period)s")
        % {"unit": frame.unit.name, "period": frame.at.label},
    )
    paragraph_add(
        doc,
        _("Overall status: %(status)s. Owners: %(owners)s.")
        % {
            "status": page.status.label,
            "owners": "、".join(
                f"{o.department.name}（{o.get_role_display()}）" for o in page.owners
            )
            or "—",
        },
    )
    doc.add_heading(_("Goals"), level=2)
    for goal in page.goals:
        paragraph_add(doc, f"{goal.get_horizon_display()}（{goal.year}）：{goal.text}")
    targets = page.table("targets")
    doc.add_heading(_("Targets"), level=2)
    if targets.rows:
        table_add(doc, targets.header[1:], [[_text(v) for v in row[1:]] for row in targets.rows])
        # matplotlib loads here, on the first report, not when every worker starts
        from eduplan.dashboards.chart_images import chart_png

        for chart in page.charts:  # each target's path, as the page draws it
            doc.add_picture(io.BytesIO(chart_png(chart)), width=Cm(15))
    else:
        paragraph_add(doc, _("The project has no quantitative targets."))
    doc.add_heading(_("Measures and their latest progress"), level=2)
    measures = page.table("measures")
    table_add(doc, measures.header, [[_text(v) for v in row] for row in measures.rows])
    doc.add_heading(_("Milestones"), level=2)
    if page.milestones:
        table_add(
            doc,
            [_("Year"), _("Milestone"), _("Due"), _("State")],
            [
                [
                    str(m["milestone"].year),
                    m["milestone"].title,
                    str(m["milestone"].due_on),
                    m["state"],
                ]
                for m in page.milestones
            ],
        )
    else:
        paragraph_add(doc, _("No milestones."))
    if page.work_points:
        doc.add_heading(_("Linked work points"), level=2)
        for wp in page.work_points:
            paragraph_add(doc, f"{wp.number}. {wp.text}")
    return document_bytes(doc)
