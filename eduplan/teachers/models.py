"""Teachers and their continuing education (继续教育学分登记): the teachers of each school,
the training courses providers run, and who completed which (imported from a provider's
workbook, teachers/importing.py).

A teacher's personal fields (ID number, phone, birth date) are private: only the school
itself and the teachers' department see them (`Action.TEACHER_PERSONAL`, through
`TeacherRoll`); every page, export and API answer reads them through
`selectors.personal_allowed`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplan.org.models import OrgUnit, UnitType

# Continuing education is registered for 中小学 teachers: schools, not kindergartens.
TEACHER_SCHOOL_TYPES = [
    UnitType.PRIMARY,
    UnitType.JUNIOR,
    UnitType.SENIOR,
    UnitType.NINE_YEAR,
    UnitType.COMPLETE,
    UnitType.VOCATIONAL,
    UnitType.SPECIAL,
]
PERSONAL_FIELDS = ("id_number", "phone", "birth_date")


class Teacher(models.Model):
    """A teacher on a school's roll; `code` is the number providers' workbooks name."""

    school = models.ForeignKey(
        OrgUnit, verbose_name=_("school"), on_delete=models.PROTECT, related_name="teachers"
    )
    code = models.CharField(_("teacher number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    subject = models.CharField(_("subject taught"), max_length=30, blank=True)
    backbone = models.BooleanField(_("backbone teacher"), default=False)
    active = models.BooleanField(_("on the roll"), default=True)
    # Personal fields: see the module's docstring.
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)

    class Meta:
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")
        ordering = ["school", "name", "code"]
        indexes = [models.Index(fields=["school", "active"], name="teacher_school_active")]
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="teacher_code_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class TeacherRoll:
    """A school's teachers as a target of access checks: inside the school's area, and
    owned by the teachers' department (Reach.OWNED), so that department staff of any
    other department are refused what TEACHER_PERSONAL guards."""

    def __init__(self, school: OrgUnit, department_id: int | None) -> None:
        self.school = school
        self.department_id = department_id

    @property
    def scope_unit(self) -> OrgUnit | None:
        return self.school

    def owner_department_ids(self) -> set[int]:
        return {self.department_id} if self.department_id is not None else set()


class CourseLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    DISTRICT = "district", _("District-level")
    SCHOOL = "school", _("School-based")


class Course(models.Model):
    """A training course a provider runs, with the hours and credits it is worth."""

    code = models.CharField(_("course code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    provider = models.CharField(_("provider"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=CourseLevel.choices)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    credits = models.DecimalField(_("credits"), max_digits=6, decimal_places=2)
    year = models.PositiveSmallIntegerField(_("year"))
    # 骨干教师培训: counted by the metric teachers.backbone_trained.
    backbone = models.BooleanField(_("backbone teacher training"), default=False)

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="course_hours_not_negative"),
            models.CheckConstraint(condition=Q(credits__gte=0), name="course_credits_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class CompletionImport(models.Model):
    """One provider workbook stored; the same file again is answered from here."""

    digest = models.CharField(_("file digest"), max_length=64, unique=True)
    filename = models.CharField(_("file name"), max_length=200)
    provider = models.CharField(_("provider"), max_length=100, blank=True)
    rows = models.PositiveIntegerField(_("rows"))
    courses = models.PositiveIntegerField(_("courses"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("completion import")
        verbose_name_plural = _("completion imports")
        ordering = ["-at"]

    def __str__(self) -> str:
        return self.filename


class Completion(models.Model):
    """A teacher's enrolment in a course and, once done, its completion with the hours
    credited (the course's hours unless the provider says fewer). `year` is the year of
    `completed_on`, kept so that sums by year need no date functions."""

    teacher = models.ForeignKey(
        Teacher, verbose_name=_("teacher"), on_delete=models.CASCADE, related_name="completions"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="completions"
    )
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year completed"), null=True, blank=True)
    hours = models.DecimalField(_("hours credited"), max_digits=6, decimal_places=1)
    batch = models.ForeignKey(
        CompletionImport,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="completions",
    )

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        ordering = ["teacher", "completed_on"]
        indexes = [models.Index(fields=["year", "teacher"], name="completion_year_teacher")]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "course"], name="completion_once"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="completion_hours_not_negative"),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True, year__isnull=True)
                | Q(completed_on__isnull=False, year__isnull=False),
                name="completion_year_with_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} · {self.course}"


class MasterTerm(models.Model):
    """A 名师 (or 名班主任, 名校长) title held for a term; the studio the teacher hosts is
    a record of the ledger `studios` (linked, not copied)."""

    teacher = models.ForeignKey(
        Teacher, verbose_name=_("teacher"), on_delete=models.CASCADE, related_name="master_terms"
    )
    title = models.CharField(_("title"), max_length=50)
    level = models.CharField(_("level"), max_length=12, choices=CourseLevel.choices)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    studio = models.ForeignKey(
        "ledgers.LedgerRecord",
        verbose_name=_("studio"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("master teacher term")
        verbose_name_plural = _("master teacher terms")
        ordering = ["-first_year", "teacher"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")), name="master_term_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} · {self.title} {self.first_year}–{self.last_year}"


class CreditReminder(models.Model):
    """A school reminded that some of its teachers are behind for a judged year: each
    school once a year, however often reminders are sent (a retried request too)."""

    school = models.ForeignKey(
        OrgUnit, verbose_name=_("school"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    behind = models.PositiveIntegerField(_("teachers behind"))
    recipients = models.PositiveIntegerField(_("people told"))
    at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("credit reminder")
        verbose_name_plural = _("credit reminders")
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="credit_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.year}"
