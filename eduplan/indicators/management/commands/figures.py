"""`eduplan figures status | rebuild [KEY …] | check [KEY …]`: the figures store."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from eduplan.core.figure_rebuild import store_check, store_rebuild
from eduplan.core.figure_store import store_refresh
from eduplan.core.metrics import UnknownMetric, metric
from eduplan.core.models import FigureDirty, StoredMetric, TreeFigure, UnitFigure
from eduplan.indicators.selectors import bound_metric_keys


class Command(BaseCommand):
    help = "The figures store: what it holds, rebuild it from the rows, check it"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="the stored metrics, their rows and the marks pending")
        rebuild = sub.add_parser(
            "rebuild", help="build the stored metrics (and every bound one) again from the rows"
        )
        rebuild.add_argument("keys", nargs="*", help="only these metrics")
        rebuild.add_argument(
            "--workers",
            type=int,
            default=None,
            help="connections building at once on PostgreSQL (default: "
            "EDUPLAN_STORE_BUILD_WORKERS, or one per core)",
        )
        check = sub.add_parser(
            "check", help="rebuild and count the rows the kept figures had wrong (exit 1 if any)"
        )
        check.add_argument("keys", nargs="*", help="only these metrics")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "status":
            self._status()
            return
        keys = options["keys"] or None
        for key in keys or []:
            try:
                metric(key)
            except UnknownMetric:
                raise CommandError(f"未知指标：{key}") from None
        start = time.perf_counter()
        if action == "rebuild":
            built = store_rebuild(
                keys if keys is not None else bound_metric_keys(), workers=options["workers"]
            )
            seconds = time.perf_counter() - start
            self.stdout.write(f"已重建 {len(built)} 个指标，用时 {seconds:.2f} 秒")
            return
        wrong = {k: n for k, n in store_check(keys).items() if n}
        for key, n in sorted(wrong.items()):
            self.stdout.write(f"{key}: {n} 行与重建结果不同（已修复）")
        if wrong:
            raise CommandError(f"{len(wrong)} 个指标的存量数字有误")
        self.stdout.write("存量数字与重建结果一致")

    def _status(self) -> None:
        store_refresh()
        units = dict(
            UnitFigure.objects.values("key").annotate(n=Count("*")).values_list("key", "n")
        )
        tree = dict(TreeFigure.objects.values("key").annotate(n=Count("*")).values_list("key", "n"))
        for key in StoredMetric.objects.order_by("key").values_list("key", flat=True):
            self.stdout.write(f"{key}\t{units.get(key, 0)}\t{tree.get(key, 0)}")
        self.stdout.write(f"待处理标记：{FigureDirty.objects.count()}")
