"""`eduplan org load FILE`: load a bureau's organisation file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.core.errors import InputError
from eduplan.org.services import org_path_load


class Command(BaseCommand):
    help = "Load org units and unit groups from a YAML file"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load an organisation file")
        load.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            units = org_path_load(path=path)
        except InputError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已载入 {len(units)} 个单位")
