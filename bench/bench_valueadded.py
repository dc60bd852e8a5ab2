"""Benchmark: value-added for 1,000,000 pupils in 500 high schools (one cohort): the
closed-form estimator on arrays, and the whole pipeline from the rows in the database to
each school's figures, against a plain SUM over the same table as the reference.

    .venv/bin/python bench/bench_valueadded.py [--pupils 1000000] [--schools 500] [--repeat 5]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_valueadded.py

Aims (issue 21): the closed-form estimator (regression on prior attainment, its school
means and intervals) ≤ 1 s; the pipeline (read the rows: one values_list query into
arrays; fit the three models; every school's figure with the minimum cohort applied)
≤ 10 s on PostgreSQL. The pupils are simulated (eduplan.valueadded.simulation) and
written once with COPY on PostgreSQL (bulk_create elsewhere); set-up is not timed.
Reported: medians of wall time and of CPU time (time.process_time: the machine is
shared), and each median's ratio to the reference query's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_db import django_on_scratch

COHORT = 2018


def timed(action: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of `repeat` runs, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return statistics.median(walls), statistics.median(cpus), result


def setup(pupils: int, schools: int) -> Any:
    """The schools and their simulated pupils, written once; returns the simulation."""
    import numpy as np
    from django.core.management import call_command
    from django.db import connection

    from eduplan.org.models import OrgUnit, UnitType
    from eduplan.valueadded.models import Pupil
    from eduplan.valueadded.simulation import simulate

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    root = OrgUnit.objects.create(code="B", name="bench", type=UnitType.BUREAU, path="B", depth=0)
    OrgUnit.objects.bulk_create(
        OrgUnit(
            code=f"S{k:04d}",
            name=f"高中{k}",
            type=UnitType.SENIOR,
            parent=root,
            path=f"B/S{k:04d}",
            depth=1,
        )
        for k in range(schools)
    )
    ids = np.array(
        list(
            OrgUnit.objects.filter(type=UnitType.SENIOR)
            .order_by("code")
            .values_list("pk", flat=True)
        )
    )
    rng = np.random.default_rng(7)
    sizes = rng.multinomial(pupils - 20 * schools, np.full(schools, 1 / schools)) + 20
    sim = simulate(sizes, seed=11)
    total = sim.gaokao_total
    start = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            columns = "cohort, school_id, exam_number, prior_total, prior, disadvantaged, outcome_total, outcomes"
            with cursor.cursor.copy(f"COPY valueadded_pupil ({columns}) FROM STDIN") as copy:
                for i in range(len(sim.school)):
                    copy.write_row(
                        (
                            COHORT,
                            int(ids[sim.school[i]]),
                            f"{i:08d}",
                            float(sim.prior_total[i]),
                            "{}",
                            bool(sim.disadvantaged[i]),
                            float(total[i]),
                            "{}",
                        )
                    )
            cursor.execute("VACUUM ANALYZE valueadded_pupil")
    else:
        Pupil.objects.bulk_create(
            (
                Pupil(
                    cohort=COHORT,
                    school_id=int(ids[sim.school[i]]),
                    exam_number=f"{i:08d}",
                    prior_total=float(sim.prior_total[i]),
                    disadvantaged=bool(sim.disadvantaged[i]),
                    outcome_total=float(total[i]),
                )
                for i in range(len(sim.school))
            ),
            batch_size=5000,
        )
    print(
        f"set-up: {len(sim.school):,} pupils in {schools} schools written in "
        f"{time.perf_counter() - start:.1f} s on {connection.vendor}"
    )
    return sim, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pupils", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    django_on_scratch("eduplan-va-")
    import numpy as np
    from django.db import connection

    from eduplan.valueadded import estimators as est
    from eduplan.valueadded.figures import Model, figure_at, fits_compute, pupils_load

    sim, _ids = setup(args.pupils, args.schools)
    schools = args.schools

    def reference() -> float:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT SUM(outcome_total) FROM valueadded_pupil WHERE cohort = %s", [COHORT]
            )
            return float(cursor.fetchone()[0])

    x = est.design(sim.prior_total, sim.disadvantaged)
    y = sim.gaokao_total

    def closed_form() -> est.Fit:
        return est.regression(
            sim.school, est.design(sim.prior_total, sim.disadvantaged), y, schools
        )

    def band() -> est.Fit:
        return est.band_expectation(sim.school, sim.prior_total, y, schools, bands=20)

    def multilevel() -> est.Fit:
        return est.random_intercept(sim.school, x, y, schools)

    def load() -> Any:
        return pupils_load([COHORT])

    def pipeline() -> int:
        fits = fits_compute(pupils_load([COHORT]))
        shown = 0
        for model in Model:
            effects = fits.by_model[model].effects
            shown += sum(figure_at(effects, i).shown for i in range(fits.schools))
        return shown

    ref_s, ref_cpu, _ = timed(reference, args.repeat)
    results = [
        ("reference: SUM over the cohort's rows", ref_s, ref_cpu, None),
    ]
    for name, action, aim in (
        ("closed-form estimator (regression, arrays)", closed_form, 1.0),
        ("band expectation (arrays)", band, None),
        ("two-level model with shrinkage (arrays)", multilevel, None),
        ("read the rows into arrays (one fetchall)", load, None),
        ("pipeline: rows → three models → figures per school", pipeline, 10.0),
    ):
        wall, cpu, result = timed(action, args.repeat)
        results.append((name, wall, cpu, aim))
        if action is pipeline:
            assert result == 3 * schools, result  # every school at or above the minimum
    truth = sim.true_total - np.average(sim.true_total, weights=np.bincount(sim.school))
    r = np.corrcoef(closed_form().effects.effect, truth)[0, 1]
    print(
        f"{len(sim.school):,} pupils, {schools} schools, {connection.vendor}, "
        f"median of {args.repeat}; correlation with the true effects {r:.3f}"
    )
    print(f"{'':55} {'wall s':>8} {'CPU s':>8} {'× ref':>8}  aim")
    for name, wall, cpu, aim in results:
        verdict = "" if aim is None else (f"≤ {aim:g} s " + ("met" if wall <= aim else "MISSED"))
        print(f"{name:55} {wall:8.3f} {cpu:8.3f} {wall / ref_s:8.1f}  {verdict}")


if __name__ == "__main__":
    main()
