"""`eduplan plan show|load`: plans from the command line.

`eduplan plan parse|import` (plan texts) are added by the planimport app, whose `plan`
command extends this one; apps to the right of plans add theirs through
`plans.commands.plan_action_register` (`eduplan plan status`, from indicators).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.core.errors import InputError
from eduplan.plans.commands import PLAN_ACTIONS
from eduplan.plans.loading import plan_spec_from_file
from eduplan.plans.selectors import plan_as_json, plan_default
from eduplan.plans.services import plan_load


class Command(BaseCommand):
    help = "Show or load plans"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        self.add_actions(sub)

    def add_actions(self, sub: Any) -> None:
        """The subcommands, each a parser of `sub` (an extending command adds its own)."""
        show = sub.add_parser("show", help="print a loaded plan")
        show.add_argument("--json", action="store_true", help="print JSON")
        show.add_argument("--code", help="plan code (default: the only or newest plan)")
        load = sub.add_parser("load", help="load a curated plan file (YAML)")
        load.add_argument("file", type=Path)
        for action in PLAN_ACTIONS.values():
            action.add_arguments(sub.add_parser(action.name, help=action.help))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "show":
            self.show(code=options["code"], as_json=options["json"])
        elif options["action"] == "load":
            self.load(options["file"])
        elif options["action"] in PLAN_ACTIONS:
            PLAN_ACTIONS[options["action"]].handle(self, options)

    def load(self, path: Path) -> None:
        try:
            plan = plan_load(spec=plan_spec_from_file(path))
        except InputError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已载入规划 {plan.code}：{plan.name}")

    def show(self, *, code: str | None, as_json: bool) -> None:
        plan = plan_default(code)
        if plan is None:
            raise CommandError(f"没有找到规划：{code}" if code else "尚未载入任何规划")
        data = plan_as_json(plan=plan)
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{plan.name}（{plan.start_year}—{plan.end_year}）")
        for project in data["projects"]:
            self.stdout.write(
                f"  第{project['number']}项工程 {project['name']}："
                f"目标 {len(project['goals'])} 条，量化目标 {len(project['targets'])} 个，"
                f"举措 {len(project['measures'])} 条"
            )
        self.stdout.write(f"  工作要点 {len(data['work_points'])} 条")
