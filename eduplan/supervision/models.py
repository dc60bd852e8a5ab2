"""Supervision (督办): orders raised by warning rules, their lifecycle and history, the
colours they showed month by month, reminders sent, and the in-app inbox.

An order (督办单) moves 立项交办 → 签收 → 办理 → 反馈 → 复核 → 办结销号 only through
`services.order_set_status`, which enforces `services.TRANSITIONS`; every step is an
append-only `OrderEvent`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplan.org.models import OrgUnit


class Rule(models.TextChoices):
    """The warning rules (预警规则); their parameters are in data/rules.yaml."""

    TARGET_OFF_TRACK = "target_off_track", _("Target off track")
    TARGET_NOT_ASSESSED = "target_not_assessed", _("Target not assessed")
    REPORT_MISSING = "report_missing", _("Report missing")
    MILESTONE_OVERDUE = "milestone_overdue", _("Milestone overdue")
    APPROVAL_PENDING = "approval_pending", _("Approval pending too long")
    TASK_BEHIND_TWICE = "task_behind_twice", _("Task reported behind twice in a row")


class OrderStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned, awaiting signature")  # 立项交办
    SIGNED = "signed", _("Signed for")  # 签收
    IN_PROGRESS = "in_progress", _("Being handled")  # 办理
    RESPONDED = "responded", _("Feedback given")  # 反馈
    REVIEWING = "reviewing", _("Under review by the office")  # 复核
    CLOSED = "closed", _("Closed and struck off")  # 办结销号


# Still waiting on the responsible unit: these are the orders that turn blue, yellow, red.
UNDONE = frozenset({OrderStatus.ASSIGNED, OrderStatus.SIGNED, OrderStatus.IN_PROGRESS})
ANSWERED = frozenset({OrderStatus.RESPONDED, OrderStatus.REVIEWING, OrderStatus.CLOSED})


class Colour(models.TextChoices):
    GREEN = "green", _("Green")
    BLUE = "blue", _("Blue")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


SEVERITY = {Colour.GREEN: 0, Colour.BLUE: 1, Colour.YELLOW: 2, Colour.RED: 3}


class SupervisionOrder(models.Model):
    """One supervision order (督办单): what a rule found, who must act, by when."""

    rule = models.CharField(_("rule"), max_length=24, choices=Rule.choices)
    # What the order is about ("target:12", "expected:34", "milestone:5", "submission:9")
    # and which occurrence of it (a period, a submission time; blank when it happens once).
    subject = models.CharField(_("what it concerns"), max_length=60)
    occurrence = models.CharField(_("occurrence"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=300)
    detail = models.TextField(_("detail"), blank=True)
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="supervision_orders",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.ASSIGNED
    )
    assigned_on = models.DateField(_("assigned on"))
    due_on = models.DateField(_("respond by"))
    response = models.TextField(_("response"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("handling started at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["due_on", "id"]
        constraints = [
            # A rules run may be repeated: at most one open order per rule and subject …
            models.UniqueConstraint(
                fields=["rule", "subject"],
                condition=~Q(status="closed"),
                name="supervision_order_one_open_per_subject",
            ),
            # … and one order per occurrence, ever (a closed one is not raised again).
            models.UniqueConstraint(
                fields=["rule", "subject", "occurrence"],
                name="supervision_order_once_per_occurrence",
            ),
            # Feedback, review and closing (销号) all need the unit's response.
            models.CheckConstraint(
                condition=Q(status__in=["assigned", "signed", "in_progress"]) | ~Q(response=""),
                name="supervision_order_answered_has_response",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("assigned_on")),
                name="supervision_order_due_after_assigned",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="supervision_order_status_due"),
            models.Index(
                fields=["responsible_unit", "status"], name="supervision_order_unit_status"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def scope_unit(self) -> OrgUnit:
        return self.responsible_unit

    @property
    def is_open(self) -> bool:
        return self.status != OrderStatus.CLOSED


class OrderEvent(models.Model):
    """Append-only history of an order: each step, reminder and escalation, with who
    (none for the system), when, the status and deadline after it."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16)
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus.choices)
    due_on = models.DateField(_("respond by"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("supervision order event")
        verbose_name_plural = _("supervision order events")
        ordering = ["order", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("supervision order events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("supervision order events are append-only")


class OrderColour(models.Model):
    """The worst colour an order showed in a month. A red month that is later caught up
    is kept as yellow, never green (DOMAIN.md)."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="colours")
    month = models.DateField(_("month"), help_text=_("The first day of the month"))
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices)

    class Meta:
        verbose_name = _("order colour")
        verbose_name_plural = _("order colours")
        ordering = ["order", "month"]
        constraints = [
            models.UniqueConstraint(fields=["order", "month"], name="supervision_colour_monthly"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.month:%Y-%m} {self.colour}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Before the deadline")
    OVERDUE = "overdue", _("After the deadline")
    ESCALATION = "escalation", _("Escalation")


class Reminder(models.Model):
    """A reminder (催办) sent for an order; the constraint makes each (order, kind,
    date bucket) go out once however often the job runs."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    bucket = models.DateField(_("date bucket"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["order", "sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "bucket"], name="supervision_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} {self.bucket}"


class InboxMessage(models.Model):
    """A message in a user's in-app inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_messages"
    )
    order = models.ForeignKey(
        SupervisionOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    subject = models.CharField(_("message subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="supervision_inbox_unread")]

    def __str__(self) -> str:
        return self.subject
