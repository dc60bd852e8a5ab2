"""Rebuilding the figures store from the rows: every stored metric (or some) built again,
on PostgreSQL by several connections at once.

`store_rebuild()` takes the store's lock (the "figure-store" `DataStamp` row) in its own
transaction and holds it until every metric is built: no mark is worked off and no metric
is built on first read meanwhile. The metrics are then built
- on PostgreSQL, outside any transaction of the caller: by `workers` threads, each with
  its own connection, each metric in its own transaction (forget it, build it, commit),
  the biggest first, whichever thread is free taking the next. The store's one backend
  per build used one core; the threads use them all. Readers see each metric either as
  it was or rebuilt, never half of it. A thread that fails stops the others from taking
  more; the metrics already rebuilt stay (each is whole), the rest stay as they were, and
  the error is raised;
- on SQLite (it writes from one connection at a time), or inside a caller's transaction
  (other connections would not see its writes): one after the other, in the caller's
  connection and the lock's transaction.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from eduplan.core.figure_build import metric_build
from eduplan.core.figure_parts import EVERY_PROVIDER, raise_parts
from eduplan.core.figure_store import (
    _forget,
    _lock,
    _stored_metric,
    _work_off,
    store_refresh,
    store_snapshot,
)
from eduplan.core.metrics import Metric
from eduplan.core.models import StoredMetric, UnitFigure

# Wraps each build thread's work, in that thread (the benchmarks read the CPU time of
# the thread's PostgreSQL backend before and after).
WorkerContext = Callable[[], AbstractContextManager[object]]


def build_workers() -> int:
    """How many connections build the store at once: EDUPLAN_STORE_BUILD_WORKERS, or
    (0, the default) as many as the machine has cores."""
    chosen = int(getattr(settings, "EDUPLAN_STORE_BUILD_WORKERS", 0) or 0)
    return max(1, chosen or os.cpu_count() or 1)


def store_rebuild(
    keys: Iterable[str] | None = None,
    *,
    workers: int | None = None,
    worker_context: WorkerContext = nullcontext,
) -> list[str]:
    """Build the stored metrics (or `keys`) again from their rows; returns the keys built.
    `workers`: connections building at once (default `build_workers()`); one on SQLite
    or inside a transaction."""
    chosen_workers = build_workers() if workers is None else max(1, workers)
    # Inside the caller's transaction (a test's, a request's) other connections would not
    # see what it wrote: build in it.
    callers = connection.in_atomic_block
    with transaction.atomic():
        _lock()
        stored = list(StoredMetric.objects.values_list("key", flat=True))
        chosen = list(dict.fromkeys(keys)) if keys is not None else stored
        # Marks made so far: the rebuilt metrics read every row again, the others keep
        # theirs current first. Every part of the figures cache may have moved.
        _work_off(skip=frozenset(chosen))
        raise_parts({EVERY_PROVIDER})
        metrics: list[Metric] = []
        for key in chosen:
            m = _stored_metric(key)
            if m is None:
                _forget(key)
            else:
                metrics.append(m)
        parallel = (
            chosen_workers > 1
            and len(metrics) > 1
            and connection.vendor == "postgresql"
            and not callers
        )
        if parallel:
            _build_in_threads(_biggest_first(metrics), chosen_workers, worker_context)
        else:
            for m in metrics:
                metric_build(m)
    return [m.key for m in metrics]


def _biggest_first(metrics: list[Metric]) -> list[Metric]:
    """The metrics by their stored units' figures, most first (a new one last): the long
    builds start at once and the short ones fill in around them."""
    sizes = dict(
        UnitFigure.objects.filter(key__in=[m.key for m in metrics])
        .values("key")
        .annotate(n=Count("*"))
        .values_list("key", "n")
    )
    return sorted(metrics, key=lambda m: sizes.get(m.key, 0), reverse=True)


def _build_in_threads(metrics: list[Metric], workers: int, context: WorkerContext) -> None:
    todo: queue.SimpleQueue[Metric] = queue.SimpleQueue()
    for m in metrics:
        todo.put(m)
    failed: list[BaseException] = []

    def work() -> None:
        try:
            with context():
                while not failed:
                    try:
                        m = todo.get_nowait()
                    except queue.Empty:
                        return
                    with transaction.atomic():
                        metric_build(m)
        except BaseException as error:  # raised again in the calling thread
            failed.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=work, name=f"figure-store-build-{i}", daemon=True)
        for i in range(min(workers, len(metrics)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise failed[0]


def store_check(keys: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the stored metrics (or those of `keys` that are stored) and compare: the
    number of rows that differed from the kept ones, per metric (0: the kept figures were
    right). The rebuilt stay."""
    store_refresh()
    stored = set(StoredMetric.objects.values_list("key", flat=True))
    chosen = sorted(stored if keys is None else stored.intersection(keys))
    kept = {key: store_snapshot(key) for key in chosen}
    store_rebuild(chosen)
    out = {}
    for key, (units, tree) in kept.items():
        units_now, tree_now = store_snapshot(key)
        out[key] = len(units ^ units_now) + len(tree ^ tree_now)
    return out
