"""The figures store: kept current through approvals, returns, corrections and closures,
equal to the figures counted from the rows, and equal to itself rebuilt — on any
sequence of them, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from eduplan.core.figure_reads import counted_from_rows
from eduplan.core.figure_rebuild import store_check, store_rebuild
from eduplan.core.figure_store import store_refresh
from eduplan.core.models import FigureDirty, StoredMetric, TreeFigure
from eduplan.indicators.aggregation import metric_by_child, metric_value
from eduplan.indicators.rollup import metric_all_units
from eduplan.org.models import OrgUnit, Role, UnitType
from eduplan.org.services import UnitSpec, org_unit_close, org_units_create
from eduplan.org.tests.factories import user_with_role
from eduplan.reporting.models import Status, Submission
from eduplan.reporting.services import (
    expected_reports_open,
    submission_approve,
    submission_reopen,
    submission_return,
    submission_save,
    submission_submit,
)

PERIODS = ["2016B1", "2016B2", "2016B3", "2016B4"]
KEYS = ["form.agg_a", "form.agg_flow", "form.agg_a/agg_b"]
START = datetime.date(2016, 1, 1)
ENDS = [datetime.date(2016, 6, 30), datetime.date(2016, 12, 31)]
_runs = itertools.count()
# Shrink a failure to its shortest sequence, but skip the explain phase (it traces every
# line of the round, minutes per example).
NO_EXPLAIN = [Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink]

# One step of a reporting round: (school, period, what happens, value).
ACTIONS = ["approve", "return", "correct", "close", "read"]
steps = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=3),
        st.sampled_from(PERIODS),
        st.sampled_from(ACTIONS),
        st.integers(min_value=0, max_value=90),
    ),
    min_size=1,
    max_size=10,
)


class Round:
    """Four new schools (two in each of two districts) with their reporters."""

    def __init__(self, city, form) -> None:
        run = next(_runs)
        specs = [
            UnitSpec(f"S{run}-{i}", f"测试学校{run}-{i}", UnitType.PRIMARY, parent)
            for i, parent in enumerate([city.jinshui.code, city.jinshui.code, city.erqi.code] * 1)
        ]
        specs.append(UnitSpec(f"S{run}-3", f"测试学校{run}-3", UnitType.PRIMARY, city.erqi.code))
        self.schools = org_units_create(specs=specs)
        self.reporters = [
            user_with_role(f"rep{run}-{i}", Role.SCHOOL_REPORTER, school)
            for i, school in enumerate(self.schools)
        ]
        self.approvers = [city.users["bob"]] * 2 + [city.users["dora"]] * 2
        self.form = form
        for period in PERIODS:
            expected_reports_open(form=form, period_code=period)

    def fill(self, i: int, period: str, value: int) -> Submission:
        values = {"agg_a": str(value), "agg_b": str(value + 10), "agg_flow": str(value % 7)}
        saved = submission_save(
            user=self.reporters[i],
            form=self.form,
            org_unit=self.schools[i],
            period_code=period,
            values=values,
            revision=self._revision(i, period),
        )
        return submission_submit(user=self.reporters[i], submission=saved, revision=saved.revision)

    def _revision(self, i: int, period: str) -> int | None:
        found = Submission.objects.filter(org_unit=self.schools[i], period=period).first()
        return found.revision if found else None

    def step(self, i: int, period: str, action: str, value: int) -> None:
        school = OrgUnit.objects.get(pk=self.schools[i].pk)
        current = Submission.objects.filter(org_unit=school, period=period).first()
        approver = self.approvers[i]
        if action == "read":
            metric_value(key="form.agg_a", unit=school.parent, start=START, end=ENDS[-1])
        elif action == "close":
            if school.closed_on is None:
                org_unit_close(unit=school, on=datetime.date(2016, 8, 1))
        elif action == "correct" and current and current.status == Status.APPROVED:
            reopened = submission_reopen(
                user=approver, submission=current, revision=current.revision, reason="更正"
            )
            del reopened
            again = self.fill(i, period, value)
            submission_approve(user=approver, submission=again, revision=again.revision)
        elif action in ("approve", "return") and (
            current is None or current.status in (Status.DRAFT, Status.RETURNED)
        ):
            submitted = self.fill(i, period, value)
            if action == "approve":
                submission_approve(user=approver, submission=submitted, revision=submitted.revision)
            else:
                submission_return(
                    user=approver, submission=submitted, revision=submitted.revision, reason="退回"
                )


def _every_figure(units: list[OrgUnit]) -> dict[tuple[str, ...], Decimal | None]:
    figures: dict[tuple[str, ...], Decimal | None] = {}
    for key, end in itertools.product(KEYS, ENDS):
        everyone = metric_all_units(key=key, start=START, end=end)
        for unit in units:
            value = metric_value(key=key, unit=unit, start=START, end=end)
            figures[(key, str(end), unit.path)] = value.value
            figures[(key, str(end), unit.path, "all")] = (
                everyone[unit.path].value if unit.path in everyone else None
            )
            for code, child in metric_by_child(key=key, unit=unit, start=START, end=end).items():
                figures[(key, str(end), unit.path, code)] = child.value
    return figures


@pytest.mark.django_db
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sequence=steps)
def test_kept_figures_equal_the_rows_and_a_rebuild_after_any_sequence(city, agg_form, sequence):
    form, _version = agg_form
    round_ = Round(city, form)
    units = [city.root, city.jinshui, city.erqi, *round_.schools]
    _every_figure(units)  # every metric is built before the round: it is kept, not rebuilt
    built = dict(StoredMetric.objects.values_list("key", "built_at"))
    for i, period, action, value in sequence:
        round_.step(i, period, action, value)
    kept = _every_figure(units)
    assert dict(StoredMetric.objects.values_list("key", "built_at")) == built
    with counted_from_rows():
        counted = _every_figure(units)
    assert kept == counted
    assert store_check(KEYS) == dict.fromkeys(KEYS, 0)


def test_an_approval_moves_the_stored_figure_at_once_without_a_rebuild(city, agg_form):
    form, _version = agg_form
    round_ = Round(city, form)
    before = metric_value(key="form.agg_a", unit=city.root, start=START, end=ENDS[-1])
    assert before.value is None
    built = StoredMetric.objects.get(key="form.agg_a").built_at
    round_.step(0, "2016B2", "approve", 40)
    assert FigureDirty.objects.exists()  # marked in the writing transaction
    after = metric_value(key="form.agg_a", unit=city.root, start=START, end=ENDS[-1])
    assert after.value == 40
    assert not FigureDirty.objects.exists()  # worked off by the reader
    assert StoredMetric.objects.get(key="form.agg_a").built_at == built
    # The district and the city each hold one roll-up row for the stock's B2 onwards.
    rows = TreeFigure.objects.filter(key="form.agg_a").values_list("path", "period", "until")
    assert set(rows) == {
        (city.root.path, "2016B2", ""),
        (city.jinshui.path, "2016B2", ""),
        (round_.schools[0].path, "2016B2", ""),
    }
    # A later period of the same school ends the interval of its B2 figure.
    round_.step(0, "2016B4", "approve", 25)
    assert metric_value(key="form.agg_a", unit=city.root, start=START, end=ENDS[-1]).value == 25
    as_of_june = metric_value(key="form.agg_a", unit=city.root, start=START, end=ENDS[0])
    assert as_of_june.value == 40


def test_a_returned_or_submitted_report_counts_nowhere(city, agg_form):
    form, _version = agg_form
    round_ = Round(city, form)
    metric_value(key="form.agg_a", unit=city.root, start=START, end=ENDS[-1])
    round_.step(1, "2016B1", "return", 9)
    submitted = round_.fill(2, "2016B1", 5)
    assert submitted.status == Status.SUBMITTED
    assert metric_value(key="form.agg_a", unit=city.root, start=START, end=ENDS[-1]).value is None
    assert TreeFigure.objects.filter(key="form.agg_a").count() == 0


def test_a_setting_that_changes_what_counts_rebuilds(city, agg_form, settings):
    form, _version = agg_form
    round_ = Round(city, form)
    round_.fill(0, "2016B1", 7)
    assert metric_value(key="form.agg_a", unit=city.root, start=START, end=ENDS[-1]).value is None
    settings.EDUPLAN_FIGURES_INCLUDE_SUBMITTED = True
    assert metric_value(key="form.agg_a", unit=city.root, start=START, end=ENDS[-1]).value == 7


def test_a_bulk_load_marks_everything_and_the_next_reader_builds_again(city, agg_form):
    form, _version = agg_form
    round_ = Round(city, form)
    round_.step(0, "2016B1", "approve", 3)
    assert metric_value(key="form.agg_a", unit=city.root, start=START, end=ENDS[-1]).value == 3
    org_units_create(specs=[UnitSpec("S-NEW", "新学校", UnitType.PRIMARY, city.erqi.code)])
    store_refresh()
    assert not StoredMetric.objects.exists()  # dropped: built again on the next read
    assert metric_value(key="form.agg_a", unit=city.root, start=START, end=ENDS[-1]).value == 3
    assert store_rebuild() == ["form.agg_a"]
