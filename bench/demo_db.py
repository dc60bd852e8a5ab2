"""What every database benchmark does first: Django on a scratch SQLite file (unless
DATABASE_URL names a database), migrated, with the demo city at the asked scale."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def django_on_scratch(prefix: str) -> str:
    """Set up Django; returns the scratch folder (its var dir unless one is set)."""
    scratch = tempfile.mkdtemp(prefix=prefix)
    os.environ.setdefault("EDUPLAN_VAR_DIR", scratch)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "eduplan.settings"
    os.environ.setdefault("DJANGO_ENV", "development")
    import django

    django.setup()
    return scratch


def demo_database(scale: float) -> float:
    """Migrate and load the demo city (on PostgreSQL the database is emptied first: a
    benchmark database is its own); returns the seconds the demo took. An existing
    SQLite demo file (DATABASE_URL) is reused: only what is missing is loaded."""
    from django.core.management import call_command
    from django.db import connection

    from eduplan.demo.services import demo_setup

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    start = time.perf_counter()
    demo_setup(scale=scale, seed=2016)
    return time.perf_counter() - start
