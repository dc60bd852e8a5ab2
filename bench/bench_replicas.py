"""Benchmark: what reading a streaming replica costs a read-only page, and where it reads.

    DATABASE_URL=postgres://postgres@127.0.0.1:54350/eduplan_bench \\
    DATABASE_REPLICA_URLS=postgres://postgres@127.0.0.1:54351/eduplan_bench \\
        .venv/bin/python bench/bench_replicas.py [--scale 0.05] [--rounds 30]

Loads the demo city on the primary (demo_db.py), waits until the replica has replayed
it, then times in-process requests (Django's test client; every connection is closed
after each request, as a server with DB_CONN_MAX_AGE=0 does) of the cockpit and the
public construction page, first with replicas switched off (all on the primary), then
with them on (the middleware checks the replica and sends the page's reads there). The
reference, in the same run, is the login page. Prints medians of wall and CPU time
(`time.process_time`), their ratio to the login page, and how many statements each page
sent to each database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
from demo_db import demo_database, django_on_scratch  # noqa: E402

PERIOD = "2016B6"


def replayed_wait(alias: str) -> float:
    """Seconds until `alias` has replayed everything the primary wrote so far."""
    from django.db import connections

    from eduplan.core.replica_middleware import primary_position, replica_replayed

    start = time.perf_counter()
    target = primary_position()
    assert target is not None, "the primary is not PostgreSQL"
    while (replica_replayed(alias) or 0) < target:
        if time.perf_counter() - start > 300:
            sys.exit(f"{alias} did not replay the demo within 300 s")
        time.sleep(0.1)
    connections[alias].close()
    return time.perf_counter() - start


def timed(get: Callable[[], int], rounds: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `rounds` requests after one warm-up."""
    from django.db import connections

    assert get() == 200
    connections.close_all()
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        assert get() == 200
        connections.close_all()  # a new connection per request, as DB_CONN_MAX_AGE=0
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def statements_by_alias(get: Callable[[], int], aliases: list[str]) -> dict[str, int]:
    from eduplan.core.tests.replicas import statements

    with statements(*aliases) as seen:
        assert get() == 200
    return {alias: len(seen.on(alias)) for alias in aliases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    django_on_scratch("eduplan-bench-replicas-")
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    replicas = list(settings.EDUPLAN_DB_REPLICAS)
    if not replicas:
        sys.exit("set DATABASE_REPLICA_URLS (a streaming replica of DATABASE_URL)")
    print(f"demo city at scale {args.scale}: {demo_database(args.scale):.1f} s")
    print(f"replica caught up after {replayed_wait(replicas[0]):.1f} s")

    anonymous, leader = Client(), Client()
    leader.force_login(get_user_model().objects.get(username="leader"))
    pages: dict[str, Callable[[], int]] = {
        "login (reference)": lambda: anonymous.get("/accounts/login/").status_code,
        "public construction": lambda: anonymous.get("/public/construction/").status_code,
        "cockpit": lambda: leader.get("/dashboards/", {"at": PERIOD}).status_code,
    }
    print(f"{'page':22} {'reads on':9} {'wall ms':>8} {'cpu ms':>7} {'ratio':>6}  statements")
    for mode in ("primary", "replica"):
        settings.EDUPLAN_DB_REPLICAS = [] if mode == "primary" else replicas
        reference = None
        for name, get in pages.items():
            wall, cpu = timed(get, args.rounds)
            reference = reference or wall
            counts = statements_by_alias(get, ["default", *replicas])
            print(f"{name:22} {mode:9} {wall:8.1f} {cpu:7.1f} {wall / reference:6.2f}  {counts}")


if __name__ == "__main__":
    main()
