"""`eduplan demo` serves as a deployment does: gunicorn (with whitenoise's hashed,
compressed, long-cached assets) and the worker, as child processes that stop together.

The first test runs the command as `./run demo` does (DJANGO_ENV=development, its own
process, the set-up included), on a free port and a scratch var dir, over a copy of the
test database holding the tests' demo city (so the set-up finds it loaded and only checks).
The others run the command's supervision with two stand-in processes.
"""

from __future__ import annotations

import http.client
import io
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from eduplan.conftest import DEMO_SCALE, DEMO_SEED
from eduplan.core.tasks import notice_mails_send
from eduplan.demo import serving
from eduplan.demo.serving import Child
from eduplan.demo.tests.test_banner import BANNER

STARTED = re.compile(r"gunicorn（进程 (\d+)）.*worker（进程 (\d+)）")
HASHED_CSS = re.compile(r'href="(/static/eduplan/eduplan\.[0-9a-f]{12}\.css)"')
START_SECONDS = 120.0


@dataclass
class Demo:
    process: subprocess.Popen[str]
    port: int
    lines: list[str] = field(default_factory=list)
    pids: dict[str, int] = field(default_factory=dict)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str | re.Pattern[str], seconds: float = START_SECONDS) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = re.search(pattern, self.output)
            if found:
                return found.group(0)
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"no {pattern!r} in the demo's output:\n{self.output}")

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[http.client.HTTPResponse, bytes]:
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            client.request("GET", path, headers=headers or {})
            response = client.getresponse()
            return response, response.read()
        finally:
            client.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def database_url(tmp_path: Path) -> str:
    """The test database for the demo's processes: a file copy of SQLite's in-memory one,
    or PostgreSQL's test database itself."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = tmp_path / "demo.sqlite3"
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{target}"
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
        return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    pytest.skip(f"no database URL for {connection.vendor}")


@contextmanager
def run_demo(tmp_path: Path) -> Iterator[Demo]:
    """`eduplan demo` running on the tests' demo city: one gunicorn worker, both children
    started."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "EDUPLAN_"))}
    env.pop("DEBUG", None)
    env |= {
        "DJANGO_ENV": "development",
        "EDUPLAN_VAR_DIR": str(tmp_path),
        "DATABASE_URL": database_url(tmp_path),
        "EDUPLAN_WEB_WORKERS": "1",
        "EDUPLAN_WEB_THREADS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    port = free_port()
    options = ["--port", str(port), "--scale", str(DEMO_SCALE), "--seed", str(DEMO_SEED)]
    process = subprocess.Popen(
        [sys.executable, "-m", "eduplan", "demo", *options],
        cwd=settings.REPO_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = Demo(process, port)
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: running.lines.extend(process.stdout or ()))
    reader.start()
    try:
        started = STARTED.search(running.wait_for(STARTED))
        assert started
        running.pids = {"gunicorn": int(started.group(1)), "worker": int(started.group(2))}
        running.wait_for(r"Booting worker with pid")
        running.wait_for(r"Starting worker")
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in running.pids.values():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        reader.join(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_the_demo_serves_with_gunicorn_whitenoise_and_the_worker_and_stops_them_together(
    demo, tmp_path
):
    subject = f"demo-serving-{uuid.uuid4()}"
    notice_mails_send.enqueue([[subject, "queued before the demo started", "a@example.org"]])
    # The queued mail is in the database the demo is about to serve.
    with run_demo(tmp_path) as served:
        response, body = served.get("/accounts/login/")
        page = body.decode()
        assert response.status == 200
        assert response.getheader("Server", "").startswith("gunicorn")
        assert BANNER in page
        asset = HASHED_CSS.search(page)
        assert asset, page  # collected under its content's hash
        response, body = served.get(asset.group(1), {"Accept-Encoding": "gzip"})
        assert response.status == 200
        assert response.getheader("Cache-Control") == "max-age=315360000, public, immutable"
        assert response.getheader("Content-Encoding") == "gzip"
        assert response.getheader("Server", "").startswith("gunicorn")
        response, body = served.get("/public/")  # the demo city's plan, no login needed
        assert response.status == 200 and BANNER in body.decode()
        assert "演示账号" in served.output  # the set-up ran and listed the accounts
        # DEBUG is off: an unknown address gets the site's 404, not Django's debug page.
        response, body = served.get("/no-such-page/")
        assert response.status == 404 and b"URLconf" not in body
        # The worker runs what is queued: the console mail backend prints the mail.
        served.wait_for(re.escape(subject), seconds=60)

        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(timeout=60) == 0, served.output
        assert not alive(served.pids["gunicorn"]) and not alive(served.pids["worker"])


# The supervision itself, with two stand-ins for gunicorn and the worker (no Django to boot).
SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def stand_ins(monkeypatch: pytest.MonkeyPatch, commands: dict[str, list[str]]) -> list[Child]:
    started: list[Child] = []

    def start(name: str, command: list[str], env: dict[str, str]) -> Child:
        started.append(real_start(name, commands[name], env))
        return started[-1]

    real_start = serving.start
    monkeypatch.setattr(serving, "start", start)
    monkeypatch.setattr(serving, "collect_static", lambda: None)
    return started


@pytest.mark.parametrize("dies", ["gunicorn", "worker"])
def test_when_one_child_ends_the_demo_stops_the_other_and_fails(monkeypatch, dies):
    commands = {"gunicorn": SLEEPER, "worker": SLEEPER}
    commands[dies] = [sys.executable, "-c", "raise SystemExit(3)"]
    started = stand_ins(monkeypatch, commands)
    out = io.StringIO()
    with pytest.raises(
        CommandError, match=f"^{dies} 已退出（退出码 3）.*{dies} exited with code 3"
    ):
        call_command("demo", "--no-setup", "--port", str(free_port()), stdout=out)
    assert [c.name for c in started] == ["gunicorn", "worker"]
    other = next(c for c in started if c.name != dies)
    assert other.process.returncode == -signal.SIGTERM  # stopped, not left running
    assert f"进程 {started[0].process.pid}" in out.getvalue()


def test_a_signal_stops_both_children_and_the_demo_ends_without_error(monkeypatch):
    started = stand_ins(monkeypatch, {"gunicorn": SLEEPER, "worker": SLEEPER})

    class Out(io.StringIO):
        def flush(self) -> None:  # the children are up: press Ctrl-C
            os.kill(os.getpid(), signal.SIGINT)

    ended = serving.serve(free_port(), Out())
    assert ended == serving.Ended()
    assert [c.process.returncode for c in started] == [-signal.SIGTERM, -signal.SIGTERM]


def test_a_second_ctrl_c_kills_children_that_do_not_stop(monkeypatch):
    stubborn = ["sh", "-c", "trap '' TERM; exec sleep 120"]  # ignores SIGTERM
    started = stand_ins(monkeypatch, {"gunicorn": stubborn, "worker": stubborn})

    class Out(io.StringIO):
        def flush(self) -> None:  # the children are up: Ctrl-C, and again a moment later
            for delay in (1.0, 2.5):
                threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT)).start()

    begun = time.monotonic()
    assert serving.serve(free_port(), Out()) == serving.Ended()
    assert time.monotonic() - begun < serving.STOP_GRACE_SECONDS
    assert [c.process.returncode for c in started] == [-signal.SIGKILL, -signal.SIGKILL]
