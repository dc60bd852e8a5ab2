"""Fault test: kill the server at random points during report saves, evidence uploads
and Excel imports.

    DJANGO_ENV=development .venv/bin/python bench/fault_uploads.py [--rounds 6] [--schools 48]
        [--import-files 40] [--per-file 6]
    DATABASE_URL=postgres://… DJANGO_ENV=development .venv/bin/python bench/fault_uploads.py

Over a fresh database (SQLite by default, PostgreSQL with DATABASE_URL) with one district
of `--schools` schools and a report form that takes evidence, each round starts gunicorn
(2 workers × 2 threads) and six client threads, each taking the next school: save its
report (the web form, every value), then upload two evidence files (0.2–3 MB each); the
whole process group is killed with SIGKILL at a random moment 0.3–4 s into the round.
In the same rounds two more client threads, logged in as the district's administrator,
post Excel files through the web upload pages, taking turns: a report import
(`/reports/xlsx/<form>/<period>/<district>/`, a template built in-process with
`xlsx_template` for `--per-file` schools of their own, every value typed in and a note
naming the file) and a ledger import (`/ledgers/<code>/import/`, a ledger each unit keeps,
`--per-file` records on a day naming the file).
Afterwards, on the database and the media folder:
- every save the server acknowledged (302) is stored, with every value;
- no report is half-stored (each stored report holds every value it was sent);
- every report import acknowledged has all its schools stored with every value, and no
  import is partly stored (all of its schools or none);
- every ledger import acknowledged has all its records and its LedgerImport row, and
  none is partly stored (all records with the row, or no record and no row);
- every upload acknowledged has its row and its file; every row has its file;
- files written for rows that never committed are counted, then the worker's sweep
  (`upload_orphans_sweep`) is run: no orphaned file is left, and no file a row names is
  removed.
Exits 1 if any of these fails.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import io
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
from datetime import date, timedelta
from decimal import Decimal
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


def multipart(fields: dict[str, str], name: str, content: bytes, content_type: str) -> bytes:
    """A multipart/form-data body with text fields and one file field named "file"."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        for key, value in fields.items()
    ]
    head = (
        "".join(parts)
        + f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        + f"Content-Type: {content_type}\r\n\r\n"
    )
    return head.encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--schools", type=int, default=48)
    parser.add_argument("--import-files", type=int, default=40)
    parser.add_argument("--per-file", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args()
    scratch = django_on_scratch("eduplan-fault-")
    env = dict(os.environ)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from openpyxl import load_workbook

    from eduplan.core.uploads import upload_orphans_sweep
    from eduplan.ledgers.models import LedgerImport, LedgerRecord
    from eduplan.ledgers.tests.conftest import OWN, load_text
    from eduplan.ledgers.xlsx import ledger_xlsx_template
    from eduplan.org.models import Role, UnitType
    from eduplan.org.tests.factories import OrgUnitFactory, user_with_role
    from eduplan.reporting.definitions import definition_from_data
    from eduplan.reporting.models import Attachment, DataValue, Submission
    from eduplan.reporting.services import expected_reports_open, form_load
    from eduplan.reporting.tests.conftest import CLASS_FORM, GOOD
    from eduplan.reporting.xlsx import xlsx_template
    from eduplan.reporting.xlsx.template import CODE_ROW, DATA_SHEET, FIRST_ROW

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
    # Schools of their own for the imports: a file is all stored or none of it.
    import_units = [
        OrgUnitFactory(code=f"410105-X{n}", name=f"金水导入{n}小", parent=district)
        for n in range(args.import_files * args.per_file)
    ]
    admin = user_with_role("district-admin", Role.DISTRICT_ADMIN, district)
    admin_client = Client()
    admin_client.force_login(admin)
    admin_cookies = f"sessionid={admin_client.cookies['sessionid'].value}; csrftoken={csrf}"
    data = {**CLASS_FORM, "code": "fault-evidence", "attachments": True, "rules": []}
    form, _v, _c = form_load(definition=definition_from_data(data, source="fault"))
    expected_reports_open(form=form, period_code=PERIOD)
    connection.close()
    values = {f"v-{code}": str(value) for code, value in GOOD.items()}
    # Filled templates built in-process, `--per-file` schools each, a note naming the file.
    imports: list[tuple[str, bytes, list[str]]] = []
    for i in range(args.import_files):
        units = import_units[i * args.per_file : (i + 1) * args.per_file]
        book = load_workbook(io.BytesIO(xlsx_template(form=form, period_code=PERIOD, units=units)))
        sheet = book[DATA_SHEET]
        columns = {cell.value: cell.column for cell in sheet[CODE_ROW] if cell.value}
        for row in range(FIRST_ROW, FIRST_ROW + len(units)):
            for code, value in {**GOOD, "note": f"导入{i}"}.items():
                sheet.cell(row=row, column=columns[code], value=value)
        out = io.BytesIO()
        book.save(out)
        imports.append((f"import-{i}.xlsx", out.getvalue(), [u.code for u in units]))
    import_path = f"/reports/xlsx/{form.code}/{PERIOD}/{district.code}/"
    # Ledger imports into a ledger each unit keeps: a file of `--per-file` records, one per
    # import school, all on a day that names the file.
    ledger = load_text(OWN, "own.yaml")
    ledger_files: list[tuple[str, bytes, date]] = []
    for i in range(args.import_files):
        day = date(2016, 9, 1) + timedelta(days=i)
        units = import_units[i * args.per_file : (i + 1) * args.per_file]
        content = ledger_xlsx_template(
            ledger=ledger, rows=[[u.code, day.isoformat()] for u in units]
        )
        ledger_files.append((f"ledger-{i}.xlsx", content, day))
    ledger_path = f"/ledgers/{ledger.code}/import/"
    connection.close()
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    rng = random.Random(args.seed)
    acked_saves: set[str] = set()
    acked_uploads: set[str] = set()
    sent_uploads = 0
    acked_imports: set[str] = set()
    sent_names: set[str] = set()
    queue = list(schools)
    import_queue: list[tuple[str, str, bytes]] = []  # report and ledger imports in turn
    for (name, content, _codes), (ledger_name, ledger_content, _day) in zip(
        imports, ledger_files, strict=True
    ):
        import_queue += [(import_path, name, content), (ledger_path, ledger_name, ledger_content)]
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

        def importer(port: int = port) -> None:
            while True:
                with lock:
                    if not import_queue:
                        return
                    target, name, content = import_queue.pop(0)
                    sent_names.add(name)
                body = multipart({"csrfmiddlewaretoken": csrf}, name, content, xlsx_type)
                try:
                    status = send(
                        port,
                        target,
                        body,
                        f"multipart/form-data; boundary={BOUNDARY}",
                        admin_cookies,
                    )
                except (OSError, http.client.HTTPException):
                    return  # the server died under this request
                if status == 302:
                    with lock:
                        acked_imports.add(name)
                elif os.environ.get("FAULT_DEBUG"):
                    print("import answered", status, name)

        threads = [threading.Thread(target=worker) for _ in range(6)]
        threads += [threading.Thread(target=importer) for _ in range(2)]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.3, 4.0))
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        kills += 1
        for t in threads:
            t.join()
        if not queue and not import_queue:
            break

    media = Path(settings.MEDIA_ROOT)
    failures: list[str] = []
    submissions = {
        s.org_unit.code: s for s in Submission.objects.filter(form=form).select_related("org_unit")
    }
    expected_values = {code: str(value) for code, value in GOOD.items()}
    for code in sorted(acked_saves - set(submissions)):
        failures.append(f"acknowledged save lost: {code}")
    imported_codes = {code for _n, _c, codes in imports for code in codes}
    for code, submission in submissions.items():
        if code in imported_codes:
            continue  # checked per file below
        stored = {
            v.element.code: v
            for v in DataValue.objects.filter(submission=submission).select_related("element")
        }
        if set(stored) != set(expected_values):
            failures.append(f"half-stored report {code}: {sorted(stored)}")
    imports_stored = imports_partial = 0
    for name, _content, codes in imports:
        present = [code for code in codes if code in submissions]
        if present and len(present) != len(codes):
            imports_partial += 1
            failures.append(f"import {name} partly stored: {len(present)} of {len(codes)}")
        elif present:
            imports_stored += 1
        if name in acked_imports and len(present) != len(codes):
            failures.append(f"acknowledged import lost: {name}")
        note = f"导入{name.removeprefix('import-').removesuffix('.xlsx')}"
        wanted: dict[str, object] = {
            **{code: Decimal(value) for code, value in expected_values.items()},
            "note": note,
        }
        for code in present:
            got = {
                v.element.code: v.number if v.number is not None else v.text
                for v in DataValue.objects.filter(submission=submissions[code]).select_related(
                    "element"
                )
            }
            if got != wanted:
                failures.append(f"import {name}, school {code}: stored {got}")
    ledger_stored = ledger_partial = 0
    for name, content, day in ledger_files:
        records = LedgerRecord.objects.filter(ledger=ledger, on=day)
        done = LedgerImport.objects.filter(
            ledger=ledger, digest=hashlib.sha256(content).hexdigest()
        ).first()
        count = records.count()
        if count not in (0, args.per_file) or (done is None) != (count == 0):
            ledger_partial += 1
            failures.append(f"ledger import {name} partly stored: {count} records, row {done}")
        elif count:
            ledger_stored += 1
            if done is not None and done.records != count:
                failures.append(f"ledger import {name}: its row counts {done.records} records")
        if name in acked_imports and count != args.per_file:
            failures.append(f"acknowledged ledger import lost: {name}")
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
    print(
        f"report imports sent {sum(n in sent_names for n, _c, _s in imports)} of "
        f"{len(imports)} ({args.per_file} schools each), acknowledged "
        f"{sum(n in acked_imports for n, _c, _s in imports)}, stored whole {imports_stored}, "
        f"partly stored {imports_partial}"
    )
    print(
        f"ledger imports sent {sum(n in sent_names for n, _c, _d in ledger_files)} of "
        f"{len(ledger_files)} ({args.per_file} records each), acknowledged "
        f"{sum(n in acked_imports for n, _c, _d in ledger_files)}, stored whole "
        f"{ledger_stored}, partly stored {ledger_partial}"
    )
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
