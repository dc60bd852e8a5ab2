"""Profile: where a warm dashboard page's Python time goes.

    DATABASE_URL=postgres://… .venv/bin/python bench/profile_page.py /dashboards/projects/1/
        [--scale 1] [--user leader] [--at 2016B6] [--count 30] [--sort cumulative] [--top 60]

The demo city at `--scale`, the page requested through Django's request handler in this
process as `--user` (warmed up first, as bench_dashboards.py's warm requests are), then
`--count` requests under cProfile: the functions ranked by `--sort`, and the CPU time per
request without the profiler.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_db import demo_database, django_on_scratch


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--user", default="leader")
    parser.add_argument("--at", default="2016B6")
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=60)
    args = parser.parse_args()
    django_on_scratch("eduplan-profile-page-")
    from eduplan.core.gc_tuning import gc_tune

    gc_tune()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    demo_database(args.scale)
    client = Client()
    client.force_login(get_user_model().objects.get(username=args.user))
    data = {"at": args.at} if args.at else {}

    def get() -> None:
        response = client.get(args.url, data)
        assert response.status_code == 200, (args.url, response.status_code)

    for _ in range(5):
        get()
    start = time.process_time()
    for _ in range(args.count):
        get()
    print(f"CPU per request: {(time.process_time() - start) * 1000 / args.count:.1f} ms")
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _ in range(args.count):
        get()
    profile.disable()
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
