"""`eduplan ledger list [--json]`, `eduplan ledger load [FOLDER]`,
`eduplan ledger template CODE FILE` and `eduplan ledger import CODE FILE --user NAME`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from eduplan.core.errors import InputError
from eduplan.ledgers.selectors import ledger_get, ledger_summaries
from eduplan.ledgers.services import LEDGERS_DIR, ledgers_load
from eduplan.ledgers.xlsx import ledger_xlsx_import, ledger_xlsx_template


class Command(BaseCommand):
    help = "Ledgers (台账): list them, load their files, write a template, import a workbook"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="every ledger with its version, records and metrics")
        listing.add_argument("--json", action="store_true")
        load = sub.add_parser("load", help="load the ledger files of a folder")
        load.add_argument("folder", nargs="?", type=Path, default=LEDGERS_DIR)
        template = sub.add_parser("template", help="write a ledger's Excel template")
        template.add_argument("code")
        template.add_argument("file", type=Path)
        importing = sub.add_parser("import", help="import a filled template, all or nothing")
        importing.add_argument("code")
        importing.add_argument("file", type=Path)
        importing.add_argument("--user", required=True, help="who keeps the records")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except (InputError, Http404) as exc:
            raise CommandError(str(exc)) from None

    def do_list(self, options: dict[str, Any]) -> None:
        rows: list[dict[str, Any]] = [
            {
                "code": s.ledger.code,
                "name": s.ledger.name,
                "keeper": s.keeper,
                "version": s.ledger.current_version.number if s.ledger.current_version else 0,
                "records": s.records,
                "metrics": s.metrics,
            }
            for s in ledger_summaries(user=None)
        ]
        if options["json"]:
            self.stdout.write(json.dumps({"ledgers": rows}, ensure_ascii=False, indent=2))
            return
        for row in rows:
            metrics = "、".join(m["key"] for m in row["metrics"])
            self.stdout.write(
                f"{row['code']:<24} v{row['version']:<3} {row['records']:>6} 条  "
                f"{row['name']}（{row['keeper']}） {metrics}"
            )

    def do_load(self, options: dict[str, Any]) -> None:
        loaded = ledgers_load(folder=options["folder"])
        new = sum(1 for _ledger, created in loaded if created)
        self.stdout.write(f"已载入 {len(loaded)} 个台账（新版本 {new} 个）")

    def do_template(self, options: dict[str, Any]) -> None:
        options["file"].write_bytes(ledger_xlsx_template(ledger=ledger_get(options["code"])))
        self.stdout.write(str(options["file"]))

    def do_import(self, options: dict[str, Any]) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"未知用户：{options['user']}")
        path: Path = options["file"]
        result = ledger_xlsx_import(
            user=user,
            ledger=ledger_get(options["code"]),
            data=path.read_bytes(),
            filename=path.name,
        )
        if not result.ok:
            for p in result.problems:
                self.stdout.write(
                    f"{p.sheet} 行{p.row or ''} 列{p.column} {p.element}: {p.message}"
                )
            raise CommandError(f"未导入：{len(result.problems) + result.more} 处问题")
        self.stdout.write(f"已导入 {result.stored} 条")
