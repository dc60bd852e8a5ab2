"""`eduplan appraisal score --year 2016 [--unit CODE] [--as-of YYYY-MM-DD] [--json]` and
`eduplan appraisal load [FILE]` (the weights, a new version when they changed)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.appraisal.loading import WEIGHTS_FILE, weights_load
from eduplan.appraisal.models import UnitKind
from eduplan.appraisal.scoring import points_text, score_as_json, unit_scores, weights_current
from eduplan.core.errors import InputError
from eduplan.org.models import OrgUnit


class Command(BaseCommand):
    help = "Yearly appraisal of departments and districts: load the weights, print scores"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        score = sub.add_parser("score", help="each unit's score with its parts and formulas")
        score.add_argument("--year", type=int, required=True)
        score.add_argument("--unit", help="one unit's code (default: every unit)")
        score.add_argument(
            "--as-of", type=datetime.date.fromisoformat, help="judge records on this day"
        )
        score.add_argument("--json", action="store_true")
        load = sub.add_parser("load", help="load the weights file")
        load.add_argument("file", nargs="?", type=Path, default=WEIGHTS_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            try:
                weights, new = weights_load(path=options["file"])
            except InputError as exc:
                raise CommandError(str(exc)) from None
            state = "新版本" if new else "未变化"
            self.stdout.write(f"{weights.year}年考核权重：第{weights.version}版（{state}）")
            return
        self._score(options)

    def _score(self, options: dict[str, Any]) -> None:
        year = options["year"]
        weights = weights_current(year)
        if weights is None:
            raise CommandError(f"{year}年没有考核权重：请先运行 eduplan appraisal load")
        units = OrgUnit.objects.filter(type__in=UnitKind.values).order_by("type", "code")
        if options["unit"]:
            units = units.filter(code=options["unit"])
            if not units:
                raise CommandError(f"不是考核单位：{options['unit']}")
        scores = unit_scores(units=list(units), year=year, weights=weights, as_of=options["as_of"])
        if options["json"]:
            body = {
                "year": year,
                "weights_version": weights.version,
                "units": [score_as_json(s) for s in scores],
            }
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{year}年考核（权重第{weights.version}版；按单位代码排列，非排名）")
        for s in scores:
            self.stdout.write(f"{s.unit.code} {s.unit.name}：{points_text(s.final)}")
            for p in s.parts:
                self.stdout.write(f"  {p.formula}")
