"""The parts of a page kept as markup are never older than the data, and never shown to
a reader who may not read them: a project's work part (goals, owners, measures and work
points with their tasks and latest progress) is kept per change of the plan and its work
and per reader's reach; a school's census and figures per change of the figures."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches

from eduplan.dashboards.selectors.school import school_page_build
from eduplan.indicators.work import PROGRESS_FORM
from eduplan.org.access import Action, access_key, can
from eduplan.org.models import Membership, OrgUnit
from eduplan.plans.models import Goal, Measure, Project, ProjectOwner, Task, WorkPoint
from eduplan.reporting.models import DataElement, DataValue, Status, Submission
from eduplan.reporting.services import (
    submission_approve,
    submission_reopen,
    submission_save,
    submission_submit,
)

AT = {"at": "2016B6"}
ROLES = ["leader", "duchashi", "jichu", "jinshui", "jinshui-school1"]


@pytest.fixture
def kept(demo, db):
    """The figures cache, emptied after the test: its keys are stamps the rollback undoes."""
    yield caches[settings.FIGURES_CACHE]
    caches[settings.FIGURES_CACHE].clear()


def _project_with_progress() -> tuple[Project, list[Submission]]:
    """A project whose tasks have approved progress reports, and those reports, each
    narrative marked NARR-<pk> so a page shows which it reads."""
    reports = list(
        Submission.objects.filter(form__code=PROGRESS_FORM, status=Status.APPROVED).order_by("pk")
    )
    element = DataElement.objects.get(code="mp_narrative")
    tasks = Task.objects.in_bulk([int(r.subject.removeprefix("task:")) for r in reports])
    measures = [tasks[int(r.subject.removeprefix("task:"))].measure for r in reports]
    project = next(m.project for m in measures if m is not None)
    for report in reports:
        DataValue.objects.update_or_create(
            submission=report,
            element=element,
            defaults={
                "org_unit": report.org_unit,
                "period": report.period,
                "text": f"NARR-{report.pk}",
            },
        )
    next(iter(tasks.values())).save()  # the work moved: its stamp with it
    return project, reports


def _seen(body: str) -> set[int]:
    return {int(pk) for pk in re.findall(r"NARR-(\d+)", body)}


def test_a_project_pages_work_part_kept_for_one_reader_is_never_shown_to_another(as_user, kept):
    project, reports = _project_with_progress()
    url = f"/dashboards/projects/{project.number}/"
    users = {name: get_user_model().objects.get(username=name) for name in ROLES}
    assert len({access_key(u) for u in users.values()}) == len(ROLES)
    for order in (ROLES, ROLES[::-1]):  # each reader first once, and after every other
        for name in order:
            body = as_user(name).get(url, AT).content.decode()
            readable = {r.pk for r in reports if can(users[name], Action.REPORT_VIEW, r)}
            assert _seen(body) <= readable, name
            if name == "leader":
                assert _seen(body), "the leader reads the project's progress reports"
    # One kept work part per reader's reach: the five readers' were never shared.
    assert len([k for k in kept._store if "project-tasks" in k]) == len(ROLES)


def test_two_readers_with_the_same_reach_share_the_kept_part(as_user, kept):
    leader = get_user_model().objects.get(username="leader")
    twin = get_user_model().objects.create_user("leader-twin")
    membership = Membership.objects.get(user=leader)
    Membership.objects.create(user=twin, role=membership.role, scope=membership.scope)
    assert access_key(twin) == access_key(leader)
    project, _reports = _project_with_progress()
    url = f"/dashboards/projects/{project.number}/"
    first = as_user("leader").get(url, AT).content.decode()
    kept_parts = {k for k in kept._store if "project-tasks" in k}
    second = as_user("leader-twin").get(url, AT).content.decode()
    assert {k for k in kept._store if "project-tasks" in k} == kept_parts
    assert _seen(first) == _seen(second) and _seen(first)


def test_a_project_page_shows_a_change_of_the_plan_or_its_work_at_once(as_user, kept):
    client = as_user("leader")
    project = Project.objects.filter(measures__tasks__isnull=False).order_by("number").first()
    url = f"/dashboards/projects/{project.number}/"
    assert client.get(url, AT).status_code == 200  # the parts are kept now

    def shows(text: str) -> bool:
        return text in client.get(url, AT).content.decode()

    task = Task.objects.filter(measure__project=project).order_by("pk").first()
    task.title = "改名后的任务"
    task.save()
    assert shows("改名后的任务")
    measure = Measure.objects.filter(project=project).order_by("pk").first()
    measure.text = "改写后的措施"
    measure.save()
    assert shows("改写后的措施")
    goal = Goal.objects.filter(project=project).order_by("pk").first()
    goal.text = "改写后的目标"
    goal.save()
    assert shows("改写后的目标")
    department = OrgUnit.objects.filter(type="department").exclude(
        pk__in=ProjectOwner.objects.filter(project=project).values("department")
    )[0]
    ProjectOwner.objects.create(project=project, department=department, role="responsible")
    assert shows(department.name)
    point = WorkPoint.objects.filter(projects=project).order_by("pk").first()
    if point is not None:
        point.text = "改写后的工作要点"
        point.save()
        assert shows("改写后的工作要点")


def _correct(report: Submission, *, reporter, approver, changes: dict[str, str], between=None):
    """A correction through the services: the approver reopens the approved report, the
    reporter saves it with `changes` (calling `between()` while it is open again) and
    submits it, the approver approves it."""
    report = submission_reopen(
        user=approver, submission=report, revision=report.revision, reason="订正"
    )
    values = {
        v.element.code: (v.text if v.number is None else f"{Decimal(v.number).normalize():f}")
        for v in DataValue.objects.filter(submission=report).select_related("element")
    }
    report = submission_save(
        user=reporter,
        form=report.form,
        org_unit=report.org_unit,
        period_code=report.period,
        subject=report.subject,
        values={**values, **changes},
        revision=report.revision,
    )
    if between is not None:
        between()
    report = submission_submit(
        user=reporter, submission=report, revision=report.revision, comment="订正"
    )
    submission_approve(user=approver, submission=report, revision=report.revision)


def test_a_progress_report_corrected_and_approved_shows_at_once(as_user, kept):
    project, reports = _project_with_progress()
    client = as_user("leader")
    url = f"/dashboards/projects/{project.number}/"
    before = client.get(url, AT).content.decode()
    report = next(r for r in reports if f"NARR-{r.pk}" in before)
    task = Task.objects.get(pk=int(report.subject.removeprefix("task:")))
    memberships = list(Membership.objects.select_related("user", "scope", "department"))
    reporter = next(
        m.user for m in memberships if can(m.user, Action.REPORT_ENTER, report.org_unit)
    )
    approver = next(
        m.user
        for m in memberships
        if report.may_be_approved_by(m) and can(m.user, Action.REPORT_APPROVE, report)
    )
    _correct(
        report, reporter=reporter, approver=approver, changes={"mp_narrative": "订正后的进展说明"}
    )
    after = client.get(url, AT).content.decode()
    assert "订正后的进展说明" in after and task.title[:20] in after


def test_a_school_pages_figures_move_with_an_approval_and_its_reports_at_once(as_user, kept):
    client = as_user("leader")
    reporter = get_user_model().objects.get(username="jinshui-school1")
    district = get_user_model().objects.get(username="jinshui")
    school = reporter.membership.scope
    listed = [d["submission"].pk for d in school_page_build(unit=school).due if d["submission"]]
    value = (
        DataValue.objects.filter(
            submission__in=listed,
            submission__status=Status.APPROVED,
            org_unit=school,
            number__gte=10,
            element__value_type="integer",
        )
        .select_related("submission__form", "submission__org_unit", "element")
        .order_by("pk")
        .first()
    )
    url = f"/dashboards/schools/{value.org_unit.code}/"
    approved = client.get(url).content.decode().count('data-status="approved"')  # kept now

    def reopened_shown() -> None:
        body = client.get(url).content.decode()
        assert "987654" not in body  # an unapproved value is no figure
        assert body.count('data-status="approved"') == approved - 1  # its report due is open

    _correct(
        value.submission,
        reporter=reporter,
        approver=district,
        changes={value.element.code: "987654"},
        between=reopened_shown,
    )
    assert "987654" in client.get(url).content.decode()
