"""Benchmark: recompute every metric for every org unit and every period of the demo
city, in the database, against DuckDB doing the same aggregation over the same rows
exported to a Parquet file; and the latency of city-level target status queries.

    .venv/bin/python bench/bench_indicators.py [--scale 1] [--repeat 3]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_indicators.py --scale 10

"Every metric": the metrics the plan's targets are bound to plus the census ones.
"Every unit and period": for each of the 18 bimonthly points 2016B1–2018B6, the figure
of every org unit (city, districts, schools) as of the end of that period
(indicators.rollup.metric_all_units: one grouped query per tree level). DuckDB gets the
same provider rows (unit_path, period, num, den) written once to Parquet, and computes
the same figures (latest period per unit for stocks, sums for flows, grouped by each
level's path prefix); both results are compared before timing is reported.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_db import demo_database, django_on_scratch

START = datetime.date(2014, 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scratch = django_on_scratch("eduplan-ind-")
    import duckdb
    from django.db import connection

    from eduplan.core.metrics import OverTime, OverUnits, metric
    from eduplan.core.periods import period_from_code, periods_between
    from eduplan.indicators.aggregation import metric_periods
    from eduplan.indicators.models import TargetBinding
    from eduplan.indicators.rollup import metric_all_units
    from eduplan.indicators.status import target_status
    from eduplan.org.models import OrgUnit
    from eduplan.plans.models import Plan

    setup_s = demo_database(args.scale)
    print(f"demo set-up at scale {args.scale}: {setup_s:.0f} s on {connection.vendor}")

    keys = sorted(
        set(TargetBinding.objects.values_list("metric_key", flat=True))
        | {
            "construction.classes",
            "construction.huge_classes",
            "construction.large_class_share",
        }
    )
    plain = [k for k in keys if metric(k).ratio_of is None]
    points = periods_between(period_from_code("2016B1"), period_from_code("2018B6"))
    units = OrgUnit.objects.count()

    def django_round() -> dict[tuple[str, str], dict[str, Any]]:
        return {
            (k, p.code): metric_all_units(key=k, start=START, end=p.end)
            for k in keys
            for p in points
        }

    # Export each plain metric's rows once (all periods of the range) for DuckDB.
    export_start = time.perf_counter()
    con = duckdb.connect()
    for k in plain:
        m = metric(k)
        codes = metric_periods(m, start=START, end=points[-1].end)
        rows = m.rows(codes).values_list("unit_path", "period", "num", "den")
        path = Path(scratch) / f"{k.replace('/', '_')}.parquet"
        csv_path = path.with_suffix(".csv")
        with csv_path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["unit_path", "period", "num", "den"])
            writer.writerows((a, b, float(c or 0), float(d or 0)) for a, b, c, d in rows.iterator())
        con.execute(
            f"COPY (SELECT * FROM read_csv('{csv_path}', header=true, columns="
            "{'unit_path': 'VARCHAR', 'period': 'VARCHAR', 'num': 'DOUBLE', 'den': 'DOUBLE'})) "
            f"TO '{path}' (FORMAT PARQUET)"
        )
    export_s = time.perf_counter() - export_start
    depth_paths = list(OrgUnit.objects.values_list("depth", "path"))
    con.execute("CREATE OR REPLACE TABLE units (depth INTEGER, path VARCHAR)")
    con.executemany("INSERT INTO units VALUES (?, ?)", depth_paths)
    max_depth = max(d for d, _p in depth_paths)

    def duck_round() -> dict[tuple[str, str], dict[str, float]]:
        out = {}
        for k in plain:
            m = metric(k)
            source = Path(scratch) / f"{k.replace('/', '_')}.parquet"
            for p in points:
                codes = metric_periods(m, start=START, end=p.end)
                listed = ",".join(f"'{c}'" for c in codes)
                if m.over_time is OverTime.LATEST:
                    base = f"""SELECT * FROM (SELECT *, rank() OVER (PARTITION BY unit_path ORDER BY period DESC) r
                               FROM '{source}' WHERE period IN ({listed})) WHERE r = 1"""
                elif m.over_time is OverTime.LAST_PERIOD:
                    base = f"""SELECT * FROM '{source}' WHERE period = (SELECT max(period) FROM '{source}' WHERE period IN ({listed}))"""
                else:
                    base = f"SELECT * FROM '{source}' WHERE period IN ({listed})"
                figures = {}
                for level in range(max_depth + 1):
                    q = f"""WITH b AS ({base})
                        SELECT array_to_string(list_slice(string_split(unit_path, '/'), 1, {level + 2}), '/') || '/' AS prefix,
                               sum(num), sum(den), count(DISTINCT unit_path)
                        FROM b GROUP BY 1
                        HAVING prefix IN (SELECT path FROM units WHERE depth = {level})"""
                    for prefix, n, d, u in con.execute(q).fetchall():
                        if m.over_units is OverUnits.SHARE:
                            figures[prefix] = None if not d else 100 * n / d
                        elif m.over_units is OverUnits.AVERAGE:
                            figures[prefix] = n / u
                        else:
                            figures[prefix] = n
                out[(k, p.code)] = figures
        return out

    django_times, duck_times = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        ours = django_round()
        django_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        theirs = duck_round()
        duck_times.append(time.perf_counter() - start)
    mismatches = 0
    for key, figures in theirs.items():
        for path, value in figures.items():
            mine = ours[key].get(path)
            mine_value = None if mine is None or mine.value is None else float(mine.value)
            if value is None or mine_value is None:
                mismatches += (value is None) != (mine_value is None)
            elif abs(mine_value - value) > 1e-6 * max(1.0, abs(value)):
                mismatches += 1
    figures = sum(len(f) for f in ours.values())
    d_med, k_med = statistics.median(django_times), statistics.median(duck_times)
    print(
        f"metrics: {len(keys)} ({len(plain)} plain, compared with DuckDB), points: {len(points)}, org units: {units}"
    )
    print(f"figures computed per round: {figures}; mismatches with DuckDB: {mismatches}")
    print(f"{'':30}{'median s':>10}")
    print(f"{'database (' + connection.vendor + ')':30}{d_med:>10.2f}")
    print(f"{'DuckDB over Parquet':30}{k_med:>10.2f}   (+ export once: {export_s:.1f} s)")
    print(f"ratio database / DuckDB: {d_med / k_med:.1f}x")

    # City-level status of each bound target, one query set at a time.
    plan = Plan.objects.select_related("organisation").first()
    at = period_from_code("2016B6")
    latencies = []
    targets = [
        b.target
        for b in TargetBinding.objects.select_related("target__goal__project", "target__work_point")
    ]
    for _ in range(args.repeat):
        for target in targets:
            start = time.perf_counter()
            target_status(target=target, at=at, unit=plan.organisation, plan_area=plan.organisation)
            latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(
        f"city-level target status ({len(targets)} targets × {args.repeat}): p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
