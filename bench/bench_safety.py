"""Benchmark: the campus-safety register at 200,000 hazards (scale 10): a district's
overview (open hazards by severity and age, and the first page of its open hazards) and
the nightly scan of overdue rectifications and expiring bus licences.

    .venv/bin/python bench/bench_safety.py [--scale 10] [--hazards 200000] [--repeat 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:54340/eduplan_safety .venv/bin/python bench/bench_safety.py

The city is the organisation file's 16 districts with `--scale` × 100 schools spread over
them (scale 10: 1,000 schools… by default 1,600 with 100 per district), three buildings
each, a bus for one school in five, and the hazards spread over six years with a
realistic mix of statuses (most closed, some open or awaiting verification, some
overdue). Reported: median and p95 wall time and median CPU time (`time.process_time`,
the machine is shared), and the ratio to a reference measured in the same run (a plain
`SUM` over the org units), so that runs on a loaded machine can still be compared.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_db import django_on_scratch

AT = datetime.date(2019, 1, 10)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return walls, cpus


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def city_build(scale: float, hazards: int) -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from eduplan.core.db import statistics_refresh
    from eduplan.demo.services import org_load_file
    from eduplan.org.models import OrgUnit, UnitType
    from eduplan.safety.models import (
        Building,
        BuildingUse,
        Hazard,
        HazardStatus,
        Inspection,
        InspectionRound,
        ObjectType,
        Rating,
        RoundKind,
        SchoolBus,
        Severity,
        Structure,
    )

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    org_load_file()
    rng = random.Random(2016)
    User = get_user_model()
    fixer = User.objects.create(username="bench-fixer")
    inspector = User.objects.create(username="bench-inspector")
    department = OrgUnit.objects.get(code="DEPT-AQ")
    districts = list(OrgUnit.objects.filter(type=UnitType.DISTRICT).order_by("code"))
    per_district = max(1, int(scale * 10))
    with transaction.atomic():
        schools = OrgUnit.objects.bulk_create(
            OrgUnit(
                code=f"{d.code}-S{i:04d}",
                name=f"{d.name}第{i}学校",
                type=UnitType.PRIMARY,
                parent=d,
                path=OrgUnit.path_for(d, f"{d.code}-S{i:04d}"),
                depth=2,
            )
            for d in districts
            for i in range(per_district)
        )
        district_of = {s.pk: s.parent_id for s in schools}
        buildings = Building.objects.bulk_create(
            (
                Building(
                    school=s,
                    name=f"{k}号楼",
                    use=BuildingUse.TEACHING,
                    structure=Structure.FRAME,
                    rating=Rating.B,
                )
                for s in schools
                for k in range(1, 4)
            ),
            batch_size=5000,
        )
        SchoolBus.objects.bulk_create(
            (
                SchoolBus(
                    school=s,
                    plate=f"豫A{n:06d}",
                    seats=35,
                    licence_number=f"演示许可证{n:06d}",
                    licence_expires_on=AT + datetime.timedelta(days=rng.randrange(-30, 900)),
                    driver="王师傅",
                    driver_licence_expires_on=AT + datetime.timedelta(days=rng.randrange(0, 900)),
                    inspection_expires_on=AT + datetime.timedelta(days=rng.randrange(0, 365)),
                )
                for n, s in enumerate(schools)
                if n % 5 == 0
            ),
            batch_size=5000,
        )
        rounds = [
            InspectionRound.objects.create(
                name=f"{year}年{half}季校舍安全排查",
                kind=RoundKind.BUILDING,
                year=year,
                half=half,
                organiser=department,
                starts_on=datetime.date(year, 3 if half == 1 else 9, 1),
                ends_on=datetime.date(year, 5 if half == 1 else 11, 30),
            )
            for year in range(2013, 2019)
            for half in (1, 2)
        ]
        inspections = Inspection.objects.bulk_create(
            (
                Inspection(
                    round=r,
                    school_id=b.school_id,
                    object_type=ObjectType.BUILDING,
                    building=b,
                    inspected_on=r.starts_on + datetime.timedelta(days=rng.randrange(80)),
                    inspector=inspector,
                    results={},
                )
                for r in rounds
                for b in buildings
            ),
            batch_size=5000,
        )
        severities = [Severity.GENERAL] * 6 + [Severity.MAJOR] * 3 + [Severity.GRAVE]
        rows = []
        for n in range(hazards):
            inspection = inspections[rng.randrange(len(inspections))]
            found = inspection.inspected_on
            deadline = found + datetime.timedelta(days=rng.choice([15, 30, 60]))
            roll = rng.random()
            status = (
                HazardStatus.CLOSED
                if roll < 0.85 and deadline < AT
                else HazardStatus.FIXED
                if roll < 0.9
                else HazardStatus.OPEN
            )
            fixed = status != HazardStatus.OPEN
            rows.append(
                Hazard(
                    inspection=inspection,
                    school_id=inspection.school_id,
                    district_id=district_of[inspection.school_id],
                    rule_code="B03",
                    rule_text="楼梯、走廊、栏杆牢固",
                    severity=severities[n % len(severities)],
                    description="压测隐患",
                    found_on=found,
                    deadline=deadline,
                    responsible_person="校长",
                    status=status,
                    fix_note="已整改" if fixed else "",
                    fix_evidence="safety/bench.png" if fixed else "",
                    fixed_by=fixer if fixed else None,
                    fixed_on=deadline if fixed else None,
                    verified_by=inspector if status == HazardStatus.CLOSED else None,
                    verified_on=deadline if status == HazardStatus.CLOSED else None,
                )
            )
        Hazard.objects.bulk_create(rows, batch_size=5000)
    statistics_refresh(OrgUnit, Building, SchoolBus, Inspection, Hazard)
    return {
        "schools": len(schools),
        "inspections": len(inspections),
        "hazards": hazards,
        "open": Hazard.objects.exclude(status=HazardStatus.CLOSED).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--hazards", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    django_on_scratch("eduplan-bench-safety-")
    from django.db import connection
    from django.db.models import Sum

    from eduplan.org.models import OrgUnit, UnitType
    from eduplan.safety.selectors import LIST_LIMIT, district_hazards, district_overview
    from eduplan.supervision import services
    from eduplan.supervision.models import Rule
    from eduplan.supervision.rules_safety import find_hazards_overdue, find_licences_expiring

    start = time.perf_counter()
    built = city_build(args.scale, args.hazards)
    print(f"{connection.vendor}: built {built} in {time.perf_counter() - start:.1f} s")
    districts = list(OrgUnit.objects.filter(type=UnitType.DISTRICT).order_by("code"))
    turn = iter(range(10**9))

    def overview() -> None:
        district = districts[next(turn) % len(districts)]
        district_overview(district=district, today=AT)
        list(district_hazards(district=district)[: LIST_LIMIT + 1])

    def reference() -> None:
        OrgUnit.objects.aggregate(Sum("depth"))

    overview()
    ref_wall, ref_cpu = timed(reference, args.repeat)
    wall, cpu = timed(overview, args.repeat)
    ref = statistics.median(ref_wall)
    print(
        f"district overview: median {statistics.median(wall) * 1000:.1f} ms, "
        f"p95 {p95(wall) * 1000:.1f} ms, CPU median {statistics.median(cpu) * 1000:.1f} ms; "
        f"reference SUM median {ref * 1000:.2f} ms (CPU {statistics.median(ref_cpu) * 1000:.2f} ms); "
        f"ratio {statistics.median(wall) / ref:.1f}"
    )

    def finders() -> None:
        find_hazards_overdue(at=AT, days=0)
        find_licences_expiring(at=AT, days=0)

    fwall, fcpu = timed(finders, 5)
    print(
        f"nightly finders (overdue + licences): median {statistics.median(fwall):.2f} s, "
        f"CPU {statistics.median(fcpu):.2f} s, ratio to reference {statistics.median(fwall) / ref:.0f}"
    )
    # The whole scan with only the safety rules, as the worker runs it: the first run
    # raises the orders, the second finds them raised.
    specs = services.rule_specs
    services.rule_specs = lambda: [  # type: ignore[assignment]
        s for s in specs() if s.rule in (Rule.HAZARD_OVERDUE, Rule.LICENCE_EXPIRING)
    ]
    for label in ("first", "again"):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = services.supervision_scan(at=AT)
        print(
            f"nightly scan ({label}): {time.perf_counter() - start:.2f} s, "
            f"CPU {time.process_time() - start_cpu:.2f} s, orders created "
            f"{result.total_created}, already open {result.already}"
        )


if __name__ == "__main__":
    main()
