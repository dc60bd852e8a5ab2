"""Benchmark: full metric recomputation on PostgreSQL through the platform, against
DuckDB doing the same aggregation on the same rows.

    DATABASE_URL=postgres://…/cap_recompute .venv/bin/python bench/bench_recompute.py --scale 1
    DATABASE_URL=postgres://…/cap_recompute .venv/bin/python bench/bench_recompute.py --scale 10

"Full metric recomputation": for every metric key bound to a target
(`indicators.TargetBinding.metric_key`; a ratio metric is its two parts), counted from
the binding's start, every org unit's figure (numerator, denominator, units counted) as
of the end of every period of the metric's own type up to the end of the demo's history.

- platform: `recompute_all(jobs)`: the figures store's full rebuild from the rows
  (`core.figure_rebuild.store_rebuild`, by `--workers` connections at once: default the
  setting EDUPLAN_STORE_BUILD_WORKERS, or one per core), then every figure read back
  from it (`indicators.rollup.metric_all_units` for each period end);
- DuckDB: every metric's provider rows (`metric(key).rows(periods)`: unit_path, period,
  num, den), the org units' paths and which periods each figure covers are copied into
  an in-memory DuckDB before timing; then one SQL statement does the same roll-up
  (each row under each of its unit's ancestors × every period end, with the metric's
  rule over time: sum, each unit's latest period, or the range's last census).

Both results are compared figure by figure (they must be equal) before any time is
reported (the first round is the one compared). Times are medians of `--repeat`
rounds, wall and CPU: `time.process_time` (this process, all its threads) and the CPU
time of the PostgreSQL backends that worked for it (its own connection's and each build
thread's, read from /proc: the server runs on this machine), with a plain
`SELECT count(*)` over the reported values as the reference measured in the same run.
The must-hold: platform ÷ DuckDB ≤ 3.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_db import demo_database, django_on_scratch, server_cpu

# The demo's history ends with 2018 (its plan runs 2016–2018).
LAST_DAY = datetime.date(2018, 12, 31)
MUST_HOLD_RATIO = 3.0

FigureKey = tuple[str, str, str, str]  # metric key, counted from (ISO date), period code, unit path
FigureValue = tuple[Decimal | None, Decimal | None, int]  # num, den, units counted
Figures = dict[FigureKey, FigureValue]


@dataclass(frozen=True)
class Job:
    """One metric counted from one start: its figures as of each period's end."""

    key: str
    start: datetime.date
    over_time: str
    ends: tuple[Any, ...]  # core.periods.Period, the metric's own periods up to LAST_DAY
    periods: dict[str, list[str]]  # period code → the codes its figure covers


def _parts(key: str) -> list[str]:
    """A ratio metric's plain parts (recursively); a plain metric itself."""
    from eduplan.core.metrics import metric

    m = metric(key)
    if m.ratio_of is None:
        return [key]
    return [part for k in m.ratio_of for part in _parts(k)]


def recompute_jobs() -> list[Job]:
    """Every (metric, start) a target binding needs, ratio metrics as their parts."""
    from eduplan.core.metrics import metric
    from eduplan.core.periods import PeriodType, period_containing, periods_between
    from eduplan.indicators.aggregation import metric_periods
    from eduplan.indicators.models import TargetBinding

    wanted: dict[tuple[str, datetime.date], None] = {}
    for key, start in TargetBinding.objects.order_by("pk").values_list("metric_key", "start_on"):
        for part in _parts(key):
            wanted[(part, start)] = None
    jobs = []
    for key, start in wanted:
        m = metric(key)
        kind = PeriodType(m.period_type)
        first, last = period_containing(start, kind), period_containing(LAST_DAY, kind)
        ends = tuple(periods_between(first, last)) if first <= last else ()
        jobs.append(
            Job(
                key=key,
                start=start,
                over_time=str(m.over_time),
                ends=ends,
                periods={p.code: metric_periods(m, start=start, end=p.end) for p in ends},
            )
        )
    return jobs


def recompute_all(jobs: Iterable[Job], *, workers: int | None = None) -> Figures:
    """The platform's full recomputation: the figures store rebuilt from the rows for
    every job's metric (`store_rebuild`: each unit's own figures and every roll-up over
    the tree, in PostgreSQL, by `workers` connections at once), then every job's every
    figure read back from it. The CPU time of the build's PostgreSQL backends is added
    to `BUILD_SERVER_CPU`."""
    from eduplan.core.figure_rebuild import store_rebuild
    from eduplan.indicators.rollup import metric_all_units

    jobs = list(jobs)
    began = time.perf_counter()
    store_rebuild(
        sorted({job.key for job in jobs}), workers=workers, worker_context=_backend_cpu_counted
    )
    built = time.perf_counter()
    figures: Figures = {}
    for job in jobs:
        start = job.start.isoformat()
        for at in job.ends:
            for path, f in metric_all_units(key=job.key, start=job.start, end=at.end).items():
                figures[(job.key, start, at.code, path)] = (f.num, f.den, f.units)
    PHASES.append((built - began, time.perf_counter() - built))
    return figures


BUILD_SERVER_CPU: list[float] = []  # CPU seconds of each build thread's backend
PHASES: list[tuple[float, float]] = []  # each round's wall seconds: build, read back


@contextmanager
def _backend_cpu_counted() -> Iterator[None]:
    """In a build thread: its PostgreSQL backend's CPU time over the thread's work."""
    before = server_cpu()
    try:
        yield
    finally:
        BUILD_SERVER_CPU.append(server_cpu() - before)


# DuckDB ------------------------------------------------------------------------------------

DUCK_ROLLUP = """
WITH picked AS (
    SELECT w.key, w.start, w.at_code, w.over_time, w.seq, r.unit_path, r.period, r.num, r.den
    FROM windows w
    JOIN metric_rows r ON r.key = w.key AND r.win = w.win AND r.period = w.period
    QUALIFY over_time = 'sum'
        OR (over_time = 'latest'
            AND r.period = max(r.period) OVER (PARTITION BY w.key, w.start, w.at_code, r.unit_path))
        OR (over_time = 'last_period'
            AND w.seq = max(w.seq) OVER (PARTITION BY w.key, w.start, w.at_code))
),
paths AS (
    SELECT unit_path, string_split(trim(unit_path, '/'), '/') AS parts
    FROM (SELECT DISTINCT unit_path FROM metric_rows)
),
ancestors AS (
    SELECT a.unit_path, a.prefix
    FROM (
        SELECT unit_path, '/' || array_to_string(parts[1:i], '/') || '/' AS prefix
        FROM (SELECT unit_path, parts, unnest(range(1, len(parts) + 1)) AS i FROM paths)
    ) a
    JOIN units u ON u.path = a.prefix
)
SELECT p.key, p.start, p.at_code, a.prefix, sum(p.num), sum(p.den), count(DISTINCT p.unit_path)
FROM picked p JOIN ancestors a ON a.unit_path = p.unit_path
GROUP BY ALL
"""


def duck_load(jobs: list[Job]) -> tuple[Any, int]:
    """An in-memory DuckDB with the provider rows, the units' paths and each figure's
    periods (untimed); returns it and the number of rows copied."""
    import duckdb

    from eduplan.org.models import OrgUnit

    duck = duckdb.connect()
    duck.execute("SET memory_limit = '6GB'")  # spills to disk beyond that: a shared machine
    duck.execute(
        "CREATE TABLE metric_rows (key VARCHAR, win VARCHAR, unit_path VARCHAR,"
        " period VARCHAR, num DECIMAL(38, 6), den DECIMAL(38, 6))"
    )
    duck.execute(
        "CREATE TABLE windows (key VARCHAR, win VARCHAR, start VARCHAR, at_code VARCHAR,"
        " over_time VARCHAR, period VARCHAR, seq INTEGER)"
    )
    duck.execute("CREATE TABLE units (path VARCHAR PRIMARY KEY)")
    rows: list[tuple[Any, ...]] = []
    windows: list[tuple[Any, ...]] = []
    for key in dict.fromkeys(job.key for job in jobs):
        key_jobs = [job for job in jobs if job.key == key]
        provided = _provider_rows(key, key_jobs)
        for win, win_rows in provided.items():
            rows.extend((key, win, *row) for row in win_rows)
        windowed = "*" not in provided
        for job in key_jobs:
            for at, codes in job.periods.items():
                win = f"{job.start.isoformat()}|{at}" if windowed else "*"
                windows.extend(
                    (key, win, job.start.isoformat(), at, job.over_time, code, seq)
                    for seq, code in enumerate(codes)
                )
    paths = [(p,) for p in OrgUnit.objects.values_list("path", flat=True)]
    with tempfile.TemporaryDirectory(prefix="eduplan-duck-") as folder:
        for table, data in (("metric_rows", rows), ("windows", windows), ("units", paths)):
            csv_path = Path(folder) / f"{table}.csv"
            with csv_path.open("w", newline="") as f:
                csv.writer(f).writerows(data)
            duck.execute(f"COPY {table} FROM '{csv_path}' (FORMAT csv, HEADER false)")
    copied = len(rows)
    return duck, copied


def _provider_rows(key: str, jobs: list[Job]) -> dict[str, list[tuple[Any, ...]]]:
    """A metric's provider rows (unit_path, period, num, den) for DuckDB. Most providers
    only filter by the periods they are given: their rows for all the periods at once,
    under window "*". A provider whose rows depend on the whole list (a register's
    stock "as it stands at the end of the last period") gives each figure's own rows,
    under window "start|period". Which kind it is is seen from the row counts."""
    from eduplan.core.metrics import metric

    m = metric(key)
    assert m.rows is not None
    windows = {
        f"{job.start.isoformat()}|{at}": codes for job in jobs for at, codes in job.periods.items()
    }
    codes = sorted({c for cs in windows.values() for c in cs})
    every = list(m.rows(codes).values_list("unit_path", "period", "num", "den"))
    per_period: dict[str, int] = {}
    for row in every:
        per_period[row[1]] = per_period.get(row[1], 0) + 1
    filtered = all(
        m.rows(cs).count() == sum(per_period.get(c, 0) for c in cs) for cs in windows.values()
    )
    if filtered:
        return {"*": every}
    return {
        win: list(m.rows(cs).values_list("unit_path", "period", "num", "den"))
        for win, cs in windows.items()
    }


def duck_recompute(duck: Any) -> Figures:
    """The same figures from DuckDB, in one statement."""
    return {
        (key, start, at, path): (num, den, units)
        for key, start, at, path, num, den, units in duck.execute(DUCK_ROLLUP).fetchall()
    }


def _compared(figures: Figures, key: tuple[str, str, str, str]) -> tuple[Any, ...]:
    """What must agree: the numerator, the denominator, and the units counted wherever
    they enter the figure's value (an average) or count each unit once (a stock, a census,
    one period). A flow added over several periods counts unit-periods in the store (only
    an average divides by it, and such an average is counted from the rows)."""
    from eduplan.core.metrics import OverTime, OverUnits, metric

    num, den, units = figures[key]
    if key[0] not in _UNITS_COMPARED:  # metric() reads a form's element from the database
        m = metric(key[0])
        _UNITS_COMPARED[key[0]] = not (
            m.over_time is OverTime.SUM and m.over_units is not OverUnits.AVERAGE
        )
    return (num, den, units) if _UNITS_COMPARED[key[0]] else (num, den)


_UNITS_COMPARED: dict[str, bool] = {}


def figures_differences(platform: Figures, duck: Figures, *, show: int = 5) -> list[str]:
    """What differs between the two results (empty when every figure agrees)."""
    problems = []
    for key in sorted(platform.keys() - duck.keys())[:show]:
        problems.append(f"only the platform has {key}: {platform[key]}")
    for key in sorted(duck.keys() - platform.keys())[:show]:
        problems.append(f"only DuckDB has {key}: {duck[key]}")
    unequal = [
        k for k in platform.keys() & duck.keys() if _compared(platform, k) != _compared(duck, k)
    ]
    for key in sorted(unequal)[:show]:
        problems.append(f"{key}: platform {platform[key]} DuckDB {duck[key]}")
    if len(platform) != len(duck) or unequal:
        problems.append(
            f"{len(platform):,} platform figures, {len(duck):,} DuckDB, {len(unequal):,} unequal"
        )
    return problems


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of `repeat` calls, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="connections building the store at once (default: the setting, or the cores)",
    )
    parser.add_argument(
        "--per-job",
        action="store_true",
        help="then time each job alone, one connection (untimed in the ratio)",
    )
    args = parser.parse_args()
    django_on_scratch("eduplan-recompute-")
    from django.db import connection

    from eduplan.core.figure_rebuild import build_workers
    from eduplan.core.figures_cache import figures_changed
    from eduplan.org.models import OrgUnit

    if connection.vendor != "postgresql":
        raise SystemExit("bench_recompute compares PostgreSQL with DuckDB: set DATABASE_URL")
    setup_s = demo_database(args.scale)
    jobs = recompute_jobs()
    workers = build_workers() if args.workers is None else args.workers
    figures_count = sum(len(j.ends) for j in jobs)
    print(
        f"demo at scale {args.scale:g}: {OrgUnit.objects.count():,} org units, set up in "
        f"{setup_s:.1f} s; {len(jobs)} metric × start jobs, {figures_count} period ends; "
        f"the store built by {workers} connection(s)"
    )

    def reference() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM reporting_datavalue")
            return int(cursor.fetchone()[0])

    duck, copied = duck_load(jobs)
    ref_wall, ref_cpu, _ = timed(reference, 5)
    walls: list[float] = []
    cpus: list[float] = []
    servers: list[float] = []
    for round_ in range(max(1, args.repeat)):
        figures_changed()  # nothing cached from the round before
        BUILD_SERVER_CPU.clear()
        wall, cpu, pg_cpu0 = time.perf_counter(), time.process_time(), server_cpu()
        result = recompute_all(jobs, workers=workers)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        servers.append(server_cpu() - pg_cpu0 + sum(BUILD_SERVER_CPU))
        if round_ == 0:
            # The first round is also the check: before any time is reported, both
            # sides must give every figure the same.
            problems = figures_differences(result, duck_recompute(duck))
            if problems:
                raise SystemExit("the platform and DuckDB disagree:\n  " + "\n  ".join(problems))
        del result
    pg_wall, pg_cpu = statistics.median(walls), statistics.median(cpus)
    pg_server = statistics.median(servers)
    duck_wall, duck_cpu, figures = timed(lambda: duck_recompute(duck), args.repeat)
    print(
        f"{len(figures):,} figures, equal on both sides; {copied:,} provider rows copied "
        f"into DuckDB (untimed)"
    )
    print(
        "platform rounds (wall s = build + read back): "
        + ", ".join(f"{w:.1f} = {b:.1f} + {r:.1f}" for w, (b, r) in zip(walls, PHASES, strict=True))
        + "; CPU s (Python + PostgreSQL): "
        + ", ".join(f"{c:.1f} + {s:.1f}" for c, s in zip(cpus, servers, strict=True))
    )
    print(f"{'':34} {'wall s':>9} {'cpu s':>9} {'× ref':>9}")
    for name, wall, cpu in (
        ("reference: SELECT count(*)", ref_wall, ref_cpu),
        ("platform (PostgreSQL)", pg_wall, pg_cpu),
        ("DuckDB (in memory)", duck_wall, duck_cpu),
    ):
        print(f"{name:34} {wall:9.4f} {cpu:9.4f} {wall / ref_wall:9.0f}")
    ratio = pg_wall / duck_wall
    verdict = "holds" if ratio <= MUST_HOLD_RATIO else "FAILS"
    print(
        f"platform ÷ DuckDB = {ratio:.2f} on wall time (must be ≤ {MUST_HOLD_RATIO:g}: "
        f"{verdict}); on CPU time {(pg_cpu + pg_server) / duck_cpu:.2f} (platform: "
        f"{pg_cpu:.2f} s in Python + {pg_server:.2f} s in its PostgreSQL backends; DuckDB "
        f"{duck_cpu:.2f} s, all its threads); the machine is shared (load average {_load()})"
    )
    if args.per_job:
        per_job = []
        for job in jobs:
            job_wall = time.perf_counter()
            recompute_all([job], workers=1)
            per_job.append((time.perf_counter() - job_wall, job))
        print("slowest metrics on the platform, each job alone (build and read back):")
        for seconds, job in sorted(per_job, key=lambda t: t[0], reverse=True)[:8]:
            print(
                f"  {seconds:8.2f} s  {job.key} from {job.start} ({job.over_time}, "
                f"{len(job.ends)} period ends)"
            )


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split(" ", 1)[0]
    except OSError:
        return "?"


if __name__ == "__main__":
    main()
