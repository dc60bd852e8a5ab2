"""Turning an achievement into a baseline on the review page, in one click.

A figure the text reports as done (截至…已建成42所) or a starting level (由600所调整到…)
is kept beside the targets as an achievement. The reviewer can make any of them, or a
target they judge to be an achievement, the `baseline` of the target it is the starting
point of: the next target with the same unit in the same part of the text. The figure
then leaves the targets (it is no commitment) and the action is recorded, so a retried
POST changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REACH_CHARS = 400  # how far after an achievement its target may stand


@dataclass(frozen=True)
class BaselineOutcome:
    """What a make-baseline request did: "done", "again" (retried), "fact" (no target to
    take it, kept as an achievement) or "missing" (no such row)."""

    kind: str
    row: dict[str, Any] | None = None
    target: dict[str, Any] | None = None


def _find(rows: list[dict[str, Any]], row_id: int) -> dict[str, Any] | None:
    return next((row for row in rows if row["id"] == row_id), None)


def baseline_target(state: dict[str, Any], row: dict[str, Any]) -> dict[str, Any] | None:
    """The target `row` is the starting point of: the first later target with its unit in
    the same part of the text, within REACH_CHARS; None when there is none."""
    if row.get("start", -1) < 0:
        return None
    candidates = [
        t
        for t in state["targets"]
        if t["id"] != row["id"]
        and t["unit"] == row["unit"]
        and t.get("start", -1) >= row["start"]
        and t["start"] - row["start"] <= REACH_CHARS
        and (t.get("section") or "") == (row.get("section") or "")
    ]
    return min(candidates, key=lambda t: (t["start"], t["id"]), default=None)


def baseline_take(state: dict[str, Any], row_id: int) -> BaselineOutcome:
    """Make row `row_id` (an achievement, or a target taken by mistake) the baseline of
    the target after it; idempotent."""
    achievements: list[dict[str, Any]] = state.setdefault("achievements", [])
    row = _find(achievements, row_id)
    if row is not None and row.get("baseline_of") is not None:
        return BaselineOutcome("again", row, _find(state["targets"], row["baseline_of"]))
    if row is None:
        row = _find(state["targets"], row_id)
        if row is None:
            return BaselineOutcome("missing")
    target = baseline_target(state, row)
    if row in state["targets"]:
        state["targets"].remove(row)  # it is no commitment: it leaves the targets
        row.update(mood="achieved", place="")
        achievements.append(row)
        achievements.sort(key=lambda r: (r.get("start", -1), r["id"]))
    if target is None:
        return BaselineOutcome("fact", row)
    target.update(baseline=row["value"], edited=True)
    row["baseline_of"] = target["id"]
    return BaselineOutcome("done", row, target)
