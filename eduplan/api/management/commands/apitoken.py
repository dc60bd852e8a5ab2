"""`eduplan apitoken create USERNAME [--name N] [--days D]` prints a new token once
(it expires after D days);
`eduplan apitoken list [USERNAME]` and `eduplan apitoken revoke ID` manage them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from eduplan.api.auth import api_token_create
from eduplan.api.models import ApiToken


class Command(BaseCommand):
    help = "Create, list or revoke API tokens"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("username")
        create.add_argument("--name", default="api", help="what the token is for")
        create.add_argument(
            "--days", type=int, help="days until it expires (default EDUPLAN_API_TOKEN_DAYS)"
        )
        listing = sub.add_parser("list", help="list tokens (never their keys)")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="delete a token by id")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"没有用户：{options['username']}")
            if not user.is_active:
                raise CommandError(f"用户已停用：{options['username']}")
            if options["days"] is not None and options["days"] < 1:
                raise CommandError("--days 至少为 1")
            token, key = api_token_create(user=user, name=options["name"], days=options["days"])
            expires = timezone.localtime(token.expires)
            self.stderr.write(
                f"令牌 #{token.pk}（{token.name}，{expires:%Y-%m-%d %H:%M} 到期）"
                "只显示这一次，请妥善保存："
            )
            self.stdout.write(key)
        elif action == "list":
            tokens = ApiToken.objects.select_related("user").order_by("pk")
            if options["username"]:
                tokens = tokens.filter(user__username=options["username"])
            for token in tokens:
                used = (
                    f"{timezone.localtime(token.last_used):%Y-%m-%d %H:%M}"
                    if token.last_used
                    else "从未使用"
                )
                state = "已过期" if token.expires <= timezone.now() else "到期"
                self.stdout.write(
                    f"#{token.pk}\t{token.user.username}\t{token.name}\t{used}\t"
                    f"{state} {timezone.localtime(token.expires):%Y-%m-%d %H:%M}"
                )
        else:
            deleted, _ = ApiToken.objects.filter(pk=options["id"]).delete()
            if not deleted:
                raise CommandError(f"没有令牌 #{options['id']}")
            self.stdout.write(f"已撤销令牌 #{options['id']}")
