"""Benchmark: server time and SQL queries of the dashboards on the demo city.

    .venv/bin/python bench/bench_dashboards.py [--scale 1] [--requests 40] [--cold 3]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_dashboards.py --scale 10

Each page is requested through Django's request handler in this process (the server's
whole work: middleware, access checks, queries, templates; no network), signed in as
the demo leader (and, for the districts page, as a district official):

- cold: the first request after a correction approved at a school (its district reopens
  an approved report, the school changes one value a target is measured by and submits
  it, the district approves it, through the services; the change is then worked off as
  the task queue does right after the commit, and that refresh is timed on its own),
  median of `--cold` rounds: what the first reader after an approval waits;
- warm: `--requests` requests in a row, p50 and p95: what everyone else waits;
- queries: SQL statements per request, cold and warm.

The reference is the login page, timed the same way in the same process; each page's
median is also given as a multiple of it, so runs on noisy machines compare.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_db import demo_database, django_on_scratch


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--cold", type=int, default=3)
    parser.add_argument("--at", default="2016B6")
    args = parser.parse_args()
    django_on_scratch("eduplan-dash-")
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from eduplan.core.figure_store import store_refresh
    from eduplan.indicators.models import TargetBinding
    from eduplan.org.models import Membership, OrgUnit
    from eduplan.reporting.models import DataValue, Submission
    from eduplan.reporting.services import (
        submission_approve,
        submission_reopen,
        submission_save,
        submission_submit,
    )

    settings.ALLOWED_HOSTS = ["testserver"]
    setup_s = demo_database(args.scale)
    units = OrgUnit.objects.count()
    print(
        f"demo at scale {args.scale}: {units:,} org units, set up in "
        f"{setup_s:.0f} s on {connection.vendor}"
    )
    users = get_user_model().objects
    leader, district = Client(), Client()
    leader.force_login(users.get(username="leader"))
    district.force_login(users.get(username="jinshui"))
    school = Membership.objects.get(user__username="jinshui-school1").scope
    at = {"at": args.at}
    pages = [
        ("reference: login page", Client(), "/accounts/login/", {}),
        ("cockpit (city)", leader, "/dashboards/", at),
        ("big screen (city)", leader, "/dashboards/screen/", at),
        ("project 1 page", leader, "/dashboards/projects/1/", at),
        ("project 3 page", leader, "/dashboards/projects/3/", at),
        ("districts (city)", leader, "/dashboards/districts/", at),
        ("cockpit (district)", district, "/dashboards/", at),
        ("districts (district)", district, "/dashboards/districts/", at),
        ("school page", leader, f"/dashboards/schools/{school.code}/", {}),
        ("project report .docx", leader, "/dashboards/projects/1/report.docx", at),
    ]

    cpu: dict[str, list[float]] = {}

    def timed(client: Client, url: str, data: dict[str, str]) -> tuple[float, int]:
        connection.queries_log.clear()  # the log keeps 9,000 queries: start each count empty
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, data)
            elapsed, spent = time.perf_counter() - start, time.process_time() - start_cpu
        assert response.status_code == 200, (url, response.status_code)
        sql = sum(float(q["time"]) for q in captured.captured_queries)
        cpu.setdefault("last", []).append(spent * 1000)
        cpu.setdefault("sql", []).append(sql * 1000)
        return elapsed * 1000, len(captured)

    bound = {
        k.removeprefix("form.")
        for k in TargetBinding.objects.values_list("metric_key", flat=True)
        if k.startswith("form.")
    }
    value = (
        DataValue.objects.filter(
            org_unit=school,
            submission__status="approved",
            number__isnull=False,
            element__code__in=bound,
            period__lte=args.at,
        )
        .order_by("-period")
        .first()
    )
    assert value is not None, "the demo school has an approved value a target is measured by"
    refresh_ms = []

    def as_written(v: DataValue) -> str:
        if v.number is None:
            return v.text
        if v.element.value_type == "boolean":
            return "是" if v.number else "否"
        return f"{v.number.normalize():f}"

    reporter, approver = users.get(username="jinshui-school1"), users.get(username="jinshui")

    def change() -> None:
        """A correction approved at one school: its district reopens the report, the school
        changes one value a target is measured by and submits it, the district approves."""
        sub = Submission.objects.get(pk=value.submission_id)
        sub = submission_reopen(user=approver, submission=sub, revision=sub.revision, reason="订正")
        values = {
            v.element.code: as_written(v)
            for v in DataValue.objects.filter(submission=sub).select_related("element")
        }
        before = Decimal(values[value.element.code])
        values[value.element.code] = f"{before - 1 if before >= 1 else before + 1:f}"
        sub = submission_save(
            user=reporter,
            form=sub.form,
            org_unit=school,
            period_code=sub.period,
            subject=sub.subject,
            values=values,
            revision=sub.revision,
        )
        sub = submission_submit(
            user=reporter, submission=sub, revision=sub.revision, comment="订正"
        )
        submission_approve(user=approver, submission=sub, revision=sub.revision)
        start = time.perf_counter()
        store_refresh()  # what the task queue runs right after the commit
        refresh_ms.append((time.perf_counter() - start) * 1000)

    for _name, client, url, data in pages:  # sessions, templates, translations loaded
        timed(client, url, data)
    rows = []
    for name, client, url, data in pages:
        cold_ms, cold_q, cold_cpu, cold_sql = [], set(), [], []
        for _ in range(args.cold):
            change()
            ms, q = timed(client, url, data)
            cold_ms.append(ms)
            cold_q.add(q)
            cold_cpu.append(cpu["last"][-1])
            cold_sql.append(cpu["sql"][-1])
        warm_ms, warm_q, warm_cpu = [], set(), []
        for _ in range(args.requests):
            ms, q = timed(client, url, data)
            warm_ms.append(ms)
            warm_q.add(q)
            warm_cpu.append(cpu["last"][-1])
        warm_ms.sort()
        rows.append(
            (
                name,
                statistics.median(cold_ms),
                statistics.median(warm_ms),
                warm_ms[max(0, round(0.95 * len(warm_ms)) - 1)],
                "/".join(map(str, sorted(cold_q))),
                "/".join(map(str, sorted(warm_q))),
                statistics.median(cold_cpu),
                statistics.median(cold_sql),
                statistics.median(warm_cpu),
            )
        )
    print(
        f"after-commit refresh of one school's change (the task queue's job): median "
        f"{statistics.median(refresh_ms):.1f} ms over {len(refresh_ms)}"
    )
    reference = rows[0][2]
    print(
        f"\n{args.requests} warm requests per page, {args.cold} cold; times in ms "
        f"(server time in this process); ×ref = warm median / the login page's; CPU = this "
        f"process's CPU time (Python) and SQL = the queries' time, medians: on a loaded "
        f"machine wall time moves with the load, CPU time much less"
    )
    print(
        f"{'page':<24}{'cold p50':>10}{'warm p50':>10}{'warm p95':>10}{'×ref':>8}"
        f"{'queries cold':>14}{'warm':>6}{'cold CPU':>10}{'cold SQL':>10}{'warm CPU':>10}"
    )
    for name, cold, p50, p95, cq, wq, c_cpu, c_sql, w_cpu in rows:
        print(
            f"{name:<24}{cold:>10.1f}{p50:>10.1f}{p95:>10.1f}{p50 / reference:>8.1f}{cq:>14}{wq:>6}"
            f"{c_cpu:>10.1f}{c_sql:>10.1f}{w_cpu:>10.1f}"
        )


if __name__ == "__main__":
    main()
