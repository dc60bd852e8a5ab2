"""A task's milestones are marked done by its lead unit's staff (and the supervision
office), never without evidence, a document never without its 文号; the plan's owners
edit and confirm tasks. Dan works in 基础教育处, Sam in 体卫艺处, Bob administers 金水区,
Dora 二七区, Sue is the supervision office, Lee a leader."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eduplan.core.errors import InputError
from eduplan.org.models import Role
from eduplan.org.tests.factories import user_with_role
from eduplan.plans.models import (
    Milestone,
    MilestoneEvidence,
    OwnerRole,
    PlanStatus,
    ProjectOwner,
    Task,
)
from eduplan.plans.services import (
    milestone_evidence_add,
    milestone_mark_done,
    task_delete,
    task_update,
)
from eduplan.plans.tests.factories import make_plan, make_task

DAY = datetime.date(2016, 11, 20)


@pytest.fixture
def plan(city):
    plan = make_plan(code="city", organisation=city.root, owners={1: city.dept_basic})
    plan.status = PlanStatus.ACTIVE
    plan.save()
    city.users["sam"] = user_with_role("sam", Role.DEPARTMENT, city.root, city.dept_sports)
    return plan


@pytest.fixture
def task(city, plan) -> Task:
    return make_task(plan=plan, lead=city.dept_basic)


def _milestone(task: Task) -> Milestone:
    return task.milestones.get()


def test_marking_done_without_evidence_is_refused_and_changes_nothing(city, task):
    with pytest.raises(InputError, match="至少添加一项佐证材料"):
        milestone_mark_done(
            user=city.users["dan"],
            milestone=_milestone(task),
            done_on=DAY,
            document_number="郑教〔2016〕8号",
        )
    assert _milestone(task).done_on is None


def test_a_document_needs_its_number_and_then_is_done_with_who_and_when(city, task):
    milestone = _milestone(task)
    milestone_evidence_add(
        user=city.users["dan"], milestone=milestone, url="https://jyj.zhengzhou.gov.cn/1.html"
    )
    with pytest.raises(InputError, match="文号"):
        milestone_mark_done(user=city.users["dan"], milestone=milestone, done_on=DAY)
    done = milestone_mark_done(
        user=city.users["dan"], milestone=milestone, done_on=DAY, document_number="郑教〔2016〕8号"
    )
    stored = Milestone.objects.get(pk=done.pk)
    assert (stored.done_on, stored.done_by, stored.document_number) == (
        DAY,
        city.users["dan"],
        "郑教〔2016〕8号",
    )
    [item] = MilestoneEvidence.objects.filter(milestone=milestone)
    assert item.added_by == city.users["dan"] and item.url.endswith("1.html")


@pytest.mark.parametrize(
    ("lead", "who", "allowed"),
    [
        ("dept_basic", "dan", True),
        ("dept_basic", "sue", True),
        ("dept_basic", "sam", False),  # another department
        ("dept_basic", "lee", False),  # leaders read
        ("dept_basic", "bob", False),  # a district's administrator, a department's task
        ("jinshui", "bob", True),
        ("jinshui", "dora", False),  # outside her district
        ("jinshui", "dan", False),
        ("jinshui", "alice", False),  # a school reporter
    ],
)
def test_only_the_lead_units_staff_and_the_office_add_evidence(city, plan, lead, who, allowed):
    task = make_task(plan=plan, lead=getattr(city, lead), milestone_kind="pilot")
    milestone = _milestone(task)

    def add() -> None:
        milestone_evidence_add(user=city.users[who], milestone=milestone, url="https://a.cn/x")
        milestone_mark_done(user=city.users[who], milestone=milestone, done_on=DAY)

    if allowed:
        add()
        assert Milestone.objects.get(pk=milestone.pk).done_on == DAY
    else:
        with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
            add()
        assert not MilestoneEvidence.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({}, "文件或链接"),
        ({"url": "ftp://a.cn/x"}, "http"),
        ({"url": "https://a.cn/x", "file": SimpleUploadedFile("a.pdf", b"%PDF")}, "文件或链接"),
    ],
)
def test_evidence_is_a_file_or_a_link(city, task, kwargs, fragment):
    with pytest.raises(InputError, match=fragment):
        milestone_evidence_add(user=city.users["dan"], milestone=_milestone(task), **kwargs)
    assert not MilestoneEvidence.objects.exists()


def test_a_day_in_the_future_is_refused(city, task):
    milestone = _milestone(task)
    milestone_evidence_add(user=city.users["dan"], milestone=milestone, url="https://a.cn/x")
    with pytest.raises(InputError, match="不能晚于今天"):
        milestone_mark_done(
            user=city.users["dan"],
            milestone=milestone,
            done_on=datetime.date.today() + datetime.timedelta(days=1),
            document_number="郑教〔2016〕8号",
        )


def test_the_task_page_marks_done_with_an_uploaded_file(client, city, task, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    milestone = _milestone(task)
    client.force_login(city.users["dan"])
    refused = client.post(
        reverse("milestone_mark_done", args=[milestone.pk]),
        {"done_on": "2016-11-20", "document_number": "郑教〔2016〕8号"},
        follow=True,
    )
    assert "至少添加一项佐证材料" in refused.content.decode()
    assert _milestone(task).done_on is None
    client.post(
        reverse("milestone_evidence", args=[milestone.pk]),
        {"file": SimpleUploadedFile("办法.pdf", b"%PDF-1.4 demo"), "note": "印发稿"},
    )
    [item] = MilestoneEvidence.objects.all()
    assert item.file.name.startswith(f"milestones/{milestone.pk}/")
    client.post(
        reverse("milestone_mark_done", args=[milestone.pk]),
        {"done_on": "2016-11-20", "document_number": "郑教〔2016〕8号"},
    )
    assert _milestone(task).done_on == DAY
    page = client.get(reverse("dashboards:task", args=[task.pk]) + "?plan=city&at=2016B6")
    assert "郑教〔2016〕8号" in page.content.decode() and "印发稿" in page.content.decode()
    download = client.get(reverse("milestone_evidence_file", args=[item.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 demo"


def test_another_departments_post_is_refused_on_the_server(client, city, task):
    client.force_login(city.users["sam"])
    response = client.post(
        reverse("milestone_evidence", args=[_milestone(task).pk]), {"url": "https://a.cn/x"}
    )
    assert response.status_code == 403
    assert not MilestoneEvidence.objects.exists()


def test_the_plans_owners_edit_and_confirm_a_proposed_task(city, plan):
    task = make_task(plan=plan, lead=city.dept_sports, confirmed=False)
    with pytest.raises(
        PermissionDenied, match="您无权在此执行该操作"
    ):  # 体卫艺处 leads it but does not own the plan
        task_update(
            user=city.users["sam"],
            task=task,
            title="x",
            lead_unit=city.dept_sports,
            co_units=[],
            deadline=DAY,
        )
    task_update(
        user=city.users["dan"],
        task=task,
        title="出台《示范办法》（修订）",
        lead_unit=city.dept_basic,
        co_units=[city.dept_sports, city.jinshui],
        deadline=datetime.date(2016, 10, 31),
        confirm=True,
    )
    task.refresh_from_db()
    assert (task.title, task.lead_unit, task.confirmed, task.year) == (
        "出台《示范办法》（修订）",
        city.dept_basic,
        True,
        2016,
    )
    assert set(task.co_units.all()) == {city.dept_sports, city.jinshui}
    with pytest.raises(InputError, match=r"lead_unit: .*410105-P1"):  # a school leads nothing
        task_update(
            user=city.users["dan"],
            task=task,
            title="x",
            lead_unit=city.jinshui_one,
            co_units=[],
            deadline=DAY,
        )
    with pytest.raises(InputError, match="已确认的任务不能删除"):  # confirmed: not deleted
        task_delete(user=city.users["dan"], task=task)


def test_a_proposed_task_is_deleted_by_the_office(city, plan):
    task = make_task(plan=plan, lead=city.dept_basic, confirmed=False)
    task_delete(user=city.users["sue"], task=task)
    assert not Task.objects.exists() and not Milestone.objects.exists()


def test_a_department_sharing_the_project_cannot_take_a_task_over(city, plan, task):
    """Only the project's lead department (牵头) edits its tasks; a responsible (配合)
    department may not, e.g. to make itself the lead or move the deadline."""
    project = plan.projects.get(number=1)
    ProjectOwner.objects.create(
        project=project, department=city.dept_sports, role=OwnerRole.RESPONSIBLE
    )
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        task_update(
            user=city.users["sam"],
            task=task,
            title=task.title,
            lead_unit=city.dept_sports,
            co_units=[],
            deadline=datetime.date(2019, 12, 31),
        )
    task.refresh_from_db()
    assert (task.lead_unit, task.deadline) == (city.dept_basic, datetime.date(2016, 12, 31))


def test_the_task_form_takes_units_by_name_and_names_the_field_of_an_unknown_one(
    client, city, task
):
    client.force_login(city.users["dan"])
    url = reverse("task_edit", args=[task.pk])
    form = {"title": task.title, "lead_unit": city.dept_basic.name, "deadline": "2016-12-31"}
    refused = client.post(url, {**form, "co_units": "金水区、不存在区"}, follow=True)
    said = [str(m) for m in refused.context["messages"]]
    assert len(said) == 1 and said[0].startswith("配合单位") and "不存在区" in said[0]
    assert not task.co_units.exists()
    client.post(url, {**form, "co_units": "金水区、二七区"})
    assert sorted(task.co_units.values_list("name", flat=True)) == ["二七区", "金水区"]
