"""Shared by the indicators tests: a small bimonthly form whose elements are metrics."""

from __future__ import annotations

import pytest

from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.services import form_load

FORM = {
    "code": "agg-test",
    "name": "聚合测试",
    "period_type": "bimonthly",
    "due_days": 5,
    "owner": "D-JC",
    "assigned_types": ["primary"],
    "elements": [
        {"code": "agg_a", "name": "甲", "type": "integer", "min": 0},
        {"code": "agg_b", "name": "乙", "type": "integer", "min": 0},
        {"code": "agg_flow", "name": "流量", "type": "integer", "min": 0, "over_time": "sum"},
    ],
}


@pytest.fixture
def agg_form(city):
    """The form `agg-test` loaded: `form.agg_a`, `form.agg_b`, `form.agg_flow`."""
    form, version, _ = form_load(definition=definition_from_data(FORM, source="t"))
    return form, version
