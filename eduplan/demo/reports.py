"""Plausible report values for the benchmarks (a round of reports filled through the
services), consistent with each shipped form's rules, deterministic for a seed.

The demo city's history does not use these: its reports are read off one simulated
truth (`world.py`). Values drawn here are only kept from contradicting themselves within
one report (places only with a project started, a measure's status and text as its
percent means)."""

from __future__ import annotations

import datetime
import random
from typing import Any

from eduplan.demo.world import measure_pace, measure_values
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
            build_investment=rng.randint(500, 30000) if started else 0,
            build_places=rng.randint(0, started * 1000),
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
        # Two thirds of the plan's first year gone by; the measure at a pace of its own.
        values.update(
            measure_values(
                measure_pace(rng), datetime.date(2016, 8, 31), start_year=2016, end_year=2018
            )
        )
    return values
