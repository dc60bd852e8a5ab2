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
    # Not a warning rule: the supervision office raised the order by hand (no rules.yaml row).
    MANUAL = "manual", _("Raised by hand")
    REPORT_MISSING_TWICE = "report_missing_twice", _("Report missing twice in a row")
    TASK_BEHIND_TWICE = "task_behind_twice", _("Task reported behind twice in a row")
    # Rules of the registers: their finders live beside the finders above, one module each.
    PETITION_DEADLINE = "petition_deadline", _("Petition deadline near or missed")
    PETITION_REPEATED = "petition_repeated", _("Repeated petition")
    PETITION_GROUP = "petition_group", _("Group petition")
    PETITION_SKIPPED_LEVEL = "petition_skipped_level", _("Petition that skipped a level")
    HAZARD_OVERDUE = "hazard_overdue", _("Hazard rectification overdue")
    LICENCE_EXPIRING = "licence_expiring", _("School bus licence or inspection expiring")
    CREDITS_BEHIND = "credits_behind", _("Teachers behind on training credits")


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


class OrderSource(models.TextChoices):
    """Where an order raised by hand comes from."""

    LEADER_INSTRUCTION = "leader", _("Leader's instruction")  # 领导批示
    MEETING_DECISION = "meeting", _("Meeting decision")  # 会议议定事项
    NPC_PROPOSAL = "npc", _("NPC deputies' proposal")  # 人大建议
    CPPCC_PROPOSAL = "cppcc", _("CPPCC members' proposal")  # 政协提案
    OTHER = "other", _("Other")


def source_path(instance: SupervisionOrder, filename: str) -> str:
    return f"supervision/sources/{instance.assigned_on:%Y}/{filename}"


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
    # Orders raised by hand (rule "manual") name their source document; rule orders leave
    # these blank.
    source = models.CharField(_("source"), max_length=8, choices=OrderSource.choices, blank=True)
    source_title = models.CharField(_("source document"), max_length=300, blank=True)
    source_number = models.CharField(_("document number"), max_length=100, blank=True)
    source_date = models.DateField(_("document date"), null=True, blank=True)
    source_file = models.FileField(
        _("source file"), upload_to=source_path, max_length=300, blank=True
    )
    created_by = models.ForeignKey(
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
            # An order raised by hand has a source; a rule's order has none.
            models.CheckConstraint(
                condition=(Q(rule="manual") & ~Q(source="") & ~Q(source_title=""))
                | (~Q(rule="manual") & Q(source="")),
                name="supervision_order_manual_has_source",
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

    @property
    def is_manual(self) -> bool:
        return self.rule == Rule.MANUAL


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


class MessageKind(models.TextChoices):
    """What an inbox message is: a reminder of one of its kinds, or a notice of a step."""

    DUE_SOON = ReminderKind.DUE_SOON.value, ReminderKind.DUE_SOON.label
    OVERDUE = ReminderKind.OVERDUE.value, ReminderKind.OVERDUE.label
    ESCALATION = ReminderKind.ESCALATION.value, ReminderKind.ESCALATION.label
    NOTICE = "notice", _("Notice")


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
    kind = models.CharField(_("kind"), max_length=12, choices=MessageKind.choices)
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


class CoHandler(models.Model):
    """A co-handling unit (协办) of an order; the order's responsible unit is its lead
    (主办). Each co-handler answers its own part here; the lead gives the order's
    consolidated feedback."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="cohandlers")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response = models.TextField(_("response"), blank=True)
    responded_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("co-handling unit")
        verbose_name_plural = _("co-handling units")
        ordering = ["order", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "unit"], name="supervision_cohandler_once"),
            models.CheckConstraint(
                condition=Q(responded_at__isnull=True) | ~Q(response=""),
                name="supervision_cohandler_answered_has_response",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.unit_id}"

    @property
    def scope_unit(self) -> OrgUnit:
        return self.unit


def evidence_path(instance: OrderEvidence, filename: str) -> str:
    return f"supervision/evidence/{instance.order_id}/{filename}"


class OrderEvidence(models.Model):
    """Evidence (佐证材料) a unit gave with its feedback: a file or a link, with a note,
    who gave it and when, and the event (feedback, interim feedback) it came with."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="evidence")
    event = models.ForeignKey(
        OrderEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    url = models.URLField(_("link"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("order evidence")
        verbose_name_plural = _("order evidence")
        ordering = ["order", "added_at", "id"]
        constraints = [
            # A file or a link, never both, never neither.
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="supervision_evidence_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.url


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(models.Model):
    """A request (申请延期) by the responsible unit for a later deadline, decided by the
    supervision office; one pending at a time. One asked after the deadline is `late`."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="extensions")
    old_due_on = models.DateField(_("deadline when asked"))
    new_due_on = models.DateField(_("deadline asked for"))
    reason = models.TextField(_("reason"))
    late = models.BooleanField(_("asked after the deadline"), default=False)
    state = models.CharField(
        _("state"), max_length=8, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["order", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(state="pending"),
                name="supervision_extension_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(new_due_on__gt=F("old_due_on")),
                name="supervision_extension_later",
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(decided_at__isnull=False),
                name="supervision_extension_decided_stamped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.new_due_on} {self.state}"
