"""Benchmark: concurrent report submissions over HTTP against a real server process.

    .venv/bin/python bench/bench_reporting_http.py [--scale 0.1] [--clients 16] [--retry-share 0.2]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_reporting_http.py

Starts gunicorn (2 workers × 4 threads) on a free loopback port over a fresh database
with the demo city, then `--clients` threads PUT one report each for every expected
report of one round (2019B3 and 2019T1, after the demo's history) through the JSON API, each with an
Idempotency-Key; a share of requests is sent twice with the same key, as a client does
after a timeout. Reports throughput and p50/p99 latency, and checks the database after:
lost submissions (expected but not stored) and duplicated ones (stored twice, or a retry
that wrote a second audit event) must both be 0. The reference, in the same run and under
the same concurrency, is GET /api/v1/forms (a read with no writes), so the ratio shows
what a write costs over the bare request path.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROUND = ("2019B3", "2019T1")  # after the demo's history (2015–2018)
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
from demo_db import demo_database, django_on_scratch  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Client(threading.local):
    """One keep-alive connection per client thread."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, path: str, body: dict | None, headers: dict[str, str]
    ) -> tuple[int, float]:
        data = json.dumps(body).encode() if body is not None else None
        start = time.perf_counter()
        for attempt in range(2):
            try:
                self.conn.request(
                    method, path, body=data, headers={"Content-Type": "application/json", **headers}
                )
                response = self.conn.getresponse()
                response.read()
                return response.status, time.perf_counter() - start
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--retry-share", type=float, default=0.2)
    args = parser.parse_args()
    django_on_scratch("eduplan-http-")
    env = dict(os.environ)  # the web server processes get the same database
    from django.contrib.auth import get_user_model
    from django.db import connection

    from eduplan.api.auth import api_token_create
    from eduplan.demo.reports import demo_values
    from eduplan.org.models import Membership, OrgUnit, Role, UnitType
    from eduplan.reporting.models import (
        ExpectedReport,
        Form,
        IdempotencyKey,
        Submission,
        SubmissionEvent,
    )
    from eduplan.reporting.services import expected_reports_open, form_definition

    demo_database(args.scale)
    # A round after the demo's history: nothing is stored for it yet.
    for form in Form.objects.all():
        code = {"bimonthly": ROUND[0], "term": ROUND[1]}.get(form.period_type)
        if code:
            expected_reports_open(form=form, period_code=code)
    # Every report of the round that a district administrator enters for a school.
    User = get_user_model()
    tokens: dict[int, str] = {}
    for district in OrgUnit.objects.filter(type=UnitType.DISTRICT):
        user = User.objects.create_user(f"http-{district.code}", password=None)
        Membership.objects.create(user=user, role=Role.DISTRICT_ADMIN, scope=district)
        tokens[district.pk] = api_token_create(user=user, name="bench")[1]
    districts = {u.path: u.pk for u in OrgUnit.objects.filter(type=UnitType.DISTRICT)}
    forms = {f.pk: f for f in Form.objects.select_related("current_version")}
    rng = random.Random(2016)
    jobs = []
    for row in ExpectedReport.objects.filter(period__in=ROUND, org_unit__depth=2).select_related(
        "org_unit"
    ):
        district = next(pk for path, pk in districts.items() if row.org_unit.path.startswith(path))
        values = demo_values(form_definition(forms[row.form_id].current_version), rng)
        path = f"/api/v1/submissions/{forms[row.form_id].code}/{row.period}/{row.org_unit.code}"
        jobs.append(
            (path, {"values": values, "revision": None, "subject": row.subject}, tokens[district])
        )
    connection.close()

    port = free_port()
    server = subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "gunicorn"),
            "eduplan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=REPO,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        client = Client(port)
        any_token = next(iter(tokens.values()))

        def read(_i: int) -> tuple[int, float]:
            return client.request(
                "GET", "/api/v1/forms", None, {"Authorization": f"Bearer {any_token}"}
            )

        def write(job: tuple[str, dict, str]) -> list[tuple[int, float]]:
            path, body, token = job
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
            results = [client.request("PUT", path, body, headers)]
            if rng.random() < args.retry_share:  # the client timed out and sends it again
                results.append(client.request("PUT", path, body, headers))
            return results

        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(read, range(50)))  # warm up both workers
            start = time.perf_counter()
            reads = list(pool.map(read, range(len(jobs))))
            read_wall = time.perf_counter() - start
            start = time.perf_counter()
            writes = [r for batch in pool.map(write, jobs) for r in batch]
            write_wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)

    stored = Submission.objects.filter(period__in=ROUND).count()
    creates = SubmissionEvent.objects.filter(action="create", submission__period__in=ROUND).count()
    events = SubmissionEvent.objects.filter(submission__period__in=ROUND).count()
    statuses: dict[int, int] = {}
    for status, _t in writes:
        statuses[status] = statuses.get(status, 0) + 1
    lost = len(jobs) - stored
    duplicated = (creates - stored) + (events - creates)
    print(
        f"database: {connection.vendor}; scale {args.scale}; {args.clients} clients; gunicorn 2 workers × 4 threads"
    )
    print(
        f"reports: {len(jobs)}; requests sent: {len(writes)} ({len(writes) - len(jobs)} retries with the same key)"
    )
    print(f"{'':26}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for name, results, wall in (
        ("PUT submission (write)", writes, write_wall),
        ("GET forms (reference)", reads, read_wall),
    ):
        times = [t * 1000 for _s, t in results]
        print(
            f"{name:26}{len(results) / wall:>9.0f}{statistics.median(times):>9.1f}{percentile(times, 99):>9.1f}"
        )
    print(
        f"write/reference throughput ratio: {(len(reads) / read_wall) / (len(writes) / write_wall):.1f}x"
    )
    print(f"HTTP statuses of writes: {statuses}")
    print(
        f"lost submissions: {lost}; duplicated: {duplicated}; idempotency keys stored: {IdempotencyKey.objects.count()}"
    )
    if lost or duplicated or set(statuses) - {200}:
        sys.exit(1)


if __name__ == "__main__":
    main()
