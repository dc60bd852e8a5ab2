"""The dashboards make the same number of queries however many projects and districts
there are, and a change of the data shows at the next request (no stale cache)."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eduplan.construction.models import SchoolClass
from eduplan.core.figure_store import store_refresh
from eduplan.core.figures_cache import figures_cached, figures_changed, figures_scope, figures_stamp
from eduplan.org.models import UnitType
from eduplan.org.tests.factories import OrgUnitFactory
from eduplan.plans.tests.factories import make_plan

PAGES = ["/dashboards/", "/dashboards/screen/", "/dashboards/districts/", "/dashboards/projects/1/"]


def _queries(client, url: str, *, cold: bool) -> int:
    store_refresh()  # the changes made are worked off after commit by the task queue
    if cold:
        caches["figures"].clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, {"at": "2016B6"}).status_code == 200
    return len(captured)


def _counts(client) -> dict[tuple[str, bool], int]:
    return {
        (url, cold): _queries(client, url, cold=cold) for url in PAGES for cold in (True, False)
    }


@pytest.mark.django_db
def test_queries_per_page_do_not_grow_with_projects_or_districts(client, city):
    client.force_login(city.users["lee"])
    make_plan(
        code="small", organisation=city.root, owners={1: city.dept_basic, 2: city.dept_sports}
    )
    client.get("/dashboards/", {"at": "2016B6"})  # sessions, content types: warmed once
    small = _counts(client)

    from eduplan.plans.models import Plan

    Plan.objects.all().delete()
    make_plan(
        code="large",
        organisation=city.root,
        owners={n: city.dept_basic if n % 2 else city.dept_sports for n in range(1, 13)},
    )
    for i in range(6):
        district = OrgUnitFactory(
            code=f"4109{i:02d}", name=f"新区{i}", type=UnitType.DISTRICT, parent=city.root
        )
        OrgUnitFactory(code=f"4109{i:02d}-P1", name=f"新区{i}一小", parent=district)
    large = _counts(client)
    assert large == small
    # Figures come from the cache once computed: a warm page asks less.
    for url in PAGES:
        assert small[(url, False)] < small[(url, True)]


@pytest.mark.django_db
def test_every_change_that_moves_a_figure_raises_the_stamp(city):
    before = figures_stamp()
    SchoolClass.objects.create(
        school=city.jinshui_one, school_year=2016, grade=1, number=1, pupils=60
    )
    assert figures_stamp() == before + 1
    city.jinshui_two.name = "金水二小（新校区）"
    city.jinshui_two.save()
    assert figures_stamp() == before + 2


@pytest.mark.django_db
def test_a_cached_figure_is_recomputed_once_the_stamp_moves(city):
    calls = []

    def compute() -> int:
        calls.append(1)
        return SchoolClass.objects.filter(pupils__gte=56).count()

    stamp = figures_stamp()
    assert figures_cached(stamp, "large", compute) == 0
    assert figures_cached(figures_stamp(), "large", compute) == 0
    assert len(calls) == 1
    SchoolClass.objects.create(
        school=city.jinshui_one, school_year=2016, grade=1, number=1, pupils=60
    )
    assert figures_cached(figures_stamp(), "large", compute) == 1
    assert len(calls) == 2


@pytest.mark.django_db
def test_saving_a_draft_leaves_the_figures_alone_and_submitting_moves_them(city):
    from eduplan.reporting.definitions import definition_from_data
    from eduplan.reporting.services import expected_reports_open, form_load, submission_save
    from eduplan.reporting.tests.conftest import CLASS_FORM

    form, _version, _created = form_load(definition=definition_from_data(CLASS_FORM, source="t"))
    expected_reports_open(form=form, period_code="2016T1")
    before = figures_stamp()
    submission = submission_save(
        user=city.users["alice"],
        form=form,
        period_code="2016T1",
        org_unit=city.jinshui_one,
        values={"classes_total": "20", "pupils_total": "900", "classes_large": "0"},
    )
    assert figures_stamp() == before
    from eduplan.reporting.services import submission_submit

    submission_submit(
        user=city.users["alice"], submission=submission, revision=submission.revision, comment="ok"
    )
    assert figures_stamp() > before


@pytest.mark.django_db
def test_reports_due_move_with_a_report_submitted_not_with_a_figure_corrected(city, monkeypatch):
    from eduplan.core.periods import period_from_code
    from eduplan.dashboards.selectors import reports_due
    from eduplan.reporting.definitions import definition_from_data
    from eduplan.reporting.models import DataValue
    from eduplan.reporting.services import (
        expected_reports_open,
        form_load,
        submission_save,
        submission_submit,
    )
    from eduplan.reporting.tests.conftest import CLASS_FORM

    form, _version, _created = form_load(definition=definition_from_data(CLASS_FORM, source="t"))
    expected_reports_open(form=form, period_code="2016T1")
    counted: list[int] = []
    real = reports_due.completeness_due_in
    monkeypatch.setattr(
        reports_due, "completeness_due_in", lambda **kw: counted.append(1) or real(**kw)
    )
    caches["figures"].clear()

    def submitted() -> int:
        with figures_scope():
            rows = reports_due.reporting_by_unit(unit=city.root, at=period_from_code("2016B6"))
        return sum(r["completeness"].submitted for r in rows)

    assert submitted() == 0
    saved = submission_save(
        user=city.users["alice"],
        form=form,
        period_code="2016T1",
        org_unit=city.jinshui_one,
        values={"classes_total": "20", "pupils_total": "900", "classes_large": "0"},
    )
    assert submitted() == 0 and len(counted) == 1  # a draft is no report yet
    submission_submit(user=city.users["alice"], submission=saved, revision=saved.revision)
    assert submitted() == 1 and len(counted) == 2
    DataValue.objects.filter(submission=saved).update(number=21)
    figures_changed([city.jinshui_one.pk], provider="reporting")  # a figure corrected
    assert submitted() == 1 and len(counted) == 2  # the reports due are kept
