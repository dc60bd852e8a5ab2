"""How each target of a plan is measured: its metric, baseline, goal and trajectory; and
the owner department's judgement where only a person can tell."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from eduplan.org.models import OrgGroup
from eduplan.plans.models import Target


class GoalMode(models.TextChoices):
    ABSOLUTE = "absolute", _("reach the target value")
    ADD = "add", _("add the target value to the baseline")
    REDUCE_PERCENT = "reduce_percent", _("cut the baseline by the target percentage")
    INCREASE_PERCENT = "increase_percent", _("raise the baseline by the target percentage")
    PER_YEAR = "per_year", _("reach the target value in every year")


class Trajectory(models.TextChoices):
    LINEAR = "linear", _("linear")
    STEPS = "steps", _("steps")


class Reach(models.TextChoices):
    PLAN = "plan", _("the plan's area as a whole")
    EACH_UNIT = "each_unit", _("every unit, each against its own baseline")


class TargetBinding(models.Model):
    """A measurable target bound to a metric.

    `group`: the target covers only some units (市区新建改扩建中小学, 直属学校班班通). Its code
    also ends the metric key (`org.schools_opened@urban`), so that every reader that
    aggregates `metric_key` (status, paths, baselines, roll-ups) counts only the group's
    units; the loader writes both, and a constraint keeps them together.

    `provisional`: the reason the metric is a stand-in for what the plan's words say (临时
    口径, e.g. schools opened for 新建改扩建); blank when it measures the words. Pages show it
    next to the figure.
    """

    target = models.OneToOneField(
        Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="binding"
    )
    metric_key = models.CharField(_("metric"), max_length=100)
    goal_mode = models.CharField(_("goal"), max_length=20, choices=GoalMode.choices)
    baseline_value = models.DecimalField(
        _("baseline value"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Leave empty to read the baseline from the metric at the baseline date"),
    )
    baseline_on = models.DateField(_("baseline date"))
    start_on = models.DateField(_("counting from"))
    due_on = models.DateField(_("due on"))
    trajectory = models.CharField(
        _("trajectory"), max_length=10, choices=Trajectory.choices, default=Trajectory.LINEAR
    )
    # For steps: [{"on": "2016-12-31", "value": 40}, …] in the target's own terms
    # (a count, or a percentage cut for reduce_percent).
    steps = models.JSONField(_("steps"), default=list, blank=True)
    reach = models.CharField(
        _("applies to"), max_length=10, choices=Reach.choices, default=Reach.PLAN
    )
    note = models.TextField(_("note"), blank=True)
    group = models.ForeignKey(
        OrgGroup,
        verbose_name=_("units"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bindings",
        help_text=_("Count only the units of this group; empty: the plan's whole area"),
    )
    provisional = models.TextField(
        _("provisional measure"),
        blank=True,
        help_text=_(
            "Why the metric only stands in for what the target's words say; "
            "empty when it measures them"
        ),
    )

    class Meta:
        verbose_name = _("target binding")
        verbose_name_plural = _("target bindings")
        constraints = [
            # A group-bound binding's key names the group after "@"; no other key does.
            models.CheckConstraint(
                condition=(models.Q(group__isnull=True) & ~models.Q(metric_key__contains="@"))
                | (models.Q(group__isnull=False) & models.Q(metric_key__contains="@")),
                name="binding_key_names_its_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} → {self.metric_key}"


class Judgement(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    DONE = "done", _("Achieved")
    MISSED = "missed", _("Missed")  # the outcome of a target past its due date


class TargetAssessment(models.Model):
    """An owner department's assessment of a target for a period: for targets only a
    person can judge, and as a stated override (with its reason) of a measured status."""

    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="assessments"
    )
    period = models.CharField(_("period"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Judgement.choices)
    progress = models.DecimalField(
        _("progress (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    comment = models.TextField(_("comment"))
    evidence = models.TextField(_("evidence"), blank=True)
    overrides = models.BooleanField(_("overrides the measured status"), default=False)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(_("assessed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("target assessment")
        verbose_name_plural = _("target assessments")
        ordering = ["target", "-period", "-assessed_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(comment=""), name="assessment_has_comment"),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.period} {self.status}"
