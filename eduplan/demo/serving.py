"""How `eduplan demo` serves: as a deployment does (docs/ARCHITECTURE.md, "Processes").

It collects the static files (hashed and compressed, served by whitenoise), then runs
two child processes: gunicorn with eduplan/gunicorn_conf.py (the web) and `eduplan
worker` (the task queue and its scheduled work: notice mails, the daily supervision
run). Ctrl-C, SIGTERM or SIGHUP stop both (SIGTERM to each, SIGKILL after the grace
time or at a second Ctrl-C); when one of them ends by itself the other is stopped and
`serve` says which ended and with what code. DEBUG is off for both, as in production.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from io import TextIOBase
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.db import connections

from eduplan.gunicorn_conf import web_workers

GUNICORN_CONF = settings.BASE_DIR / "gunicorn_conf.py"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# gunicorn waits up to its graceful_timeout (30 s) for requests under way.
STOP_GRACE_SECONDS = 35.0
PR_SET_PDEATHSIG = 1
DEMO_MAX_WEB_WORKERS = 4


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


@dataclass(frozen=True)
class Ended:
    """Why serving stopped: a signal (`child` empty) or a child that ended by itself."""

    child: str = ""
    returncode: int = 0


def child_commands(port: int) -> dict[str, list[str]]:
    """The two processes, run by this Python from the repository (so that the checkout's
    code is what runs)."""
    python = sys.executable
    return {
        "gunicorn": [
            python,
            "-m",
            "gunicorn",
            "--config",
            str(GUNICORN_CONF),
            "--bind",
            f"127.0.0.1:{port}",
            "eduplan.wsgi:application",
        ],
        "worker": [python, "-m", "eduplan", "worker"],
    }


def child_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["EDUPLAN_DEMO"] = "true"  # every page says that its figures are simulated
    env["DEBUG"] = "false"
    # The deployment's config sizes gunicorn to the CPUs (one worker each, two at least);
    # on a large workstation the demo keeps to four unless told otherwise.
    workers = min(DEMO_MAX_WEB_WORKERS, web_workers(os.cpu_count()))
    env.setdefault("EDUPLAN_WEB_WORKERS", str(workers))
    env.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.settings")
    return env


# Resolved here, in the parent: the child only calls it between fork and exec.
_prctl = ctypes.CDLL(None).prctl if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """On Linux, a child gets SIGTERM if `eduplan demo` itself is killed (SIGKILL)."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start(name: str, command: list[str], env: dict[str, str]) -> Child:
    process = subprocess.Popen(
        command,
        cwd=settings.REPO_DIR,
        env=env,
        # Its own session: Ctrl-C reaches `eduplan demo` alone, which stops each child once.
        start_new_session=True,
        preexec_fn=_die_with_parent,  # the child's own set-up, before exec
    )
    return Child(name, process)


def stop(children: list[Child]) -> None:
    for child in children:
        if child.process.poll() is None:
            child.process.terminate()
    for child in children:
        try:
            child.process.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()


def serve(port: int, out: TextIOBase) -> Ended:
    """Collect the static files, run gunicorn and the worker until a signal or until one
    of them ends; both are stopped before this returns."""
    collect_static()
    connections.close_all()  # the children open their own; none is shared across fork
    stopping = threading.Event()
    children: list[Child] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if stopping.is_set():  # a second Ctrl-C: no waiting for requests under way
            for child in children:
                if child.process.poll() is None:
                    child.process.kill()
        stopping.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
    env = child_environment()
    ended = Ended()
    try:
        for name, command in child_commands(port).items():
            children.append(start(name, command, env))
        out.write(
            f"网站 gunicorn（进程 {children[0].process.pid}）：http://127.0.0.1:{port}/，"
            f"后台任务 eduplan worker（进程 {children[1].process.pid}）；按 Ctrl-C 停止。\n"
        )
        out.flush()
        while not stopping.wait(0.2):
            done = next((c for c in children if c.process.poll() is not None), None)
            if done is not None:
                ended = Ended(done.name, done.process.returncode)
                break
    finally:
        stop(children)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return ended


def collect_static() -> None:
    """What a deployment runs before it starts gunicorn (README, "PostgreSQL")."""
    call_command("collectstatic", interactive=False, verbosity=0)
