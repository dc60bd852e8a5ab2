"""The curated plan file quotes the plan text verbatim and carries every gold target."""

from __future__ import annotations

from eduplan.plans.data import check_curated


def test_curated_plan_matches_the_plan_text_and_the_gold_file(capsys):
    status = check_curated.main([])
    assert status == 0, capsys.readouterr().out
