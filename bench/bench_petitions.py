"""Benchmark: the petitions district overview and the nightly deadline scan over
100,000 cases (the issue's scale 10).

    .venv/bin/python bench/bench_petitions.py [--scale 1] [--cases 100000] [--repeat 30]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_petitions.py --scale 1

The demo city is loaded at `--scale` (its own petitions included), then cases are added
in bulk until the register holds `--cases`: received over the two years before today,
those older than 120 days carried through their clock to the end (answered, some late,
some extended, a few reviewed), the recent ones at every step (some due soon, some
overdue), one in ten repeating an earlier case. Petitioners are not generated: neither
the overview nor the scan reads them.

- Overview: GET /petitions/overview/ (this year, as the petitions office sees it: every
  case) through Django's test client, `--repeat` times; median, p95 and CPU time, and
  the ratio to the login page fetched the same way in the same run.
- Nightly scan: the four petition rules as `supervision_scan` runs them (finders, then
  one order per new finding); the first run raises every order, the second is a
  steady night (everything already open). Reference: a plain SUM over the cases table.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_db import demo_database, django_on_scratch

LIVE_DAYS = 120
SPAN_DAYS = 730


def cases_add(total: int, seed: int = 100_000) -> int:
    """Add generated cases until the register holds `total`; returns how many were added."""
    from django.utils import timezone

    from eduplan.org.models import SCHOOL_TYPES, OrgUnit, UnitType
    from eduplan.petitions.demo import history_dates, live_dates
    from eduplan.petitions.models import CaseLink, Category, Channel, LinkKind, PetitionCase
    from eduplan.petitions.services import case_dates_replace

    missing = total - PetitionCase.objects.count()
    if missing <= 0:
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    root = OrgUnit.objects.get(type=UnitType.BUREAU, parent__isnull=True)
    districts = list(OrgUnit.objects.filter(type=UnitType.DISTRICT).order_by("code"))
    schools = {
        d.pk: list(OrgUnit.objects.filter(path__startswith=d.path, type__in=SCHOOL_TYPES)[:200])
        or [d]
        for d in districts
    }
    batch: list[PetitionCase] = []
    added = 0
    for i in range(missing):
        received = today - datetime.timedelta(days=rng.randrange(SPAN_DAYS))
        live = (today - received).days < LIVE_DAYS
        dates = live_dates(rng, received, today) if live else history_dates(rng, received)
        district = rng.choice(districts)
        case = PetitionCase(
            number=f"BENCH-{i:07d}",
            received_on=received,
            channel=rng.choice(list(Channel)),
            category=rng.choice(list(Category)),
            summary="压测信访事项",
            received_by=root if rng.random() < 0.2 else district,
            concerned_unit=rng.choice(schools[district.pk]),
            district=district,
            responsible_unit=district if dates.decided_on else None,
            routed_on=dates.decided_on,
            people_count=rng.choice((1,) * 30 + (2, 3, 5, 8)),
            skipped_level=rng.random() < 0.05,
        )
        case_dates_replace(case, dates)
        if dates.replied_on is not None and dates.decided_on is not None:
            due = dates.decided_on + datetime.timedelta(days=60 + dates.extension_days)
            case.replied_in_time = dates.replied_on <= due
        if dates.extension_days:
            case.extension_reason = "压测延期"
        batch.append(case)
        if len(batch) == 5000:
            added += _flush(batch, rng, CaseLink, LinkKind, PetitionCase)
            batch = []
    added += _flush(batch, rng, CaseLink, LinkKind, PetitionCase)
    return added


def _flush(batch: list[Any], rng: random.Random, CaseLink: Any, LinkKind: Any, Case: Any) -> int:
    if not batch:
        return 0
    created = Case.objects.bulk_create(batch, batch_size=2000)
    earlier = created[: len(created) // 2]
    links = [
        CaseLink(case=c, earlier=rng.choice(earlier), kind=LinkKind.SAME_MATTER)
        for c in created[len(created) // 2 :]
        if rng.random() < 0.2
    ]
    CaseLink.objects.bulk_create(links, batch_size=2000)
    return len(created)


def timed(fn: Any, repeat: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(name: str, wall: list[float], cpu: list[float]) -> None:
    print(
        f"{name:34} median {statistics.median(wall) * 1000:8.1f} ms  p95 {p95(wall) * 1000:8.1f} ms"
        f"  CPU median {statistics.median(cpu) * 1000:8.1f} ms  (n={len(wall)})"
    )


def petition_scan(at: datetime.date) -> Any:
    """supervision_scan with only the petition rules (the others have their own benches)."""
    from eduplan.supervision import services
    from eduplan.supervision.models import Rule
    from eduplan.supervision.rules import rule_specs

    petition_rules = {
        Rule.PETITION_DEADLINE,
        Rule.PETITION_REPEATED,
        Rule.PETITION_GROUP,
        Rule.PETITION_SKIPPED_LEVEL,
    }
    original = services.rule_specs
    services.rule_specs = lambda: [s for s in rule_specs() if s.rule in petition_rules]  # type: ignore[assignment]
    try:
        return services.supervision_scan(at=at)
    finally:
        services.rule_specs = original


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    django_on_scratch("eduplan-petitions-")
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Sum
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from eduplan.core.db import statistics_refresh
    from eduplan.petitions.models import PetitionCase
    from eduplan.supervision.models import SupervisionOrder
    from eduplan.supervision.rules_petitions import find_petition_deadlines

    setup_test_environment()  # the test client's hosts; nothing else changes
    setup_s = demo_database(args.scale)
    print(f"demo set-up at scale {args.scale}: {setup_s:.0f} s on {connection.vendor}")
    start = time.perf_counter()
    added = cases_add(args.cases)
    statistics_refresh(PetitionCase)
    print(
        f"cases: {PetitionCase.objects.count()} ({added} added in "
        f"{time.perf_counter() - start:.0f} s); open office steps: "
        f"{PetitionCase.objects.filter(due_step__in=['accept', 'reply', 'review_answer', 'rereview_answer']).count()}"
    )
    today = timezone.localdate()

    client = Client()
    client.force_login(get_user_model().objects.get(username="xinfang"))
    overview_url = f"/petitions/overview/?year={today.year}"
    assert client.get(overview_url).status_code == 200
    anonymous = Client()
    assert anonymous.get("/accounts/login/").status_code == 200
    login_wall, login_cpu = timed(lambda: anonymous.get("/accounts/login/"), args.repeat)
    over_wall, over_cpu = timed(lambda: client.get(overview_url), args.repeat)
    report("reference: login page", login_wall, login_cpu)
    report("district overview (this year)", over_wall, over_cpu)
    print(
        f"overview p95 / login p95: {p95(over_wall) / p95(login_wall):.1f}x; "
        f"aim: overview p95 ≤ 150 ms on PostgreSQL"
    )

    sum_wall, sum_cpu = timed(
        lambda: PetitionCase.objects.aggregate(n=Sum("people_count")), max(5, args.repeat // 3)
    )
    find_wall, find_cpu = timed(
        lambda: find_petition_deadlines(at=today, days=0), max(5, args.repeat // 3)
    )
    report("reference: SUM over the cases", sum_wall, sum_cpu)
    report("deadline finder (query only)", find_wall, find_cpu)
    SupervisionOrder.objects.filter(subject__startswith="petition:").delete()
    first_wall, first_cpu = timed(lambda: petition_scan(today), 1)
    raised = SupervisionOrder.objects.filter(subject__startswith="petition:").count()
    night_wall, night_cpu = timed(lambda: petition_scan(today), 3)
    print(
        f"nightly scan, first run (raises {raised} orders): {first_wall[0]:.2f} s wall, "
        f"{first_cpu[0]:.2f} s CPU"
    )
    print(
        f"nightly scan, steady night (all open already): median "
        f"{statistics.median(night_wall):.2f} s wall, {statistics.median(night_cpu):.2f} s CPU; "
        f"ratio to the SUM: {statistics.median(night_wall) / statistics.median(sum_wall):.0f}x; "
        "aim ≤ 10 s"
    )


if __name__ == "__main__":
    main()
