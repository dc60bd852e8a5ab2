"""Writes mark the units whose figures may have moved; the refresh is queued once per
transaction, however many writes in it mark units."""

from __future__ import annotations

import pytest
from django.db import transaction

from eduplan.core import tasks
from eduplan.core.figure_parts import parts_changed
from eduplan.core.figure_store import units_changed
from eduplan.core.figures_cache import JUDGEMENT
from eduplan.core.models import FigureDirty

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(monkeypatch):
    calls: list[int] = []

    class Refresh:
        @staticmethod
        def enqueue() -> None:
            calls.append(1)

    monkeypatch.setattr(tasks, "figures_refresh", Refresh)
    return calls


def test_one_refresh_is_queued_per_transaction(queued):
    with transaction.atomic():
        units_changed([1])
        units_changed([1, 2])
        units_changed([3], provider="reporting")
        parts_changed([JUDGEMENT])  # a part moved: the same refresh works it off
    assert len(queued) == 1
    # Each mark is its own row, never merged into an earlier one (which the store may be
    # working off from rows read before this writer commits): unit 1 is marked twice.
    assert FigureDirty.objects.filter(unit_id__gte=0).count() == 4
    with transaction.atomic():
        units_changed([4])
    assert len(queued) == 2  # the next transaction queues its own


def test_a_mark_in_a_rolled_back_savepoint_queues_nothing_but_a_later_mark_does(queued):
    with transaction.atomic():
        try:
            with transaction.atomic():
                units_changed([1])
                raise RuntimeError("the write fails")
        except RuntimeError:
            pass
        assert not FigureDirty.objects.exists()
        units_changed([2])
    assert len(queued) == 1
    with transaction.atomic():
        try:
            with transaction.atomic():
                units_changed([5])
                raise RuntimeError("the write fails")
        except RuntimeError:
            pass
    assert len(queued) == 1  # nothing committed, nothing queued
