"""What every database benchmark does first: Django on a scratch SQLite file (unless
DATABASE_URL names a database), migrated, with the demo city at the asked scale.

On PostgreSQL a loaded demo is kept as a template database named by its scale and the
state of the code that shaped it (a hash of the migration names and the seed), e.g.
`eduplan_demo_s10_3f9a12c4`. The first run at a scale loads the demo (minutes at scale
10) and keeps it, or, when a template of the same scale exists under older migrations,
clones that one and migrates it forward; later runs recreate their own database from the template
(`CREATE DATABASE … TEMPLATE …`, seconds). The load's duration is written on the
template (`COMMENT ON DATABASE`) so later runs can still say it. `EDUPLAN_DEMO_RELOAD=1`
(or `reload=True`) drops the template and loads the demo again, e.g. after the demo
itself changed without a migration.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEMO_SEED = 2016
TEMPLATE_PREFIX = "eduplan_demo_"


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


@dataclass(frozen=True)
class DemoSetup:
    """How the bench database got its demo: `loaded_s` is what loading the demo took
    (now, or when the template was made), `setup_s` what this run spent."""

    template: str | None
    from_template: bool
    loaded_s: float
    setup_s: float


LAST_SETUP: DemoSetup | None = None


def demo_database(scale: float, *, reload: bool | None = None) -> float:
    """Migrate and load the demo city; returns the seconds this run spent on it.

    PostgreSQL: the bench database (DATABASE_URL's) is dropped and recreated from the
    scale's template, made first if it does not exist (or `reload`). SQLite: an existing
    demo file is reused, only what is missing is loaded. `LAST_SETUP` says which."""
    global LAST_SETUP
    from django.db import connection

    if reload is None:
        reload = os.environ.get("EDUPLAN_DEMO_RELOAD", "") not in ("", "0")
    if connection.vendor == "postgresql":
        LAST_SETUP = _postgres_demo(scale, reload=reload)
        return LAST_SETUP.setup_s
    from django.core.management import call_command

    from eduplan.demo.services import demo_setup

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    demo_setup(scale=scale, seed=DEMO_SEED)
    elapsed = time.perf_counter() - start
    LAST_SETUP = DemoSetup(None, False, elapsed, elapsed)
    return elapsed


def server_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL backend serving Django's connection,
    read from /proc (the server runs on this machine in the benches; 0.0 when it does
    not, or on SQLite, whose work is in this process's own CPU time). Add its change to
    `time.process_time()`'s to see the work of both sides."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # utime and stime are the 14th and 15th fields; fields[0] is the 3rd (state).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def migration_state() -> str:
    """A short hash of every migration on disk (app and name) and the demo's seed."""
    from django.db.migrations.loader import MigrationLoader

    names = sorted(f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations)
    text = "\n".join([*names, f"seed={DEMO_SEED}"])
    return hashlib.sha1(text.encode()).hexdigest()[:8]


def template_name(scale: float) -> str:
    """The template database of a scale at the current migration state."""
    label = f"{scale:g}".replace(".", "p").replace("-", "m")
    return f"{TEMPLATE_PREFIX}s{label}_{migration_state()}"


def _admin_connection() -> Any:
    """An autocommit connection to the server's `postgres` database, as Django's user."""
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["dbname"] = "postgres"
    return psycopg.connect(**params, autocommit=True)


def _template_exists(admin: Any, name: str) -> bool:
    row = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def _disconnect(connection: Any) -> None:
    """Close this process's connections to the bench database, its pool's too (a database
    with sessions cannot be a template)."""
    connection.close()
    if getattr(connection, "pool", None) is not None:
        connection.close_pool()


def _older_template(admin: Any, template: str) -> str | None:
    """The newest template of the same scale made under other migrations, if any."""
    scale_prefix = template.rsplit("_", 1)[0] + "_"
    row = admin.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s"
        " ORDER BY oid DESC LIMIT 1",
        [scale_prefix.replace("_", r"\_") + "%", template],
    ).fetchone()
    return row[0] if row else None


def _template_load_seconds(admin: Any, name: str) -> float:
    """The load time written on the template ("demo loaded in N s …"), 0 if none."""
    row = admin.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        [name],
    ).fetchone()
    words = (row[0] or "").split() if row else []
    try:
        return float(words[words.index("in") + 1])
    except (ValueError, IndexError):
        return 0.0


def _clone(admin: Any, *, source: str, target: str, tries: int = 30) -> None:
    """CREATE DATABASE target TEMPLATE source, waiting while another run clones it
    (PostgreSQL refuses a template that someone is connected to)."""
    import psycopg

    for attempt in range(tries):
        try:
            admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
            return
        except psycopg.errors.ObjectInUse:
            if attempt == tries - 1:
                raise
            time.sleep(1 + attempt % 5)


def _postgres_demo(scale: float, *, reload: bool) -> DemoSetup:
    from django.core.management import call_command
    from django.db import connection
    from psycopg import sql as psycopg_sql

    from eduplan.demo.services import demo_setup

    target = connection.settings_dict["NAME"]
    template = template_name(scale)
    if target.startswith(TEMPLATE_PREFIX):
        raise SystemExit(f"{target}: bench databases may not use the template prefix")
    start = time.perf_counter()
    _disconnect(connection)
    with _admin_connection() as admin:
        # One run at a time makes a scale's template; the others wait, then clone it.
        admin.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        if reload and _template_exists(admin, template):
            admin.execute(f'ALTER DATABASE "{template}" WITH IS_TEMPLATE false')
            admin.execute(f'DROP DATABASE "{template}" WITH (FORCE)')
        if _template_exists(admin, template):
            _clone(admin, source=template, target=target)
            loaded_s = _template_load_seconds(admin, template)
            return DemoSetup(template, True, loaded_s, time.perf_counter() - start)
        older = None if reload else _older_template(admin, template)
        if older is not None:  # the same demo under older migrations: migrated forward
            _clone(admin, source=older, target=target)
        else:
            admin.execute(f'CREATE DATABASE "{target}"')
        call_command("migrate", verbosity=0)
        migrated_s = time.perf_counter() - start
        loading = time.perf_counter()
        cpu = time.process_time()
        demo_setup(scale=scale, seed=DEMO_SEED)
        if older is not None:
            from eduplan.core.figure_store import store_warm
            from eduplan.indicators.selectors import bound_metric_keys

            store_warm(bound_metric_keys())  # what a fresh load builds at its end
        loaded_s = time.perf_counter() - loading
        cpu_s = time.process_time() - cpu
        _disconnect(connection)
        _clone(admin, source=target, target=template)
        note = (
            f"demo loaded in {loaded_s:.1f} s (cpu {cpu_s:.1f} s of this process, "
            f"migrate {migrated_s:.1f} s), scale {scale:g}, seed {DEMO_SEED}, "
            f"on {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC"
        )
        admin.execute(
            psycopg_sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                psycopg_sql.Identifier(template), psycopg_sql.Literal(note)
            )
        )
        admin.execute(f'ALTER DATABASE "{template}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false')
        return DemoSetup(template, False, loaded_s, time.perf_counter() - start)


def main() -> None:
    """Make (or refresh) the demo template of a scale and a bench database from it:

    DATABASE_URL=postgres://…/cap_s10 .venv/bin/python bench/demo_db.py --scale 10 [--reload]
    """
    import argparse

    parser = argparse.ArgumentParser(description="Load the demo city into a bench database.")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reload", action="store_true", help="load again, remaking the template")
    args = parser.parse_args()
    django_on_scratch("eduplan-demo-")
    from django.db import connection

    from eduplan.org.models import OrgUnit

    wall, cpu = time.perf_counter(), time.process_time()
    demo_database(args.scale, reload=args.reload or None)
    setup = LAST_SETUP
    assert setup is not None
    print(
        f"scale {args.scale:g} on {connection.vendor}: {OrgUnit.objects.count():,} org units; "
        f"{'cloned from' if setup.from_template else 'loaded into'} {setup.template or 'sqlite'} "
        f"in {time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s cpu; "
        f"the demo load itself took {setup.loaded_s:.1f} s"
    )


if __name__ == "__main__":
    main()
