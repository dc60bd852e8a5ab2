"""The `eduplan` console script: Django's management commands with EduPlan's settings.

`eduplan plan show --json`, `eduplan demo`, `eduplan migrate` … all run here. Bare
`eduplan`, `eduplan help` and `eduplan --help` list EduPlan's own commands first; a
command run on a database that was never migrated says so instead of a traceback.
"""

from __future__ import annotations

import os
import sys

HELP_ARGS: tuple[list[str], ...] = ([], ["help"], ["--help"], ["-h"])
# Commands that work (or must work) on an unmigrated database.
NO_DATABASE = {"migrate", "makemigrations", "check", "help", "version", "shell", "test"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.settings")
    import django
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    if args in HELP_ARGS:
        django.setup()
        sys.stdout.write(commands_overview())
        return
    try:
        execute_from_command_line(["eduplan", *args])
    except Exception as exc:
        if args and args[0] not in NO_DATABASE and unmigrated(exc):
            sys.stderr.write(
                "数据库尚未建表：请先运行 eduplan migrate（演示数据：eduplan demo）\n"
                "The database has no tables yet: run `eduplan migrate` first.\n"
            )
            raise SystemExit(1) from None
        raise


def commands_overview() -> str:
    """EduPlan's commands with their one-line help, then where Django's are."""
    from django.core.management import get_commands, load_command_class

    ours = sorted((name, app) for name, app in get_commands().items() if app.startswith("eduplan."))
    width = max(len(name) for name, _ in ours)
    lines = ["用法 / usage: eduplan <command> [options]   (eduplan <command> --help)", ""]
    lines.append("EduPlan 命令 / commands:")
    for name, app in ours:
        summary = str(load_command_class(app, name).help).splitlines()[0] if app else ""
        lines.append(f"  {name.ljust(width)}  {summary}")
    lines += [
        "",
        "先建库：eduplan migrate；演示城市：eduplan demo。",
        "Django 自带命令（migrate、createsuperuser、runserver …）：eduplan help --commands",
        "",
    ]
    return "\n".join(lines)


def unmigrated(exc: BaseException) -> bool:
    """True when `exc` is a database error raised because EduPlan's tables are missing."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import OperationalError, ProgrammingError

    if not isinstance(exc, (OperationalError, ProgrammingError)):
        return False
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        connection.close()  # a failed statement may have left a broken transaction (PostgreSQL)
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except Exception:
        return False


if __name__ == "__main__":
    main()
