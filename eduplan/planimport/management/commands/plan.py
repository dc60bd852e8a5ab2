"""`eduplan plan show|load|parse|import`: plans' command with plan texts added.

`parse` reads any plan text (UTF-8, GB18030, .docx) and prints what it found; `import`
stores it as a new draft plan (never changing an existing one). This app is listed
before plans in INSTALLED_APPS, so this `plan` command is the one Django runs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from eduplan.core.errors import InputError
from eduplan.core.numbers import chinese_number, plain_number
from eduplan.org.models import OrgUnit, UnitType
from eduplan.planimport.importing import (
    NAME_MAX,
    nothing_to_import,
    plan_code_free,
    plan_code_from_filename,
    plan_code_problem,
    plan_import,
)
from eduplan.planimport.parsing import ParsedPlan, ParsedTarget, PlanReadError, parse_plan_file
from eduplan.plans.management.commands.plan import Command as PlanCommand


class Command(PlanCommand):
    help = "Show, load, parse or import plans"

    def add_actions(self, sub: Any) -> None:
        super().add_actions(sub)
        parse = sub.add_parser("parse", help="read a plan text (txt, GB18030, .docx) and print it")
        parse.add_argument("file", type=Path)
        parse.add_argument("--json", action="store_true", help="print JSON")
        imp = sub.add_parser("import", help="import a plan text as a new draft plan")
        imp.add_argument("file", type=Path)
        imp.add_argument("--code", help="plan code (default: from the file name, made free)")
        imp.add_argument("--org", help="org unit code (default: the bureau root)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "parse":
            self.parse(options["file"], as_json=options["json"])
        elif options["action"] == "import":
            self.import_(options["file"], code=options["code"], org=options["org"])
        else:
            super().handle(*args, **options)

    def _parsed(self, path: Path) -> ParsedPlan:
        try:
            return parse_plan_file(path)
        except PlanReadError as exc:
            raise CommandError(str(exc)) from None

    def parse(self, path: Path, *, as_json: bool) -> None:
        # A text with no target (a notice, a bulletin) is read like any other: the
        # structure is printed with an empty list, and only an unreadable file fails.
        parsed = self._parsed(path)
        if as_json:
            self.stdout.write(json.dumps(parsed.to_json(), ensure_ascii=False, indent=1))
            return
        years = (
            f"（{parsed.start_year}—{parsed.end_year}）"
            if parsed.start_year and parsed.end_year
            else (f"（{parsed.year}年）" if parsed.year else "")
        )
        lines = [f"{parsed.title or path.name}{years}"]
        lines.append(f"工程 {len(parsed.projects)} 项")
        for project in parsed.projects:
            targets = sum(len(g.targets) for g in project.goals)
            lines.append(
                f"  第{project.number}项工程 {project.name}：目标 {len(project.goals)} 条，"
                f"量化目标 {targets} 个，举措 {len(project.measures)} 条"
            )
        lines.append(f"部分 {len(parsed.sections)} 个")
        for section in parsed.sections:
            points = sum(1 for w in parsed.work_points if w.section == section.number)
            lines.append(
                f"  {chinese_number(section.number)}、{section.title}：工作要点 {points} 条"
            )
        lines.append(f"工作要点 {len(parsed.work_points)} 条")
        lines.append(f"量化目标 {len(parsed.targets)} 个")
        for number, target in enumerate(parsed.targets, start=1):
            lines.append(f"  {number}. {_target_line(target)}")
        if parsed.achievements:
            lines.append(f"已完成或现状数字 {len(parsed.achievements)} 个（不作为目标）")
        self.stdout.write("\n".join(lines))

    def import_(self, path: Path, *, code: str | None, org: str | None) -> None:
        parsed = self._parsed(path)
        if parsed.empty:
            raise CommandError(nothing_to_import(path.name))
        if code is not None:
            problem = plan_code_problem(code)
            if problem is not None:
                raise CommandError(f"{path.name}：{problem}")
        else:
            code = plan_code_free(base=plan_code_from_filename(path.name))
        if org:
            organisation = OrgUnit.objects.filter(code=org).first()
            if organisation is None:
                raise CommandError(f"没有找到单位：{org}")
        else:
            organisation = OrgUnit.objects.filter(type=UnitType.BUREAU, parent__isnull=True).first()
            if organisation is None:
                raise CommandError("尚未载入市教育局（组织机构），请用 --org 指定单位")
        try:
            plan = plan_import(
                parsed=parsed,
                code=code,
                name=(parsed.title or path.stem)[:NAME_MAX],
                organisation=organisation,
                source_digest=hashlib.sha256(path.read_bytes()).hexdigest(),
            )
        except InputError as exc:
            raise CommandError(f"{path.name}：{exc}") from None
        targets = plan.targets.count()
        self.stdout.write(
            f"已导入规划草稿 {plan.code}：{plan.name}（工程 {len(parsed.projects)} 项，"
            f"工作要点 {len(parsed.work_points)} 条，量化目标 {targets} 个）"
        )


def _target_line(target: ParsedTarget) -> str:
    """One target for the summary: indicator, comparator, value, unit, change, source."""
    figure = plain_number(target.value)
    if target.value_max is not None:
        figure += f"–{plain_number(target.value_max)}"
    parts = [f"{target.comparator} {figure} {target.unit}"]
    if target.change:
        base = f"比{target.baseline_year}年" if target.baseline_year else ""
        parts.append(base + ("减少" if target.change == "decrease" else "增加"))
    if target.year:
        parts.append(f"{target.year}年")
    place = f"［{target.section}］" if target.section else ""
    indicator = target.indicator or "（未命名指标）"
    return f"{place}{indicator}：{'，'.join(parts)}｜原文：{target.source}"
