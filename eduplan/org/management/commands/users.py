"""`eduplan users reset-link USERNAME` prints a one-time link to set a new password;
`eduplan users unlock USERNAME` (or `--ip ADDRESS`) lifts a lockout after failed logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from eduplan.core.errors import InputError
from eduplan.org.accounts import login_lockout_clear, user_reset_link_issue


class Command(BaseCommand):
    help = "Issue a password reset link or unlock a locked-out account"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        link = sub.add_parser("reset-link", help="print a one-time link to set a new password")
        link.add_argument("username")
        unlock = sub.add_parser("unlock", help="lift a lockout after failed logins")
        unlock.add_argument("username", nargs="?")
        unlock.add_argument("--ip", help="unlock this client address instead")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "reset-link":
                link = user_reset_link_issue(username=options["username"])
                expires = timezone.localtime(link.expires)
                self.stderr.write(
                    f"重置密码链接（仅可使用一次，{expires:%Y-%m-%d %H:%M} 前有效），"
                    "请当面或经内部渠道交给本人："
                )
                self.stdout.write(link.url)
                return
            if not options["username"] and not options["ip"]:
                raise CommandError("请给出用户名或 --ip 地址")
            removed = login_lockout_clear(username=options["username"], ip_address=options["ip"])
        except InputError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已解除锁定（清除 {removed} 条失败记录）")
