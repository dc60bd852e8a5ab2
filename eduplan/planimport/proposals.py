"""Tasks and milestones proposed from a plan text: every deliverable a measure or a work
point names (`parsing.deliverables`) becomes an unconfirmed task with its milestone, for
the plan's owners to confirm or delete on the task's page after importing.

An imported plan names no owners, so a proposed task is led by the supervision office's
department until someone says otherwise (its note says so); without that department in
the organisation, nothing is proposed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

from eduplan.org.models import OrgUnit, UnitType
from eduplan.planimport.parsing.deliverables import Deliverable, deliverables_find
from eduplan.plans.breakdown import MilestoneSpec, TaskSpec
from eduplan.plans.loading import PlanSpec

TITLE_MAX = 200
LEAD_NOTE = "由原文提出，牵头单位待定（暂定督查室），请确认或删除"


@dataclass(frozen=True)
class Proposal:
    """A deliverable found in a measure's or a work point's text."""

    place: str  # 举措 3.2 / 工作要点 7
    measure: tuple[int, int] | None
    work_point: int | None
    deliverable: Deliverable


def proposals_find(spec: PlanSpec, *, year: int) -> list[Proposal]:
    """Every deliverable in the plan's measures and work points, in the plan's order;
    `year` is the year their texts are about when a clause names none."""
    found = [
        Proposal(f"举措 {p.number}.{m}", (p.number, m), None, d)
        for p in spec.projects
        for m, text in enumerate(p.measures, start=1)
        for d in deliverables_find(text, year=year)
    ]
    found += [
        Proposal(f"工作要点 {w.number}", None, w.number, d)
        for s in spec.sections
        for w in s.work_points
        for d in deliverables_find(w.text, year=year)
    ]
    return found


def proposed_lead(organisation: OrgUnit) -> OrgUnit | None:
    """Who leads a proposed task until its owners decide: the supervision office's
    department, when the organisation holds it."""
    office = OrgUnit.objects.filter(
        code=settings.EDUPLAN_SUPERVISION_OFFICE_CODE, type=UnitType.DEPARTMENT
    ).first()
    return office if office is not None and organisation.contains(office) else None


def proposed_tasks(spec: PlanSpec, *, year: int, lead: OrgUnit) -> list[TaskSpec]:
    """One unconfirmed task per deliverable, due at the end of its year (inside the
    plan's years), with the deliverable as its milestone."""
    tasks = []
    for proposal in proposals_find(spec, year=year):
        d = proposal.deliverable
        due_year = min(max(d.year or year, spec.start_year), spec.end_year)
        deadline = datetime.date(due_year, 12, 31)
        title = d.title[:TITLE_MAX]
        tasks.append(
            TaskSpec(
                measure=proposal.measure,
                work_point=proposal.work_point,
                title=title,
                lead=lead.code,
                co=[],
                deadline=deadline,
                year=due_year,
                note=LEAD_NOTE,
                confirmed=False,
                milestones=[
                    MilestoneSpec(
                        kind=d.kind,
                        title=title,
                        year=due_year,
                        due_on=deadline,
                        document_title=d.document[:TITLE_MAX],
                    )
                ],
            )
        )
    return tasks
