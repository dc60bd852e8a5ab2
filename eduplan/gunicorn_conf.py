"""How a deployment runs the web processes: `gunicorn -c python:eduplan.gunicorn_conf`.

Workers and threads follow the machine's CPU count unless EDUPLAN_WEB_WORKERS and
EDUPLAN_WEB_THREADS say otherwise: one process per core, each with a few threads that
wait on the database in turn (a request spends part of its time waiting on PostgreSQL).
Two processes per core served fewer requests on two cores: in the deadline burst
(bench/bench_reporting_http.py) 4 × 4 gave 155–171 saves a second against 173–223 for
2 × 4, each save costing more CPU (8.0–8.8 ms against 6.1–7.7) as the processes took
the cores from each other and from the database. Each process keeps its own pool of database
connections (settings.py, DB_POOL), sized to its threads unless DB_POOL_MAX_SIZE is set.
The application is loaded in each worker after the fork, so no worker inherits another's
database connections.
"""

from __future__ import annotations

import os

DEFAULT_BIND = "127.0.0.1:8000"


def web_workers(cpus: int | None) -> int:
    """EDUPLAN_WEB_WORKERS, else one per CPU (at least two, so one slow request never
    holds every worker)."""
    configured = os.environ.get("EDUPLAN_WEB_WORKERS")
    if configured:
        return max(1, int(configured))
    return max(2, cpus or 1)


def web_threads() -> int:
    """EDUPLAN_WEB_THREADS, else 4 threads per worker."""
    return max(1, int(os.environ.get("EDUPLAN_WEB_THREADS") or 4))


wsgi_app = "eduplan.wsgi:application"
bind = [os.environ.get("EDUPLAN_WEB_BIND") or DEFAULT_BIND]
workers = web_workers(os.cpu_count())
threads = web_threads()
worker_class = "gthread"
# Idle keep-alive connections of clients behind the gateway are held this long.
keepalive = 5
# Each thread holds at most one database connection during a request, and the pool
# keeps a spare for work outside requests (gunicorn sets these in the workers' environment).
raw_env = [
    f"DB_POOL_MAX_SIZE={os.environ.get('DB_POOL_MAX_SIZE') or threads + 1}",
    f"DB_POOL_MIN_SIZE={os.environ.get('DB_POOL_MIN_SIZE') or min(2, threads)}",
]
# A request may take this long (the largest exports) before its worker is restarted; on
# SIGTERM, requests under way get graceful_timeout to finish. The access log goes to
# standard output (`eduplan demo` shows it), errors to standard error.
timeout = 120
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
# A worker is restarted after this many requests (spread so they do not all restart at
# once): what reference cycles its collector leaves, under the thresholds below, is freed.
max_requests = 20_000
max_requests_jitter = 2_000


def post_fork(_server: object, _worker: object) -> None:
    """Each worker collects garbage less often (core/gc_tuning.py)."""
    from eduplan.core.gc_tuning import gc_tune

    gc_tune()


# gunicorn's control socket (gunicornc) is not used; its default path is one per user,
# which two servers on one machine (the demo and a benchmark) would share.
control_socket_disable = True
