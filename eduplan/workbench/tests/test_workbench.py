"""The 工作台: each role lands on its work after logging in, finds what is due, what came
back, what waits for its approval and its open orders; the menu's counts cost a fixed
number of queries; nobody sees another unit's work."""

from __future__ import annotations

import re

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eduplan.reporting.services import submission_return, submission_save, submission_submit
from eduplan.reporting.tests.conftest import GOOD
from eduplan.supervision.models import InboxMessage
from eduplan.workbench.tests.conftest import PASSWORD

WORK = "/work/"


def _login(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def _submit(city, who="alice", unit=None):
    sub = submission_save(
        user=city.users[who],
        form=_form(),
        org_unit=unit or city.jinshui_one,
        period_code="2016T1",
        values=GOOD,
    )
    return submission_submit(user=city.users[who], submission=sub, revision=sub.revision)


def _form():
    from eduplan.reporting.models import Form

    return Form.objects.get(code="class-size-test")


def _kinds(response, list_id):
    html = response.content.decode()
    section = html.split(f'id="work-{list_id}"', 1)[1].split("</section>", 1)[0]
    return section


def test_a_school_reporter_lands_on_her_work_and_finds_her_due_report(client, people, class_form):
    response = _login(client, "alice")
    assert response.status_code == 302 and response.url == WORK
    page = client.get(WORK)
    assert page.status_code == 200
    due = _kinds(page, "due")
    assert "班额情况" in due and "2016年春季学期" in due and "2016-08-15" in due
    assert "/reports/class-size-test/2016T1/410105-P1/" in due
    assert page.context["work"].counts.reports.due == 1
    assert "2016T1" not in due.replace("/2016T1/", "")  # the period's label, not its code


def test_a_leader_lands_on_the_cockpit(client, people):
    _login(client, "lee")
    response = client.get(WORK)
    assert response.status_code == 302 and response.url == reverse("dashboards:cockpit")


def test_a_report_returned_to_alice_reaches_her_inbox_her_mail_and_her_work_with_the_reason(
    client, people, class_form, django_capture_on_commit_callbacks
):
    city = people
    with django_capture_on_commit_callbacks(execute=True):
        sub = _submit(city)
        submission_return(
            user=city.users["bob"], submission=sub, revision=sub.revision, reason="在校生数有误"
        )
    alice_inbox = InboxMessage.objects.filter(user=city.users["alice"])
    assert [m.subject for m in alice_inbox] == ["报表被退回：班额情况（2016年春季学期，金水一小）"]
    assert "在校生数有误" in alice_inbox[0].body
    assert [m.to for m in mail.outbox if "退回" in m.subject] == [["alice@example.cn"]]
    _login(client, "alice")
    page = client.get(WORK)
    returned = _kinds(page, "returned")
    assert "班额情况" in returned and "在校生数有误" in returned
    assert page.context["work"].counts.reports.returned == 1
    assert page.context["work"].counts.reports.due == 0


def test_a_submitted_report_waits_in_bobs_work_and_he_is_told(
    client, people, class_form, django_capture_on_commit_callbacks
):
    city = people
    with django_capture_on_commit_callbacks(execute=True):
        _submit(city)
    # Bob approves 金水区's schools; Dora (二七区) and Sue are not in this report's chain.
    told = InboxMessage.objects.values_list("user__username", flat=True)
    assert list(told) == ["bob"]
    assert [m.to for m in mail.outbox] == [["bob@example.cn"]]
    _login(client, "bob")
    approvals = _kinds(client.get(WORK), "approvals")
    assert "金水一小" in approvals and "/reports/class-size-test/2016T1/410105-P1/" in approvals
    _login(client, "dora")
    assert "金水一小" not in _kinds(client.get(WORK), "approvals")


def test_charlie_does_not_see_alices_work(client, people, class_form):
    _login(client, "charlie")
    due = _kinds(client.get(WORK), "due")
    assert "二七一小" in due and "金水一小" not in due


def test_whoever_turned_email_off_is_told_in_the_inbox_only(
    client, people, class_form, django_capture_on_commit_callbacks
):
    city = people
    _login(client, "bob")
    response = client.post(reverse("workbench:settings"), {"email": "bob@example.cn"})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        _submit(city)
    assert InboxMessage.objects.filter(user=city.users["bob"]).count() == 1
    assert mail.outbox == []


def test_the_settings_refuse_a_bad_address_and_change_nothing(client, people):
    _login(client, "alice")
    response = client.post(reverse("workbench:settings"), {"email": "alice@", "by_email": "on"})
    assert response.status_code == 400
    assert "请输入有效的电子邮件地址" in response.content.decode()
    people.users["alice"].refresh_from_db()
    assert people.users["alice"].email == "alice@example.cn"


def test_the_work_page_and_the_menu_counts_take_the_same_queries_for_one_report_or_many(
    client, people, class_form, django_assert_num_queries
):
    city = people
    _login(client, "bob")
    _submit(city)
    urls = (WORK, reverse("workbench:badges"))
    counted = {}
    for url in urls:
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        counted[url] = len(one.captured_queries)
    _submit(city, who="jim", unit=city.jinshui_two)
    for url in urls:
        with django_assert_num_queries(counted[url]):
            assert client.get(url).status_code == 200
    assert client.get(WORK).context["work"].counts.approvals == 2


def test_the_badges_count_what_waits(client, people, class_form):
    city = people
    _submit(city)
    _login(client, "bob")
    html = client.get(reverse("workbench:badges")).content.decode()
    assert 'id="badge-approvals" hx-swap-oob="true"><span class="badge text-bg-light">1<' in html


def test_every_badge_swapped_in_has_its_place_in_the_readers_menu(client, people, class_form):
    _submit(people)
    swapped = {}
    for who in ("alice", "bob"):  # a school's reporter (no approvals), a district's
        _login(client, who)
        page = client.get(WORK).content.decode()
        fragment = client.get(reverse("workbench:badges")).content.decode()
        swapped[who] = set(re.findall(r'id="(badge-[a-z]+)" hx-swap-oob', fragment))
        places = set(re.findall(r'<span id="(badge-[a-z]+)"></span>', page))
        assert swapped[who] == places, who
    assert "badge-approvals" not in swapped["alice"]
    assert "badge-approvals" in swapped["bob"]


def test_feedback_on_an_order_tells_the_supervision_office(
    people, django_capture_on_commit_callbacks
):
    from eduplan.supervision.services import order_feedback, order_sign
    from eduplan.supervision.tests.conftest import raise_order

    city = people
    order = raise_order(city.jinshui_one)
    with django_capture_on_commit_callbacks(execute=True):
        order_sign(user=city.users["alice"], order=order)
        order_feedback(user=city.users["alice"], order=order, response="已整改到位")
    told = InboxMessage.objects.filter(subject__startswith="待复核")
    assert [m.user.username for m in told] == ["sue"]
    assert "已整改到位" in told[0].body and told[0].order_id == order.pk
    assert [m.to for m in mail.outbox if m.subject.startswith("待复核")] == [["sue@example.cn"]]


def test_an_order_raised_by_the_rules_tells_its_unit(people, django_capture_on_commit_callbacks):
    from eduplan.supervision.notices import orders_assigned_notify
    from eduplan.supervision.tests.conftest import raise_order

    city = people
    order = raise_order(city.jinshui_one)
    with django_capture_on_commit_callbacks(execute=True):
        assert orders_assigned_notify(orders=[order]) == 1
    message = InboxMessage.objects.get()
    assert (message.user.username, message.order_id) == ("alice", order.pk)
    assert message.subject.startswith(f"新督办单 #{order.pk}")
    assert [m.to for m in mail.outbox] == [["alice@example.cn"]]


def test_an_escalation_mails_only_those_who_want_mail(
    client, people, django_capture_on_commit_callbacks
):
    import datetime

    from eduplan.supervision.services import reminders_send
    from eduplan.supervision.tests.conftest import raise_order

    city = people
    city.users["lee"].email = "lee@example.cn"
    city.users["lee"].save(update_fields=["email"])
    _login(client, "sue")
    client.post(reverse("workbench:settings"), {"email": "sue@example.cn"})  # e-mail off
    raise_order(city.erqi_one, at=datetime.date(2016, 9, 1))  # due 09-08, red from 09-16
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(at=datetime.date(2016, 9, 16))
    escalated = InboxMessage.objects.filter(kind="escalation")
    assert sorted(escalated.values_list("user__username", flat=True)) == ["lee", "sue"]
    assert [m.to for m in mail.outbox if m.subject.startswith("升级")] == [["lee@example.cn"]]


def test_a_department_sees_its_late_tasks_and_not_another_units(client, people, clock):
    import datetime

    from eduplan.plans.tests.factories import make_plan, make_task

    city = people
    plan = make_plan(code="zz", organisation=city.root, owners={1: city.dept_basic})
    make_task(
        plan=plan, lead=city.dept_basic, title="出台示范办法", deadline=datetime.date(2016, 6, 30)
    )
    make_task(
        plan=plan, lead=city.dept_basic, title="年底验收", deadline=datetime.date(2016, 12, 31)
    )
    make_task(
        plan=plan, lead=city.dept_sports, title="体育处的任务", deadline=datetime.date(2016, 6, 1)
    )
    _login(client, "dan")
    tasks = _kinds(client.get(WORK), "tasks")
    # Overdue on 2016-08-10 by 41 days; the task due in December is not late yet.
    assert "出台示范办法" in tasks and "41" in tasks
    assert "年底验收" not in tasks and "体育处的任务" not in tasks
