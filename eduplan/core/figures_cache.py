"""Figures computed once per change of the data, shared by every page that shows them.

Services and model signals call `figures_changed()` inside the writing transaction (it
also marks, for the figures store, the org units whose rows moved: `figure_store.py`);
readers take `figures_stamp()` once per request and key their cached results by it. A
reader therefore never sees figures older than the data it could read itself: the
stamp and the data commit together.

The counter is kept in STAMP_SHARDS rows and the stamp is their sum. A writer raises one
row (its thread's, so one transaction always locks the same single row) and holds that
row's lock until it commits: with one row, every submission at the deadline waited for
every other's commit. The sum only grows, and commits are seen in one order, so a sum
names one state of the data as the single counter did.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import caches
from django.db.models import F, Sum

from eduplan.core.models import DataStamp

FIGURES = "figures"
# The parts of what is judged from the figures a change may move besides the metrics'
# rows: what is judged (plans, targets, bindings, assessments), the work (tasks,
# milestones, progress reports), the reports due and submitted, the supervision orders.
# Each part has its own stamp (`figure_reads.part_stamps`), so that what depends on one
# part only is kept while another moves (a school's report approved leaves the plan's
# tasks alone).
JUDGEMENT, WORK, REPORTS, ORDERS = "judgement", "work", "reports", "orders"
PARTS = (JUDGEMENT, WORK, REPORTS, ORDERS)
STAMP_SHARDS = 16
SHARD_NAMES = [FIGURES, *(f"{FIGURES}.{i}" for i in range(1, STAMP_SHARDS))]
T = TypeVar("T")


def figures_stamp() -> int:
    """The current value of the figures counter (one indexed read)."""
    found = DataStamp.objects.filter(name__in=SHARD_NAMES).aggregate(total=Sum("number"))
    return int(found["total"] or 0)


def shard_index() -> int:
    """This thread's share of the counter: the same for all of a transaction."""
    return hash((os.getpid(), threading.get_ident())) % STAMP_SHARDS


def stamp_shard() -> str:
    """The counter row this thread raises: the same one for all of a transaction."""
    return SHARD_NAMES[shard_index()]


def figures_changed(
    units: Iterable[int | None] | None = None,
    *,
    rows: bool = True,
    provider: str = "",
    parts: Iterable[str] | None = None,
    period: str = "",
) -> None:
    """Raise the counter: every cached figure computed before is now out of date.

    `units`: the ids of the org units whose rows a metric counts may have moved (None: any
    unit's, e.g. a bulk load) for the metrics of `provider` (an app label; empty: every
    metric's); `rows=False`: no metric's rows moved, only what is judged from them (a
    plan, a target, a binding). `parts`: which of `PARTS` moved; by default all of them,
    unless only one provider's rows moved. `period`: the rows moved in this period only
    (a bulk write of one period: many units' marks become one of the period)."""
    from eduplan.core.figure_parts import parts_changed
    from eduplan.core.figure_store import units_changed  # reads metrics

    if rows:
        units_changed(units, provider=provider, period=period)
    if parts is None:
        parts = () if rows and provider else PARTS
    parts_changed(parts)
    shard = stamp_shard()
    if not DataStamp.objects.filter(name=shard).update(number=F("number") + 1):
        _row, created = DataStamp.objects.get_or_create(name=shard, defaults={"number": 1})
        if not created:  # another writer created the row just now
            DataStamp.objects.filter(name=shard).update(number=F("number") + 1)


def figures_cached(stamp: int, key: str, compute: Callable[[], T]) -> T:
    """`compute()`'s result for `key` at this stamp, computed at most once per process
    (or once overall with a shared cache backend)."""
    cache = caches[settings.FIGURES_CACHE]
    full_key = f"figures:{stamp}:{key}"
    found = cache.get(full_key, default=_MISSING)
    if found is not _MISSING:
        return cast(T, found)  # what `compute` returned for this key
    with figures_scope():
        value = compute()
    cache.set(full_key, value, timeout=settings.FIGURES_CACHE_SECONDS)
    return value


_MISSING = object()
_scope: ContextVar[dict[str, Any] | None] = ContextVar("figures_scope", default=None)


@contextmanager
def figures_scope() -> Iterator[None]:
    """Within this block, `figures_memo` computes each key once: one page's figures ask
    the same aggregate many times (a three-year and a yearly target on one metric, a
    status and the last point of its path). Nested blocks share the outer memo."""
    if _scope.get() is not None:
        yield
        return
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def figures_memo(key: str, compute: Callable[[], T]) -> T:
    """`compute()` once per key inside a `figures_scope`; outside one, every time."""
    memo = _scope.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return cast(T, memo[key])  # what `compute` returned for this key
