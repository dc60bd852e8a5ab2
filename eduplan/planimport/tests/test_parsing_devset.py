"""The parser on a development set in every genre a bureau receives, scored per genre.

devset/<genre>/ holds short excerpts written for this set, each with a hand-written
<name>.gold.json in the exchange format (TARGETS_FORMAT.md, with the optional baseline):
plan5 (十三五/十四五 plans), points (年度工作要点), shishi (为民办实事), yijian (实施意见),
tongbao (工作通报) and zongjie (总结). Bulletins and summaries set few targets or none:
their gold lists only what they set for the next period. heldout/ holds excerpts written
after the rules were fixed and scored without changing anything for them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eduplan.planimport.parsing import Score, load_gold, parse_plan, read_plan_file, score

HERE = Path(__file__).resolve().parent
DEVSET = HERE / "devset"
HELDOUT = HERE / "heldout"
GENRES = ["plan5", "points", "shishi", "yijian", "tongbao", "zongjie"]
BULLETINS = {"tongbao", "zongjie"}


def documents(root: Path, genre: str) -> list[Path]:
    return sorted((root / genre).glob("*.txt"))


def scored(path: Path) -> Score:
    plan = parse_plan(read_plan_file(path), filename=path.name)
    return score(plan.targets, load_gold(path.with_name(path.stem + ".gold.json")))


def _report(label: str, result: Score) -> None:
    print(f"  {label:52s} {result.summary()}")
    for missed in result.missed:
        print(f"      missed   {missed['value']} {missed['unit']}  {missed['source']}")
    for extra in result.spurious:
        print(f"      spurious {extra['value']} {extra['unit']}  {extra['source']}")


def genre_scores(root: Path) -> dict[str, Score]:
    out: dict[str, Score] = {}
    print()
    for genre in GENRES:
        total = Score(0, 0, 0, 0, 0, 0)
        for path in documents(root, genre):
            result = scored(path)
            _report(f"{genre}/{path.stem}", result)
            total = total + result
        out[genre] = total
    for genre, total in out.items():
        print(f"  {genre:8s} {total.summary()}")
    return out


def test_the_development_set_has_four_documents_or_more_in_each_genre() -> None:
    counts = {genre: len(documents(DEVSET, genre)) for genre in GENRES}
    assert all(n >= 4 for n in counts.values()), counts
    assert sum(counts.values()) >= 24
    for genre in GENRES:
        for path in documents(DEVSET, genre):
            gold = load_gold(path.with_name(path.stem + ".gold.json"))
            assert all(t["comparator"] in {">=", "<=", "=", "between"} for t in gold), path


def test_every_genre_of_the_development_set_scores_at_least_095_f1() -> None:
    scores = genre_scores(DEVSET)
    total = sum(scores.values(), Score(0, 0, 0, 0, 0, 0))
    print(f"  combined {total.summary()}")
    low = {g: round(s.f1, 3) for g, s in scores.items() if s.f1 < 0.95}
    assert not low, low
    assert total.f1 >= 0.95
    assert total.comparator_accuracy >= 0.95
    assert total.change_accuracy >= 0.95


@pytest.mark.parametrize("root", [DEVSET, HELDOUT], ids=["devset", "heldout"])
def test_no_bulletin_yields_an_achieved_figure_as_a_target(root: Path) -> None:
    for genre in sorted(BULLETINS):
        for path in documents(root, genre):
            result = scored(path)
            assert result.spurious == [], (path.name, result.spurious)


def test_held_out_documents_score_at_least_092_f1() -> None:
    scores = genre_scores(HELDOUT)
    total = sum(scores.values(), Score(0, 0, 0, 0, 0, 0))
    print(f"  held out {total.summary()}")
    assert total.true_positives + total.false_negatives > 0
    assert total.f1 >= 0.92
