"""gunicorn's settings for EduPlan, the same for a deployment and for `eduplan demo`:

    gunicorn -c eduplan/gunicorn_conf.py eduplan.wsgi:application

Each may be changed by its environment variable (or by gunicorn's own command-line
options, which win over this file): EDUPLAN_BIND (127.0.0.1:8000; a gateway such as
nginx stands in front), WEB_CONCURRENCY (worker processes: twice the CPUs plus one, at
most 8), GUNICORN_THREADS (threads per worker: 4), GUNICORN_TIMEOUT (seconds a request
may take before its worker is restarted: 120, for the largest exports). The access log
goes to standard output, errors to standard error.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "eduplan.wsgi:application"
bind = [os.environ.get("EDUPLAN_BIND", "127.0.0.1:8000")]
workers = _int("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 8))
# Threads let a worker answer other requests while one waits on the database.
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = 30  # on SIGTERM, requests under way get this long to finish
keepalive = 5
accesslog = "-"
errorlog = "-"
# gunicorn's control socket (gunicornc) is not used; its default path is one per user, which
# two servers on one machine (the demo and a benchmark) would share.
control_socket_disable = True
