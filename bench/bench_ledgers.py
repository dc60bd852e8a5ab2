"""Benchmark: importing a 60,000-row ledger workbook, and recomputing every ledger metric
for every org unit and period, in the database and in DuckDB as the reference.

    .venv/bin/python bench/bench_ledgers.py [--scale 1] [--rows 60000] [--repeat 3]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_ledgers.py --scale 10

The workbook is the school-projects ledger's own template filled with `--rows` projects
(12 columns: units, choices, yes/no, dates by stage, numbers and a person field); each
run imports it into an emptied ledger (checks, unique keys, history), all in this one
process (one core). The metrics are those the ledger files declare, each computed for
every org unit (indicators.rollup.metric_all_units: one grouped query per tree level) as
of the end of each of the 18 bimonthly points 2016B1–2018B6, with the imported rows in
the table; DuckDB computes the same figures from the same provider rows written once to
Parquet, and both results are compared before the times are reported.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_db import demo_database, django_on_scratch

START = datetime.date(2016, 1, 1)
STAGES = ["立项", "用地", "开工", "主体完工"]
DATES = ["approved_on", "land_on", "started_on", "topped_on"]


def workbook(ledger: Any, rows: int, districts: list[str]) -> bytes:
    import openpyxl

    from eduplan.ledgers.xlsx import CODE_ROW, FIRST_ROW, SHEET, ledger_xlsx_template

    wb = openpyxl.load_workbook(io.BytesIO(ledger_xlsx_template(ledger=ledger)))
    ws = wb[SHEET]
    codes = [c.value for c in ws[CODE_ROW]]
    rng = random.Random(60000)
    for r in range(rows):
        stage = rng.randrange(len(STAGES))
        day = datetime.date(2016, 1, 1) + datetime.timedelta(days=rng.randrange(700))
        row = {
            "name": f"压测项目{r:06d}",
            "district": rng.choice(districts),
            "kind": rng.choice(["新建", "改扩建", "迁建"]),
            "level": rng.choice(["小学", "初中", "普通高中"]),
            "inner_ring": rng.choice(["是", "否"]),
            "stage": STAGES[stage],
            "seats": rng.randrange(200, 3000),
            "investment": round(rng.uniform(500, 20000), 1),
            "manager": f"压测负责人{r % 97}",
        }
        for i in range(stage + 1):
            row[DATES[i]] = day + datetime.timedelta(days=60 * i)
        ws.append([row.get(code) for code in codes])
    assert ws.max_row == FIRST_ROW + rows - 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_runs(ledger: Any, data: bytes, user: Any, repeat: int) -> list[float]:
    from eduplan.ledgers.models import LedgerImport, LedgerRecord
    from eduplan.ledgers.xlsx import ledger_xlsx_import

    times, cpu = [], []
    for _ in range(repeat):
        LedgerImport.objects.filter(ledger=ledger).delete()
        LedgerRecord.objects.filter(name_is_bench(ledger), ledger=ledger).delete()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = ledger_xlsx_import(user=user, ledger=ledger, data=data, filename="bench.xlsx")
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert result.ok, result.problems[:5]
    return times, cpu


def name_is_bench(ledger: Any) -> Any:
    from django.db.models import Q

    return Q(data__name__startswith="压测项目")


def export(keys: list[str], scratch: str, end: datetime.date) -> Any:
    import duckdb

    from eduplan.core.metrics import metric
    from eduplan.indicators.aggregation import metric_periods
    from eduplan.org.models import OrgUnit

    con = duckdb.connect()
    for k in keys:
        m = metric(k)
        rows = m.rows(metric_periods(m, start=START, end=end)).values_list(
            "unit_path", "period", "num", "den"
        )
        path = Path(scratch) / f"{k}.parquet"
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
    depth_paths = list(OrgUnit.objects.values_list("depth", "path"))
    con.execute("CREATE OR REPLACE TABLE units (depth INTEGER, path VARCHAR)")
    con.executemany("INSERT INTO units VALUES (?, ?)", depth_paths)
    return con, max(d for d, _p in depth_paths)


def duck_round(con: Any, max_depth: int, keys: list[str], points: list[Any], scratch: str) -> dict:
    from eduplan.core.metrics import OverTime, metric
    from eduplan.indicators.aggregation import metric_periods

    out = {}
    for k in keys:
        m = metric(k)
        source = Path(scratch) / f"{k}.parquet"
        for p in points:
            listed = ",".join(f"'{c}'" for c in metric_periods(m, start=START, end=p.end))
            base = f"SELECT * FROM '{source}' WHERE period IN ({listed})"
            if m.over_time is OverTime.LATEST:
                base = f"""SELECT * FROM (SELECT *, rank() OVER (PARTITION BY unit_path
                           ORDER BY period DESC) r FROM ({base})) WHERE r = 1"""
            figures = {}
            for level in range(max_depth + 1):
                q = f"""WITH b AS ({base})
                    SELECT array_to_string(list_slice(string_split(unit_path, '/'), 1, {level + 2}), '/') || '/' AS prefix,
                           sum(num) FROM b GROUP BY 1
                    HAVING prefix IN (SELECT path FROM units WHERE depth = {level})"""
                figures.update(dict(con.execute(q).fetchall()))
            out[(k, p.code)] = figures
    return out


def compare(ours: dict, theirs: dict) -> int:
    mismatches = 0
    for key, figures in theirs.items():
        for path, value in figures.items():
            mine = ours[key].get(path)
            mine_value = 0.0 if mine is None or mine.value is None else float(mine.value)
            mismatches += abs(mine_value - value) > 1e-6 * max(1.0, abs(value))
    return mismatches


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rows", type=int, default=60000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scratch = django_on_scratch("eduplan-ledgers-")
    from django.contrib.auth import get_user_model
    from django.db import connection

    from eduplan.core.periods import period_from_code, periods_between
    from eduplan.indicators.rollup import metric_all_units
    from eduplan.ledgers.models import Ledger, LedgerRecord
    from eduplan.ledgers.selectors import ledger_summaries
    from eduplan.org.models import OrgUnit, UnitType

    setup_s = demo_database(args.scale)
    print(f"demo set-up at scale {args.scale}: {setup_s:.0f} s on {connection.vendor}")
    ledger = Ledger.objects.select_related("current_version").get(code="school_projects")
    districts = list(OrgUnit.objects.filter(type=UnitType.DISTRICT).values_list("code", flat=True))
    start = time.perf_counter()
    data = workbook(ledger, args.rows, districts)
    written = time.perf_counter() - start
    print(f"workbook: {args.rows} rows, {len(data) / 1e6:.1f} MB, written in {written:.1f} s")
    user = get_user_model().objects.get(username="admin")
    user.membership.department = ledger.keeper_department  # the keeping department's staff
    user.membership.role = "department"
    user.membership.save()
    times, cpu = import_runs(ledger, data, user, args.repeat)
    print(
        f"import of {args.rows} rows: median {statistics.median(times):.2f} s wall, "
        f"{statistics.median(cpu):.2f} s CPU (runs: {', '.join(f'{t:.2f}' for t in times)}); "
        "aim ≤ 10 s on one core"
    )
    print(f"records in the table: {LedgerRecord.objects.count()}")

    keys = [m["key"] for s in ledger_summaries(user=None) for m in s.metrics]
    points = periods_between(period_from_code("2016B1"), period_from_code("2018B6"))
    export_start = time.perf_counter()
    con, max_depth = export(keys, scratch, points[-1].end)
    export_s = time.perf_counter() - export_start
    ours_t, duck_t = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        ours = {
            (k, p.code): metric_all_units(key=k, start=START, end=p.end)
            for k in keys
            for p in points
        }
        ours_t.append(time.perf_counter() - start)
        start = time.perf_counter()
        theirs = duck_round(con, max_depth, keys, points, scratch)
        duck_t.append(time.perf_counter() - start)
    figures = sum(len(f) for f in ours.values())
    d_med, k_med = statistics.median(ours_t), statistics.median(duck_t)
    print(
        f"ledger metrics: {len(keys)}, points: {len(points)}, org units: {OrgUnit.objects.count()}"
    )
    print(f"figures per round: {figures}; mismatches with DuckDB: {compare(ours, theirs)}")
    print(f"{'database (' + connection.vendor + ')':30}{d_med:>10.2f} s")
    print(f"{'DuckDB over Parquet':30}{k_med:>10.2f} s   (+ export once: {export_s:.1f} s)")
    print(f"ratio database / DuckDB: {d_med / k_med:.1f}x")


if __name__ == "__main__":
    main()
