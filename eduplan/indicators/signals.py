"""Every saved or deleted row that changes what is judged from the figures (plans,
targets, bindings, assessments, reports due) raises the figures counter, so that cached
statuses are computed again.

The rows metrics count are watched by their providers (`register_source` in each app's
metrics module), which also mark the org units whose figures the store must move. Bulk
writes (which send no signals) call `figures_changed()` themselves: the loaders of org
units and groups, plans, bindings, expected reports and the demo history."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from eduplan.core.figures_cache import JUDGEMENT, REPORTS, WORK, figures_changed
from eduplan.indicators.models import TargetAssessment, TargetBinding
from eduplan.indicators.work import PROGRESS_FORM
from eduplan.plans.models import (
    Goal,
    Measure,
    Milestone,
    MilestoneEvidence,
    Plan,
    Project,
    ProjectOwner,
    Target,
    Task,
    WorkPoint,
)
from eduplan.reporting.models import ExpectedReport, Status, Submission

# Each model and the part of what is judged from the figures it moves.
FIGURE_MODELS: dict[type[Model], tuple[str, ...]] = {
    Plan: (JUDGEMENT, WORK),
    Project: (JUDGEMENT,),
    ProjectOwner: (JUDGEMENT,),  # the owners a project's card names
    # The plan's text a project's page keeps as markup with its work (`ProjectPage.live_key`).
    Goal: (JUDGEMENT,),
    Measure: (JUDGEMENT,),
    WorkPoint: (JUDGEMENT,),
    Target: (JUDGEMENT,),
    TargetBinding: (JUDGEMENT,),
    TargetAssessment: (JUDGEMENT,),
    Milestone: (WORK,),
    MilestoneEvidence: (WORK,),
    Task: (WORK,),
    ExpectedReport: (REPORTS,),
    Submission: (REPORTS,),  # a report submitted is a report due no more (its values: the provider)
}


def _submission_parts(submission: Submission) -> tuple[str, ...]:
    """A progress report is also the work's (its task's progress)."""
    return (REPORTS, WORK) if submission.form.code == PROGRESS_FORM else (REPORTS,)


def _changed(*, sender: type[Model], instance: Any, **_kwargs: Any) -> None:
    # A draft never counts in a figure (no transition leads back to draft), and drafts
    # are most of the saves during a reporting round: they leave the cache alone.
    if sender is Submission and instance.status == Status.DRAFT:
        return
    parts = _submission_parts(instance) if sender is Submission else FIGURE_MODELS[sender]
    figures_changed(rows=False, parts=parts)


def connect() -> None:
    for model in FIGURE_MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"figures-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"figures-del-{model.__name__}")
