"""Ledger metrics: one aggregate each, rolled up over the tree like every metric, and a
ledger added by a data file alone measures a target (definition → entry → metric →
binding → status)."""

from __future__ import annotations

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplan.core.metrics import metric
from eduplan.core.periods import period_from_code
from eduplan.indicators.aggregation import metric_by_child, metric_value
from eduplan.indicators.loading import bindings_load
from eduplan.indicators.status import target_status_list
from eduplan.indicators.tests.test_aggregation import trees_with_values
from eduplan.ledgers.models import LedgerRecord
from eduplan.ledgers.services import record_retire
from eduplan.ledgers.tests.conftest import add, load_text
from eduplan.org.models import UnitType
from eduplan.org.services import UnitSpec, org_units_create
from eduplan.plans.tests.factories import make_plan

START, END = datetime.date(2016, 1, 1), datetime.date(2016, 12, 31)
_runs = itertools.count()


def value(key, unit, start=START, end=END):
    return metric_value(key=key, unit=unit, start=start, end=end).value


def test_each_kind_of_metric_counts_what_its_definition_says(city, ledger):
    add(city, ledger, pupils=100, held_on="2016-03-01")
    add(city, ledger, pupils=40, kind="乙", school="410105-P2", held_on="2016-04-01")
    add(city, ledger, pupils=60, school="410103-P1", held_on="2016-09-01")
    add(city, ledger, pupils=7, held_on="2017-02-01")  # the next year
    assert value("ledger.showcase_test.events", city.root) == 3
    assert value("ledger.showcase_test.kind_a", city.root) == 2
    assert value("ledger.showcase_test.pupils", city.root) == 200
    assert value("ledger.showcase_test.pupils", city.jinshui) == 140
    assert value("ledger.showcase_test.schools", city.root) == 3
    assert value("ledger.showcase_test.events", city.root, end=datetime.date(2017, 12, 31)) == 4
    # Two records of one school over two years: counted once as a unit.
    assert value("ledger.showcase_test.schools", city.root, end=datetime.date(2017, 12, 31)) == 3
    # The latest value per unit: 金水一小's 2017 record replaces its 2016 one.
    latest = value("ledger.showcase_test.latest_pupils", city.root, end=datetime.date(2017, 12, 31))
    assert latest == 7 + 40 + 60
    by_child = metric_by_child(
        key="ledger.showcase_test.events", unit=city.root, start=START, end=END
    )
    assert {code: f.value for code, f in by_child.items()} == {"410105": 2, "410103": 1}


def test_a_ledger_lists_everything_so_no_record_is_zero_and_retired_ones_leave(city, ledger):
    assert metric("ledger.showcase_test.events").absent_is_zero
    assert value("ledger.showcase_test.events", city.root) == 0
    record = add(city, ledger)
    assert value("ledger.showcase_test.events", city.root) == 1
    record_retire(user=city.users["dan"], record=record, reason="录错", revision=None)
    assert value("ledger.showcase_test.events", city.root) == 0


def test_a_ledger_figure_is_one_query(city, ledger, django_assert_num_queries):
    add(city, ledger)
    metric("ledger.showcase_test.schools")
    assert value("ledger.showcase_test.schools", city.root) == 1  # the store builds it once
    # The definition (once per figures scope); marks to work off? the stored metrics (both
    # once per page); the unit's roll-up rows.
    with django_assert_num_queries(4):
        assert value("ledger.showcase_test.schools", city.root) == 1


def test_unknown_ledgers_and_metrics_are_unknown(city, ledger):
    from eduplan.core.metrics import UnknownMetric

    for key in ("ledger.nope.events", "ledger.showcase_test.nope", "ledger.showcase_test"):
        with pytest.raises(UnknownMetric, match=re.escape(key)):
            metric(key)


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=trees_with_values(max_depth=4),
    years=st.lists(st.sampled_from([2016, 2017]), min_size=40, max_size=40),
)
def test_ledger_metrics_equal_the_sum_of_their_parts_over_any_subtree(city, data, years):
    ledger = load_text(SAMPLE_FOR_TREES)
    parents, values = data
    run = next(_runs)
    specs = [
        UnitSpec(f"L{run}N{i}", f"节点{i}", UnitType.PRIMARY, "410100" if p < 0 else f"L{run}N{p}")
        for i, p in enumerate(parents)
    ]
    units = org_units_create(specs=specs)
    for i, (unit, pair) in enumerate(zip(units, values, strict=True)):
        if pair is not None:
            row = {"school": unit.code, "held_on": f"{years[i]}-06-01", "pupils": pair[0]}
            add(city, ledger, **row)
    children: dict[int, list[int]] = {i: [] for i in range(len(parents))}
    for i, p in enumerate(parents):
        if p >= 0:
            children[p].append(i)

    def subtree(i: int) -> list[int]:
        return [i] + [j for c in children[i] for j in subtree(c)]

    for i, unit in enumerate(units):
        inside = [j for j in subtree(i) if values[j] is not None and years[j] == 2016]
        assert value("ledger.showcase_test.events", unit) == len(inside)
        assert value("ledger.showcase_test.pupils", unit) == sum(values[j][0] for j in inside)
        by_child = metric_by_child(
            key="ledger.showcase_test.pupils", unit=unit, start=START, end=END
        )
        for c in children[i]:
            expected = sum(
                values[j][0] for j in subtree(c) if values[j] is not None and years[j] == 2016
            )
            got = by_child.get(units[c].code)
            assert (got.value if got else 0) == expected
    LedgerRecord.objects.all().delete()


SAMPLE_FOR_TREES = """\
code: showcase_test
name: 测试台账
keeper: {department: D-JC}
unit: school
date: held_on
fields:
  - {code: school, label: 学校, type: unit, required: true}
  - {code: held_on, label: 日期, type: date, required: true}
  - {code: kind, label: 类别, type: choice, choices: [甲, 乙]}
  - {code: pupils, label: 学生, type: integer, min: 0}
metrics:
  - {code: events, name: 活动, unit: 场}
  - {code: pupils, name: 学生, unit: 人, kind: sum, field: pupils}
"""

NEW_LEDGER = """\
code: model_schools
name: 示范学校名单
keeper: {department: D-JC}
unit: school
date: named_on
unique: [school]
fields:
  - {code: school, label: 学校, type: unit, required: true}
  - {code: named_on, label: 认定日期, type: date, required: true}
metrics:
  - {code: schools, name: 示范学校, unit: 所}
"""

BINDINGS = """\
plan: city
bindings:
  - {where: 第一项工程 三年总目标, indicator: 示范学校, metric: ledger.model_schools.schools,
     goal: absolute, baseline: 0, baseline_on: 2015-12-31, start: 2016-01-01, due: 2018-12-31}
"""


def test_a_new_ledger_added_by_a_data_file_alone_measures_a_target(city, tmp_path):
    plan = make_plan(code="city", organisation=city.root, owners={1: city.dept_basic})
    ledger = load_text(NEW_LEDGER, "model_schools.yaml")
    from eduplan.ledgers.services import record_create

    for code in ("410105-P1", "410105-P2", "410103-P1"):
        record_create(
            user=city.users["dan"], ledger=ledger, values={"school": code, "named_on": "2016-10-01"}
        )
    path = tmp_path / "bindings.yaml"
    path.write_text(BINDINGS, encoding="utf-8")
    bindings_load(path=path)
    [status] = target_status_list(plan=plan, at=period_from_code("2016B6"), unit=city.root)
    shown = status.as_json()
    assert shown["metric"] == "ledger.model_schools.schools"
    assert shown["actual"] == 3 and shown["goal"] == 50 and shown["baseline"] == 0
    assert shown["status"] not in {"unmeasured", "no_data"}
    assert Decimal(str(shown["expected"])) == Decimal("16.67")
