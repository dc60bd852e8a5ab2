"""A class-size form for the test city, opened for 2016T1 (due 15 days after July)."""

from __future__ import annotations

import pytest

from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.services import expected_reports_open, form_load

CLASS_FORM = {
    "code": "class-size-test",
    "name": "班额情况",
    "period_type": "term",
    "due_days": 15,
    "owner": "D-JC",
    "assigned_types": ["primary", "senior"],
    "elements": [
        {
            "code": "classes_total",
            "name": "教学班总数",
            "type": "integer",
            "unit": "个",
            "min": 1,
            "required": True,
        },
        {
            "code": "pupils_total",
            "name": "在校生总数",
            "type": "integer",
            "unit": "人",
            "min": 1,
            "required": True,
        },
        {
            "code": "classes_large",
            "name": "大班额班数",
            "type": "integer",
            "min": 0,
            "required": True,
        },
        {"code": "share_digital", "name": "数字化比例", "type": "percentage"},
        {"code": "has_card", "name": "一卡通", "type": "boolean"},
        {"code": "note", "name": "说明", "type": "text"},
    ],
    "rules": [
        {
            "code": "large_le_total",
            "left": "classes_large",
            "operator": "<=",
            "right": "classes_total",
            "severity": "error",
            "message": "大班额班数不能超过教学班总数",
        },
        {
            "code": "average",
            "left": "pupils_total",
            "operator": "<=",
            "right": "classes_total * 80",
            "severity": "warning",
            "message": "平均班额超过80人，请核实",
        },
    ],
}
GOOD = {"classes_total": "20", "pupils_total": "900", "classes_large": "3"}


@pytest.fixture
def class_form(city):
    form, _version, _created = form_load(definition=definition_from_data(CLASS_FORM, source="test"))
    expected_reports_open(form=form, period_code="2016T1")
    return form
