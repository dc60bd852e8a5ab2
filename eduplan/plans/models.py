"""A plan: projects (工程) with goals, targets, measures and milestones, and the
work points (工作要点) in their sections."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eduplan.core.numbers import chinese_number, plain_number
from eduplan.org.models import OrgUnit, UnitType


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Plan(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=300)
    organisation = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="plans"
    )
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    intro = models.TextField(_("introduction"), blank=True)
    work_points_intro = models.TextField(_("work points introduction"), blank=True)
    source_digest = models.CharField(
        _("source digest"), max_length=64, blank=True, help_text=_("SHA-256 of the loaded file")
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="plan_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_unit(self) -> OrgUnit:
        return self.organisation


class Project(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="projects"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    owners = models.ManyToManyField(
        OrgUnit, through="ProjectOwner", verbose_name=_("owners"), related_name="owned_projects"
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="project_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def scope_unit(self) -> OrgUnit:
        return self.plan.organisation

    def owner_department_ids(self) -> set[int]:
        return {owner.department_id for owner in self.project_owners.all()}


class OwnerRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    RESPONSIBLE = "responsible", _("Responsible unit")


class ProjectOwner(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="project_owners"
    )
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        limit_choices_to={"type": UnitType.DEPARTMENT},
    )
    role = models.CharField(_("role"), max_length=12, choices=OwnerRole.choices)

    class Meta:
        verbose_name = _("project owner")
        verbose_name_plural = _("project owners")
        ordering = ["project", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "department"], name="project_owner_unique"),
            models.UniqueConstraint(
                fields=["project"], condition=Q(role="lead"), name="project_has_one_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} ({self.get_role_display()})"


class Horizon(models.TextChoices):
    THREE_YEAR = "three_year", _("Three-year goal")
    ANNUAL = "annual", _("Annual goal")


class Goal(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="goals"
    )
    horizon = models.CharField(_("horizon"), max_length=12, choices=Horizon.choices)
    year = models.PositiveSmallIntegerField(_("due year"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["project", "-horizon", "year"]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_horizon_display()} {self.year}"

    @property
    def section_label(self) -> str:
        return goal_place(self.project.number, self.horizon, self.year)


class Section(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="sections"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="section_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{chinese_number(self.number)}、{self.title}"


class WorkPoint(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="work_points"
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="work_points"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects served"), blank=True, related_name="work_points"
    )

    class Meta:
        verbose_name = _("work point")
        verbose_name_plural = _("work points")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="work_point_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:40]}"

    @property
    def scope_unit(self) -> OrgUnit:
        return self.plan.organisation

    @property
    def section_label(self) -> str:
        return f"工作要点 {self.number}"


class Comparator(models.TextChoices):
    AT_LEAST = ">=", _("at least")
    AT_MOST = "<=", _("at most")
    EQUAL = "=", _("exactly")
    BETWEEN = "between", _("between")


class Change(models.TextChoices):
    INCREASE = "increase", _("increase")
    DECREASE = "decrease", _("decrease")


class Target(models.Model):
    """A quantitative target, in the exchange format of the plan parser."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets"
    )
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
    )
    work_point = models.ForeignKey(
        WorkPoint,
        verbose_name=_("work point"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    indicator = models.CharField(_("indicator"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    value_max = models.DecimalField(
        _("upper value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=20)
    comparator = models.CharField(_("comparator"), max_length=8, choices=Comparator.choices)
    change = models.CharField(_("change"), max_length=10, choices=Change.choices, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("due year"), null=True, blank=True)
    source = models.TextField(_("source clause"))
    pair = models.CharField(
        _("shared figure"),
        max_length=40,
        blank=True,
        help_text=_("Set when one written figure carries several targets, e.g. 双90%"),
    )
    note = models.TextField(_("note"), blank=True)
    metric_key = models.CharField(_("metric"), max_length=100, blank=True)
    # A work point that repeats a project's target states the same commitment again: it
    # keeps its place in the plan, but counts and warnings take each commitment once.
    restates = models.ForeignKey(
        "self",
        verbose_name=_("restates"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="restated_by",
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan", "order", "id"]
        constraints = [
            # A target belongs to a goal, a work point, or (neither) the plan itself:
            # an imported document may state targets without projects or work points.
            models.CheckConstraint(
                condition=Q(goal__isnull=True) | Q(work_point__isnull=True),
                name="target_belongs_to_at_most_one_place",
            ),
            models.CheckConstraint(
                condition=Q(comparator="between", value_max__isnull=False)
                | (~Q(comparator="between") & Q(value_max__isnull=True)),
                name="target_range_has_upper_value",
            ),
            models.CheckConstraint(
                condition=Q(value_max__isnull=True) | Q(value_max__gte=models.F("value")),
                name="target_range_is_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.figure}"

    @property
    def scope_unit(self) -> OrgUnit:
        return self.plan.organisation

    @property
    def figure(self) -> str:
        """The figure as a reader expects it: 减少 ≥ 60%, 1–2 个, ≥ 500 支."""
        value = plain_number(self.value)
        if self.comparator == Comparator.BETWEEN and self.value_max is not None:
            text = f"{value}–{plain_number(self.value_max)} {self.unit}"
        else:
            sign = {">=": "≥ ", "<=": "≤ ", "=": ""}.get(self.comparator, "")
            text = f"{sign}{value} {self.unit}"
        if self.change:
            verb = "减少" if self.change == Change.DECREASE else "增加"
            base = f"比{self.baseline_year}年" if self.baseline_year else ""
            text = f"{base}{verb} {text}"
        return text


class Measure(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="measures"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="measure_number_unique"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Task(models.Model):
    """A piece of a measure's or a work point's work (任务分解): who leads it, who helps,
    by when, and its deliverables (milestones). Proposed from the text until its owner
    confirms it. A work point that restates a measure's matter (同一事项) is served by the
    measure's task: it then has both, is numbered in its measure, and is counted once."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    work_point = models.ForeignKey(
        WorkPoint,
        verbose_name=_("work point"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    lead_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="led_tasks"
    )
    co_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("co-operating units"), blank=True, related_name="co_tasks"
    )
    deadline = models.DateField(_("deadline"))
    year = models.PositiveSmallIntegerField(_("year"))
    confirmed = models.BooleanField(
        _("confirmed"), default=True, help_text=_("Unset while proposed from the text")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "measure__project__number", "measure__number", "work_point__number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(measure__isnull=False) | Q(work_point__isnull=False),
                name="task_belongs_to_a_measure_or_a_work_point",
            ),
            models.UniqueConstraint(
                fields=["measure", "number"],
                condition=Q(measure__isnull=False),
                name="task_number_unique_in_measure",
            ),
            models.UniqueConstraint(
                fields=["work_point", "number"],
                condition=Q(work_point__isnull=False, measure__isnull=True),
                name="task_number_unique_in_work_point",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_unit(self) -> OrgUnit:
        """The lead unit: its staff report on the task (Reach.ENTRY)."""
        return self.lead_unit

    def owner_department_ids(self) -> set[int]:
        """The plan owners who may edit or confirm it: the lead department (牵头) of its
        project (of the work point's projects), not the units that only share the project,
        so a co-operating department cannot take a task over."""
        projects = ([self.measure.project] if self.measure is not None else []) or list(
            self.work_point.projects.all() if self.work_point is not None else []
        )
        return {
            owner.department_id
            for project in projects
            for owner in project.project_owners.all()
            if owner.role == OwnerRole.LEAD
        }

    @property
    def place(self) -> str:
        """Where it is in the plan: 举措 12.1 or 工作要点 20."""
        if self.measure is not None:
            place = f"举措 {self.measure.project.number}.{self.measure.number}"
            if self.work_point is not None:
                place += f"（{self.work_point.section_label}）"
            return place
        assert self.work_point is not None
        return self.work_point.section_label


class MilestoneKind(models.TextChoices):
    DOCUMENT = "document", _("Document issued")  # 出台《…》
    BODY = "body", _("Body set up")  # 成立…
    MEETING = "meeting", _("Meeting held")  # 召开…
    SYSTEM = "system", _("System built or in trial")  # 建成…（试运行）
    PILOT = "pilot", _("Pilot or work started")  # 启动/试点
    OTHER = "other", _("Other")


class Milestone(models.Model):
    """A dated deliverable: of a project (its yearly steps) or of one of its tasks."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=MilestoneKind.choices, default=MilestoneKind.OTHER
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    document_title = models.CharField(_("document title"), max_length=200, blank=True)
    document_number = models.CharField(
        pgettext_lazy("milestone", "document number"), max_length=100, blank=True
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(task__isnull=False),
                name="milestone_has_a_project_or_a_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def scope_unit(self) -> OrgUnit:
        if self.task is not None:
            return self.task.scope_unit
        assert self.project is not None
        return self.project.scope_unit

    def owner_department_ids(self) -> set[int]:
        if self.task is not None:
            return self.task.owner_department_ids()
        assert self.project is not None
        return self.project.owner_department_ids()

    def state_on(self, day: datetime.date) -> str:
        """ "done" (by that day), "overdue" (past due and not done by then) or "due"."""
        if self.done_on is not None and self.done_on <= day:
            return "done"
        return "overdue" if self.due_on < day else "due"


def milestone_evidence_path(instance: MilestoneEvidence, filename: str) -> str:
    return f"milestones/{instance.milestone_id}/{filename}"


class MilestoneEvidence(models.Model):
    """What shows a milestone was met: a file (served only through a view that checks
    the reader) or a link, with a note, who gave it and when."""

    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("milestone"),
        on_delete=models.CASCADE,
        related_name="evidence_items",
    )
    file = models.FileField(
        _("file"), upload_to=milestone_evidence_path, max_length=300, blank=True
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # None: loaded with the data (the demo), not given by a person.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone evidence")
        verbose_name_plural = _("milestone evidence")
        ordering = ["milestone", "added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(~Q(file="") & Q(url="")) | (Q(file="") & ~Q(url="")),
                name="milestone_evidence_is_a_file_or_a_link",
            ),
        ]

    def __str__(self) -> str:
        return self.url or str(self.file.name)


def project_ordinal(n: int) -> str:
    return f"第{chinese_number(n)}项工程"


def goal_place(project: int, horizon: str, year: int) -> str:
    """A goal's place as pages and data files name it (第三项工程 2016年)."""
    label = "三年总目标" if horizon == Horizon.THREE_YEAR else f"{year}年"
    return f"{project_ordinal(project)} {label}"
