"""`eduplan supervision scan [--at YYYY-MM-DD] [--json]`: run the warning rules, the
colour history and the reminders once, here and now (the worker does it daily);
`eduplan supervision rules`: the rules table with its current numbers."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from eduplan.core.errors import InputError
from eduplan.supervision.models import Rule
from eduplan.supervision.rules import rule_specs
from eduplan.supervision.services import supervision_run


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--at: not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = "Supervision: run the warning rules and reminders once, or list the rules"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        scan = sub.add_parser("scan", help="run the rules, colour history and reminders once")
        scan.add_argument("--at", help="the date to run for, YYYY-MM-DD (default: today)")
        scan.add_argument("--json", action="store_true")
        sub.add_parser("rules", help="the warning rules and their numbers")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            specs = rule_specs()
        except InputError as exc:
            raise CommandError(str(exc)) from None
        if options["action"] == "rules":
            for spec in specs:
                state = "启用" if spec.enabled else "停用"
                after = f"逾期 {spec.days} 天" if spec.days else "到期即算"
                self.stdout.write(
                    f"{Rule(spec.rule).label}（{spec.rule}）[{state}] {after}，"
                    f"答复期限 {spec.respond_days} 天：{spec.finds} → {spec.responsible}"
                )
            return
        at = _date(options["at"]) if options["at"] else timezone.localdate()
        result = supervision_run(at=at)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
            return
        created = "，".join(f"{Rule(rule).label} {n}" for rule, n in result.scan.created.items())
        self.stdout.write(
            f"督办 {at.isoformat()}：新立督办单 {result.scan.total_created}（{created or '无'}）；"
            f"已有未办结 {result.scan.already}；颜色记录 {result.colours}；"
            f"催办 {result.reminders}"
        )
