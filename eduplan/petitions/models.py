"""Petition cases (信访): the register, the petitioners kept apart, the log of every
read of them, risk screening (矛盾隐患排查) and the backlog campaign (积案化解).

A petitioner's identity and contact live only in `Petitioner`, never on the case: a
page, an export, an order or a log line built from a case cannot carry them. Each read
of them goes through `services.petitioners_read`, which writes a `PersonalDataRead`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from eduplan.core.periods import period_from_code
from eduplan.org.models import OrgUnit, UnitType
from eduplan.petitions.clock import CaseDates, Step
from eduplan.petitions.office import petitions_office


class StepChoice(models.TextChoices):
    """The clock's steps (clock.Step) as the stored next step."""

    ACCEPT = Step.ACCEPT.value, _("Decision on acceptance")
    REPLY = Step.REPLY.value, _("Answer")
    REVIEW_REQUEST = Step.REVIEW_REQUEST.value, _("Window to ask for a review")
    REVIEW_ANSWER = Step.REVIEW_ANSWER.value, _("Answer to the review")
    REREVIEW_REQUEST = Step.REREVIEW_REQUEST.value, _("Window to ask for a re-review")
    REREVIEW_ANSWER = Step.REREVIEW_ANSWER.value, _("Answer to the re-review")


class Channel(models.TextChoices):
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone call")
    HOTLINE = "hotline", _("12345 hotline")
    ONLINE = "online", _("Online")


class Category(models.TextChoices):
    ENROLMENT = "enrolment", _("Enrolment and school places")
    FEES = "fees", _("Fees and charges")
    TEACHERS = "teachers", _("Teachers' pay and posts")
    ETHICS = "ethics", _("Teachers' conduct")
    SAFETY = "safety", _("Campus safety")
    BUILDINGS = "buildings", _("School buildings and relocation")
    RECORDS = "records", _("Pupils' records and exams")
    OTHER = "other", _("Other matters")


class LinkKind(models.TextChoices):
    SAME_PETITIONER = "petitioner", _("Same petitioner")
    SAME_MATTER = "matter", _("Same matter")


class PetitionCase(models.Model):
    """One petition case: when and how it arrived, what it is about, who handles it and
    the day of each step of its statutory clock (petitions/clock.py).

    `due_step` and `due_on` keep the step the case waits for and its last day, as
    `clock.pending_deadline` computes them, so that the deadline scan and the overview
    are queries over an index; services store them after every change.
    """

    number = models.CharField(_("case number"), max_length=32, unique=True)
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("subject category"), max_length=20, choices=Category.choices)
    summary = models.TextField(_("matter"), help_text=_("What the case is about, without names."))
    received_by = models.ForeignKey(
        OrgUnit,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The petitions office the case arrived at: the bureau's or a district's."),
    )
    concerned_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit concerned"), on_delete=models.PROTECT, related_name="+"
    )
    # The district the concerned unit lies in (None for the bureau's own units): what the
    # district overview groups by without walking the tree.
    district = models.ForeignKey(
        OrgUnit,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    routed_on = models.DateField(_("routed on"), null=True, blank=True)
    people_count = models.PositiveSmallIntegerField(_("number of petitioners"), default=1)
    skipped_level = models.BooleanField(_("skipped a level"), default=False)
    accepted = models.BooleanField(_("accepted"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    replied_on = models.DateField(_("answered on"), null=True, blank=True)
    review_requested_on = models.DateField(_("review asked for on"), null=True, blank=True)
    reviewed_on = models.DateField(_("review answered on"), null=True, blank=True)
    rereview_requested_on = models.DateField(_("re-review asked for on"), null=True, blank=True)
    rereviewed_on = models.DateField(_("re-review answered on"), null=True, blank=True)
    # Whether the answer came within its deadline (with the extension): kept when answered.
    replied_in_time = models.BooleanField(_("answered in time"), null=True, blank=True)
    due_step = models.CharField(
        _("next step"), max_length=20, blank=True, choices=StepChoice.choices
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # The key of the form that registered it: a retried POST finds the case, not a twin.
    request_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("petition case")
        verbose_name_plural = _("petition cases")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["due_step", "due_on"], name="petition_due"),
            models.Index(fields=["district", "received_on"], name="petition_district"),
            models.Index(fields=["received_on"], name="petition_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(people_count__gte=1), name="petition_has_a_petitioner"
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("received_on")),
                name="petition_decided_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(replied_on__isnull=True) | Q(accepted=True),
                name="petition_answer_needs_acceptance",
            ),
            models.CheckConstraint(
                condition=Q(extension_days=0) | ~Q(extension_reason=""),
                name="petition_extension_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def scope_unit(self) -> OrgUnit:
        """Where the case belongs for access: the unit it is routed to, else the one concerned."""
        return self.responsible_unit or self.concerned_unit

    def owner_department_ids(self) -> set[int]:
        """Department staff who handle it: the petitions office, and a department the case
        is routed to (org/access.py, Reach.OWNED)."""
        office = petitions_office()
        owners = {office.pk} if office is not None else set()
        unit = self.responsible_unit
        if unit is not None and unit.type == UnitType.DEPARTMENT:
            owners.add(unit.pk)
        return owners

    @property
    def dates(self) -> CaseDates:
        return CaseDates(
            received_on=self.received_on,
            decided_on=self.decided_on,
            accepted=self.accepted,
            extension_days=self.extension_days,
            replied_on=self.replied_on,
            review_requested_on=self.review_requested_on,
            reviewed_on=self.reviewed_on,
            rereview_requested_on=self.rereview_requested_on,
            rereviewed_on=self.rereviewed_on,
        )


class CaseLink(models.Model):
    """A case repeats an earlier one: by the same petitioner, or on the same matter."""

    case = models.ForeignKey(
        PetitionCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="links"
    )
    earlier = models.ForeignKey(
        PetitionCase,
        verbose_name=_("earlier case"),
        on_delete=models.PROTECT,
        related_name="later_links",
    )
    kind = models.CharField(_("link"), max_length=12, choices=LinkKind.choices)

    class Meta:
        verbose_name = _("linked case")
        verbose_name_plural = _("linked cases")
        constraints = [
            models.UniqueConstraint(fields=["case", "earlier", "kind"], name="petition_link_once"),
            models.CheckConstraint(
                condition=~Q(case=F("earlier")), name="petition_link_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.earlier_id}"


class Petitioner(models.Model):
    """A petitioner's identity and contact (personal data): read only by the petitions
    office, every read logged (`PersonalDataRead`). `identity_digest` (a keyed hash of
    the ID number) finds the same person's earlier cases without reading anyone's data."""

    case = models.ForeignKey(
        PetitionCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    id_number = models.CharField(_("ID number"), max_length=32, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    identity_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")

    def __str__(self) -> str:
        # Never the name: this string may end up in a log, a message or the admin.
        return f"#{self.pk}"


class PersonalDataRead(models.Model):
    """One read of a case's petitioners: who, when, which case, for what (append-only)."""

    case = models.ForeignKey(
        PetitionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="reads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    purpose = models.CharField(_("purpose"), max_length=40)

    class Meta:
        verbose_name = _("read of personal data")
        verbose_name_plural = _("reads of personal data")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.user_id} · {self.at:%Y-%m-%d %H:%M}"


EVENT_LABELS = {
    "registered": _("Registered"),
    "routed": _("Routed"),
    "accepted": _("Accepted"),
    "not_accepted": _("Not accepted"),
    "extended": _("Deadline extended"),
    "reply": _("Answered"),
    "review_request": _("Review asked for"),
    "review_answer": _("Review answered"),
    "rereview_request": _("Re-review asked for"),
    "rereview_answer": _("Re-review answered"),
    "backlog": _("Put on the backlog campaign"),
}


class CaseEvent(models.Model):
    """What was done to a case, by whom and when (append-only; no personal data)."""

    case = models.ForeignKey(
        PetitionCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("event"), max_length=30)
    day = models.DateField(_("day"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.kind}"

    @property
    def kind_label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class RiskEntry(models.Model):
    """One risk found in a unit's screening of a period (矛盾隐患排查)."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=16)
    category = models.CharField(_("subject category"), max_length=20, choices=Category.choices)
    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    description = models.TextField(_("risk description"))
    measures = models.TextField(_("resolution measures"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("risk screening entry")
        verbose_name_plural = _("risk screening entries")
        ordering = ["-period", "unit__path", "pk"]
        indexes = [models.Index(fields=["period", "unit"], name="petition_risk_period")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.period}"

    @property
    def scope_unit(self) -> OrgUnit:
        return self.unit

    @property
    def period_label(self) -> str:
        return str(period_from_code(self.period).label)


class BacklogCase(models.Model):
    """A case in the backlog campaign (积案化解): its lead official and its progress."""

    case = models.OneToOneField(
        PetitionCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="backlog"
    )
    lead_official = models.CharField(_("lead official"), max_length=100)
    listed_on = models.DateField(_("listed on"))
    progress = models.TextField(_("progress"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("backlog case")
        verbose_name_plural = _("backlog cases")
        ordering = ["resolved_on", "listed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("listed_on")),
                name="petition_backlog_resolved_after_listing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.lead_official}"
