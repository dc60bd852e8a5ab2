"""Benchmark: fill every expected report of the synthetic city for one reporting round
(bimonthly 2016B3 and term 2016T1) through the same services the web uses.

    .venv/bin/python bench/bench_reporting_fill.py [--scale 1] [--repeat 3]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_reporting_fill.py

Each round saves and submits every report (submission_save + submission_submit: value
parsing, rules, audit events, revision checks). The reference, timed in the same process
on the same rows, is a bare bulk insert of the same submissions and values with the ORM
(no checks, no audit), so the ratio shows what the rules cost. Reports medians over
--repeat rounds and the peak memory of one round (tracemalloc).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_db import demo_database, django_on_scratch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scratch = django_on_scratch("eduplan-bench-")
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from eduplan.demo.reports import demo_values
    from eduplan.org.models import Membership, OrgUnit, Role, UnitType
    from eduplan.reporting.models import (
        DataElement,
        DataValue,
        ExpectedReport,
        Form,
        IdempotencyKey,
        Submission,
        SubmissionEvent,
    )
    from eduplan.reporting.services import form_definition, submission_save, submission_submit

    setup_s = demo_database(args.scale)
    periods = ["2016B3", "2016T1"]
    expected = list(
        ExpectedReport.objects.filter(period__in=periods).select_related("form", "org_unit")
    )
    forms = {f.pk: f for f in Form.objects.select_related("current_version")}
    definitions = {pk: form_definition(f.current_version) for pk, f in forms.items()}

    # One reporter per unit that may enter for it: district administrators for their
    # schools, a reporter for each bureau-run school, staff for each department.
    User = get_user_model()
    reporters: dict[int, object] = {}
    districts = {u.path: u for u in OrgUnit.objects.filter(type=UnitType.DISTRICT)}
    made: dict[str, object] = {}

    def reporter_for(unit: OrgUnit) -> object:
        if unit.pk in reporters:
            return reporters[unit.pk]
        district = next((d for path, d in districts.items() if unit.path.startswith(path)), None)
        key = f"d{district.pk}" if district else f"u{unit.pk}"
        if key not in made:
            user = User.objects.create_user(f"bench-{key}", password=None)
            if district:
                Membership.objects.create(user=user, role=Role.DISTRICT_ADMIN, scope=district)
            elif unit.type == UnitType.DEPARTMENT:
                Membership.objects.create(
                    user=user, role=Role.DEPARTMENT, scope=unit.parent, department=unit
                )
            else:
                Membership.objects.create(user=user, role=Role.SCHOOL_REPORTER, scope=unit)
            made[key] = User.objects.select_related("membership__scope").get(pk=user.pk)
        reporters[unit.pk] = made[key]
        return made[key]

    for row in expected:
        reporter_for(row.org_unit)
    rng = random.Random(2016)
    plans = [(row, demo_values(definitions[row.form_id], rng)) for row in expected]

    def reset() -> None:
        with transaction.atomic():
            IdempotencyKey.objects.all().delete()
            SubmissionEvent.objects.all().delete()
            DataValue.objects.all().delete()
            Submission.objects.all().delete()

    def service_round() -> float:
        start = time.perf_counter()
        for row, values in plans:
            user = reporters[row.org_unit_id]
            sub = submission_save(
                user=user,
                form=forms[row.form_id],
                org_unit=row.org_unit,
                period_code=row.period,
                subject=row.subject,
                values=values,
            )
            submission_submit(user=user, submission=sub, revision=sub.revision, comment="核实")
        return time.perf_counter() - start

    elements = {e.code: e for e in DataElement.objects.all()}

    def reference_round() -> float:
        start = time.perf_counter()
        with transaction.atomic():
            subs = Submission.objects.bulk_create(
                Submission(
                    form_id=row.form_id,
                    form_version_id=forms[row.form_id].current_version_id,
                    org_unit_id=row.org_unit_id,
                    period=row.period,
                    subject=row.subject,
                    status="submitted",
                )
                for row, _values in plans
            )
            DataValue.objects.bulk_create(
                DataValue(
                    submission=sub,
                    element=elements[code],
                    org_unit_id=row.org_unit_id,
                    period=row.period,
                    number=value if isinstance(value, int) else None,
                    text="" if isinstance(value, int) else str(value),
                )
                for sub, (row, values) in zip(subs, plans, strict=True)
                for code, value in values.items()
            )
        return time.perf_counter() - start

    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        reset()
        profile = Path(scratch) / "fill.prof"
        cProfile.runctx("service_round()", globals(), locals(), str(profile))
        pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(25)
        return
    service_times, reference_times = [], []
    for _round in range(args.repeat):
        reset()
        service_times.append(service_round())
        reset()
        reference_times.append(reference_round())
    # Memory is measured in a round of its own: tracing slows the code it watches.
    reset()
    tracemalloc.start()
    service_round()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    reset()
    n = len(plans)
    service = statistics.median(service_times)
    reference = statistics.median(reference_times)
    print(f"database: {connection.vendor}; scale {args.scale}; demo set-up {setup_s:.1f} s")
    print(f"reports per round: {n} (periods {', '.join(periods)}), rounds: {args.repeat}")
    print(f"{'':28}{'median s':>10}{'reports/s':>12}")
    print(f"{'services (save + submit)':28}{service:>10.2f}{n / service:>12.0f}")
    print(f"{'reference (bulk insert)':28}{reference:>10.2f}{n / reference:>12.0f}")
    print(f"ratio services / reference: {service / reference:.1f}x")
    print(f"peak traced memory of one service round: {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
