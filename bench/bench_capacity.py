"""Benchmark: how big the demo city is on PostgreSQL and what its scheduled jobs cost.

    DATABASE_URL=postgres://…/cap_capacity .venv/bin/python bench/bench_capacity.py --scale 1
    … --scale 10 --repeat 3 --json /tmp/capacity-s10.json

For one scale (the demo database comes from the scale's template, bench/demo_db.py):

- rows and storage per table, biggest first (exact `count(*)`;
  `pg_total_relation_size`: table, TOAST and indexes), and the database's total;
- rows per simulated year for the biggest tables (the demo's history runs 2013–2018,
  its reporting 2015–2018), by each table's own date: a report's period, a census's
  school year, else the first date column that is not a timestamp of the load itself;
- the cost of the jobs at that scale, each run inside a transaction that is rolled
  back, so every round does the same work: the nightly supervision scan
  (`supervision_scan`), the whole daily run (`supervision_daily`: reporting's
  schedule, the rules, colour history, reminders, orphan files), the plan-status
  snapshot (`eduplan plan status`, `plan_status_json`), the targets' status
  (`eduplan targets status`), and a district's Excel export (the class-size workbook
  of 金水区's schools, through Django's request handler as the district's official).

Times are medians of `--repeat` rounds: wall, CPU of this process and CPU of its
PostgreSQL backend (the server runs on this machine; /proc), beside two references
measured in the same run: the login page through django.test.Client and a plain
`SELECT count(*)`. `--json` writes everything for bench/capacity_fit.py.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo_db
from demo_db import demo_database, django_on_scratch, server_cpu

DISTRICT = "410105"  # 金水区, the demo's district official's
EXPORT_FORM, EXPORT_PERIOD = "class-size", "2016T2"
PERIOD_FIELDS = ("period",)
YEAR_FIELDS = ("school_year", "year")
YEARS = tuple(range(2013, 2019))


class Rollback(Exception):
    """Raised to roll back a job's transaction."""


def table_sizes() -> list[dict[str, Any]]:
    """Every model's table: exact rows, bytes in all (with indexes), of which indexes."""
    from django.apps import apps
    from django.db import connection

    tables = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if model._meta.proxy or not model._meta.managed:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*), pg_total_relation_size(%s), pg_indexes_size(%s) FROM {quoted}",
                [table, table],
            )
            rows, total, indexes = cursor.fetchone()
            tables.append(
                {"table": table, "model": model, "rows": rows, "bytes": total, "index": indexes}
            )
    unique = {t["table"]: t for t in tables}
    return sorted(unique.values(), key=lambda t: t["bytes"], reverse=True)


def year_column(model: Any) -> tuple[str, str] | None:
    """(how, column) to read a row's simulated year: its period code's first four
    characters, a school year, or the first date column not stamped at load time."""
    from django.db import models

    fields = [f for f in model._meta.concrete_fields if f.column]
    by_name = {f.name: f for f in fields}
    for name in PERIOD_FIELDS:
        if isinstance(by_name.get(name), models.CharField):
            return "period", str(by_name[name].column)
    for name in YEAR_FIELDS:
        if isinstance(by_name.get(name), models.IntegerField):
            return "year", str(by_name[name].column)
    for field in fields:
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        # A birth date or a load-time stamp says nothing of when the row was written.
        if isinstance(field, models.DateField) and not stamped and "birth" not in field.name:
            return "date", str(field.column)
    return None


def rows_per_year(table: dict[str, Any]) -> tuple[str, dict[int, int]]:
    """The table's rows counted by simulated year (rows without a year are left out)."""
    from django.db import connection

    found = year_column(table["model"])
    if found is None:
        return "", {}
    how, column = found
    col = connection.ops.quote_name(column)
    year = {
        "period": f"substr({col}, 1, 4)::int",
        "year": col,
        "date": f"extract(year from {col})::int",
    }[how]
    where = f"{col} ~ '^[0-9]{{4}}'" if how == "period" else f"{col} IS NOT NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {year}, count(*) FROM {connection.ops.quote_name(table['table'])} "
            f"WHERE {where} GROUP BY 1 ORDER BY 1"
        )
        return column, {int(y): n for y, n in cursor.fetchall()}


def measured(fn: Callable[[], Any], repeat: int, *, rollback: bool) -> dict[str, float]:
    """Median wall, process CPU and server CPU seconds of `repeat` runs (each in a
    transaction rolled back when `rollback`)."""
    from django.db import transaction

    walls, cpus, servers = [], [], []
    for _ in range(repeat):
        wall, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
        if rollback:
            try:
                with transaction.atomic():
                    fn()
                    raise Rollback
            except Rollback:
                pass
        else:
            fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        servers.append(server_cpu() - server)
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "server_cpu": statistics.median(servers),
    }


def jobs() -> list[tuple[str, Callable[[], Any], bool]]:
    """(name, run, rolled back) for the references and each job."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from eduplan.core.periods import period_from_code
    from eduplan.demo.services import DEMO_SCAN_DAY
    from eduplan.indicators.plan_status import plan_status_json
    from eduplan.indicators.status import target_status_list
    from eduplan.plans.selectors import plan_default
    from eduplan.supervision.services import supervision_scan
    from eduplan.supervision.tasks import supervision_daily

    settings.ALLOWED_HOSTS = ["testserver"]
    plan = plan_default(None)
    assert plan is not None
    at = period_from_code("2016B6")
    anonymous, district = Client(), Client()
    district.force_login(get_user_model().objects.get(username="jinshui"))
    export_url = f"/reports/xlsx/{EXPORT_FORM}/{EXPORT_PERIOD}/{DISTRICT}/template.xlsx"

    def login_page() -> None:
        assert anonymous.get("/accounts/login/").status_code == 200

    def count_star() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM reporting_datavalue")
            cursor.fetchone()

    def district_export() -> None:
        response = district.get(export_url)
        assert response.status_code == 200, (export_url, response.status_code)
        assert response["Content-Type"].startswith("application/vnd.openxml"), response
        assert len(response.content) > 1000

    return [
        ("reference: login page", login_page, False),
        ("reference: SELECT count(*) datavalue", count_star, False),
        ("supervision scan (nightly rules)", lambda: supervision_scan(at=DEMO_SCAN_DAY), True),
        (
            "daily run (schedule+rules+colours+reminders)",
            lambda: supervision_daily.call(DEMO_SCAN_DAY.isoformat()),
            True,
        ),
        ("plan status snapshot (plan status)", lambda: plan_status_json(plan=plan, at=at), True),
        (
            "targets status (city)",
            lambda: target_status_list(plan=plan, at=at, unit=plan.organisation),
            True,
        ),
        ("district Excel export (class-size)", district_export, False),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tables", type=int, default=15, help="biggest tables shown")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    django_on_scratch("eduplan-capacity-")
    from django.db import connection

    from eduplan.core.figures_cache import figures_changed
    from eduplan.org.models import OrgUnit

    if connection.vendor != "postgresql":
        raise SystemExit("bench_capacity measures PostgreSQL: set DATABASE_URL")
    setup_s = demo_database(args.scale)
    setup = demo_db.LAST_SETUP
    units = OrgUnit.objects.count()
    print(
        f"demo at scale {args.scale:g}: {units:,} org units; this run set it up in "
        f"{setup_s:.1f} s, loading the demo took {setup.loaded_s if setup else 0:.0f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]
    tables = table_sizes()
    all_rows = sum(t["rows"] for t in tables)
    print(
        f"\n{len(tables)} tables, {all_rows:,} rows, {database_bytes / 2**20:,.1f} MiB "
        f"in the database ({sum(t['bytes'] for t in tables) / 2**20:,.1f} MiB in tables "
        f"with their indexes)"
    )
    print(f"{'table':36} {'rows':>11} {'MiB':>8} {'index MiB':>10}  rows per year (column)")
    per_year: dict[str, dict[str, Any]] = {}
    for table in tables:
        column, years = rows_per_year(table) if table["rows"] else ("", {})
        per_year[table["table"]] = {"column": column, "years": years}
    for table in tables[: args.tables]:
        column, years = per_year[table["table"]]["column"], per_year[table["table"]]["years"]
        shown = " ".join(f"{y}:{years.get(y, 0):,}" for y in YEARS if years.get(y))
        print(
            f"{table['table']:36} {table['rows']:11,} {table['bytes'] / 2**20:8.1f} "
            f"{table['index'] / 2**20:10.1f}  {shown} ({column or '—'})"
        )
    results: dict[str, dict[str, float]] = {}
    print(
        f"\n{'job (median of ' + str(args.repeat) + ')':46} {'wall s':>9} {'cpu s':>8} "
        f"{'pg cpu s':>9} {'× login':>8}"
    )
    for name, run, rollback in jobs():
        figures_changed()  # each job from cold figures, as after a night's changes
        run_repeat = args.repeat if not name.startswith("reference") else max(args.repeat, 20)
        results[name] = measured(run, run_repeat, rollback=rollback)
        login = results["reference: login page"]["wall"]
        r = results[name]
        print(
            f"{name:46} {r['wall']:9.4f} {r['cpu']:8.4f} {r['server_cpu']:9.4f} "
            f"{r['wall'] / login:8.1f}"
        )
    dated = {y: sum(p["years"].get(y, 0) for p in per_year.values()) for y in YEARS}
    print(
        "\nrows dated in each simulated year, all tables: "
        + ", ".join(f"{y}: {n:,}" for y, n in dated.items())
    )
    print(f"\nthe machine is shared: load average {Path('/proc/loadavg').read_text().split()[0]}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "scale": args.scale,
                    "units": units,
                    "measured_on": datetime.datetime.now(datetime.UTC).isoformat(),
                    "demo_load_s": setup.loaded_s if setup else None,
                    "database_bytes": database_bytes,
                    "rows": all_rows,
                    "rows_per_year": dated,
                    "tables": [
                        {k: v for k, v in t.items() if k != "model"}
                        | ({"per_year": per_year[t["table"]]} if t["table"] in per_year else {})
                        for t in tables
                    ],
                    "jobs": results,
                },
                indent=1,
                ensure_ascii=False,
            )
        )


if __name__ == "__main__":
    main()
