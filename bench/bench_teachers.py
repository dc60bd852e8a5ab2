"""Benchmark: importing a provider's workbook of 100,000 training completions, and the
who-is-behind query for the whole city, each against a reference measured in the same run.

    .venv/bin/python bench/bench_teachers.py [--scale 1] [--rows 100000] [--repeat 3]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_teachers.py

The demo city is loaded at `--scale` (its teachers, courses and 2016 completions). The
workbook lists 200 courses on sheet 课程 and `--rows` completions on sheet 学员 (teachers of
the demo city, distinct teacher and course pairs, dates as Excel stores them). Each run
imports it whole (every cell checked, one query per lookup table, bulk writes) after the
previous run's rows are removed; the reference is reading the same two sheets with the
streaming reader alone (core.sheet), which every import must do anyway.

The who-is-behind query is `teachers.selectors.behind_table` for the city (every teacher
of every school judged at the end of 2016, grouped by district), run 50 times; the
reference is a plain SUM over the completions table in the same run. Both are measured
before and after the imported rows are in the table. Wall time and CPU time
(`time.process_time`) are reported: the machine may be shared.
"""

from __future__ import annotations

import argparse
import datetime
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_db import demo_database, django_on_scratch

COURSES = 200


def workbook(teacher_codes: list[str], rows: int) -> bytes:
    import openpyxl

    from eduplan.teachers.importing import COMPLETION_COLUMNS, COMPLETIONS, COURSE_COLUMNS
    from eduplan.teachers.importing import COURSES as COURSE_SHEET

    rng = random.Random(100_000)
    wb = openpyxl.Workbook(write_only=True)
    courses = wb.create_sheet(COURSE_SHEET)
    courses.append(list(COURSE_COLUMNS))
    levels = ["国家级", "省级", "市级", "县级", "校级"]
    hours = {}
    for i in range(COURSES):
        code = f"BENCH-{i:03d}"
        hours[code] = rng.choice([12, 16, 20, 24, 30, 40, 60, 80])
        courses.append(
            [code, f"压测课程{i}", "压测机构", levels[i % 5], hours[code], None, 2016, "否"]
        )
    sheet = wb.create_sheet(COMPLETIONS)
    sheet.append(list(COMPLETION_COLUMNS))
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < rows:
        pairs.add((rng.randrange(len(teacher_codes)), rng.randrange(COURSES)))
    for t, c in sorted(pairs):
        code = f"BENCH-{c:03d}"
        start = datetime.date(2016, 1, 1) + datetime.timedelta(days=rng.randrange(300))
        done = start + datetime.timedelta(days=rng.randrange(1, 60))
        credited = hours[code] if rng.random() < 0.8 else rng.randrange(hours[code] + 1)
        sheet.append([teacher_codes[t], code, start, done, credited])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def bench_rows_remove() -> None:
    from eduplan.teachers.models import Completion, CompletionImport, Course

    Completion.objects.filter(course__code__startswith="BENCH-").delete()
    Course.objects.filter(code__startswith="BENCH-").delete()
    CompletionImport.objects.filter(filename="bench.xlsx").delete()


def timed(run: Callable[[], Any]) -> tuple[float, float, Any]:
    start, start_cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - start, time.process_time() - start_cpu, result


def import_bench(data: bytes, user: Any, repeat: int) -> None:
    from eduplan.core.sheet import sheet_rows
    from eduplan.teachers.importing import COMPLETIONS, COURSES, completions_import

    imports, import_cpu, reads, read_cpu = [], [], [], []
    for _ in range(repeat):
        wall, cpu, _rows = timed(
            lambda: [len(list(sheet_rows(data, s))) for s in (COURSES, COMPLETIONS)]
        )
        reads.append(wall)
        read_cpu.append(cpu)
        bench_rows_remove()
        wall, cpu, result = timed(
            lambda: completions_import(user=user, data=data, filename="bench.xlsx")
        )
        assert result.ok and not result.replayed, result.problems[:5]
        imports.append(wall)
        import_cpu.append(cpu)
    wall, cpu, again = timed(
        lambda: completions_import(user=user, data=data, filename="bench.xlsx")
    )
    assert again.replayed
    median = statistics.median(imports)
    print(
        f"import of {result.stored} completions and {result.courses} courses: median "
        f"{median:.2f} s wall, {statistics.median(import_cpu):.2f} s CPU "
        f"(runs: {', '.join(f'{t:.2f}' for t in imports)}); aim ≤ 15 s"
    )
    print(
        f"  reference, reading the two sheets alone: median {statistics.median(reads):.2f} s "
        f"wall, {statistics.median(read_cpu):.2f} s CPU; ratio import/read "
        f"{median / statistics.median(reads):.1f}"
    )
    print(f"  the same file again: answered as imported in {wall * 1000:.0f} ms")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def query_bench(label: str, runs: int = 50) -> None:
    from django.db.models import Sum

    from eduplan.org.models import OrgUnit
    from eduplan.teachers.models import Completion, Teacher
    from eduplan.teachers.selectors import behind_table

    city = OrgUnit.objects.get(parent__isnull=True, type="bureau")
    walls, cpus, ref_walls = [], [], []
    table = None
    for _ in range(runs):
        wall, cpu, table = timed(lambda: behind_table(unit=city, year=2016))
        walls.append(wall * 1000)
        cpus.append(cpu * 1000)
        ref, _cpu, _sum = timed(lambda: Completion.objects.aggregate(s=Sum("hours")))
        ref_walls.append(ref * 1000)
    assert table is not None and table.total is not None
    teachers = Teacher.objects.filter(active=True).count()
    assert table.total.teachers == teachers
    print(
        f"who is behind, city at end of 2016 ({label}: {teachers} teachers, "
        f"{Completion.objects.count()} completions, {len(table.rows)} districts, "
        f"{table.total.behind} behind): median {statistics.median(walls):.1f} ms, "
        f"p95 {percentile(walls, 0.95):.1f} ms wall, CPU median {statistics.median(cpus):.1f} ms; "
        "aim p95 ≤ 100 ms"
    )
    print(
        f"  reference, SUM(hours) over completions: median {statistics.median(ref_walls):.1f} ms; "
        f"ratio {statistics.median(walls) / statistics.median(ref_walls):.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    django_on_scratch("eduplan-teachers-")
    from django.contrib.auth import get_user_model
    from django.db import connection

    from eduplan.teachers.models import Teacher

    setup_s = demo_database(args.scale)
    print(f"demo set-up at scale {args.scale}: {setup_s:.0f} s on {connection.vendor}")
    query_bench("demo register")
    codes = list(Teacher.objects.order_by("code").values_list("code", flat=True))
    wall, _cpu, data = timed(lambda: workbook(codes, args.rows))
    print(f"workbook: {args.rows} rows, {len(data) / 1e6:.1f} MB, written in {wall:.1f} s")
    user = get_user_model().objects.get(username="jiaoshi")
    import_bench(data, user, args.repeat)
    query_bench("with the imported rows")


if __name__ == "__main__":
    main()
