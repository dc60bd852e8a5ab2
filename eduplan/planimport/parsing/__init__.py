"""Reading Chinese education plans: structure and every quantitative target.

Pure Python (no Django): called from the `plan` management command and a web view.

    text = read_plan_file("plan.docx")          # or read_plan_bytes(data, filename)
    plan = parse_plan(text, filename="plan.docx")
    plan.to_json()["targets"]                    # the exchange format, plus "section"
"""

from __future__ import annotations

import os
from pathlib import Path

from eduplan.planimport.parsing.numbers import parse_number
from eduplan.planimport.parsing.reading import (
    MAX_BYTES,
    PlanReadError,
    read_plan_bytes,
    read_plan_file,
)
from eduplan.planimport.parsing.scoring import Score, load_gold, score, score_documents
from eduplan.planimport.parsing.structure import (
    ParsedGoal,
    ParsedMeasure,
    ParsedMilestone,
    ParsedPlan,
    ParsedProject,
    ParsedSection,
    ParsedWorkPoint,
    parse_plan,
)
from eduplan.planimport.parsing.targets import ParsedTarget, extract_targets


def parse_plan_file(path: str | os.PathLike[str], *, plan_year: int | None = None) -> ParsedPlan:
    """Read and parse a plan file; every PlanReadError names the file."""
    text = read_plan_file(path)
    return parse_plan(text, plan_year=plan_year, filename=Path(path).name)


__all__ = [
    "MAX_BYTES",
    "ParsedGoal",
    "ParsedMeasure",
    "ParsedMilestone",
    "ParsedPlan",
    "ParsedProject",
    "ParsedSection",
    "ParsedTarget",
    "ParsedWorkPoint",
    "PlanReadError",
    "Score",
    "extract_targets",
    "load_gold",
    "parse_number",
    "parse_plan",
    "parse_plan_file",
    "read_plan_bytes",
    "read_plan_file",
    "score",
    "score_documents",
]
