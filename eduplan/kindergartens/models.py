"""The kindergarten register (学前教育): each kindergarten's licence, ownership, fees,
grade with its gradings, 普惠 certifications, classes and children by age, and the
workflows that change them: 普惠认定 and 达标升级 applications, 等级复评抽验 rounds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eduplan.org.models import OrgUnit


class Ownership(models.TextChoices):
    PUBLIC = "public", _("Public (state-run)")
    COLLECTIVE = "collective", _("Collective")
    PRIVATE = "private", _("Private")


# Public and collective kindergartens are 普惠 by nature; a private one once certified.
PUBLIC_OWNERSHIPS = (Ownership.PUBLIC, Ownership.COLLECTIVE)


class Grade(models.TextChoices):
    """The Zhengzhou grades, low to high (the order of `GRADE_ORDER`)."""

    QUALIFIED = "qualified", _("Zhengzhou qualified kindergarten")
    SECOND = "second", _("Zhengzhou second-grade kindergarten")
    FIRST = "first", _("Zhengzhou first-grade kindergarten")
    MODEL_CITY = "model_city", _("Zhengzhou model kindergarten")
    MODEL_PROVINCE = "model_province", _("Henan provincial model kindergarten")


GRADE_ORDER = [g.value for g in Grade]
# The names the ledger kindergarten_grading writes (its choices), by grade.
GRADE_LEDGER_NAMES = {
    Grade.QUALIFIED: "郑州市合格幼儿园",
    Grade.SECOND: "郑州市二级幼儿园",
    Grade.FIRST: "郑州市一级幼儿园",
    Grade.MODEL_CITY: "郑州市示范性幼儿园",
    Grade.MODEL_PROVINCE: "河南省示范性幼儿园",
}
UNGRADED_LEDGER_NAME = "未定级"


def grade_rank(grade: str) -> int:
    """0 for no grade, 1 for the lowest … 5 for the highest."""
    return GRADE_ORDER.index(grade) + 1 if grade else 0


class Kindergarten(models.Model):
    """One kindergarten's register entry (its org unit holds name, place and opening)."""

    unit = models.OneToOneField(
        OrgUnit,
        verbose_name=_("kindergarten"),
        on_delete=models.PROTECT,
        related_name="kindergarten_register",
    )
    # Copied from the unit, so that metrics aggregate over subtrees without joins.
    unit_path = models.CharField(_("unit path"), max_length=512, db_index=True)
    ownership = models.CharField(_("ownership"), max_length=12, choices=Ownership.choices)
    licence_number = models.CharField(_("licence number"), max_length=60, blank=True)
    licence_issued_on = models.DateField(_("licence issued on"), null=True, blank=True)
    fee_monthly = models.DecimalField(
        _("care and education fee (yuan a month)"), max_digits=8, decimal_places=2, default=0
    )
    fee_basis = models.CharField(_("fee approved by"), max_length=200, blank=True)
    hotline = models.CharField(_("hotline"), max_length=40, blank=True)
    # The current grade, kept equal to the latest grading by the services.
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices, blank=True)
    graded_on = models.DateField(_("graded on"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("kindergarten")
        verbose_name_plural = _("kindergartens")
        ordering = ["unit_path"]
        constraints = [
            models.CheckConstraint(condition=Q(fee_monthly__gte=0), name="kg_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return self.unit.name

    @property
    def scope_unit(self) -> OrgUnit:
        return self.unit


class Grading(models.Model):
    """One grading of a kindergarten: the grade given (blank: the grade revoked), when and
    by which document."""

    class Source(models.TextChoices):
        INITIAL = "initial", _("Graded")
        UPGRADE = "upgrade", _("Upgrade")
        RECHECK = "recheck", _("Re-evaluation")

    kindergarten = models.ForeignKey(
        Kindergarten,
        verbose_name=_("kindergarten"),
        on_delete=models.CASCADE,
        related_name="gradings",
    )
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices, blank=True)
    graded_on = models.DateField(_("graded on"))
    document = models.CharField(_("document"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # The ledger kindergarten_grading's record of an upgrade or a re-evaluation.
    ledger_record = models.ForeignKey(
        "ledgers.LedgerRecord",
        verbose_name=_("ledger record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("grading")
        verbose_name_plural = _("gradings")
        ordering = ["kindergarten", "graded_on", "pk"]

    def __str__(self) -> str:
        return f"{self.kindergarten} · {self.get_grade_display() or '-'} · {self.graded_on}"


class Certification(models.Model):
    """A 普惠 certification of a private kindergarten, in force from `certified_on` until
    `ended_on` (none: still in force)."""

    kindergarten = models.ForeignKey(
        Kindergarten,
        verbose_name=_("kindergarten"),
        on_delete=models.CASCADE,
        related_name="certifications",
    )
    certified_on = models.DateField(_("certified on"))
    document = models.CharField(_("document"), max_length=200, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    ended_reason = models.CharField(_("reason ended"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("inclusive certification")
        verbose_name_plural = _("inclusive certifications")
        ordering = ["kindergarten", "certified_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("certified_on")),
                name="kg_certification_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["kindergarten"],
                condition=Q(ended_on__isnull=True),
                name="kg_one_certification_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kindergarten} · {self.certified_on}"


class Enrolment(models.Model):
    """Classes and children by age in one school year, as counted on `counted_on` (the
    autumn count, 1 September)."""

    kindergarten = models.ForeignKey(
        Kindergarten,
        verbose_name=_("kindergarten"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    unit_path = models.CharField(_("unit path"), max_length=512)
    year = models.PositiveSmallIntegerField(_("school year"))
    counted_on = models.DateField(_("counted on"))
    classes = models.PositiveIntegerField(_("classes"))
    children_3 = models.PositiveIntegerField(_("children aged 3"))
    children_4 = models.PositiveIntegerField(_("children aged 4"))
    children_5 = models.PositiveIntegerField(_("children aged 5"))

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["kindergarten", "year"]
        indexes = [models.Index(fields=["year", "unit_path"], name="kg_enrolment_year_path")]
        constraints = [
            models.UniqueConstraint(fields=["kindergarten", "year"], name="kg_enrolment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kindergarten} · {self.year}"

    @property
    def children(self) -> int:
        return self.children_3 + self.children_4 + self.children_5


class Application(models.Model):
    """A kindergarten's application for 普惠 certification or for a higher grade, moved
    step by step through `workflow.STEPS`."""

    class Kind(models.TextChoices):
        INCLUSIVE = "inclusive", _("Inclusive certification")
        UPGRADE = "upgrade", _("Grade upgrade")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        DISTRICT_PASSED = "district_passed", _("Passed the district's on-site review")
        CITY_PASSED = "city_passed", _("Passed the city's review")
        NOTICE = "notice", _("On public notice")
        PUBLISHED = "published", _("Published")
        REFUSED = "refused", _("Refused")

    kindergarten = models.ForeignKey(
        Kindergarten,
        verbose_name=_("kindergarten"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.APPLIED
    )
    grade_before = models.CharField(
        _("grade before"), max_length=16, choices=Grade.choices, blank=True
    )
    grade_sought = models.CharField(
        _("grade sought"), max_length=16, choices=Grade.choices, blank=True
    )
    fee_monthly = models.DecimalField(
        _("care and education fee (yuan a month)"), max_digits=8, decimal_places=2
    )
    evidence = models.TextField(_("evidence"))
    applied_on = models.DateField(_("applied on"))
    notice_starts = models.DateField(_("notice starts"), null=True, blank=True)
    notice_ends = models.DateField(_("notice ends"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    document = models.CharField(_("document"), max_length=200, blank=True)
    refusal_reason = models.CharField(_("reason refused"), max_length=500, blank=True)
    ledger_record = models.ForeignKey(
        "ledgers.LedgerRecord",
        verbose_name=_("ledger record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-applied_on", "-pk"]
        constraints = [
            # One open application of a kind per kindergarten: a retried POST is stored once.
            models.UniqueConstraint(
                fields=["kindergarten", "kind"],
                condition=~Q(status__in=["published", "refused"]),
                name="kg_one_open_application",
            ),
            models.CheckConstraint(
                condition=Q(fee_monthly__gte=0), name="kg_application_fee_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kindergarten} · {self.get_kind_display()}"

    @property
    def scope_unit(self) -> OrgUnit:
        return self.kindergarten.unit


class ApplicationEvent(models.Model):
    """One step of an application: who, when, from which status to which, and why."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    step = models.CharField(_("step"), max_length=20)
    status_before = models.CharField(_("status before"), max_length=16, blank=True)
    status_after = models.CharField(_("status after"), max_length=16)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application step")
        verbose_name_plural = _("application steps")
        ordering = ["application", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.application} · {self.step}"


class Objection(models.Model):
    """An objection received while an application is on public notice, and its outcome."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        DISMISSED = "dismissed", _("Dismissed")
        UPHELD = "upheld", _("Upheld")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    received_on = models.DateField(_("received on"))
    text = models.TextField(_("objection"))
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN
    )
    answer = models.CharField(_("answer"), max_length=1000, blank=True)
    token = models.CharField(_("form token"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["application", "received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.application} · {self.received_on}"


class RecheckRound(models.Model):
    """An 等级复评抽验 round: the sample drawn from the graded kindergartens with a
    recorded seed, so that anyone can draw it again and get the same list."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    seed = models.CharField(_("seed"), max_length=64)
    size = models.PositiveIntegerField(_("sample size"))
    population = models.PositiveIntegerField(_("kindergartens drawn from"))
    # The codes drawn from, in the order drawn from: the seed and this list give the sample.
    drawn_from = models.JSONField(_("drawn from"), default=list)
    drawn_on = models.DateField(_("drawn on"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("re-evaluation round")
        verbose_name_plural = _("re-evaluation rounds")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"


class RecheckItem(models.Model):
    """One kindergarten drawn in a round, in the order drawn, and its result."""

    class Result(models.TextChoices):
        KEPT = "kept", _("Grade kept")
        LOWERED = "lowered", _("Grade lowered")
        REVOKED = "revoked", _("Grade revoked")

    round = models.ForeignKey(
        RecheckRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="items"
    )
    kindergarten = models.ForeignKey(
        Kindergarten, verbose_name=_("kindergarten"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveIntegerField(_("order drawn"))
    grade_before = models.CharField(_("grade before"), max_length=16, choices=Grade.choices)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    grade_after = models.CharField(
        _("grade after"), max_length=16, choices=Grade.choices, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ledger_record = models.ForeignKey(
        "ledgers.LedgerRecord",
        verbose_name=_("ledger record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("re-evaluated kindergarten")
        verbose_name_plural = _("re-evaluated kindergartens")
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "order"], name="kg_recheck_order_once"),
            models.UniqueConstraint(fields=["round", "kindergarten"], name="kg_recheck_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.order}"

    @property
    def scope_unit(self) -> OrgUnit:
        return self.kindergarten.unit
