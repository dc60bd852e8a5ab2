"""Campus safety (学校安全, project 8): inspection rounds, the objects they inspect
(buildings, school buses), the hazards found and their rectification.

Two rules are held by the database itself, so that no path around the services (the
admin, a script, a bulk update) can break them:
- a building rated D is never in use (`safety_building_d_never_in_use`);
- a hazard is closed only with evidence of the fix, a verification, and a verifier who
  is not the one who fixed it (`safety_hazard_fixed_has_evidence`,
  `safety_hazard_closed_verified_by_another`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplan.org.models import OrgUnit, UnitType


class ObjectType(models.TextChoices):
    """What an inspection looks at; each has its checklist (data/checklists.yaml)."""

    BUILDING = "building", _("School building")
    BUS = "bus", _("School bus")


class RoundKind(models.TextChoices):
    BUILDING = "building", _("School building inspection")
    BUS = "bus", _("School bus inspection")
    CAMPAIGN = "campaign", _("Special campaign")


class InspectionRound(models.Model):
    """One round of inspections: the twice-yearly 校舍 or 校车 round, or an ad hoc campaign,
    run by an organiser (安全稳定工作处 for the city, a district for its own)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=RoundKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    # 1: spring, 2: autumn; a campaign has none.
    half = models.PositiveSmallIntegerField(_("half of the year"), null=True, blank=True)
    organiser = models.ForeignKey(
        OrgUnit, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["-year", "-half", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=RoundKind.CAMPAIGN, half__isnull=True)
                | (~Q(kind=RoundKind.CAMPAIGN) & Q(half__in=[1, 2])),
                name="safety_round_half_for_regular_rounds",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="safety_round_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "half", "organiser"],
                condition=Q(half__isnull=False),
                name="safety_round_once_a_half",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_unit(self) -> OrgUnit:
        """Who runs the round (org/access.py: SAFETY_INSPECT has Reach.ENTRY)."""
        return self.organiser

    def covers(self, unit: OrgUnit) -> bool:
        """Whether the unit lies in the round's area: a department's round covers its
        bureau's city, a district's round its district."""
        area = self.organiser
        if self.organiser.type == UnitType.DEPARTMENT and self.organiser.parent is not None:
            area = self.organiser.parent
        return area.contains(unit)


class Rating(models.TextChoices):
    """The building safety appraisal's grades: C is reinforced, D closed and demolished."""

    A = "A", _("A: safe")
    B = "B", _("B: safe, minor defects")
    C = "C", _("C: to be reinforced")
    D = "D", _("D: dangerous, closed")


class BuildingUse(models.TextChoices):
    TEACHING = "teaching", _("Teaching building")
    DORMITORY = "dormitory", _("Dormitory")
    CANTEEN = "canteen", _("Canteen")
    TOILET = "toilet", _("Toilet")
    OTHER = "other", _("Other building")


class Structure(models.TextChoices):
    FRAME = "frame", _("Reinforced-concrete frame")
    BRICK_CONCRETE = "brick_concrete", _("Brick and concrete")
    BRICK_WOOD = "brick_wood", _("Brick and wood")
    STEEL = "steel", _("Steel")
    OTHER = "other", _("Other structure")


class Building(models.Model):
    """A school building (校舍) with its structure and its latest rating."""

    school = models.ForeignKey(
        OrgUnit, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    use = models.CharField(_("use"), max_length=20, choices=BuildingUse.choices)
    structure = models.CharField(_("structure"), max_length=20, choices=Structure.choices)
    built_year = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), default=1)
    rating = models.CharField(_("rating"), max_length=1, choices=Rating.choices)
    rated_on = models.DateField(_("rated on"), null=True, blank=True)
    in_use = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("school building")
        verbose_name_plural = _("school buildings")
        ordering = ["school__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(rating=Rating.D, in_use=True),
                name="safety_building_d_never_in_use",
            ),
            models.UniqueConstraint(fields=["school", "name"], name="safety_building_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} {self.name}"

    @property
    def scope_unit(self) -> OrgUnit:
        return self.school


class SchoolBus(models.Model):
    """A school bus (校车) with its licence, its driver and the dates they run out."""

    school = models.ForeignKey(
        OrgUnit, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    plate = models.CharField(_("plate number"), max_length=20, unique=True)
    seats = models.PositiveSmallIntegerField(_("seats"))
    licence_number = models.CharField(_("school-bus licence number"), max_length=50)
    licence_expires_on = models.DateField(_("licence expires on"), db_index=True)
    driver = models.CharField(_("driver"), max_length=50)
    driver_licence_expires_on = models.DateField(
        _("driver's qualification expires on"), db_index=True
    )
    inspection_expires_on = models.DateField(_("vehicle inspection expires on"), db_index=True)
    in_service = models.BooleanField(_("in service"), default=True)

    class Meta:
        verbose_name = _("school bus")
        verbose_name_plural = _("school buses")
        ordering = ["school__path", "plate"]

    def __str__(self) -> str:
        return self.plate

    @property
    def scope_unit(self) -> OrgUnit:
        return self.school


class Inspection(models.Model):
    """One object looked at in a round, item by item of its checklist."""

    round = models.ForeignKey(
        InspectionRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        OrgUnit, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(_("object"), max_length=20, choices=ObjectType.choices)
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bus = models.ForeignKey(
        SchoolBus, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Checklist item code -> True (passed) / False (failed), as of the checklist then.
    results = models.JSONField(_("results"), default=dict)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(object_type=ObjectType.BUILDING, building__isnull=False, bus=None)
                | Q(object_type=ObjectType.BUS, bus__isnull=False, building=None),
                name="safety_inspection_one_object",
            ),
            models.UniqueConstraint(
                fields=["round", "building"],
                condition=Q(building__isnull=False),
                name="safety_inspection_building_once_a_round",
            ),
            models.UniqueConstraint(
                fields=["round", "bus"],
                condition=Q(bus__isnull=False),
                name="safety_inspection_bus_once_a_round",
            ),
        ]
        indexes = [models.Index(fields=["school", "inspected_on"], name="safety_insp_school")]

    def __str__(self) -> str:
        return f"{self.school.name} {self.object_label} {self.inspected_on}"

    @property
    def scope_unit(self) -> OrgUnit:
        return self.school

    @property
    def object_label(self) -> str:
        if self.building is not None:
            return self.building.name
        return self.bus.plate if self.bus is not None else ""


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")
    GRAVE = "grave", _("Grave")


SEVERITY_ORDER = [Severity.GRAVE, Severity.MAJOR, Severity.GENERAL]


class HazardStatus(models.TextChoices):
    OPEN = "open", _("Being rectified")
    FIXED = "fixed", _("Fix reported, awaiting verification")
    CLOSED = "closed", _("Closed")


def hazard_file_path(instance: Hazard, filename: str) -> str:
    return f"safety/hazards/{instance.school_id}/{filename}"


class Hazard(models.Model):
    """A hazard found in an inspection, with its rectification order (整改单): one order
    per hazard, so its deadline, responsible person, fix and verification live here.

    open → fixed (the school reports the fix with evidence) → closed (verified by the
    inspecting side, someone other than the fixer); a rejected fix goes back to open.
    """

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        OrgUnit, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    # The school's district, kept on the row so that a district's and the city's
    # overviews are one grouped query on an index (None: a school the bureau runs).
    district = models.ForeignKey(
        OrgUnit,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule_code = models.CharField(_("checklist item"), max_length=20)
    rule_text = models.CharField(_("rule broken"), max_length=300)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("description"))
    photo = models.FileField(_("photo"), upload_to=hazard_file_path, max_length=300, blank=True)
    found_on = models.DateField(_("found on"))
    status = models.CharField(
        _("status"), max_length=10, choices=HazardStatus.choices, default=HazardStatus.OPEN
    )
    # The rectification order.
    deadline = models.DateField(_("rectification deadline"))
    responsible_person = models.CharField(_("responsible person"), max_length=50)
    fix_note = models.TextField(_("what was done"), blank=True)
    fix_evidence = models.FileField(
        _("evidence of the fix"), upload_to=hazard_file_path, max_length=300, blank=True
    )
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fixed_on = models.DateField(_("fixed on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verify_note = models.TextField(_("verification note"), blank=True)

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-found_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=HazardStatus.OPEN)
                | (
                    Q(fixed_by__isnull=False, fixed_on__isnull=False)
                    & ~Q(fix_evidence="")
                    & ~Q(fix_note="")
                ),
                name="safety_hazard_fixed_has_evidence",
            ),
            models.CheckConstraint(
                condition=~Q(status=HazardStatus.CLOSED)
                | (
                    Q(verified_by__isnull=False, verified_on__isnull=False, fixed_by__isnull=False)
                    & ~Q(verified_by=F("fixed_by"))
                ),
                name="safety_hazard_closed_verified_by_another",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("found_on")), name="safety_hazard_deadline_after_found"
            ),
        ]
        indexes = [
            # The district overview: a district's open hazards by severity and age.
            models.Index(
                fields=["district", "status", "severity", "found_on"], name="safety_hz_district"
            ),
            # The nightly scan: hazards not closed past their deadline.
            models.Index(fields=["status", "deadline"], name="safety_hz_deadline"),
            models.Index(fields=["school", "status"], name="safety_hz_school"),
        ]

    def __str__(self) -> str:
        return f"{self.school.name}：{self.rule_text}"

    @property
    def scope_unit(self) -> OrgUnit:
        return self.school


class HazardEventKind(models.TextChoices):
    FOUND = "found", _("Found")
    FIXED = "fixed", _("Fix reported")
    REJECTED = "rejected", _("Fix not accepted")
    CLOSED = "closed", _("Verified and closed")


class HazardEvent(models.Model):
    """The hazard's history, appended to by every step (who, when, what was said)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("step"), max_length=10, choices=HazardEventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.kind} {self.at}"
