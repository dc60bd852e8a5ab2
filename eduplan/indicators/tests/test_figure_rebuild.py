"""Rebuilding the figures store by several connections at once (PostgreSQL): the same rows
as one connection builds, equal to the figures counted from the rows; a failed build
leaves the store as it was for the metric that failed."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection

from eduplan.core import figure_rebuild
from eduplan.core.figure_reads import counted_from_rows
from eduplan.core.figure_rebuild import store_rebuild
from eduplan.core.figure_store import store_snapshot
from eduplan.core.models import FigureDirty, StoredMetric
from eduplan.indicators.aggregation import metric_by_child, metric_value
from eduplan.indicators.rollup import metric_all_units
from eduplan.indicators.tests.test_figure_store import ENDS, KEYS, PERIODS, START, Round

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite writes from one connection at a time: the store is built by one there",
)


def _filled_round(city, agg_form) -> Round:
    """Four schools with approved, returned and corrected reports over four periods."""
    form, _version = agg_form
    round_ = Round(city, form)
    for i, period in enumerate(PERIODS):
        round_.step(i % 4, period, "approve", 10 + i)
        round_.step((i + 1) % 4, period, "approve", 3 * i)
    round_.step(2, PERIODS[0], "correct", 77)
    round_.step(3, PERIODS[3], "return", 5)
    return round_


def _figures(units) -> dict[tuple[str, ...], Decimal | None]:
    figures: dict[tuple[str, ...], Decimal | None] = {}
    for key in KEYS:
        for end in ENDS:
            everyone = metric_all_units(key=key, start=START, end=end)
            for unit in units:
                figures[(key, str(end), unit.path)] = metric_value(
                    key=key, unit=unit, start=START, end=end
                ).value
                figures[(key, str(end), unit.path, "all")] = (
                    everyone[unit.path].value if unit.path in everyone else None
                )
                for code, child in metric_by_child(
                    key=key, unit=unit, start=START, end=end
                ).items():
                    figures[(key, str(end), unit.path, code)] = child.value
    return figures


def _stored_keys() -> list[str]:
    return sorted(StoredMetric.objects.values_list("key", flat=True))


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_by_several_connections_equals_one_by_one_and_the_rows(city, agg_form):
    round_ = _filled_round(city, agg_form)
    units = [city.root, city.jinshui, city.erqi, *round_.schools]
    _figures(units)  # every metric stored
    keys = _stored_keys()
    assert len(keys) >= 3
    store_rebuild(keys, workers=1)
    serial = {key: store_snapshot(key) for key in keys}
    assert all(serial[key][1] for key in keys)  # roll-ups written

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own = cursor.fetchone()[0]
    threads: set[int] = set()
    backends: set[int] = set()

    @contextmanager
    def seen() -> Iterator[None]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backends.add(cursor.fetchone()[0])
        threads.add(threading.get_ident())
        yield

    assert store_rebuild(keys, workers=3, worker_context=seen) == keys
    assert len(threads) == 3 and threading.get_ident() not in threads
    assert backends and own not in backends  # connections of their own built them
    assert {key: store_snapshot(key) for key in keys} == serial
    built = _figures(units)
    with counted_from_rows():
        counted = _figures(units)
    assert built == counted
    assert any(value is not None for value in built.values())


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_build_that_fails_raises_and_leaves_that_metric_as_it_was(city, agg_form):
    round_ = _filled_round(city, agg_form)
    units = [city.root, city.jinshui, city.erqi, *round_.schools]
    before = _figures(units)
    keys = _stored_keys()
    kept = {key: store_snapshot(key) for key in keys}
    round_.step(2, PERIODS[2], "correct", 55)  # a mark for the next reader
    assert FigureDirty.objects.exists()
    broken = keys[0]
    real_build = figure_rebuild.metric_build

    def build(m):
        if m.key == broken:
            raise RuntimeError("the build failed")
        real_build(m)

    with (
        mock.patch.object(figure_rebuild, "metric_build", build),
        pytest.raises(RuntimeError, match="the build failed"),
    ):
        store_rebuild(keys, workers=2)
    assert store_snapshot(broken) == kept[broken]  # rolled back, whole
    assert _stored_keys() == keys
    assert FigureDirty.objects.exists()  # the lock's transaction rolled back: marks stay
    after = _figures(units)  # the reader works the marks off
    with counted_from_rows():
        assert after == _figures(units)
    assert after != before


@pytest.mark.django_db
def test_inside_a_transaction_the_store_is_built_in_the_callers_connection(city, agg_form):
    round_ = _filled_round(city, agg_form)
    units = [city.root, city.jinshui, city.erqi, *round_.schools]
    _figures(units)
    keys = _stored_keys()
    started = threading.active_count()
    with mock.patch.object(threading, "Thread", side_effect=AssertionError("a thread")):
        assert store_rebuild(keys, workers=4) == keys
    assert threading.active_count() == started
    built = _figures(units)
    with counted_from_rows():
        assert built == _figures(units)


def test_the_workers_default_to_the_setting_or_the_cores(settings):
    settings.EDUPLAN_STORE_BUILD_WORKERS = 3
    assert figure_rebuild.build_workers() == 3
    settings.EDUPLAN_STORE_BUILD_WORKERS = 0
    with mock.patch.object(figure_rebuild.os, "cpu_count", return_value=6):
        assert figure_rebuild.build_workers() == 6


@pytest.mark.django_db
def test_the_rebuild_command_takes_the_number_of_connections(city, agg_form):
    round_ = _filled_round(city, agg_form)
    _figures([city.root, *round_.schools])
    keys = _stored_keys()
    out = io.StringIO()
    command = "eduplan.indicators.management.commands.figures.store_rebuild"
    with mock.patch(command, wraps=store_rebuild) as rebuild:
        call_command("figures", "rebuild", *keys, "--workers", "2", stdout=out)
    assert rebuild.call_args.kwargs["workers"] == 2
    assert f"已重建 {len(keys)} 个指标" in out.getvalue()
