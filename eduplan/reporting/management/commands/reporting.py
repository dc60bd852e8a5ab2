"""`eduplan reporting run [--at YYYY-MM-DD] [--json]`: one day's scheduled reporting work
(periods opened, reminders before the due date, periods closed for entry), here and now;
the worker does it daily."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from eduplan.reporting.schedule import ReportingRun, reporting_run


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--at: not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = "Reporting: open, remind and close periods for one day, as the daily run does"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="open, remind and close periods for one day")
        run.add_argument("--at", help="the date to run for, YYYY-MM-DD (default: today)")
        run.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        at = _date(options["at"]) if options["at"] else timezone.localdate()
        result = reporting_run(at=at)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
            return
        self.report(result)

    def report(self, result: ReportingRun) -> None:
        self.stdout.write(f"填报周期 {result.at.isoformat()}")
        for o in result.opened:
            self.stdout.write(f"开启 {o.form.name} {o.period.label}：应报单位 +{o.added}")
        self.stdout.write(f"截止前催报：{result.reminded} 份")
        for c in result.closed:
            self.stdout.write(
                f"关闭 {c.form.name} {c.period.label}：{c.closed_on.isoformat()} 起停止填报，"
                f"未报 {c.missing} 份"
            )
        if not result.opened and not result.closed:
            self.stdout.write("无周期开启或关闭")
