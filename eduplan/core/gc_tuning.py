"""The web processes' garbage collector: fewer collections of the oldest generation.

A dashboard request allocates hundreds of thousands of objects. Under Python's default
thresholds (700, 10, 10) a warm request set off collections of the oldest generation,
which walk every long-lived object, the figures cache's graphs among them: 250–390 ms
each, every two or three requests, at scale 10 (`bench/bench_dashboards.py`: the warm
city cockpit's p95 went from 440 to 60 ms with the thresholds below). Almost all of a
request's garbage is freed by reference counting, not by the collector; gunicorn
restarts a worker after `max_requests`, which bounds what cycles could keep.
"""

from __future__ import annotations

import gc
import os

DEFAULT = (50_000, 50, 1_000)


def gc_thresholds() -> tuple[int, int, int]:
    """EDUPLAN_GC_THRESHOLDS ("50000,50,1000"), else the default."""
    configured = os.environ.get("EDUPLAN_GC_THRESHOLDS", "")
    if not configured:
        return DEFAULT
    first, second, third = (int(part) for part in configured.split(","))
    return first, second, third


def gc_tune() -> None:
    """Apply the thresholds to this process (each web worker, after the fork)."""
    gc.set_threshold(*gc_thresholds())
