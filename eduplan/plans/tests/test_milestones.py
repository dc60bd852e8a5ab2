"""Marking a milestone done: only the project's owners, a day not in the future, with
evidence; a milestone done in time raises no supervision order."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied

from eduplan.core.errors import InputError
from eduplan.plans.models import Milestone, PlanStatus
from eduplan.plans.services import milestone_complete
from eduplan.plans.tests.factories import make_plan

DUE = datetime.date(2016, 12, 31)


@pytest.fixture
def milestone(city):
    plan = make_plan(
        code="city", organisation=city.root, owners={1: city.dept_basic, 2: city.dept_sports}
    )
    plan.status = PlanStatus.ACTIVE
    plan.save()
    return Milestone.objects.create(
        project=plan.projects.get(number=1), year=2016, title="制订方案、开始试行", due_on=DUE
    )


def test_an_owner_marks_a_milestone_done_with_its_evidence(city, milestone):
    milestone_complete(
        user=city.users["dan"], milestone=milestone, done_on=DUE, evidence="郑教〔2016〕88号"
    )
    milestone.refresh_from_db()
    assert (milestone.done_on, milestone.done_by, milestone.evidence) == (
        DUE,
        city.users["dan"],
        "郑教〔2016〕88号",
    )
    assert milestone.state_on(DUE) == "done"
    assert milestone.state_on(DUE - datetime.timedelta(days=1)) == "due"


@pytest.mark.parametrize("who", ["lee", "bob", "alice"])
def test_only_the_owners_and_the_supervision_office_may(city, milestone, who):
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        milestone_complete(user=city.users[who], milestone=milestone, done_on=DUE, evidence="x")
    milestone.refresh_from_db()
    assert milestone.done_on is None


@pytest.mark.parametrize(
    ("done_on", "evidence", "where"),
    [(datetime.date(2999, 1, 1), "郑教〔2016〕88号", "done_on"), (DUE, "   ", "evidence")],
)
def test_a_future_day_or_no_evidence_is_refused_and_changes_nothing(
    city, milestone, done_on, evidence, where
):
    with pytest.raises(InputError, match=f"^{re.escape(where)}: ") as refused:
        milestone_complete(
            user=city.users["dan"], milestone=milestone, done_on=done_on, evidence=evidence
        )
    assert refused.value.where == where
    milestone.refresh_from_db()
    assert milestone.done_on is None and milestone.evidence == ""


def test_a_milestone_done_in_time_is_not_overdue_and_one_done_later_still_was(city, milestone):
    from eduplan.supervision.rules import find_milestones_overdue

    scan = datetime.date(2017, 1, 10)
    assert [f.subject for f in find_milestones_overdue(at=scan, days=0)] == [
        f"milestone:{milestone.pk}"
    ]
    milestone_complete(
        user=city.users["dan"],
        milestone=milestone,
        done_on=datetime.date(2017, 2, 1),
        evidence="补报",
    )
    assert len(find_milestones_overdue(at=scan, days=0)) == 1  # not yet done on the 10th
    milestone_complete(user=city.users["dan"], milestone=milestone, done_on=DUE, evidence="按期")
    assert find_milestones_overdue(at=scan, days=0) == []


def test_the_page_form_marks_it_done_and_returns_to_the_page(client, city, milestone):
    client.force_login(city.users["dan"])
    assert client.get(f"/milestones/{milestone.pk}/done/").status_code == 405
    response = client.post(
        f"/milestones/{milestone.pk}/done/",
        {"done_on": "2016-12-20", "evidence": "郑教〔2016〕88号", "next": "/dashboards/"},
    )
    assert response.status_code == 302 and response["Location"] == "/dashboards/"
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2016, 12, 20)
    client.force_login(city.users["bob"])
    assert (
        client.post(f"/milestones/{milestone.pk}/done/", {"done_on": "2016-12-20"}).status_code
        == 403
    )


def test_a_link_elsewhere_is_not_followed(client, city, milestone):
    client.force_login(city.users["dan"])
    response = client.post(
        f"/milestones/{milestone.pk}/done/",
        {"done_on": "2016-12-20", "evidence": "x", "next": "https://example.org/"},
    )
    assert response["Location"].startswith("/plans/city/projects/1/")
