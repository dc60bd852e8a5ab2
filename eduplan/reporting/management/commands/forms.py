"""`eduplan forms load [DIR]` and `eduplan forms open PERIOD…`: forms and their periods."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.core.errors import InputError
from eduplan.core.periods import PeriodCodeError, period_from_code
from eduplan.org.models import OrgUnit, UnitType
from eduplan.reporting.loading import FORMS_DIR, forms_load
from eduplan.reporting.models import Form
from eduplan.reporting.services import expected_reports_open


class Command(BaseCommand):
    help = "Load report forms, or open periods (fix who must report)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load form files")
        load.add_argument("folder", nargs="?", type=Path, default=FORMS_DIR)
        open_ = sub.add_parser("open", help="open periods for every form of their type")
        open_.add_argument("periods", nargs="+", help="period codes, e.g. 2016B1 2016T1")
        open_.add_argument("--form", help="only this form")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "load":
                for form, version, created in forms_load(options["folder"]):
                    state = "新版本" if created else "未变化"
                    self.stdout.write(f"{form.code} v{version.number}（{state}）{form.name}")
            else:
                self.open(options["periods"], options["form"])
        except (InputError, PeriodCodeError) as exc:
            raise CommandError(str(exc)) from None

    def open(self, codes: list[str], form_code: str | None) -> None:
        periods = [period_from_code(code) for code in codes]
        forms = Form.objects.all() if not form_code else Form.objects.filter(code=form_code)
        if not forms.exists():
            raise CommandError(f"没有报表：{form_code or '（尚未载入报表）'}")
        for period in periods:
            for form in forms.filter(period_type=period.type):
                added = expected_reports_open(form=form, period_code=period.code)
                why = _why_none(form, added)
                self.stdout.write(f"{period.label} {form.name}：应报单位 +{added}{why}")


def _why_none(form: Form, added: int) -> str:
    """Say why nobody must report when the org tree holds no unit the form is for."""
    if added or OrgUnit.objects.filter(type__in=form.assigned_types).exists():
        return ""
    if form.assigned_units.exists():
        return ""
    kinds = "、".join(str(UnitType(t).label) for t in form.assigned_types) or "指定"
    return (
        f"（组织树中还没有{kinds}类单位：先用 eduplan org load FILE 载入单位，"
        "或运行 eduplan demo 载入演示城市）"
    )
