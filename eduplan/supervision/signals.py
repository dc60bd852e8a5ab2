"""Every saved or deleted supervision order (and co-handler) moves the orders' part of
the figures (`figures_cache.ORDERS`), so the orders a page lists are read again; the
figures themselves do not move (marks only: a nightly scan raising hundreds of orders
leaves every cached figure alone)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from eduplan.core.figure_parts import parts_changed
from eduplan.core.figures_cache import ORDERS
from eduplan.supervision.models import CoHandler, SupervisionOrder


def _changed(**_kwargs: Any) -> None:
    parts_changed([ORDERS])


def connect() -> None:
    for model in (SupervisionOrder, CoHandler):
        post_save.connect(_changed, sender=model, dispatch_uid=f"orders-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"orders-del-{model.__name__}")
