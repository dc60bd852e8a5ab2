"""The `eduplan` console script: Django's management commands with EduPlan's settings.

`eduplan plan show --json`, `eduplan demo`, `eduplan migrate` … all run here.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["eduplan", *args])


if __name__ == "__main__":
    main()
