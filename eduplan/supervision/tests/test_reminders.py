"""Reminders (催办) before and after the deadline go to the inbox and by e-mail, never
twice for the same thing; an order still unanswered when red escalates once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from eduplan.supervision.models import InboxMessage, Reminder, ReminderKind
from eduplan.supervision.services import order_feedback, order_sign, reminders_send
from eduplan.supervision.tests.conftest import raise_order

D = datetime.date


def _send(capture, day):
    with capture(execute=True):
        return reminders_send(at=day)


def _inbox(kind=None):
    qs = InboxMessage.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return sorted(qs.values_list("user__username", flat=True))


def _subjects(kind):
    """The subjects of one kind of message (mail carries the inbox message's subject)."""
    return set(InboxMessage.objects.filter(kind=kind).values_list("subject", flat=True))


def test_a_reminder_before_the_deadline_goes_once_to_the_schools_inbox_and_mail(
    people, city, django_capture_on_commit_callbacks
):
    order = raise_order(city.jinshui_one)  # due 2016-09-08
    assert _send(django_capture_on_commit_callbacks, D(2016, 9, 4)) == 0  # not yet near
    assert _send(django_capture_on_commit_callbacks, D(2016, 9, 5)) == 1
    assert _send(django_capture_on_commit_callbacks, D(2016, 9, 5)) == 0  # the job runs again
    assert _send(django_capture_on_commit_callbacks, D(2016, 9, 7)) == 0  # and the next days
    assert _inbox() == ["alice"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert f"#{order.pk}" in message.subject and "2016-09-08" in message.subject
    assert f"/supervision/orders/{order.pk}/" in message.body
    assert Reminder.objects.get().kind == ReminderKind.DUE_SOON


def test_overdue_reminders_copy_the_schools_district_and_repeat_once_a_week(
    people, city, django_capture_on_commit_callbacks
):
    raise_order(city.jinshui_one)  # due 2016-09-08
    for day in (D(2016, 9, 9), D(2016, 9, 10), D(2016, 9, 15)):
        _send(django_capture_on_commit_callbacks, day)
    assert _inbox(ReminderKind.OVERDUE) == ["alice", "bob"]
    _send(django_capture_on_commit_callbacks, D(2016, 9, 16))  # a new week
    assert _inbox(ReminderKind.OVERDUE) == ["alice", "alice", "bob", "bob"]
    assert sorted(m.to[0] for m in mail.outbox if m.subject in _subjects(ReminderKind.OVERDUE)) == [
        "alice@example.org",
        "alice@example.org",
        "bob@example.org",
        "bob@example.org",
    ]
    buckets = Reminder.objects.filter(kind=ReminderKind.OVERDUE).values_list("bucket", flat=True)
    assert sorted(buckets) == [D(2016, 9, 9), D(2016, 9, 16)]


def test_an_unanswered_order_past_its_red_deadline_escalates_once_to_the_office_and_leaders(
    people, city, django_capture_on_commit_callbacks
):
    order = raise_order(city.erqi_one)  # due 2016-09-08, red from 09-16
    _send(django_capture_on_commit_callbacks, D(2016, 9, 15))
    assert _inbox(ReminderKind.ESCALATION) == []
    for day in (D(2016, 9, 16), D(2016, 9, 17), D(2016, 9, 30), D(2016, 10, 30)):
        _send(django_capture_on_commit_callbacks, day)
    # Sue (supervision office) and Lee (leader); not Nobody, who has no scope.
    assert _inbox(ReminderKind.ESCALATION) == ["lee", "sue"]
    subjects = _subjects(ReminderKind.ESCALATION)
    escalation_mails = [m.to[0] for m in mail.outbox if m.subject in subjects]
    assert sorted(escalation_mails) == ["lee@example.org", "sue@example.org"]
    assert order.events.filter(action="escalate").count() == 1


def test_answered_orders_get_no_reminders(people, city, django_capture_on_commit_callbacks):
    order = raise_order(city.jinshui_one)
    order_sign(user=city.users["alice"], order=order)
    order_feedback(user=city.users["alice"], order=order, response="已整改")
    assert _send(django_capture_on_commit_callbacks, D(2016, 9, 20)) == 0
    # Only the notice of the feedback to the office; no reminder, no mail.
    assert list(InboxMessage.objects.values_list("kind", "user__username")) == [("notice", "sue")]
    assert mail.outbox == []


def test_a_departments_order_reminds_its_staff(people, city, django_capture_on_commit_callbacks):
    raise_order(city.dept_basic)
    _send(django_capture_on_commit_callbacks, D(2016, 9, 6))
    assert _inbox() == ["dan"]


def test_the_database_refuses_a_second_reminder_for_the_same_order_kind_and_bucket(city):
    order = raise_order(city.jinshui_one)
    Reminder.objects.create(order=order, kind=ReminderKind.OVERDUE, bucket=D(2016, 9, 9))
    with (
        pytest.raises(IntegrityError, match=r"supervision_reminder(\.order_id|_once)"),
        transaction.atomic(),
    ):
        Reminder.objects.create(order=order, kind=ReminderKind.OVERDUE, bucket=D(2016, 9, 9))


def test_mail_leaves_only_after_the_transaction_commits(
    people, city, django_capture_on_commit_callbacks
):
    raise_order(city.jinshui_one)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reminders_send(at=D(2016, 9, 6))
    assert mail.outbox == [] and InboxMessage.objects.count() == 1
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
