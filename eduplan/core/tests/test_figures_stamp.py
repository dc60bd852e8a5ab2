"""The figures counter is spread over rows so that writers at the deadline do not queue
on one row; the stamp (their sum) still rises with every change."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.models import F

from eduplan.core import figures_cache
from eduplan.core.figures_cache import (
    SHARD_NAMES,
    STAMP_SHARDS,
    figures_changed,
    figures_stamp,
    stamp_shard,
)
from eduplan.core.models import DataStamp


@pytest.mark.django_db
def test_each_change_raises_the_stamp_by_one_whichever_row_it_lands_on(monkeypatch):
    assert figures_stamp() == 0
    for step, name in enumerate([SHARD_NAMES[0], SHARD_NAMES[5], SHARD_NAMES[5]], start=1):
        monkeypatch.setattr(figures_cache, "stamp_shard", lambda name=name: name)
        figures_changed()
        assert figures_stamp() == step
    counters = DataStamp.objects.filter(name__in=SHARD_NAMES)
    assert dict(counters.values_list("name", "number")) == {SHARD_NAMES[0]: 1, SHARD_NAMES[5]: 2}


@pytest.mark.django_db
def test_a_thread_raises_one_row_and_threads_spread_over_the_rows():
    assert stamp_shard() == stamp_shard()  # one transaction never locks two rows
    seen: set[str] = set()
    together = threading.Barrier(32)  # all alive at once: no thread reuses another's id

    def note() -> None:
        seen.add(stamp_shard())
        together.wait(timeout=30)

    threads = [threading.Thread(target=note) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(SHARD_NAMES) == STAMP_SHARDS
    assert len(seen) > 1


def _raise_other(name: str, outcome: list[str]) -> None:
    """Raise row `name` in this thread's own connection, waiting at most 1 s for a lock."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            DataStamp.objects.filter(name=name).update(number=F("number") + 1)
        outcome.append("raised")
    except OperationalError:
        outcome.append("waited")
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_on_different_rows_do_not_wait_for_each_other(monkeypatch):
    """The writer holding one row's lock until it commits blocks only writers of that row."""
    for name in SHARD_NAMES[:2]:
        DataStamp.objects.get_or_create(name=name)
    before = figures_stamp()
    monkeypatch.setattr(figures_cache, "stamp_shard", lambda: SHARD_NAMES[0])
    outcomes: dict[str, list[str]] = {}
    with transaction.atomic():
        figures_changed()  # holds SHARD_NAMES[0] until this block ends
        for name in SHARD_NAMES[:2]:
            outcomes[name] = []
            other = threading.Thread(target=_raise_other, args=(name, outcomes[name]))
            other.start()
            other.join()
    assert outcomes == {SHARD_NAMES[0]: ["waited"], SHARD_NAMES[1]: ["raised"]}
    assert figures_stamp() == before + 2
