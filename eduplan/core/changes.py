"""The change history of the registers kept outside the ledger engine: one row per
changed field (`ChangeEvent`), written in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import models as auth_models
from django.db.models import QuerySet
from django.utils import timezone

from eduplan.core.models import ChangeEvent


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


def changes_record(
    *,
    actor: auth_models.User | None,
    subject: str,
    changes: Iterable[Change],
    note: str = "",
) -> list[ChangeEvent]:
    """Append one event per field whose value really changed; nothing for a change that
    restores the same value (so a retried write adds no history)."""
    at = timezone.now()
    rows = [
        ChangeEvent(
            at=at,
            actor=actor,
            subject=subject,
            field=c.field,
            old=c.old,
            new=c.new,
            note=note[:300],
        )
        for c in changes
        if c.old != c.new
    ]
    return ChangeEvent.objects.bulk_create(rows)


def changes_of(*, subjects: Iterable[str]) -> QuerySet[ChangeEvent]:
    """The history of these subjects, newest first, with who made each change."""
    return (
        ChangeEvent.objects.filter(subject__in=list(subjects))
        .select_related("actor")
        .order_by("-at", "-id")
    )


def changes_under(*, prefix: str) -> QuerySet[ChangeEvent]:
    """The history of every subject starting with `prefix`, newest first."""
    return (
        ChangeEvent.objects.filter(subject__startswith=prefix)
        .select_related("actor")
        .order_by("-at", "-id")
    )
