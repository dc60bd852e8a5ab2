"""Rows written in bulk are known to PostgreSQL's planner before the next query runs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Model

from eduplan.construction.models import SchoolClass
from eduplan.demo.services import demo_city_load, org_load_file
from eduplan.org.models import OrgUnit
from eduplan.reporting.models import DataValue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def planner_rows(model: type[Model]) -> float:
    """What the planner believes the table holds (-1: never analyzed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        return float(cursor.fetchone()[0])


def test_a_bulk_load_leaves_the_planner_counting_the_rows_it_wrote():
    # Inside the test's transaction autovacuum cannot see these rows: only the loader's
    # own ANALYZE can tell the planner about them.
    org_load_file()
    assert planner_rows(OrgUnit) == OrgUnit.objects.count()
    demo_city_load(scale=0.01, seed=7)
    assert SchoolClass.objects.exists()
    assert planner_rows(SchoolClass) == SchoolClass.objects.count()
    assert planner_rows(OrgUnit) == OrgUnit.objects.count()


def test_the_demo_history_is_analyzed_before_the_supervision_scan_reads_it(monkeypatch):
    from eduplan.demo import services

    seen: list[tuple[float, int]] = []
    scan = services.supervision_scan

    def counting_scan(**kwargs: object) -> object:
        seen.append((planner_rows(DataValue), DataValue.objects.count()))
        return scan(**kwargs)

    monkeypatch.setattr(services, "supervision_scan", counting_scan)
    services.demo_setup(scale=0.01, seed=7)
    assert seen and seen[0][1] > 0
    assert seen[0][0] == seen[0][1]
