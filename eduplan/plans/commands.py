"""Subcommands of `eduplan plan` that apps to the right of plans add (`plan status`,
from indicators), registered in their AppConfig.ready: plans never imports them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PlanAction:
    name: str
    help: str
    add_arguments: Callable[[Any], None]  # given the subcommand's parser
    handle: Callable[[Any, dict[str, Any]], None]  # given the command and its options


PLAN_ACTIONS: dict[str, PlanAction] = {}


def plan_action_register(action: PlanAction) -> None:
    """Add (or replace) a subcommand of `eduplan plan`."""
    PLAN_ACTIONS[action.name] = action
