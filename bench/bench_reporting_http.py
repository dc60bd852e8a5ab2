"""Benchmark: concurrent report submissions over HTTP against a real server process.

    .venv/bin/python bench/bench_reporting_http.py [--scale 0.1] [--clients 64] [--retry-share 0.2]
        [--workers N] [--threads N] [--no-pool] [--submit] [--client-processes 4]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_reporting_http.py

Starts gunicorn on a free loopback port the way a deployment does (`-c
python:eduplan.gunicorn_conf`: workers and threads from the CPU count unless --workers
and --threads say otherwise; on PostgreSQL each worker takes its connections from a pool
unless --no-pool, which opens one per request) over a fresh database with the demo city,
then `--clients` threads (spread over `--client-processes` processes: in one process the
threads wait on each other's interpreter lock, and the server waits on them) PUT one
report each for every expected
report of one round (2019B3 and 2019T1, after the demo's history) through the JSON API, each with an
Idempotency-Key; a share of requests is sent twice with the same key, as a client does
after a timeout. Reports throughput and p50/p99 latency, and checks the database after:
lost submissions (expected but not stored) and duplicated ones (stored twice, or a retry
that wrote a second audit event) must both be 0. The reference, in the same run and under
the same concurrency, is GET /api/v1/forms (a read with no writes), so the ratio shows
what a write costs over the bare request path. With --submit each saved report is then
submitted for approval (POST …/submit), as schools do at the deadline, and every report
must end submitted. The CPU time the web workers spent per
request is read from /proc for each phase, and so is the CPU time of the PostgreSQL
backends serving the bench database (the server runs on this machine); the machine is
shared, so wall times move with its load, CPU times much less. For the writes it also
prints how busy the machine's cores were (idle cores: the server waited on something
else than CPU; stolen: the host gave them to other guests) and, on PostgreSQL, what the
database's backends were doing, sampled (bench/pg_waits.py: lock waits, WAL, CPU, or
idle in a transaction while the web worker runs).
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
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ROUND = ("2019B3", "2019T1")  # after the demo's history (2015–2018)
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
from demo_db import demo_database, django_on_scratch  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_workers(pid: int) -> list[int]:
    """The gunicorn master's worker processes."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def server_cpu(pid: int) -> float:
    """CPU seconds the gunicorn workers have used so far (user + system, from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for worker in server_workers(pid):
        try:
            fields = Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def database_cpu() -> dict[int, float]:
    """CPU seconds each PostgreSQL backend serving the bench database has used so far
    (from /proc: the server runs on this machine); empty on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, PermissionError):
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / tick
    return used


def database_cpu_between(before: dict[int, float], after: dict[int, float]) -> float:
    """The backends' CPU seconds between two readings (a backend opened since counts whole)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def machine_ticks() -> tuple[int, int, int]:
    """The machine's CPU ticks so far (from /proc/stat): busy, idle (with I/O wait), stolen
    by the host for other guests."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    return user + nice + system + irq + softirq, idle + iowait, steal


def machine_share(before: tuple[int, int, int], after: tuple[int, int, int]) -> str:
    busy, idle, steal = (b - a for a, b in zip(before, after, strict=True))
    total = max(1, busy + idle + steal)
    return (
        f"busy {100 * busy / total:.0f}%, idle {100 * idle / total:.0f}%, "
        f"stolen {100 * steal / total:.0f}%"
    )


class WaitSampler:
    """bench/pg_waits.py beside a phase (PostgreSQL only): what the database's backends
    were doing, sampled. A separate process, so the clients' fork copies no connection."""

    def __init__(self, dsn: str | None) -> None:
        self.process = (
            subprocess.Popen(
                [sys.executable, str(REPO / "bench" / "pg_waits.py"), dsn],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            if dsn
            else None
        )

    def stop(self) -> str:
        if self.process is None:
            return ""
        out, _err = self.process.communicate(input="", timeout=30)
        found = json.loads(out)
        samples, counts = max(1, found["samples"]), found["counts"]
        total = max(1, sum(counts.values()))
        shares = ", ".join(
            f"{name} {100 * n / total:.0f}%"
            for name, n in sorted(counts.items(), key=lambda kv: -kv[1])
            if n / total >= 0.01
        )
        return f"{total / samples:.1f} busy on average: {shares}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Client(threading.local):
    """One keep-alive connection per client thread."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, path: str, body: dict | None, headers: dict[str, str]
    ) -> tuple[int, float, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        start = time.perf_counter()
        for attempt in range(2):
            try:
                self.conn.request(
                    method, path, body=data, headers={"Content-Type": "application/json", **headers}
                )
                response = self.conn.getresponse()
                payload = response.read()
                return response.status, time.perf_counter() - start, payload
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")


class ClientRunner:
    """The bench's clients: `clients` threads, spread over `processes` forked processes,
    each thread with its own keep-alive connection. `run` hands each process an equal
    share of the items and gathers (status, seconds) of every request, the submits' and
    the CPU time the client processes spent."""

    def __init__(self, port: int, clients: int, processes: int, token: str, submit: bool):
        self.port, self.token, self.submit = port, token, submit
        self.processes = max(1, min(processes, clients))
        self.threads = max(1, clients // self.processes)

    def run(self, kind: str, items: list) -> tuple[list, list, float]:
        import multiprocessing

        shares = [items[i :: self.processes] for i in range(self.processes)]
        context = multiprocessing.get_context("fork")
        with context.Pool(self.processes) as pool:
            answers = pool.starmap(self._share, [(kind, share) for share in shares])
        results = [r for answer in answers for r in answer[0]]
        submits = [r for answer in answers for r in answer[1]]
        return results, submits, sum(answer[2] for answer in answers)

    def _share(self, kind: str, items: list) -> tuple[list, list, float]:
        import gc

        gc.freeze()  # the bench's inherited objects: a collection in a client never walks them
        client = Client(self.port)
        submits: list[tuple[int, float]] = []
        started = time.process_time()

        def read(_i: int) -> list[tuple[int, float]]:
            auth = {"Authorization": f"Bearer {self.token}"}
            return [client.request("GET", "/api/v1/forms", None, auth)[:2]]

        def write(item: tuple[tuple[str, dict, str], bool]) -> list[tuple[int, float]]:
            (path, body, token), resend = item
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
            status, seconds, answer = client.request("PUT", path, body, headers)
            results = [(status, seconds)]
            if resend:  # the client timed out and sends it again with the same key
                results.append(client.request("PUT", path, body, headers)[:2])
            if self.submit and status == 200:
                submit = {"revision": json.loads(answer)["revision"], "subject": body["subject"]}
                auth = {"Authorization": f"Bearer {token}"}
                submits.append(client.request("POST", f"{path}/submit", submit, auth)[:2])
            return results

        with ThreadPoolExecutor(self.threads) as pool:
            batches = list(pool.map(read if kind == "read" else write, items))
        return [r for batch in batches for r in batch], submits, time.process_time() - started


def round_jobs(user_prefix: str) -> list[tuple[str, dict[str, Any], str]]:
    """Opens a round after the demo's history (nothing is stored for it yet) and gives
    each district's administrator an API token; one PUT for every report of the round a
    district enters for a school: (path, body, token), the values drawn with a seed."""
    from django.contrib.auth import get_user_model

    from eduplan.api.auth import api_token_create
    from eduplan.demo.reports import demo_values
    from eduplan.org.models import Membership, OrgUnit, Role, UnitType
    from eduplan.reporting.models import ExpectedReport, Form
    from eduplan.reporting.services import expected_reports_open, form_definition

    for form in Form.objects.all():
        code = {"bimonthly": ROUND[0], "term": ROUND[1]}.get(form.period_type)
        if code:
            expected_reports_open(form=form, period_code=code)
    tokens: dict[str, str] = {}
    for district in OrgUnit.objects.filter(type=UnitType.DISTRICT):
        user = get_user_model().objects.create_user(f"{user_prefix}-{district.code}")
        Membership.objects.create(user=user, role=Role.DISTRICT_ADMIN, scope=district)
        tokens[district.path] = api_token_create(user=user, name="bench")[1]
    forms = {f.pk: f for f in Form.objects.select_related("current_version")}
    rng = random.Random(2016)
    jobs = []
    for row in ExpectedReport.objects.filter(period__in=ROUND, org_unit__depth=2).select_related(
        "org_unit"
    ):
        token = next(t for path, t in tokens.items() if row.org_unit.path.startswith(path))
        values = demo_values(form_definition(forms[row.form_id].current_version), rng)
        path = f"/api/v1/submissions/{forms[row.form_id].code}/{row.period}/{row.org_unit.code}"
        jobs.append((path, {"values": values, "revision": None, "subject": row.subject}, token))
    return jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--retry-share", type=float, default=0.2)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: from the CPUs)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: the config's)")
    parser.add_argument(
        "--no-pool", action="store_true", help="a new database connection per request"
    )
    parser.add_argument(
        "--client-processes",
        type=int,
        default=4,
        help="the clients' threads are spread over this many processes (one process's "
        "interpreter lock would make 64 client threads wait on each other)",
    )
    parser.add_argument(
        "--submit", action="store_true", help="each saved report is also submitted for approval"
    )
    args = parser.parse_args()
    django_on_scratch("eduplan-http-")
    env = dict(os.environ)  # the web server processes get the same database
    if args.workers:
        env["EDUPLAN_WEB_WORKERS"] = str(args.workers)
    if args.threads:
        env["EDUPLAN_WEB_THREADS"] = str(args.threads)
    if args.no_pool:
        env["DB_POOL"] = "false"
    from django.db import connection

    from eduplan.reporting.models import (
        IdempotencyKey,
        Status,
        Submission,
        SubmissionEvent,
    )

    demo_database(args.scale)
    pooled = connection.vendor == "postgresql" and not args.no_pool
    jobs = round_jobs("http")
    rng = random.Random(2016)  # which requests are sent twice
    connection.close()

    port = free_port()
    server = subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "gunicorn"),
            "--config",
            "python:eduplan.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
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
        any_token = jobs[0][2]
        resend = [rng.random() < args.retry_share for _job in jobs]  # the client timed out
        runner = ClientRunner(port, args.clients, args.client_processes, any_token, args.submit)
        runner.run("read", list(range(200)))  # warm up every worker
        cpu_before, db_before = server_cpu(server.pid), database_cpu()
        connection.close()  # no connection open across the clients' fork
        start = time.perf_counter()
        reads, _submits, _cpu = runner.run("read", list(range(len(jobs))))
        read_wall = time.perf_counter() - start
        cpu_reads, db_reads = server_cpu(server.pid), database_cpu()
        connection.close()
        sampler = WaitSampler(os.environ["DATABASE_URL"] if pooled else None)
        machine_before = machine_ticks()
        start = time.perf_counter()
        writes, submits, client_cpu = runner.run("write", list(zip(jobs, resend, strict=True)))
        write_wall = time.perf_counter() - start
        machine_writes = machine_share(machine_before, machine_ticks())
        waits = sampler.stop()
        cpu_writes, db_writes = server_cpu(server.pid), database_cpu()
        connection.close()  # the readings' connection: not counted as a backend of the run
        workers = len(server_workers(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)

    stored = Submission.objects.filter(period__in=ROUND).count()
    creates = SubmissionEvent.objects.filter(action="create", submission__period__in=ROUND).count()
    events = (
        SubmissionEvent.objects.filter(submission__period__in=ROUND)
        .exclude(action="submit")
        .count()
    )
    statuses: dict[int, int] = {}
    for status, _t in writes + submits:
        statuses[status] = statuses.get(status, 0) + 1
    not_submitted = (
        len(jobs) - Submission.objects.filter(period__in=ROUND, status=Status.SUBMITTED).count()
        if args.submit
        else 0
    )
    lost = len(jobs) - stored
    duplicated = (creates - stored) + (events - creates)
    threads = env.get("EDUPLAN_WEB_THREADS") or "4"
    print(
        f"database: {connection.vendor}; scale {args.scale}; {args.clients} clients; "
        f"gunicorn {workers} workers × {threads} threads; "
        f"{'connection pool' if pooled else 'a connection per request'}"
    )
    print(
        f"reports: {len(jobs)}; requests sent: {len(writes)} ({len(writes) - len(jobs)} retries with the same key)"
    )
    print(
        f"{'':26}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'server CPU ms/req':>19}"
        f"{'database CPU ms/req':>21}"
    )
    db_write = database_cpu_between(db_reads, db_writes)
    rows = [
        ("PUT submission (write)", writes, write_wall, cpu_writes - cpu_reads, db_write),
        ("GET forms (reference)", reads, read_wall, cpu_reads - cpu_before, 0.0),
    ]
    rows[1] = (*rows[1][:4], database_cpu_between(db_before, db_reads))
    if args.submit:  # submits run in the write phase, its CPU counted on the PUT row
        rows[0] = ("PUT + POST submit", writes + submits, write_wall, *rows[0][3:])
        rows.insert(1, ("  of which POST submit", submits, write_wall, 0.0, 0.0))
    for name, results, wall, cpu, db_cpu in rows:
        times = [t * 1000 for _s, t in results]
        print(
            f"{name:26}{len(results) / wall:>9.0f}{statistics.median(times):>9.1f}"
            f"{percentile(times, 99):>9.1f}{cpu * 1000 / len(results):>19.1f}"
            f"{db_cpu * 1000 / len(results):>21.1f}"
        )
    print(
        f"the bench's clients ({args.client_processes} processes): "
        f"{client_cpu * 1000 / len(writes):.1f} ms CPU per write"
    )
    print(
        f"write/reference throughput ratio: {(len(reads) / read_wall) / (len(writes) / write_wall):.1f}x"
    )
    print(f"the machine during the writes: {machine_writes}")
    if waits:
        print(f"database backends during the writes (sampled every 10 ms): {waits}")
    print(f"HTTP statuses of writes: {statuses}")
    if args.submit:
        print(
            f"reports saved and submitted: {len(jobs) / write_wall:.0f}/s; "
            f"not submitted: {not_submitted}"
        )
    print(
        f"lost submissions: {lost}; duplicated: {duplicated}; idempotency keys stored: {IdempotencyKey.objects.count()}"
    )
    if lost or duplicated or not_submitted or set(statuses) - {200}:
        sys.exit(1)


if __name__ == "__main__":
    main()
