"""Aggregates equal the sum of their parts, on any tree, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplan.core.figures_cache import figures_changed, figures_scope
from eduplan.indicators.aggregation import metric_by_child, metric_value
from eduplan.org.models import UnitType
from eduplan.org.services import UnitSpec, org_units_create
from eduplan.reporting.models import DataElement, DataValue, Submission

START, END = datetime.date(2016, 1, 1), datetime.date(2016, 12, 31)
_runs = itertools.count()


@st.composite
def trees_with_values(draw, max_depth: int | None = None):
    """A random tree (parent index per node; node 0 is the root) with a value pair or
    nothing on each node; `max_depth` bounds its depth as org trees are bounded."""
    size = draw(st.integers(min_value=1, max_value=25 if max_depth else 40))
    parents, depths = [-1], [0]
    for _i in range(1, size):
        allowed = [j for j, d in enumerate(depths) if max_depth is None or d < max_depth]
        parent = draw(st.sampled_from(allowed))
        parents.append(parent)
        depths.append(depths[parent] + 1)
    values = [
        (
            draw(st.integers(min_value=0, max_value=500)),
            draw(st.integers(min_value=1, max_value=500)),
        )
        if draw(st.booleans())
        else None
        for _ in range(size)
    ]
    return parents, values


def _store(form, version, units, values, period="2016B3", status="approved"):
    subs = Submission.objects.bulk_create(
        Submission(form=form, form_version=version, org_unit=u, period=period, status=status)
        for u, v in zip(units, values, strict=True)
        if v is not None
    )
    ids = dict(
        DataElement.objects.filter(code__in=["agg_a", "agg_b", "agg_flow"]).values_list(
            "code", "pk"
        )
    )
    rows = []
    kept = [(u, v) for u, v in zip(units, values, strict=True) if v is not None]
    for sub, (unit, (a, b)) in zip(subs, kept, strict=True):
        rows += [
            DataValue(
                submission=sub, element_id=ids["agg_a"], org_unit=unit, period=period, number=a
            ),
            DataValue(
                submission=sub, element_id=ids["agg_b"], org_unit=unit, period=period, number=b
            ),
            DataValue(
                submission=sub, element_id=ids["agg_flow"], org_unit=unit, period=period, number=a
            ),
        ]
    DataValue.objects.bulk_create(rows)
    figures_changed(u.pk for u in units)  # bulk writes send no signals: marked by hand


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=trees_with_values())
def test_every_node_aggregates_exactly_its_subtree(agg_form, data):
    form, version = agg_form
    parents, values = data
    run = next(_runs)
    specs = [
        UnitSpec(f"A{run}N{i}", f"节点{i}", UnitType.PRIMARY, None if p < 0 else f"A{run}N{p}")
        for i, p in enumerate(parents)
    ]
    units = org_units_create(specs=specs)
    _store(form, version, units, values)
    children: dict[int, list[int]] = {i: [] for i in range(len(parents))}
    for i, p in enumerate(parents):
        if p >= 0:
            children[p].append(i)

    def subtree(i: int) -> list[int]:
        return [i] + [j for c in children[i] for j in subtree(c)]

    for i, unit in enumerate(units):
        inside = [values[j] for j in subtree(i) if values[j] is not None]
        total_a = sum(a for a, _b in inside)
        total_b = sum(b for _a, b in inside)
        figure = metric_value(key="form.agg_a", unit=unit, start=START, end=END)
        assert figure.value == (Decimal(total_a) if inside else None)
        share = metric_value(key="form.agg_a/agg_b", unit=unit, start=START, end=END)
        if inside:
            # A share divides the sums, never averages the units' percentages.
            assert share.num == total_a and share.den == total_b
            assert share.value == Decimal(100) * total_a / total_b
        by_child = metric_by_child(key="form.agg_a", unit=unit, start=START, end=END)
        for c in children[i]:
            expected = sum(values[j][0] for j in subtree(c) if values[j] is not None)
            got = by_child.get(units[c].code)
            assert (got.value if got else 0) == expected


def test_a_stock_takes_each_units_latest_period_and_a_flow_adds_periods(agg_form, city):
    form, version = agg_form
    _store(form, version, [city.jinshui_one, city.jinshui_two], [(10, 20), (5, 5)], period="2016B1")
    _store(form, version, [city.jinshui_one], [(12, 20)], period="2016B3")
    latest = metric_value(key="form.agg_a", unit=city.jinshui, start=START, end=END)
    assert latest.value == 12 + 5  # 金水一小's B3 replaces its B1; 金水二小 keeps its B1
    flow = metric_value(key="form.agg_flow", unit=city.jinshui, start=START, end=END)
    assert flow.value == 10 + 5 + 12
    as_of_february = metric_value(
        key="form.agg_a", unit=city.jinshui, start=START, end=datetime.date(2016, 2, 29)
    )
    assert as_of_february.value == 15


def test_only_approved_reports_count_unless_set_otherwise(agg_form, city, settings):
    form, version = agg_form
    _store(form, version, [city.jinshui_one], [(7, 1)], status="submitted")
    assert metric_value(key="form.agg_a", unit=city.root, start=START, end=END).value is None
    settings.EDUPLAN_FIGURES_INCLUDE_SUBMITTED = True
    assert metric_value(key="form.agg_a", unit=city.root, start=START, end=END).value == 7


def test_a_figure_costs_a_fixed_number_of_queries(agg_form, city, django_assert_num_queries):
    from eduplan.core.metrics import metric

    metric("form.agg_a")  # resolving a data-defined metric reads its element once
    metric_value(key="form.agg_a", unit=city.root, start=START, end=END)  # builds it, once
    # The form element; marks to work off? the stored metrics; the roll-up rows.
    with django_assert_num_queries(4):
        metric_value(key="form.agg_a", unit=city.root, start=START, end=END)
    with django_assert_num_queries(4):
        metric_by_child(key="form.agg_a", unit=city.root, start=START, end=END)
    with figures_scope(), django_assert_num_queries(5):  # one page: the first three once
        metric_value(key="form.agg_a", unit=city.root, start=START, end=END)
        metric_by_child(key="form.agg_a", unit=city.root, start=START, end=END)


def test_unknown_units_and_metrics(agg_form, city):
    from eduplan.core.metrics import UnknownMetric

    with pytest.raises(UnknownMetric, match=r"form\.nope"):
        metric_value(key="form.nope", unit=city.root, start=START, end=END)
    with pytest.raises(UnknownMetric, match=r"form\.agg_a/nope"):
        metric_value(key="form.agg_a/nope", unit=city.root, start=START, end=END)


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=trees_with_values(max_depth=4))
def test_the_whole_tree_at_once_equals_each_unit_on_its_own(agg_form, data):
    from eduplan.indicators.rollup import metric_all_units

    form, version = agg_form
    parents, values = data
    run = next(_runs)
    specs = [
        UnitSpec(f"W{run}N{i}", f"节点{i}", UnitType.PRIMARY, None if p < 0 else f"W{run}N{p}")
        for i, p in enumerate(parents)
    ]
    units = org_units_create(specs=specs)
    _store(form, version, units, values)
    everything = metric_all_units(key="form.agg_a", start=START, end=END)
    for unit in units:
        alone = metric_value(key="form.agg_a", unit=unit, start=START, end=END)
        together = everything.get(unit.path)
        assert (together.value if together else None) == alone.value
