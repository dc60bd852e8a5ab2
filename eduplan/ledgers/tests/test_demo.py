"""On the demo city: every shipped ledger has records, and every numeric target of the
plan is measured (none 未测量)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from eduplan.ledgers.services import LEDGERS_DIR

pytestmark = pytest.mark.django_db


def _json(*args: str) -> dict:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_the_ledger_list_shows_records_in_every_shipped_ledger(demo):
    ledgers = _json("ledger", "list", "--json")["ledgers"]
    shipped = {p.stem for p in LEDGERS_DIR.glob("*.yaml")}
    assert {row["code"] for row in ledgers} == shipped
    for row in ledgers:
        assert set(row) == {"code", "name", "keeper", "version", "records", "metrics"}
        assert row["records"] > 0, row["code"]
        assert row["version"] == 1 and row["keeper"] and row["metrics"]


def test_no_target_of_the_plan_is_left_unmeasured(demo):
    rows = _json("targets", "status", "--at", "2016B6", "--json")["targets"]
    assert rows
    unmeasured = [r["indicator"] for r in rows if r["status"] == "unmeasured"]
    assert unmeasured == []
    for row in rows:
        if row["kind"] == "measured":
            assert {"actual", "expected", "status", "forecast"} <= set(row)
    by_metric = {r["metric"] for r in rows}
    assert "ledger.kindergarten_grading.rechecked" in by_metric
    assert "football.city_league_matches" in by_metric
