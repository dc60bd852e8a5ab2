"""Org units as a tree (materialized path) and each user's role and scope."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PATH_SEPARATOR = "/"


class UnitType(models.TextChoices):
    BUREAU = "bureau", _("City bureau")
    DEPARTMENT = "department", _("Bureau department")
    DISTRICT = "district", _("County-level unit")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior high school")
    SENIOR = "senior", _("Senior high school")
    NINE_YEAR = "nine_year", _("Nine-year school")
    COMPLETE = "complete", _("Complete secondary school")
    VOCATIONAL = "vocational", _("Secondary vocational school")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    SPECIAL = "special", _("Special education school")


SCHOOL_TYPES = frozenset(
    {
        UnitType.PRIMARY,
        UnitType.JUNIOR,
        UnitType.SENIOR,
        UnitType.NINE_YEAR,
        UnitType.COMPLETE,
        UnitType.VOCATIONAL,
        UnitType.KINDERGARTEN,
        UnitType.SPECIAL,
    }
)


class Ownership(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class OrgUnit(models.Model):
    """A node of the org tree; `path` holds the codes from the root down, so a
    subtree is one indexed prefix query."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # unique=True gives PostgreSQL a varchar_pattern_ops index too, so LIKE 'prefix%' uses it.
    path = models.CharField(_("path"), max_length=512, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False)
    ownership = models.CharField(
        _("ownership"), max_length=10, choices=Ownership.choices, default=Ownership.PUBLIC
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]
        indexes = [models.Index(fields=["type", "path"], name="org_unit_type_path")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="org_unit_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=~Q(code__contains=PATH_SEPARATOR), name="org_unit_code_has_no_separator"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def path_for(parent: OrgUnit | None, code: str) -> str:
        return (parent.path if parent else PATH_SEPARATOR) + code + PATH_SEPARATOR

    @property
    def is_school(self) -> bool:
        return self.type in SCHOOL_TYPES

    def contains(self, other: OrgUnit) -> bool:
        return other.path.startswith(self.path)

    def is_open_on(self, day: datetime.date) -> bool:
        opened = self.opened_on is None or self.opened_on <= day
        return opened and (self.closed_on is None or self.closed_on >= day)


class Role(models.TextChoices):
    LEADER = "leader", _("Bureau leader")
    SUPERVISION = "supervision", _("Supervision office")
    DEPARTMENT = "department", _("Department staff")
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    SCHOOL_REPORTER = "school_reporter", _("School reporter")


class Membership(models.Model):
    """A user's role and scope: the org unit whose subtree the user may see.

    A user with no membership, or one without a scope, sees nothing.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    scope = models.ForeignKey(
        OrgUnit,
        verbose_name=_("scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        limit_choices_to={"type": UnitType.DEPARTMENT},
        help_text=_("For department staff: the department whose plan work they change."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class OrgGroup(models.Model):
    """A named set of org units the plan speaks of (市区, 县（市）, 直属学校): a target bound
    to a group counts only the rows of the units inside it.

    Membership is kept as rules, not as a list of every unit, so it stays true as the
    tree grows: each member is an org unit standing for its whole subtree, or, for
    `OrgGroupMember.Reach.SCHOOLS_UNDER`, the schools directly under a unit (each with
    its subtree). 直属学校 are "the schools the bureau runs itself", so a school opened
    under the bureau next year belongs to the group without anyone editing it.
    """

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[^\s@/]+$", _("a group code has no spaces, “@” or “/”"))],
        help_text=_("Bindings name the group by this code; it cannot change once stored."),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("org unit group")
        verbose_name_plural = _("org unit groups")
        ordering = ["code"]
        constraints = [
            # "@" separates a metric's key from the group it is counted over.
            models.CheckConstraint(
                condition=~Q(code__contains="@") & ~Q(code=""), name="org_group_code_plain"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrgGroupMember(models.Model):
    """One rule of a group's membership (see `OrgGroup`)."""

    class Reach(models.TextChoices):
        SUBTREE = "subtree", _("the unit and everything beneath it")
        SCHOOLS_UNDER = (
            "schools_under",
            _("the schools directly under the unit, each with everything beneath it"),
        )

    group = models.ForeignKey(
        OrgGroup,
        verbose_name=_("org unit group"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        on_delete=models.PROTECT,
        related_name="group_memberships",
    )
    reach = models.CharField(
        _("counts"), max_length=20, choices=Reach.choices, default=Reach.SUBTREE
    )

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "unit", "reach"], name="org_group_member_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.unit}"
