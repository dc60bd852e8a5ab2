"""Forms (数据集), their versions, expected reporters, submissions and their values.

A form is declared as data (reporting/data/forms/*.yaml); each change of definition is a
new FormVersion with its content hash. A submission names the org unit, the period and
the version it was filled against; values are stored one row per data element, with the
org unit and period copied onto the row so that aggregation needs no joins.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q
from django.utils.translation import gettext_lazy as _

from eduplan.org.models import Membership, OrgUnit, Role, UnitType


class Form(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    period_type = models.CharField(_("period type"), max_length=12)
    due_days = models.PositiveSmallIntegerField(
        _("due days"), help_text=_("Days after the period ends by which reports are due")
    )
    owner = models.ForeignKey(
        OrgUnit,
        verbose_name=_("owner department"),
        on_delete=models.PROTECT,
        related_name="owned_forms",
    )
    assigned_types = models.JSONField(_("assigned unit types"), default=list, blank=True)
    assigned_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("assigned units"), blank=True, related_name="assigned_forms"
    )
    current_version = models.ForeignKey(
        "FormVersion",
        verbose_name=_("current version"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("form")
        verbose_name_plural = _("forms")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class FormVersion(models.Model):
    """A frozen definition of a form: its elements and rules, with a content hash."""

    form = models.ForeignKey(
        Form, verbose_name=_("form"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    digest = models.CharField(_("content hash"), max_length=64)
    definition = models.JSONField(_("definition"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["form", "number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="form_version_number_unique"),
            models.UniqueConstraint(fields=["form", "digest"], name="form_version_digest_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.form.code} v{self.number}"


class DataElement(models.Model):
    """A figure a form collects; shared by every version that uses its code."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    value_type = models.CharField(_("value type"), max_length=12)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    aggregation = models.CharField(_("aggregation"), max_length=12, default="sum")
    over_time = models.CharField(_("aggregation over time"), max_length=8, default="latest")
    period_type = models.CharField(_("period type"), max_length=12, default="yearly")

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ExpectedReport(models.Model):
    """Who must report a form for a period, fixed when the period is opened, so a
    school that opens later does not change past rates."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="expected")
    period = models.CharField(_("period"), max_length=10)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="expected_reports")
    subject = models.CharField(_("subject"), max_length=40, blank=True)
    due_on = models.DateField(_("due on"))

    class Meta:
        verbose_name = _("expected report")
        verbose_name_plural = _("expected reports")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "period", "org_unit", "subject"], name="expected_report_unique"
            )
        ]
        indexes = [models.Index(fields=["form", "period"], name="expected_form_period")]

    def __str__(self) -> str:
        return f"{self.form_id} {self.period} {self.org_unit_id} {self.subject}".strip()


class PeriodClosure(models.Model):
    """A form's period closed for entry by the daily run, EDUPLAN_REPORTING_CLOSE_DAYS_AFTER_DUE
    after its due date: no draft may then be saved or submitted, only a report an approver
    returned or reopened. A period without a row is open, whatever the date."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="closures")
    period = models.CharField(_("period"), max_length=10)
    closed_on = models.DateField(_("entry closed on"))
    closed_at = models.DateTimeField(_("closure recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        constraints = [
            models.UniqueConstraint(fields=["form", "period"], name="period_closure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.form_id} {self.period}"


class ReportReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Before the due date")


class ReportReminder(models.Model):
    """A reminder sent for an expected report; the constraint makes each (report, kind)
    go out once however often the daily run runs."""

    expected = models.ForeignKey(ExpectedReport, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=12, choices=ReportReminderKind.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [
            models.UniqueConstraint(fields=["expected", "kind"], name="report_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.expected_id} {self.kind}"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


DONE = (Status.SUBMITTED, Status.APPROVED)  # a report due that has arrived


class Submission(models.Model):
    """One org unit's report of one form for one period."""

    # No index of its own: the unique constraint's and `submission_status` lead with it.
    form = models.ForeignKey(
        Form, on_delete=models.PROTECT, related_name="submissions", db_index=False
    )
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="submissions")
    period = models.CharField(_("period"), max_length=10)
    # What the report is about when a unit reports one form several times a period,
    # e.g. "measure:12" for a department's progress on one measure; blank otherwise.
    subject = models.CharField(_("subject"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    revision = models.PositiveIntegerField(
        _("revision"), default=1, help_text=_("Raised by every change; a stale edit is refused")
    )
    comment = models.TextField(_("comment on warnings"), blank=True)
    returned_reason = models.TextField(_("reason returned"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "period", "org_unit", "subject"],
                name="submission_unique_per_unit_period",
            )
        ]
        indexes = [models.Index(fields=["form", "period", "status"], name="submission_status")]

    def __str__(self) -> str:
        return f"{self.form.code} {self.period} {self.org_unit.code}"

    @property
    def scope_unit(self) -> OrgUnit:
        return self.org_unit

    def may_be_approved_by(self, membership: Membership) -> bool:
        """The approval chain follows the org tree: a school's report goes to its
        district; a district's or a bureau-run school's to the form's owner department;
        a department's to the supervision office."""
        unit, scope = self.org_unit, membership.scope
        if scope is None or scope.pk == unit.pk:
            return False
        if unit.type == UnitType.DEPARTMENT:
            return membership.role == Role.SUPERVISION
        if membership.role == Role.DISTRICT_ADMIN:
            return scope.type == UnitType.DISTRICT and scope.contains(unit)
        # Units below depth 1 (the bureau's direct children) sit in a district, which
        # approves them; nobody above may skip that step.
        if unit.depth >= 2:
            return False
        if membership.role == Role.DEPARTMENT:
            return membership.department_id == self.form.owner_id and scope.contains(unit)
        return membership.role == Role.SUPERVISION and scope.contains(unit)


class DataValue(models.Model):
    # Neither has an index of its own: `data_value_unique` leads with the submission,
    # `data_value_element_period` with the element (each row inserted is one index less).
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="values", db_index=False
    )
    element = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, related_name="values", db_index=False
    )
    # Copied from the submission so metrics aggregate over values alone.
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=10)
    number = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        constraints = [
            models.UniqueConstraint(fields=["submission", "element"], name="data_value_unique"),
        ]
        indexes = [models.Index(fields=["element", "period"], name="data_value_element_period")]

    def __str__(self) -> str:
        return f"{self.element_id}={self.number if self.number is not None else self.text}"


def submissions_of_report_due(statuses: Iterable[str]) -> models.QuerySet[Submission]:
    """The submissions, in these statuses, of the report due of the outer query (the
    same form, period, unit and subject): for `Exists` and `Subquery`."""
    return Submission.objects.filter(
        form=OuterRef("form"),
        period=OuterRef("period"),
        org_unit=OuterRef("org_unit"),
        subject=OuterRef("subject"),
        status__in=list(statuses),
    )


class SubmissionEvent(models.Model):
    """Append-only audit trail: who did what to a submission, when, with old and new values."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=12)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")
        ordering = ["submission", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class IdempotencyKey(models.Model):
    """A client's key for one write, whichever way it came (web form, API): a retry with
    the same key returns the first result and stores nothing.

    `response` is the body first answered to a channel that replays one (the API), given
    back unchanged to a retry even if the report changed since; blank for the web form,
    which redirects to the report."""

    # No index of its own: `idempotency_key_unique` leads with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    submission = models.ForeignKey(
        Submission, null=True, on_delete=models.CASCADE, related_name="+"
    )
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique"),
            models.CheckConstraint(condition=~Q(key=""), name="idempotency_key_not_empty"),
        ]

    def __str__(self) -> str:
        return self.key


def evidence_path(instance: Attachment, filename: str) -> str:
    return f"evidence/{instance.submission.period}/{instance.submission_id}/{filename}"


class Attachment(models.Model):
    """An evidence file (佐证材料) attached to a submission; served only through a
    view that checks the reader's scope."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["submission", "uploaded_at"]

    def __str__(self) -> str:
        return self.name
