"""Profile: where the server's Python time goes in one submission PUT (and the reference GET).

    DATABASE_URL=postgres://… .venv/bin/python bench/profile_reporting_put.py [--scale 0.1]
        [--count 300] [--sort tottime] [--top 40] [--out FILE.prof]

The same setup as bench_reporting_http.py (the demo city, a round after its history, a
token per district administrator), then `--count` PUTs of different reports through
django.test.Client in this process, so the whole middleware stack and the API run as
under gunicorn, under cProfile. Prints the functions ranked by their own time and by
their cumulative time, and the CPU time per request, for the PUT and for GET /api/v1/forms.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
from bench_reporting_http import round_jobs  # noqa: E402
from demo_db import demo_database, django_on_scratch  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--out", help="write the PUT profile here (pstats)")
    parser.add_argument("--no-profile", action="store_true", help="time only")
    parser.add_argument("--queries", action="store_true", help="print one PUT's SQL")
    parser.add_argument(
        "--segments", action="store_true", help="CPU per step of the PUT (no profiler)"
    )
    args = parser.parse_args()
    django_on_scratch("eduplan-profile-")
    from django.test import Client

    demo_database(args.scale)
    jobs = round_jobs("prof")
    rng = random.Random(2016)
    rng.shuffle(jobs)
    client = Client()
    any_token = jobs[0][2]

    def get() -> None:
        response = client.get("/api/v1/forms", HTTP_AUTHORIZATION=f"Bearer {any_token}")
        assert response.status_code == 200, response.content

    def put(job: tuple[str, dict, str]) -> None:
        path, body, token = job
        response = client.put(
            path,
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        assert response.status_code == 200, response.content

    # Warm up: the first request of a process loads the URLconf, translations, caches.
    for _ in range(20):
        get()
    warm, measured = jobs[:20], jobs[20 : 20 + args.count]
    for job in warm:
        put(job)

    def run(name: str, calls: list, fn) -> None:
        profile = None if args.no_profile else cProfile.Profile(time.process_time)
        cpu, wall = time.process_time(), time.perf_counter()
        if profile:
            profile.enable()
        for c in calls:
            fn(c)
        if profile:
            profile.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"== {name}: {len(calls)} requests, CPU {cpu * 1000 / len(calls):.2f} ms/req, "
            f"wall {wall * 1000 / len(calls):.2f} ms/req"
            + (" (under the profiler)" if profile else "")
        )
        if profile:
            stats = pstats.Stats(profile)
            if args.out and name.startswith("PUT"):
                stats.dump_stats(args.out)
            stats.sort_stats(args.sort).print_stats(args.top)

    if args.queries:  # the SQL as sent (server-side binding leaves no "last executed query")
        from django.db import connection

        sent: list[str] = []

        def record(execute, sql, params, many, context):
            sent.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            put(jobs[-1])
        for number, sql in enumerate(sent, 1):
            print(f"{number:3} {sql[:300]}")
    if args.segments:
        segments_measure(lambda: [put(job) for job in measured])
        return
    run("GET /api/v1/forms", list(range(args.count)), lambda _i: get())
    run("PUT submission", measured, put)


# The steps of a PUT, each timed inclusive of what it calls: (module, function name).
SEGMENTS = [
    ("eduplan.api.auth", "api_token_user"),
    ("eduplan.api.routers.submissions", "load_form"),
    ("eduplan.api.routers.submissions", "expected_report_for_entry"),
    ("eduplan.api.routers.submissions", "load_unit"),
    ("eduplan.org.access", "membership_of"),
    ("eduplan.api.routers.submissions", "submission_save"),
    ("eduplan.reporting.services", "idempotency_key_claim"),
    ("eduplan.reporting.services", "_submission_to_save"),
    ("eduplan.reporting.services", "entry_open_require"),
    ("eduplan.reporting.services", "submission_values_write"),
    ("eduplan.reporting.value_store", "element_ids_of"),
    ("eduplan.reporting.services", "_event"),
    ("eduplan.reporting.services", "_parse_values"),
    ("eduplan.reporting.services", "require"),
    ("eduplan.reporting.services", "entry_open_check"),
    ("eduplan.reporting.services", "period_from_code"),
    ("eduplan.reporting.services", "_expected_require"),
    ("eduplan.reporting.services", "form_definition"),
    ("eduplan.api.routers.submissions", "_out_saved"),
    ("eduplan.api.routers.submissions", "submission_check"),
    ("eduplan.api.routers.submissions", "load_period"),
    ("eduplan.api.routers.submissions", "_out"),
    ("eduplan.api.routers.submissions", "idempotency_key_response"),
]


def segments_measure(work) -> None:
    """Run `work` with each step of SEGMENTS wrapped in a CPU-time counter."""
    import functools
    import importlib

    spent: dict[str, float] = {}
    calls: dict[str, int] = {}

    def timed(name: str, fn):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            start = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - start
                calls[name] = calls.get(name, 0) + 1

        return wrapper

    for module_name, name in SEGMENTS:
        module = importlib.import_module(module_name)
        if hasattr(module, name):
            setattr(module, name, timed(name, getattr(module, name)))
    start = time.process_time()
    count = len(work())
    total = time.process_time() - start
    print(f"PUT: {count} requests, {total * 1000 / count:.2f} ms CPU each")
    for _module, name in SEGMENTS:
        if name in spent:
            print(
                f"  {name:28}{spent[name] * 1000 / count:7.2f} ms  "
                f"({calls[name] / count:.0f} call(s) per PUT)"
            )


if __name__ == "__main__":
    main()
