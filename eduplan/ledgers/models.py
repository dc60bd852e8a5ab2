"""Ledgers (台账): registers of records, declared as data, in one generic record table.

A ledger is declared by a file (ledgers/data/*.yaml); each change of definition is a new
LedgerVersion with its content hash, and every record names the version it was entered
against. A record's values are JSON; what the metrics and lists select on (the ledger,
the org unit and its path, the date, year and month, the status) are indexed columns.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eduplan.org.models import OrgUnit


class Ledger(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    keeper_department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("keeping department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kept_ledgers",
    )
    current_version = models.ForeignKey(
        "LedgerVersion",
        verbose_name=_("current version"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ledger")
        verbose_name_plural = _("ledgers")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LedgerVersion(models.Model):
    """A frozen definition of a ledger (fields, keeper, metrics), with a content hash."""

    ledger = models.ForeignKey(
        Ledger, verbose_name=_("ledger"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    digest = models.CharField(_("content hash"), max_length=64)
    definition = models.JSONField(_("definition"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger version")
        verbose_name_plural = _("ledger versions")
        ordering = ["ledger", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["ledger", "number"], name="ledger_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["ledger", "digest"], name="ledger_version_digest_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ledger.code} v{self.number}"


class RecordStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class ReviewState(models.TextChoices):
    """Where a record stands in its ledger's review (ledgers without one: approved as kept)."""

    SUBMITTED = "submitted", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class LedgerRecord(models.Model):
    """One row of a ledger: a school designated, a project, a visit …"""

    ledger = models.ForeignKey(
        Ledger, verbose_name=_("ledger"), on_delete=models.PROTECT, related_name="records"
    )
    version = models.ForeignKey(
        LedgerVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="+"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the unit, so that metrics aggregate over subtrees without joins.
    unit_path = models.CharField(_("unit path"), max_length=512)
    on = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.CharField(_("month"), max_length=6)  # a monthly period code, 201605
    status = models.CharField(
        _("status"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE
    )
    retired_reason = models.CharField(_("reason retired"), max_length=500, blank=True)
    # Only approved records count in metrics and show on public pages (ledgers/review.py).
    review = models.CharField(
        _("review"), max_length=10, choices=ReviewState.choices, default=ReviewState.APPROVED
    )
    review_reason = models.CharField(_("reason returned"), max_length=500, blank=True)
    # The unique key's values joined (blank when the ledger declares none).
    key = models.CharField(_("unique key"), max_length=300, blank=True)
    data = models.JSONField(_("values"), default=dict)
    # The values as shown, private ones left out: what the list's search looks in (JSON
    # text is escaped differently by each database).
    search = models.TextField(_("search text"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    # The workbook the record was imported from (none when entered one by one).
    batch = models.ForeignKey(
        "LedgerImport",
        verbose_name=_("imported from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ledger record")
        verbose_name_plural = _("ledger records")
        ordering = ["ledger", "-on", "pk"]
        indexes = [
            models.Index(fields=["ledger", "status", "month"], name="ledger_record_month"),
            models.Index(fields=["ledger", "unit_path"], name="ledger_record_path"),
            models.Index(fields=["ledger", "year"], name="ledger_record_year"),
            models.Index(fields=["review", "ledger"], name="ledger_record_review"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ledger", "key"],
                condition=Q(status="active") & ~Q(key=""),
                name="ledger_record_key_unique",
            ),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="ledger_record_idempotency_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ledger.code} #{self.pk}"

    @property
    def scope_unit(self) -> OrgUnit:
        return self.org_unit


class EventKind(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    RETIRE = "retire", _("Retired")
    SUBMIT = "submit", _("Submitted for review")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")


class LedgerRecordEvent(models.Model):
    """Who changed a record, when, and its values before and after (private fields only
    as changed, never their values)."""

    record = models.ForeignKey(
        LedgerRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    old = models.JSONField(_("old values"), default=dict)
    new = models.JSONField(_("new values"), default=dict)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("record event")
        verbose_name_plural = _("record events")
        ordering = ["record", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.record} {self.kind}"

    def changes(self) -> list[tuple[str, Any, Any]]:
        keys = sorted(set(self.old) | set(self.new))
        return [(k, self.old.get(k), self.new.get(k)) for k in keys]


class LedgerImport(models.Model):
    """A workbook imported into a ledger, by its content hash: the same file uploaded
    again (a retried upload) is answered as done, not stored twice."""

    ledger = models.ForeignKey(
        Ledger, verbose_name=_("ledger"), on_delete=models.CASCADE, related_name="imports"
    )
    digest = models.CharField(_("content hash"), max_length=64)
    records = models.PositiveIntegerField(_("records"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        constraints = [
            models.UniqueConstraint(fields=["ledger", "digest"], name="ledger_import_unique")
        ]

    def __str__(self) -> str:
        return f"{self.ledger.code} {self.digest[:8]}"


def ledger_file_path(instance: LedgerFile, filename: str) -> str:
    return f"ledgers/{instance.record.ledger.code}/{instance.record_id}/{filename}"


class LedgerFile(models.Model):
    """A file uploaded into a record's file field; served only through a view that checks
    the reader may see the record. The record's value is the file's name; every upload
    stays listed on the record's page."""

    record = models.ForeignKey(
        LedgerRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="files"
    )
    field = models.CharField(_("field"), max_length=40)
    file = models.FileField(_("file"), upload_to=ledger_file_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger file")
        verbose_name_plural = _("ledger files")
        ordering = ["record", "-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.name
