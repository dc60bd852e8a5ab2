"""`eduplan bulletin --at 2016B6 [--plan CODE] --out FILE.docx`: the bimonthly 督查通报."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.core.periods import PeriodCodeError, PeriodType, period_from_code
from eduplan.supervision.bulletin import bulletin_build, bulletin_docx, plan_for_bulletin


class Command(BaseCommand):
    help = "Write the bimonthly supervision bulletin (督查通报) as a .docx"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", required=True, help="bimonthly period, e.g. 2016B6")
        parser.add_argument("--plan", help="plan code (default: the newest plan)")
        parser.add_argument("--out", required=True, type=Path, help="the .docx to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = period_from_code(options["at"])
        except PeriodCodeError as exc:
            raise CommandError(str(exc)) from None
        if period.type is not PeriodType.BIMONTHLY:
            raise CommandError(f"通报按双月编制，请给出双月周期（如 2016B6），而不是 {period.code}")
        plan = plan_for_bulletin(options["plan"])
        if plan is None:
            raise CommandError("没有找到规划")
        bulletin = bulletin_build(plan=plan, period=period)
        options["out"].write_bytes(bulletin_docx(bulletin))
        self.stdout.write(f"已生成 {bulletin.number}：{options['out']}")
