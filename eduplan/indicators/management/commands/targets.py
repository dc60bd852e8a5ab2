"""`eduplan targets status --at 2016B6 [--org CODE] [--plan CODE] [--json]` and
`eduplan targets bind [FILE]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.core.errors import InputError
from eduplan.core.numbers import plain_number
from eduplan.core.periods import PeriodCodeError, period_from_code
from eduplan.indicators.loading import BINDINGS_FILE, bindings_load
from eduplan.indicators.status import target_status_list
from eduplan.org.models import OrgUnit
from eduplan.plans.selectors import plan_default


class Command(BaseCommand):
    help = "Target status, and binding targets to metrics"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser(
            "status", help="every target's actual, expected, status and forecast"
        )
        status.add_argument("--at", required=True, help="period code, e.g. 2016B6")
        status.add_argument("--org", help="org unit code (default: the plan's organisation)")
        status.add_argument("--plan", help="plan code (default: the newest plan)")
        status.add_argument("--json", action="store_true")
        bind = sub.add_parser("bind", help="load target bindings")
        bind.add_argument("file", nargs="?", type=Path, default=BINDINGS_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "bind":
            try:
                bindings = bindings_load(path=options["file"])
            except InputError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"已绑定 {len(bindings)} 个目标")
            return
        try:
            at = period_from_code(options["at"])
        except PeriodCodeError as exc:
            raise CommandError(str(exc)) from None
        plan = plan_default(options["plan"])
        if plan is None:
            raise CommandError("没有找到规划")
        unit = plan.organisation
        if options["org"]:
            found = OrgUnit.objects.filter(code=options["org"]).first()
            if found is None:
                raise CommandError(f"未知单位：{options['org']}")
            unit = found
        statuses = target_status_list(plan=plan, at=at, unit=unit)
        rows = [s.as_json() for s in statuses]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"plan": plan.code, "at": at.code, "org": unit.code, "targets": rows},
                    ensure_ascii=False,
                    indent=1,
                )
            )
            return
        self.stdout.write(f"{plan.name} · {unit.name} · 截至{at.label}")
        for status, row in zip(statuses, rows, strict=True):
            place = f"工程{row['project']}" if row["project"] else f"要点{row['work_point']}"
            # Every figure in the unit it is counted in: a cut by 60% is counted in classes.
            unit_of = row["figures_unit"]
            self.stdout.write(
                f"  [{status.label}] {place:<6} {row['indicator']}: "
                f"实际 {_figure(row['actual'], unit_of)} / 应达 {_figure(row['expected'], unit_of)}"
                f" / 目标 {_figure(row['goal'], unit_of)}"
                + (f"  [临时口径：{row['provisional']}]" if row["provisional"] else "")
            )


def _figure(value: float | None, unit: str) -> str:
    return "—" if value is None else plain_number(value, places=2) + unit
