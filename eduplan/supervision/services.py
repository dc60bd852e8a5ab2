"""Writes in supervision: a rules run, an order's lifecycle, colour history, reminders
and escalation, the inbox.

An order's status changes only in `order_set_status`, which enforces `TRANSITIONS`,
stamps the step with its time and actor and appends an event. Whoever acts is checked
here: the responsible unit (Action.REPORT_ENTER on it) signs, handles and answers; only
the supervision office reviews, closes (办结销号) and sends back. Mail leaves after the
transaction commits.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.inbox import mail_refused, mails_queue
from eduplan.org.access import Action, SignedInUser, User, can, signed_in
from eduplan.org.models import Membership, Role, UnitType
from eduplan.org.selectors import unit_members
from eduplan.supervision.evidence import EvidenceItem, evidence_check, evidence_store
from eduplan.supervision.models import (
    UNDONE,
    Colour,
    InboxMessage,
    OrderColour,
    OrderEvent,
    OrderStatus,
    Reminder,
    ReminderKind,
    SupervisionOrder,
)
from eduplan.supervision.rules import Finding, findings, rule_specs
from eduplan.supervision.selectors import assigned_at, monthly_colours, order_timeline

logger = logging.getLogger(__name__)

TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.ASSIGNED: frozenset({OrderStatus.SIGNED}),  # 立项交办 → 签收
    # An order not yet answered may be reassigned (改派): back to 立项交办 for the new unit.
    OrderStatus.SIGNED: frozenset({OrderStatus.IN_PROGRESS, OrderStatus.ASSIGNED}),  # → 办理
    OrderStatus.IN_PROGRESS: frozenset({OrderStatus.RESPONDED, OrderStatus.ASSIGNED}),  # → 反馈
    OrderStatus.RESPONDED: frozenset({OrderStatus.REVIEWING, OrderStatus.IN_PROGRESS}),  # → 复核
    OrderStatus.REVIEWING: frozenset({OrderStatus.CLOSED, OrderStatus.IN_PROGRESS}),  # → 办结销号
    OrderStatus.CLOSED: frozenset(),
}
# Each step's time and actor on the order (the events keep every repetition).
STEP_FIELDS: dict[str, tuple[str, str]] = {
    OrderStatus.SIGNED: ("signed_at", "signed_by"),
    OrderStatus.IN_PROGRESS: ("started_at", "started_by"),
    OrderStatus.RESPONDED: ("responded_at", "responded_by"),
    OrderStatus.REVIEWING: ("reviewed_at", "reviewed_by"),
    OrderStatus.CLOSED: ("closed_at", "closed_by"),
}

ERR_TRANSITION = gettext_lazy("An order that is %(old)s cannot become %(new)s.")
ERR_NOT_RESPONSIBLE = gettext_lazy(
    "Only the responsible unit, or the district above it, may answer this order."
)
ERR_OFFICE_ONLY = gettext_lazy("Only the supervision office may review, close or send back orders.")
ERR_RESPONSE_REQUIRED = gettext_lazy("Write your response before submitting feedback.")
ERR_NO_RESPONSE = gettext_lazy("An order cannot be closed before its unit has responded.")
ERR_SIGN_FIRST = gettext_lazy("Sign for the order before answering it.")
ERR_REASON_REQUIRED = gettext_lazy("Say why the order is sent back.")
ERR_DUE_IN_PAST = gettext_lazy("A new deadline cannot be in the past.")
ERR_ANSWERED = gettext_lazy("This order has been answered and can no longer be changed.")


# Who may act ----------------------------------------------------------------------------


def order_may_answer(*, user: User, order: SupervisionOrder) -> bool:
    """Whether the user answers for the order's unit (enters reports for it)."""
    return can(user, Action.REPORT_ENTER, order)


def order_may_supervise(*, user: User, order: SupervisionOrder) -> bool:
    """Whether the user is in the supervision office with the order's unit in scope."""
    return can(user, Action.ORDER_DECIDE, order)


def _require_answerer(user: User, order: SupervisionOrder) -> None:
    if not order_may_answer(user=user, order=order):
        raise PermissionDenied(str(ERR_NOT_RESPONSIBLE))


def _require_office(user: User, order: SupervisionOrder) -> None:
    if not order_may_supervise(user=user, order=order):
        raise PermissionDenied(str(ERR_OFFICE_ONLY))


# The lifecycle ---------------------------------------------------------------------------


def order_event_add(
    order: SupervisionOrder,
    action: str,
    actor: User | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> OrderEvent:
    """Append a step to the order's history, with its status and deadline after it."""
    return OrderEvent.objects.create(
        order=order,
        action=action,
        status=order.status,
        due_on=order.due_on,
        actor=None if actor is None else signed_in(actor),
        note=note,
        at=at or timezone.now(),
    )


def order_set_status(
    *,
    order: SupervisionOrder,
    new: str,
    actor: User | None,
    action: str,
    note: str = "",
    also: Sequence[str] = (),
) -> SupervisionOrder:
    """The one place an order changes status: refuses a move the map does not allow,
    stamps the step's time and actor, saves (with `also`'s fields) and appends an event."""
    if new not in TRANSITIONS[order.status]:
        raise InputError(
            str(ERR_TRANSITION)
            % {"old": OrderStatus(order.status).label, "new": OrderStatus(new).label},
            where=f"#{order.pk}",
        )
    order.status = new
    by = None if actor is None else signed_in(actor)
    stamps: tuple[str, ...] = ()
    if new in STEP_FIELDS:  # back to 立项交办 (reassigned) stamps nothing
        at_field, by_field = stamps = STEP_FIELDS[new]
        setattr(order, at_field, timezone.now())
        setattr(order, by_field, by)
    order.save(update_fields=["status", *stamps, *also])
    order_event_add(order, action, by, note)
    return order


def _locked(order: SupervisionOrder) -> SupervisionOrder:
    return (
        SupervisionOrder.objects.select_for_update()
        .select_related("responsible_unit")
        .get(pk=order.pk)
    )


@transaction.atomic
def order_sign(*, user: User, order: SupervisionOrder) -> SupervisionOrder:
    """The responsible unit signs for (签收) an assigned order."""
    order = _locked(order)
    _require_answerer(user, order)
    return order_set_status(order=order, new=OrderStatus.SIGNED, actor=user, action="sign")


def _start(order: SupervisionOrder, user: User) -> None:
    if order.status == OrderStatus.ASSIGNED:
        raise InputError(str(ERR_SIGN_FIRST), where="response")
    if order.status == OrderStatus.SIGNED:
        order_set_status(order=order, new=OrderStatus.IN_PROGRESS, actor=user, action="start")
    elif order.status != OrderStatus.IN_PROGRESS:
        raise InputError(str(ERR_ANSWERED), where="response")


@transaction.atomic
def order_response_save(*, user: User, order: SupervisionOrder, response: str) -> SupervisionOrder:
    """Save the response as a draft; the first save starts handling (办理)."""
    order = _locked(order)
    _require_answerer(user, order)
    _start(order, user)
    text = response.strip()
    if text != order.response:
        order.response = text
        order.save(update_fields=["response"])
        order_event_add(order, "save", user)
    return order


@transaction.atomic
def order_feedback(
    *,
    user: User,
    order: SupervisionOrder,
    response: str | None = None,
    evidence: Sequence[EvidenceItem] = (),
) -> SupervisionOrder:
    """Submit the lead unit's feedback (反馈), with its evidence: a response is required.
    Red months in the colour history turn yellow, since the order has now been caught up."""
    order = _locked(order)
    _require_answerer(user, order)
    text = order.response if response is None else response.strip()
    if not text:
        raise InputError(str(ERR_RESPONSE_REQUIRED), where="response")
    evidence_check(evidence)
    _start(order, user)
    order.response = text
    order_set_status(
        order=order,
        new=OrderStatus.RESPONDED,
        actor=user,
        action="feedback",
        note=text,
        also=["response"],
    )
    if evidence:
        event = order.events.order_by("-pk").first()
        assert event is not None
        evidence_store(
            order=order, event=event, unit=order.responsible_unit, user=user, items=evidence
        )
    OrderColour.objects.filter(order=order, colour=Colour.RED).update(colour=Colour.YELLOW)
    _colours_store([order], at=timezone.localdate())
    from eduplan.supervision.notices import feedback_notify  # notices builds on this module

    feedback_notify(order=order)
    return order


@transaction.atomic
def order_review(*, user: User, order: SupervisionOrder, note: str = "") -> SupervisionOrder:
    """The supervision office takes the feedback into review (复核)."""
    order = _locked(order)
    _require_office(user, order)
    return order_set_status(
        order=order, new=OrderStatus.REVIEWING, actor=user, action="review", note=note.strip()
    )


@transaction.atomic
def order_close(*, user: User, order: SupervisionOrder, note: str = "") -> SupervisionOrder:
    """The supervision office accepts the response and closes the order (办结销号); an
    order under feedback passes through review first. Refused without a response."""
    order = _locked(order)
    _require_office(user, order)
    if not order.response.strip():
        raise InputError(str(ERR_NO_RESPONSE), where=f"#{order.pk}")
    if order.status == OrderStatus.RESPONDED:
        order_set_status(order=order, new=OrderStatus.REVIEWING, actor=user, action="review")
    return order_set_status(
        order=order, new=OrderStatus.CLOSED, actor=user, action="close", note=note.strip()
    )


@transaction.atomic
def order_send_back(
    *, user: User, order: SupervisionOrder, reason: str, due_on: datetime.date | None = None
) -> SupervisionOrder:
    """The office does not accept the feedback: back to handling (办理) with the reason,
    and a new deadline if one is given."""
    order = _locked(order)
    _require_office(user, order)
    if not reason.strip():
        raise InputError(str(ERR_REASON_REQUIRED), where="reason")
    also = []
    if due_on is not None:
        if due_on < timezone.localdate():
            raise InputError(str(ERR_DUE_IN_PAST), where="due_on")
        order.due_on = due_on
        also.append("due_on")
    return order_set_status(
        order=order,
        new=OrderStatus.IN_PROGRESS,
        actor=user,
        action="send_back",
        note=reason.strip(),
        also=also,
    )


# A rules run ----------------------------------------------------------------------------


@dataclass
class ScanResult:
    at: datetime.date
    created: dict[str, int] = field(default_factory=dict)
    already: int = 0

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def _chunks(items: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _known(rule: str, subjects: Sequence[str]) -> tuple[set[str], set[tuple[str, str]]]:
    """Subjects with an open order, and every (subject, occurrence) ever ordered."""
    open_subjects: set[str] = set()
    seen: set[tuple[str, str]] = set()
    for chunk in _chunks(subjects):
        rows = SupervisionOrder.objects.filter(rule=rule, subject__in=chunk).values_list(
            "subject", "occurrence", "status"
        )
        for subject, occurrence, status in rows:
            seen.add((subject, occurrence))
            if status != OrderStatus.CLOSED:
                open_subjects.add(subject)
    return open_subjects, seen


def order_create(
    *, finding: Finding, at: datetime.date, respond_days: int
) -> SupervisionOrder | None:
    """Raise (立项交办) an order for a finding, due `respond_days` after `at`; None if an
    order for it exists already (the database's constraints decide, so runs may race)."""
    try:
        with transaction.atomic():
            order = SupervisionOrder.objects.create(
                rule=finding.rule,
                subject=finding.subject,
                occurrence=finding.occurrence,
                title=finding.title[:300],
                detail=finding.detail,
                responsible_unit=finding.unit,
                assigned_on=at,
                due_on=at + datetime.timedelta(days=respond_days),
            )
            # A run as of an earlier day raises the order on that day: its history says so.
            order_event_add(order, "assign", note=finding.detail, at=assigned_at(order))
    except IntegrityError:
        return None
    return order


def supervision_scan(*, at: datetime.date) -> ScanResult:
    """Run every enabled rule as of `at`: one new order per finding that has no open
    order for its rule and subject and was never raised for this occurrence. Running it
    again changes nothing; it closes nothing."""
    result = ScanResult(at=at)
    raised: list[SupervisionOrder] = []
    with translation.override(settings.LANGUAGE_CODE):
        for spec in rule_specs():
            if not spec.enabled:
                continue
            found = findings(spec=spec, at=at)
            open_subjects, seen = _known(spec.rule, sorted({f.subject for f in found}))
            created = 0
            for finding in found:
                if finding.subject in open_subjects or (
                    (finding.subject, finding.occurrence) in seen
                ):
                    result.already += 1
                    continue
                order = order_create(finding=finding, at=at, respond_days=spec.respond_days)
                if order is not None:
                    raised.append(order)
                    created += 1
                    open_subjects.add(finding.subject)
            result.created[spec.rule] = created
    from eduplan.supervision.notices import orders_assigned_notify  # builds on this module

    orders_assigned_notify(orders=raised)
    return result


# Colour history ---------------------------------------------------------------------------


def _colours_store(orders: Sequence[SupervisionOrder], *, at: datetime.date) -> int:
    """Recompute each order's monthly colours from its last stored month to `at`."""
    if not orders:
        return 0
    ids = [o.pk for o in orders]
    last: dict[int, datetime.date] = {}
    for order_id, month in OrderColour.objects.filter(order_id__in=ids).values_list(
        "order_id", "month"
    ):
        last[order_id] = max(month, last.get(order_id, month))
    events: dict[int, list[OrderEvent]] = defaultdict(list)
    for event in OrderEvent.objects.filter(order_id__in=ids).order_by("at", "pk"):
        events[event.order_id].append(event)
    rows = []
    for order in orders:
        if order.assigned_on > at:
            continue
        timeline = order_timeline(order=order, events=events[order.pk])
        months = monthly_colours(timeline=timeline, until=at, since=last.get(order.pk))
        rows += [OrderColour(order=order, month=m, colour=c) for m, c in months.items()]
    OrderColour.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["order", "month"], update_fields=["colour"]
    )
    return len(rows)


@transaction.atomic
def order_colours_record(*, at: datetime.date) -> int:
    """Store the colour history of every open order up to `at`. Returns months written."""
    orders = list(
        SupervisionOrder.objects.exclude(status=OrderStatus.CLOSED)
        .filter(assigned_on__lte=at)
        .order_by("pk")
    )
    return sum(_colours_store(orders[i : i + 500], at=at) for i in range(0, len(orders), 500))


# Reminders (催办) and escalation ----------------------------------------------------------


def reminders_due(
    *, order: SupervisionOrder, at: datetime.date
) -> list[tuple[ReminderKind, datetime.date]]:
    """The reminders an undone order calls for on `at`, each with its date bucket: one
    before the deadline, one per EDUPLAN_SUPERVISION_REMIND_EVERY_DAYS after it, and one
    escalation once it is red."""
    due = order.due_on
    blue = datetime.timedelta(days=settings.EDUPLAN_SUPERVISION_BLUE_DAYS)
    red = datetime.timedelta(days=settings.EDUPLAN_SUPERVISION_RED_DAYS)
    every = max(1, settings.EDUPLAN_SUPERVISION_REMIND_EVERY_DAYS)
    out: list[tuple[ReminderKind, datetime.date]] = []
    if due - blue <= at <= due:
        out.append((ReminderKind.DUE_SOON, due))
    if at > due:
        late = (at - due).days - 1
        out.append((ReminderKind.OVERDUE, due + datetime.timedelta(days=1 + late // every * every)))
    if at > due + red:
        out.append((ReminderKind.ESCALATION, due))
    return out


def _escalation_members() -> list[Membership]:
    return list(
        Membership.objects.filter(
            role__in=(Role.SUPERVISION, Role.LEADER), scope__isnull=False, user__is_active=True
        ).select_related("user", "scope")
    )


def order_url(order: SupervisionOrder) -> str:
    path = reverse("supervision:order_detail", args=[order.pk])
    return settings.EDUPLAN_SITE_URL.rstrip("/") + path


def _message_text(order: SupervisionOrder, kind: str) -> tuple[str, str]:
    values = {"id": order.pk, "due": order.due_on.isoformat(), "title": order.title}
    if kind == ReminderKind.DUE_SOON:
        subject = _("Reminder: supervision order #%(id)s is due on %(due)s") % values
    elif kind == ReminderKind.OVERDUE:
        subject = _("Reminder: supervision order #%(id)s was due on %(due)s") % values
    else:
        subject = _("Escalation: supervision order #%(id)s is unanswered since %(due)s") % values
    lines = [
        order.title,
        f"{order.get_rule_display()} · {order.responsible_unit.name}",
        order.detail,
        _("Respond by %(due)s.") % values,
        order_url(order),
    ]
    return subject, "\n".join(line for line in lines if line)


@transaction.atomic
def reminders_send(*, at: datetime.date) -> int:
    """Send the reminders due on `at` to the inbox and by e-mail (after commit): to the
    responsible unit's users, once overdue also to a school's district, and on escalation
    to the supervision office and bureau leaders. Each (order, kind, bucket) goes out
    once, whatever the number of runs. Returns the reminders sent."""
    horizon = at + datetime.timedelta(days=settings.EDUPLAN_SUPERVISION_BLUE_DAYS)
    candidates = SupervisionOrder.objects.filter(status__in=UNDONE, due_on__lte=horizon)
    orders = list(candidates.select_related("responsible_unit__parent").order_by("pk"))
    wanted = [(o, kind, bucket) for o in orders for kind, bucket in reminders_due(order=o, at=at)]
    if not wanted:
        return 0
    sent_before = set(
        Reminder.objects.filter(order__in=candidates).values_list("order_id", "kind", "bucket")
    )
    wanted = [(o, k, b) for o, k, b in wanted if (o.pk, k, b) not in sent_before]
    units = {o.responsible_unit for o, _k, _b in wanted}
    districts = {
        u.parent for u in units if u.is_school and u.parent and u.parent.type == UnitType.DISTRICT
    }
    members = unit_members(units | districts)
    escalation = (
        _escalation_members() if any(k == ReminderKind.ESCALATION for _o, k, _b in wanted) else []
    )
    messages: list[InboxMessage] = []
    mails: list[tuple[int, str, str, str]] = []  # user, subject, body, address
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        for order, kind, bucket in wanted:
            unit = order.responsible_unit
            people = {u.pk: u for u in members.get(unit.pk, [])}
            if kind != ReminderKind.DUE_SOON and unit.parent in districts:
                people |= {u.pk: u for u in members.get(unit.parent_id or 0, [])}
            if kind == ReminderKind.ESCALATION:
                people = {
                    m.user.pk: m.user for m in escalation if m.scope and m.scope.contains(unit)
                }
            try:
                with transaction.atomic():
                    Reminder.objects.create(
                        order=order, kind=kind, bucket=bucket, recipients=len(people)
                    )
            except IntegrityError:  # a concurrent run sent it
                continue
            count += 1
            action = "escalate" if kind == ReminderKind.ESCALATION else "remind"
            order_event_add(order, action, note=str(ReminderKind(kind).label))
            subject, body = _message_text(order, kind)
            for user in people.values():
                messages.append(
                    InboxMessage(user=user, order=order, kind=kind, subject=subject, body=body)
                )
                if user.email:
                    mails.append((user.pk, subject, body, user.email))
    InboxMessage.objects.bulk_create(messages)
    refused = mail_refused(pk for pk, *_mail in mails)
    mails_queue([(s, b, to) for pk, s, b, to in mails if pk not in refused])
    return count


# The daily run ----------------------------------------------------------------------------


@dataclass
class RunResult:
    scan: ScanResult
    colours: int
    reminders: int

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.scan.at.isoformat(),
            "created": self.scan.created,
            "already_open": self.scan.already,
            "colour_months": self.colours,
            "reminders": self.reminders,
        }


def supervision_run(*, at: datetime.date) -> RunResult:
    """The daily work: the rules run, the colour history, then reminders and escalation."""
    scan = supervision_scan(at=at)
    colours = order_colours_record(at=at)
    reminders = reminders_send(at=at)
    return RunResult(scan=scan, colours=colours, reminders=reminders)


# Inbox ---------------------------------------------------------------------------------------


def inbox_message_mark_read(*, user: SignedInUser, message_id: int) -> bool:
    """Mark one of the user's own messages read (again is harmless); False if the
    message is not theirs."""
    mine = InboxMessage.objects.filter(pk=message_id, user=user)
    if mine.filter(read_at__isnull=True).update(read_at=timezone.now()):
        return True
    return mine.exists()


def inbox_mark_all_read(*, user: SignedInUser) -> int:
    """Mark every unread message of the user read."""
    return InboxMessage.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
