"""Scoring predicted targets against a gold file, as TARGETS_FORMAT.md describes.

Per document, a prediction matches a gold target when unit and value agree (and
value_max where gold has one); each gold target matches at most once. Precision, recall
and F1 are counted over all documents; comparator, change and indicator are scored as
accuracy over matched pairs. Shared by the tests and bench/bench_parse.py.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eduplan.planimport.parsing.targets import ParsedTarget

TargetLike = ParsedTarget | Mapping[str, Any]


@dataclass(frozen=True)
class Match:
    """One matched (gold, predicted) pair."""

    gold: Mapping[str, Any]
    predicted: Mapping[str, Any]


@dataclass(frozen=True)
class Score:
    """Counts and rates of one or more documents' predictions against gold."""

    true_positives: int
    false_positives: int
    false_negatives: int
    comparator_correct: int
    change_correct: int
    indicator_correct: int
    matches: list[Match] = field(default_factory=list, repr=False)
    missed: list[Mapping[str, Any]] = field(default_factory=list, repr=False)
    spurious: list[Mapping[str, Any]] = field(default_factory=list, repr=False)

    @property
    def precision(self) -> float:
        """Matched predictions over all predictions (1.0 when nothing was predicted)."""
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        """Matched gold targets over all gold targets (1.0 when gold is empty)."""
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def comparator_accuracy(self) -> float:
        """Share of matched pairs whose comparator agrees."""
        return self.comparator_correct / self.true_positives if self.true_positives else 1.0

    @property
    def change_accuracy(self) -> float:
        """Share of matched pairs whose change (and baseline year, where gold has one) agrees."""
        return self.change_correct / self.true_positives if self.true_positives else 1.0

    @property
    def indicator_accuracy(self) -> float:
        """Share of matched pairs whose indicator is exactly gold's (informative, not a bar)."""
        return self.indicator_correct / self.true_positives if self.true_positives else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
            self.comparator_correct + other.comparator_correct,
            self.change_correct + other.change_correct,
            self.indicator_correct + other.indicator_correct,
            [*self.matches, *other.matches],
            [*self.missed, *other.missed],
            [*self.spurious, *other.spurious],
        )

    def summary(self) -> str:
        """One line for test output and benchmark reports."""
        return (
            f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} "
            f"(tp={self.true_positives} fp={self.false_positives} fn={self.false_negatives}) "
            f"comparator={self.comparator_accuracy:.3f} change={self.change_accuracy:.3f} "
            f"indicator={self.indicator_accuracy:.3f}"
        )


def _as_dict(target: TargetLike) -> Mapping[str, Any]:
    return target.to_dict() if isinstance(target, ParsedTarget) else target


def _same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    x, y = float(a), float(b)
    return abs(x - y) <= 1e-6 * max(1.0, abs(x), abs(y))


def _matches(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    if gold.get("unit") != pred.get("unit") or not _same_number(gold["value"], pred["value"]):
        return False
    return gold.get("value_max") is None or _same_number(gold["value_max"], pred.get("value_max"))


def score(predicted: Iterable[TargetLike], gold: Iterable[TargetLike]) -> Score:
    """Score one document's predicted targets against its gold targets."""
    preds = [_as_dict(p) for p in predicted]
    golds = [_as_dict(g) for g in gold]
    used = [False] * len(preds)
    matches: list[Match] = []
    missed: list[Mapping[str, Any]] = []
    # Gold with a value_max accepts fewer predictions, so it chooses first; among
    # candidates, one from the same section and then the same source is preferred, so
    # the comparator and change are compared with the figure the gold annotated.
    order = sorted(range(len(golds)), key=lambda i: golds[i].get("value_max") is None)
    chosen: dict[int, int] = {}
    for gi in order:
        g = golds[gi]
        best: tuple[int, int] | None = None
        for pi, p in enumerate(preds):
            if used[pi] or not _matches(g, p):
                continue
            rank = (p.get("section") != g.get("section")) * 2 + (p.get("source") != g.get("source"))
            if best is None or rank < best[0]:
                best = (rank, pi)
                if rank == 0:
                    break
        if best is None:
            missed.append(g)
            continue
        used[best[1]] = True
        chosen[gi] = best[1]
    for gi in range(len(golds)):
        if gi in chosen:
            matches.append(Match(golds[gi], preds[chosen[gi]]))
    comparator_ok = sum(m.gold.get("comparator") == m.predicted.get("comparator") for m in matches)
    change_ok = sum(
        m.gold.get("change") == m.predicted.get("change")
        and (
            m.gold.get("baseline_year") is None
            or m.gold.get("baseline_year") == m.predicted.get("baseline_year")
        )
        for m in matches
    )
    indicator_ok = sum(m.gold.get("indicator") == m.predicted.get("indicator") for m in matches)
    spurious = [p for pi, p in enumerate(preds) if not used[pi]]
    return Score(
        true_positives=len(matches),
        false_positives=len(spurious),
        false_negatives=len(missed),
        comparator_correct=comparator_ok,
        change_correct=change_ok,
        indicator_correct=indicator_ok,
        matches=matches,
        missed=missed,
        spurious=spurious,
    )


def score_documents(pairs: Sequence[tuple[Iterable[TargetLike], Iterable[TargetLike]]]) -> Score:
    """Score several documents, counting over all of them."""
    total = Score(0, 0, 0, 0, 0, 0)
    for predicted, gold in pairs:
        total = total + score(predicted, gold)
    return total


def load_gold(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The targets of a gold file ({"targets": [...]} in the exchange format)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    targets = data["targets"] if isinstance(data, dict) else data
    return list(targets)
