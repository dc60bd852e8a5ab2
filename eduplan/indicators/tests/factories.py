"""Bindings for the small test plans (plans.tests.factories.make_plan)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from eduplan.indicators.models import GoalMode, TargetBinding
from eduplan.org.tests.factories import OrgUnitFactory
from eduplan.plans.models import Plan, Target

OPENED_ONLY = "只统计新开办的学校；改扩建尚无项目台账，不计入"


def binding_create(*, target: Target, **kw: Any) -> TargetBinding:
    """A three-year target on schools opened, counted from 2016 on a baseline of 0."""
    defaults: dict[str, Any] = {
        "metric_key": "org.schools_opened",
        "goal_mode": GoalMode.ABSOLUTE,
        "baseline_value": Decimal(0),
        "baseline_on": datetime.date(2015, 12, 31),
        "start_on": datetime.date(2016, 1, 1),
        "due_on": datetime.date(2018, 12, 31),
    }
    return TargetBinding.objects.create(target=target, **{**defaults, **kw})


def provisional_and_real(plan: Plan) -> tuple[Target, Target]:
    """Bind project 1's target to schools opened as a provisional measure (临时口径) and
    project 2's as a real one; one school opens in 2016, so both are off track (1 of 50)
    by 2016B6."""
    first, second = (
        Target.objects.filter(plan=plan, goal__project__number=n).get() for n in (1, 2)
    )
    binding_create(target=first, provisional=OPENED_ONLY)
    binding_create(target=second)
    OrgUnitFactory(
        code=f"{plan.organisation.code}-NEW1",
        name="新开办学校",
        parent=plan.organisation,
        opened_on=datetime.date(2016, 3, 1),
    )
    return first, second
