"""Benchmark: the city's 双90% (学前三年毛入园率 and 普惠率, for the city and each of its
county-level units) from the kindergarten register at the demo city's scale, against a
plain SUM of the same year's children measured in the same run.

    .venv/bin/python bench/bench_kindergartens.py [--scale 1] [--repeat 30]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_kindergartens.py

One round is what the preschool overview computes: `double_ninety(city)` and
`double_ninety_by_district(city)` (four metric queries, each a grouped aggregate over the
register's enrolments with the 普惠 certification in force on each count day, plus the
districts' population reports). The reference is `SUM(children)` over the same year's
enrolment rows. Before timing, the districts' children are checked to add up to the
reference. Wall-clock medians and p95, CPU time (`time.process_time`) and the ratio of
medians are reported: the machine is shared, so the ratio is the figure to compare.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_db import demo_database, django_on_scratch

YEAR = 2016


def timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], float]:
    fn()  # warm the connection and the page cache
    times = []
    cpu_start = time.process_time()
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times, (time.process_time() - cpu_start) / repeat


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    django_on_scratch("eduplan-kg-")
    from django.db import connection
    from django.db.models import F, Sum

    from eduplan.kindergartens.models import Enrolment, Kindergarten
    from eduplan.kindergartens.selectors import double_ninety, double_ninety_by_district
    from eduplan.org.models import OrgUnit, UnitType

    setup_s = demo_database(args.scale)
    city = OrgUnit.objects.get(type=UnitType.BUREAU, parent__isnull=True)
    kindergartens = Kindergarten.objects.count()
    print(
        f"demo set-up at scale {args.scale}: {setup_s:.0f} s on {connection.vendor};"
        f" {kindergartens} kindergartens, {Enrolment.objects.count()} enrolment rows"
    )

    def reference() -> int:
        total = Enrolment.objects.filter(year=YEAR).aggregate(
            n=Sum(F("children_3") + F("children_4") + F("children_5"))
        )["n"]
        return int(total or 0)

    def double_ninety_round() -> tuple[object, list[object]]:
        return double_ninety(unit=city, year=YEAR), double_ninety_by_district(city=city, year=YEAR)

    whole, rows = double_ninety_round()
    by_districts = sum(int(r.children or 0) for r in rows)
    assert whole.children == reference(), (whole.children, reference())
    under_districts = Enrolment.objects.filter(
        year=YEAR, kindergarten__unit__parent__type=UnitType.DISTRICT
    ).aggregate(n=Sum(F("children_3") + F("children_4") + F("children_5")))["n"]
    assert by_districts == under_districts, (by_districts, under_districts)
    reaching = sum(1 for r in rows if r.reaches_both)
    print(
        f"{YEAR}: city gross enrolment {whole.gross:.1f}%, inclusive share {whole.inclusive:.1f}%;"
        f" {reaching} of {len(rows)} county-level units reach both"
    )

    ref_times, ref_cpu = timed(reference, args.repeat)
    dn_times, dn_cpu = timed(double_ninety_round, args.repeat)
    ref_med, dn_med = statistics.median(ref_times), statistics.median(dn_times)
    print(
        f"plain SUM of children      median {ref_med * 1000:7.2f} ms  p95 {p95(ref_times) * 1000:7.2f} ms  cpu {ref_cpu * 1000:7.2f} ms"
    )
    print(
        f"city 双90% (city+districts) median {dn_med * 1000:7.2f} ms  p95 {p95(dn_times) * 1000:7.2f} ms  cpu {dn_cpu * 1000:7.2f} ms"
    )
    print(f"ratio of medians: {dn_med / ref_med:.1f}× the plain SUM ({args.repeat} runs each)")


if __name__ == "__main__":
    main()
