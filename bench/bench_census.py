"""Benchmark: a district's class-census workbook, read and checked (the preview) and
stored (the confirmation), against openpyxl reading the same file as the reference.

    .venv/bin/python bench/bench_census.py [--scale 1] [--repeat 5]

The district is the demo city's with the most classes; its workbook is its own template
of the latest school year with every class's pupils changed, so the confirmation
rewrites every class (checks, revisions, history). Each confirmation runs in a
transaction rolled back after it, so every repeat stores the same file. Reported:
medians, and the preview's ratio to openpyxl's read-only load of the same workbook
(what the preview would cost without the fast sheet reader, before any check).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_db import demo_database, django_on_scratch


def timed(action: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    django_on_scratch("eduplan-census-")
    setup_s = demo_database(args.scale)

    import openpyxl
    from django.db import transaction

    from eduplan.construction.census_xlsx import (
        SHEET,
        census_xlsx_confirm,
        census_xlsx_read,
        census_xlsx_template,
    )
    from eduplan.construction.models import SchoolClass
    from eduplan.org.models import OrgUnit, Role, UnitType
    from eduplan.org.tests.factories import user_with_role

    year = SchoolClass.objects.order_by("-school_year").values_list("school_year", flat=True)[0]
    counts = {
        d.pk: SchoolClass.objects.filter(school__path__startswith=d.path, school_year=year).count()
        for d in OrgUnit.objects.filter(type=UnitType.DISTRICT)
    }
    district = OrgUnit.objects.get(pk=max(counts, key=lambda pk: counts[pk]))
    user = user_with_role("bench-census", Role.DISTRICT_ADMIN, district)
    template_s, data = timed(lambda: census_xlsx_template(unit=district, school_year=year), 1)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[SHEET]
    rows = 0
    for (cell,) in ws.iter_rows(min_row=4, min_col=6, max_col=6):
        if isinstance(cell.value, int):
            cell.value = cell.value + 1 if cell.value < 150 else cell.value - 1
            rows += 1
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()

    def reference() -> int:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return sum(1 for _row in book[SHEET].iter_rows(values_only=True))

    def preview() -> Any:
        return census_xlsx_read(user=user, unit=district, data=data, name="bench.xlsx")

    def confirm() -> int:
        read = preview()
        assert not read.problems, read.problems[:3]
        with transaction.atomic():
            written = census_xlsx_confirm(user=user, token=read.token)
            transaction.set_rollback(True)
        return sum(1 for w in written if w.changed)

    reference_s, _n = timed(reference, args.repeat)
    preview_s, read = timed(preview, args.repeat)
    confirm_s, changed = timed(confirm, args.repeat)
    print(f"demo scale {args.scale}: set up in {setup_s:.1f} s")
    print(f"district {district.name}: {len(read.batches)} schools, {rows} classes ({year})")
    print(f"template written          {template_s * 1000:8.1f} ms")
    print(f"openpyxl read (reference) {reference_s * 1000:8.1f} ms")
    print(
        f"preview (read + checks)   {preview_s * 1000:8.1f} ms"
        f"  = {preview_s / reference_s:.2f} × the reference"
    )
    print(f"preview + confirmation    {confirm_s * 1000:8.1f} ms  ({changed} lists changed)")


if __name__ == "__main__":
    main()
