"""teachers.backbone_trained: 骨干教师培训 completions, counted where the teacher works."""

from __future__ import annotations

import datetime

from eduplan.indicators.aggregation import metric_value
from eduplan.teachers.importing import completions_import
from eduplan.teachers.tests.conftest import workbook

D = datetime.date


def test_backbone_training_counts_completions_by_year_and_school(register):
    rows = [
        ["T0001", "C2016-02", None, D(2016, 5, 1), None],  # backbone, 金水一小, 2016
        ["T0002", "C2016-02", None, D(2017, 3, 1), None],  # backbone, 金水一小, 2017
        ["T0004", "C2016-02", None, None, None],  # enrolled only: not trained yet
        ["T0003", "C2016-01", None, D(2016, 5, 1), None],  # not a backbone course
    ]
    result = completions_import(
        user=register.city.users["jia"], data=workbook(completions=rows), filename="p.xlsx"
    )
    assert result.ok
    city = register.city

    def value(unit, start, end):
        return metric_value(key="teachers.backbone_trained", unit=unit, start=start, end=end).value

    assert value(city.root, D(2016, 1, 1), D(2016, 12, 31)) == 1
    assert value(city.jinshui, D(2016, 1, 1), D(2017, 12, 31)) == 2
    assert value(city.erqi, D(2016, 1, 1), D(2017, 12, 31)) == 0
    assert value(city.jinshui_two, D(2016, 1, 1), D(2017, 12, 31)) == 0
