"""Every saved or deleted row that changes what is judged from the figures (plans,
targets, bindings, assessments, reports due) raises the figures counter, so that cached
statuses are computed again.

The rows metrics count are watched by their providers (`register_source` in each app's
metrics module), which also mark the org units whose figures the store must move. Bulk
writes (which send no signals) call `figures_changed()` themselves: the loaders of org
units and groups, plans, bindings, expected reports and the demo history."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from eduplan.core.figures_cache import figures_changed
from eduplan.indicators.models import TargetAssessment, TargetBinding
from eduplan.plans.models import Milestone, MilestoneEvidence, Plan, Project, Target, Task
from eduplan.reporting.models import ExpectedReport, Status, Submission

FIGURE_MODELS = (
    Plan,
    Project,
    Target,
    Milestone,
    MilestoneEvidence,
    Task,
    ExpectedReport,
    Submission,  # a report submitted is a report due no more (its values: the provider)
    TargetBinding,
    TargetAssessment,
)


def _changed(*, sender: type, instance: Any, **_kwargs: Any) -> None:
    # A draft never counts in a figure (no transition leads back to draft), and drafts
    # are most of the saves during a reporting round: they leave the cache alone.
    if sender is Submission and instance.status == Status.DRAFT:
        return
    figures_changed(rows=False)


def connect() -> None:
    for model in FIGURE_MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"figures-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"figures-del-{model.__name__}")
