"""Fault test: kill the server at random points during report saves and evidence uploads.

    .venv/bin/python bench/fault_uploads.py [--rounds 6] [--schools 48]
    DATABASE_URL=postgres://… .venv/bin/python bench/fault_uploads.py

Over a fresh database (SQLite by default, PostgreSQL with DATABASE_URL) with one district
of `--schools` schools and a report form that takes evidence, each round starts gunicorn
(2 workers × 2 threads) and six client threads, each taking the next school: save its
report (the web form, every value), then upload two evidence files (0.2–3 MB each); the
whole process group is killed with SIGKILL at a random moment 0.3–4 s into the round.
Afterwards, on the database and the media folder:
- every save the server acknowledged (302) is stored, with every value;
- no report is half-stored (each stored report holds every value it was sent);
- every upload acknowledged has its row and its file; every row has its file;
- files written for rows that never committed are counted, then the worker's sweep
  (`upload_orphans_sweep`) is run: no orphaned file is left, and no file a row names is
  removed.
Exits 1 if any of these fails.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
from demo_db import django_on_scratch  # noqa: E402

PERIOD = "2016T1"
BOUNDARY = "faultboundary"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def send(port: int, path: str, body: bytes, content_type: str, cookies: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST", path, body=body, headers={"Content-Type": content_type, "Cookie": cookies}
        )
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--schools", type=int, default=48)
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args()
    scratch = django_on_scratch("eduplan-fault-")
    env = dict(os.environ)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from eduplan.core.uploads import upload_orphans_sweep
    from eduplan.org.models import Role, UnitType
    from eduplan.org.tests.factories import OrgUnitFactory, user_with_role
    from eduplan.reporting.definitions import definition_from_data
    from eduplan.reporting.models import Attachment, DataValue, Submission
    from eduplan.reporting.services import expected_reports_open, form_load
    from eduplan.reporting.tests.conftest import CLASS_FORM, GOOD

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    root = OrgUnitFactory(code="410100", name="郑州市教育局", type=UnitType.BUREAU)
    OrgUnitFactory(code="D-JC", name="基础教育处", type=UnitType.DEPARTMENT, parent=root)
    district = OrgUnitFactory(code="410105", name="金水区", type=UnitType.DISTRICT, parent=root)
    csrf = secrets.token_hex(16)
    schools = []
    for n in range(args.schools):
        unit = OrgUnitFactory(code=f"410105-P{n}", name=f"金水{n}小", parent=district)
        user = user_with_role(f"school-{n}", Role.SCHOOL_REPORTER, unit)
        client = Client()
        client.force_login(user)
        schools.append(
            (unit.code, f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}")
        )
    data = {**CLASS_FORM, "code": "fault-evidence", "attachments": True, "rules": []}
    form, _v, _c = form_load(definition=definition_from_data(data, source="fault"))
    expected_reports_open(form=form, period_code=PERIOD)
    connection.close()
    values = {f"v-{code}": str(value) for code, value in GOOD.items()}

    rng = random.Random(args.seed)
    acked_saves: set[str] = set()
    acked_uploads: set[str] = set()
    sent_uploads = 0
    queue = list(schools)
    lock = threading.Lock()
    kills = 0
    for round_number in range(args.rounds):
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
                "2",
                "--log-level",
                "critical",
            ],
            env=env,
            cwd=REPO,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        for _ in range(6):  # every worker has loaded the application
            warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            warm.request("GET", "/accounts/login/")
            warm.getresponse().read()
            warm.close()

        def worker(port: int = port, round_number: int = round_number) -> None:
            nonlocal sent_uploads
            while True:
                with lock:
                    if not queue:
                        return
                    code, cookies = queue.pop(0)
                path = f"/reports/{form.code}/{PERIOD}/{code}/"
                try:
                    body = urllib.parse.urlencode(
                        {"action": "save", "revision": "0", "csrfmiddlewaretoken": csrf, **values}
                    ).encode()
                    status = send(port, path, body, "application/x-www-form-urlencoded", cookies)
                    if status != 302:
                        if os.environ.get("FAULT_DEBUG"):
                            print("save answered", status, path)
                        continue
                    with lock:
                        acked_saves.add(code)
                    for k in range(2):
                        name = f"evidence-{code}-{round_number}-{k}.pdf"
                        content = b"%PDF-1.4\n" + os.urandom(rng.randint(200_000, 3_000_000))
                        body = (
                            (
                                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{csrf}\r\n'
                                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="action"\r\n\r\nupload\r\n'
                                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                                "Content-Type: application/pdf\r\n\r\n"
                            ).encode()
                            + content
                            + f"\r\n--{BOUNDARY}--\r\n".encode()
                        )
                        with lock:
                            sent_uploads += 1
                        status = send(
                            port, path, body, f"multipart/form-data; boundary={BOUNDARY}", cookies
                        )
                        if status == 302:
                            with lock:
                                acked_uploads.add(name)
                except (OSError, http.client.HTTPException):
                    return  # the server died under this request

        threads = [threading.Thread(target=worker) for _ in range(6)]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.3, 4.0))
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        kills += 1
        for t in threads:
            t.join()
        if not queue:
            break

    media = Path(settings.MEDIA_ROOT)
    failures: list[str] = []
    submissions = {
        s.org_unit.code: s for s in Submission.objects.filter(form=form).select_related("org_unit")
    }
    expected_values = {code: str(value) for code, value in GOOD.items()}
    for code in sorted(acked_saves - set(submissions)):
        failures.append(f"acknowledged save lost: {code}")
    for code, submission in submissions.items():
        stored = {
            v.element.code: v
            for v in DataValue.objects.filter(submission=submission).select_related("element")
        }
        if set(stored) != set(expected_values):
            failures.append(f"half-stored report {code}: {sorted(stored)}")
    rows = {a.name: a for a in Attachment.objects.filter(submission__form=form)}
    for name in sorted(acked_uploads - set(rows)):
        failures.append(f"acknowledged upload lost: {name}")
    for name, row in rows.items():
        if not (media / row.file.name).is_file():
            failures.append(f"row without its file: {name}")
    referenced = {row.file.name for row in rows.values()}
    on_disk = {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()}
    orphans_before = len(on_disk - referenced)
    removed = upload_orphans_sweep(older_than_seconds=0)
    left = {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()}
    if left - referenced:
        failures.append(f"orphans left after the sweep: {len(left - referenced)}")
    if referenced - left:
        failures.append(f"files of rows removed by the sweep: {len(referenced - left)}")

    print(
        f"database: {connection.vendor}; media: {media}; {kills} kills (SIGKILL to gunicorn's group)"
    )
    print(f"saves acknowledged {len(acked_saves)}, reports stored {len(submissions)}")
    print(f"uploads sent {sent_uploads}, acknowledged {len(acked_uploads)}, rows {len(rows)}")
    print(
        f"orphaned files before the sweep {orphans_before}, removed by it {len(removed)}, after it {len(left - referenced)}"
    )
    print("result:", "PASS" if not failures else "FAIL")
    for failure in failures[:20]:
        print("  ", failure)
    del scratch
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
