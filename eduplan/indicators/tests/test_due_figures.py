"""Who has reported, kept in the figures store (`reports.expected.<form>`,
`reports.done.<form>`): through any sequence of submissions, approvals, returns,
corrections and closures equal to the reports counted one by one, and to a rebuild; a
period opened for many schools rebuilds these figures and leaves the forms' alone."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings

from eduplan.core import figure_store
from eduplan.core.figure_reads import counted_from_rows
from eduplan.core.figure_rebuild import store_check
from eduplan.core.figure_store import store_refresh
from eduplan.core.models import StoredMetric, TreeFigure
from eduplan.core.periods import period_from_code
from eduplan.indicators.aggregation import metric_value
from eduplan.indicators.tests.test_figure_store import (
    ENDS,
    NO_EXPLAIN,
    PERIODS,
    START,
    Round,
    steps,
)
from eduplan.org.models import OrgUnit
from eduplan.reporting.metrics import due_metric_keys
from eduplan.reporting.models import ExpectedReport, Submission
from eduplan.reporting.selectors import completeness_due_in
from eduplan.reporting.services import expected_reports_open


def _reporting(units: list[OrgUnit]) -> dict[tuple[str, str, str], tuple[int, int, int, int]]:
    """Each unit's reporting by child in each period of the round."""
    found = {}
    for unit in units:
        for code in PERIODS:
            for row in completeness_due_in(period=period_from_code(code), unit=unit):
                c = row["completeness"]
                found[(unit.path, code, row["unit"].path)] = (
                    c.expected,
                    c.submitted,
                    c.on_time,
                    c.approved,
                )
    return found


@pytest.mark.django_db
@settings(
    max_examples=10,
    deadline=None,
    phases=NO_EXPLAIN,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(sequence=steps)
def test_kept_reporting_equals_the_reports_and_a_rebuild_after_any_sequence(
    city, agg_form, sequence
):
    form, _version = agg_form
    round_ = Round(city, form)
    units = [city.root, city.jinshui, city.erqi]
    _reporting(units)  # built before the round: kept, not rebuilt
    due = StoredMetric.objects.filter(key__in=due_metric_keys())
    built = dict(due.values_list("key", "built_at"))
    assert set(built) == set(due_metric_keys())
    for i, period, action, value in sequence:
        round_.step(i, period, action, value)
    kept = _reporting(units)
    assert dict(due.values_list("key", "built_at")) == built
    with counted_from_rows():
        counted = _reporting(units)
    assert kept == counted
    assert store_check(due_metric_keys()) == dict.fromkeys(due_metric_keys(), 0)


def test_a_school_s_report_moves_its_district_and_city_at_once(city, agg_form):
    form, _version = agg_form
    round_ = Round(city, form)
    at = period_from_code("2016B2")
    before = {
        r["unit"].code: r["completeness"] for r in completeness_due_in(period=at, unit=city.root)
    }
    round_.fill(0, "2016B2", 5)  # submitted by a school of 金水区, not yet approved
    after = {
        r["unit"].code: r["completeness"] for r in completeness_due_in(period=at, unit=city.root)
    }
    district = city.jinshui.code
    assert after[district].submitted == before[district].submitted + 1
    assert after[district].approved == before[district].approved
    assert after[city.erqi.code] == before[city.erqi.code]
    schools = completeness_due_in(period=at, unit=city.jinshui)
    mine = next(r["completeness"] for r in schools if r["unit"].pk == round_.schools[0].pk)
    assert (mine.expected, mine.submitted, mine.missing) == (1, 1, 0)


def test_a_page_reads_who_has_reported_from_the_store_not_the_reports(city, agg_form):
    form, _version = agg_form
    Round(city, form)
    at = period_from_code("2016B3")
    completeness_due_in(period=at, unit=city.root)  # built
    with CaptureQueriesContext(connection) as queries:
        rows = completeness_due_in(period=at, unit=city.root)
    assert rows
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert Submission._meta.db_table not in read
    assert ExpectedReport._meta.db_table not in read


def test_a_period_opened_for_many_schools_rebuilds_the_reports_due_only(
    city, agg_form, monkeypatch
):
    form, _version = agg_form
    round_ = Round(city, form)
    at = period_from_code("2016B4")
    metric_value(key="form.agg_a", unit=city.root, start=START, end=ENDS[-1])
    completeness_due_in(period=at, unit=city.root)
    built = dict(StoredMetric.objects.values_list("key", "built_at"))
    kept = set(TreeFigure.objects.values_list("pk", "key", "path", "period", "num", "den"))
    monkeypatch.setattr(figure_store, "UNITS_MARKED", 1)  # 4 schools are "many"
    opened = expected_reports_open(form=form, period_code="2016B5")
    assert opened >= len(round_.schools)
    store_refresh()
    now = dict(StoredMetric.objects.values_list("key", "built_at"))
    rebuilt = {key for key in built if now[key] != built[key]}
    assert rebuilt == {f"reports.expected.{form.code}", f"reports.done.{form.code}"}
    # That period alone was built again: the other periods' rows are the same rows.
    now_kept = set(TreeFigure.objects.values_list("pk", "key", "path", "period", "num", "den"))
    assert {r for r in kept if r[3] != "2016B5"} == {r for r in now_kept if r[3] != "2016B5"}
    assert any(r[3] == "2016B5" for r in now_kept - kept)
    assert store_check(due_metric_keys()) == dict.fromkeys(due_metric_keys(), 0)
    next_period = period_from_code("2016B5")
    rows = completeness_due_in(period=next_period, unit=city.root)
    with counted_from_rows():
        assert rows == completeness_due_in(period=next_period, unit=city.root)
    assert sum(r["completeness"].expected for r in rows) == opened


def test_a_report_due_later_is_on_time_again(city, agg_form):
    form, _version = agg_form
    round_ = Round(city, form)
    at = period_from_code("2016B1")
    due = ExpectedReport.objects.get(org_unit=round_.schools[0], period="2016B1")
    due.due_on = datetime.date(2015, 12, 1)  # before anyone could submit
    due.save()
    round_.fill(0, "2016B1", 5)

    def on_time() -> int:
        rows = completeness_due_in(period=at, unit=city.jinshui)
        return next(r["completeness"].on_time for r in rows if r["unit"].pk == due.org_unit_id)

    assert on_time() == 0
    due.due_on = datetime.date(2099, 1, 1)
    due.save()
    assert on_time() == 1
