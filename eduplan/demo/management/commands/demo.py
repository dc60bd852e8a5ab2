"""`eduplan demo`: migrate, load the plan and a synthetic city once, and serve it with
the demo banner on every page as a deployment serves (gunicorn with whitenoise and the
worker: demo/serving.py); `eduplan demo check`: verify that the demo's sources agree."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.demo.checks import demo_check_report
from eduplan.demo.services import DEMO_PASSWORD, demo_accounts, demo_setup
from eduplan.demo.serving import serve
from eduplan.org.models import OrgUnit, Role


class Command(BaseCommand):
    help = (
        "Set up the demo (once) and serve it on 127.0.0.1 as a deployment does (gunicorn, "
        "worker); `check` verifies it"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action")
        sub.add_parser(
            "check", help="verify that the demo's census, reports and pages agree (exit 1 if not)"
        )
        parser.add_argument(
            "--scale", type=float, default=1.0, help="city size (1 ≈ Zhengzhou 2016)"
        )
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="set up only")
        parser.add_argument(
            "--no-setup",
            action="store_true",
            help="serve the database as it is (no migration, no demo data loaded)",
        )
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Django's development server instead of gunicorn and the worker",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("action") == "check":
            self.check_demo()
            return
        if not options["no_setup"]:
            self.set_up(options["scale"], options["seed"], options["port"])
        if options["no_serve"]:
            return
        if options["dev"]:
            # Django's development server in this process (no reloader).
            settings.EDUPLAN_DEMO = True
            os.environ["EDUPLAN_DEMO"] = "true"
            call_command("runserver", f"127.0.0.1:{options['port']}", use_reloader=False)
            return
        ended = serve(options["port"], self.stdout)
        if ended.child:
            raise CommandError(
                f"{ended.child} 已退出（退出码 {ended.returncode}），演示已停止 / "
                f"{ended.child} exited with code {ended.returncode}: the demo stopped"
            )

    def set_up(self, scale: float, seed: int, port: int) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        done = demo_setup(scale=scale, seed=seed)
        if done:
            self.stdout.write("已载入：" + "，".join(f"{k} {v}" for k, v in done.items()))
        accounts = demo_accounts()
        codes = [a.scope_code for a in accounts]
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes).only("code", "name")}
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write("")
        self.stdout.write(f"EduPlan 教育重点工作督办平台：{url}")
        self.stdout.write(f"  领导驾驶舱：{url}dashboards/   大屏：{url}dashboards/screen/")
        self.stdout.write(f"  信息公开（无需登录）：{url}public/")
        self.stdout.write(f"  台账审核（县区、计划财务处）：{url}ledgers/review/")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for account in accounts:
            scope = units.get(account.scope_code)
            scope_name = scope.name if scope else ""
            self.stdout.write(
                f"  {account.username:<16} {Role(account.role).label:<8} {scope_name}"
            )
        self.stdout.write("")

    def check_demo(self) -> None:
        report = demo_check_report()
        counts = "，".join(f"{name} {n}" for name, n in report.checked.items())
        if report.problems:
            for problem in report.problems:
                self.stdout.write(str(problem))
            raise CommandError(f"演示数据有 {len(report.problems)} 处矛盾（已检查：{counts}）")
        self.stdout.write(f"OK 演示数据前后一致（已检查：{counts}）")
