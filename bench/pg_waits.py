"""Samples what the PostgreSQL backends of one database are doing, until its standard input
closes; then prints the counts as JSON. bench_reporting_http.py runs it beside the burst:

    .venv/bin/python bench/pg_waits.py DSN [--every 0.01]

Each sample reads pg_stat_activity (itself excluded): a backend running a statement counts
under its wait event ("Lock:transactionid", "LWLock:WALWrite", …) or "CPU" when it waits on
nothing; one inside a transaction between statements counts as "idle in transaction" (the
web worker is running Python or waiting for a core). Idle backends are not counted.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import Counter

import psycopg

SAMPLE = """
SELECT CASE
         WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'CPU')
         ELSE state
       END
FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
  AND backend_type = 'client backend' AND state <> 'idle'
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("dsn")
    parser.add_argument("--every", type=float, default=0.01)
    args = parser.parse_args()
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    counts: Counter[str] = Counter()
    samples = 0
    with psycopg.connect(args.dsn, autocommit=True) as conn:
        while not stop.is_set():
            counts.update(row[0] for row in conn.execute(SAMPLE).fetchall())
            samples += 1
            time.sleep(args.every)
    print(json.dumps({"samples": samples, "counts": dict(counts)}))


if __name__ == "__main__":
    main()
