"""Plan pages: in Chinese, scoped, and a fixed number of queries however big the plan."""

from __future__ import annotations

import pytest

from eduplan.demo.services import PLAN_FILE, org_load_file
from eduplan.org.models import OrgUnit, Role
from eduplan.org.tests.factories import user_with_role
from eduplan.plans.loading import plan_spec_from_file
from eduplan.plans.services import plan_load
from eduplan.plans.tests.factories import make_plan


@pytest.fixture
def zhengzhou(db):
    org_load_file()
    return plan_load(spec=plan_spec_from_file(PLAN_FILE))


@pytest.fixture
def reader(zhengzhou):
    return user_with_role("reader", Role.DISTRICT_ADMIN, OrgUnit.objects.get(code="410105"))


def test_overview_shows_all_projects_and_sections_in_chinese(client, zhengzhou, reader):
    client.force_login(reader)
    body = client.get("/plans/zhengzhou-2016/").content.decode()
    assert "学校建设工程" in body and "民办教育内涵发展提升工程" in body
    assert "狠抓党建，夯实事业发展根基" in body
    assert '<h2 class="h4 mt-4">重点工程</h2>' in body  # the page's own headings, in Chinese


def test_english_is_available(client, zhengzhou, reader):
    client.force_login(reader)
    body = client.get("/plans/zhengzhou-2016/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h2 class="h4 mt-4">Key projects</h2>' in body
    assert "学校建设工程" in body  # the plan's own text stays as written


def test_project_page_shows_goals_targets_measures_owners_and_work_points(
    client, zhengzhou, reader
):
    client.force_login(reader)
    body = client.get("/plans/zhengzhou-2016/projects/1/").content.decode()
    assert "大班额比2013年减少60%以上" in body
    assert "比2013年减少 ≥ 60 %" in body
    assert "发展规划处" in body
    assert "/plans/zhengzhou-2016/work-points/4/" in body


def test_work_point_page_shows_its_targets_and_projects(client, zhengzhou, reader):
    client.force_login(reader)
    body = client.get("/plans/zhengzhou-2016/work-points/13/").content.decode()
    assert "学前三年毛入园率" in body and "普惠率" in body
    assert "/plans/zhengzhou-2016/projects/13/" in body


def test_unknown_project_is_not_found(client, zhengzhou, reader):
    client.force_login(reader)
    assert client.get("/plans/zhengzhou-2016/projects/18/").status_code == 404


def test_another_districts_plan_is_refused(client, city):
    make_plan(code="erqi-plan", organisation=city.erqi, owners={1: city.dept_basic})
    client.force_login(city.users["bob"])
    assert client.get("/plans/erqi-plan/").status_code == 403
    assert client.get("/plans/erqi-plan/projects/1/").status_code == 403
    assert client.get("/plans/erqi-plan/work-points/1/").status_code == 403


@pytest.mark.parametrize("projects", [1, 12])
def test_plan_pages_run_a_fixed_number_of_queries(
    client, city, projects, django_assert_max_num_queries
):
    owners = {n: city.dept_basic for n in range(1, projects + 1)}
    make_plan(code="sized", organisation=city.root, owners=owners)
    client.force_login(city.users["lee"])
    client.get("/plans/sized/")  # warm the session
    with django_assert_max_num_queries(13):
        assert client.get("/plans/sized/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/plans/sized/projects/1/").status_code == 200


def test_home_sends_a_reader_to_the_plan(client, zhengzhou, reader):
    client.force_login(reader)
    assert client.get("/")["Location"] == "/plans/zhengzhou-2016/"


def test_an_imported_draft_never_displaces_the_plan_being_run(city):
    from eduplan.plans.models import Plan
    from eduplan.plans.selectors import plan_default

    running = make_plan(code="running", organisation=city.root)
    Plan.objects.filter(pk=running.pk).update(status="active")
    draft = make_plan(code="draft", organisation=city.root)
    Plan.objects.filter(pk=draft.pk).update(start_year=2021, end_year=2025)
    assert plan_default().code == "running"
    assert plan_default("draft").code == "draft"
