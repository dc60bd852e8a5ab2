"""Plausible report values for the demo city and the benchmarks, consistent with each
shipped form's rules, deterministic for a seed."""

from __future__ import annotations

import random
from typing import Any

from eduplan.reporting.definitions import ElementDef, FormDefinition


def _generic(element: ElementDef, rng: random.Random) -> Any:
    if element.type == "boolean":
        return rng.choice(["是", "否"])
    if element.type == "choice":
        return rng.choice(element.choices)
    if element.type == "text":
        return "按计划推进"
    if element.type == "date":
        return "2016-06-30"
    low = int(element.min or 0)
    high = int(element.max) if element.max is not None else low + 100
    return rng.randint(low, high)


def demo_values(definition: FormDefinition, rng: random.Random) -> dict[str, Any]:
    """Values for one report of the form that pass its error rules."""
    values = {e.code: _generic(e, rng) for e in definition.elements}
    code = definition.code
    if code == "class-size":
        classes = rng.randint(12, 36)
        values.update(
            classes_total=classes,
            pupils_total=classes * rng.randint(40, 58),
            classes_large=rng.randint(0, classes // 3),
            classes_huge=rng.randint(0, classes // 10),
        )
    elif code == "construction-progress":
        planned = rng.randint(1, 4)
        started = rng.randint(0, planned)
        topped = rng.randint(0, started)
        values.update(
            build_planned=planned,
            build_started=started,
            build_topped=topped,
            build_completed=rng.randint(0, topped),
            build_investment=rng.randint(500, 30000),
            build_places=rng.randint(0, 3000),
        )
    elif code == "football-activity":
        values.update(fb_weekly_lessons=rng.choice([1, 1, 1, 2]), fb_players=rng.randint(40, 600))
    elif code == "ict-status":
        classes = rng.randint(12, 40)
        values.update(ict_classes=classes, ict_upgraded=rng.randint(0, classes), ict_bandwidth=100)
    elif code == "kindergarten-status":
        classes = rng.randint(3, 15)
        values.update(kg_classes=classes, kg_children=classes * rng.randint(20, 35))
    elif code == "measure-progress":
        values.update(mp_percent=rng.randint(0, 100))
    return values
