from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataStamp(models.Model):
    """A counter raised by every change that can move a figure (one row, "figures").

    Computed figures are cached under the counter's value, so a change is seen by the
    next request in every process, with no nightly rebuild and no stale page."""

    name = models.CharField(_("name"), max_length=32, primary_key=True)
    number = models.BigIntegerField(_("number"), default=0)

    class Meta:
        verbose_name = _("data stamp")
        verbose_name_plural = _("data stamps")

    def __str__(self) -> str:
        return f"{self.name} #{self.number}"


class ChangeEvent(models.Model):
    """One field of one register entry changed: who, when, old → new (append-only).

    The history of the registers kept outside the ledger engine (the class census, the
    football league). `subject` names the entry ("census:410105-P1:2016",
    "football.match:12"), `field` what changed in it; an entry added or removed has
    old or new None."""

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("changed entry"), max_length=120)
    field = models.CharField(_("field"), max_length=120)
    old = models.JSONField(_("old value"), null=True, blank=True)
    new = models.JSONField(_("new value"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("change event")
        verbose_name_plural = _("change events")
        ordering = ["subject", "at", "id"]
        indexes = [models.Index(fields=["subject", "at"], name="change_subject_at")]

    def __str__(self) -> str:
        return f"{self.subject} {self.field}: {self.old} → {self.new}"


class NoticeChoice(models.Model):
    """How a user wants to be told of work handed to them: every notice is in their inbox;
    `by_email` says whether it is also mailed (a user without a row gets e-mail)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notice_choice",
        verbose_name=_("user"),
    )
    by_email = models.BooleanField(_("also by e-mail"), default=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("notice choice")
        verbose_name_plural = _("notice choices")

    def __str__(self) -> str:
        return f"{self.user_id} e-mail={self.by_email}"


# The figures store (core/figure_store.py): every metric's figures kept current, so that a
# page reads a handful of rows instead of aggregating the registers on every change.


class StoredMetric(models.Model):
    """A metric whose figures the store holds (built on first read, then kept current)."""

    key = models.CharField(_("metric"), max_length=100, primary_key=True)
    built_at = models.DateTimeField(_("built at"), auto_now_add=True)
    # The EDUPLAN_FIGURES_* settings and the metric's shape it was built under (what counts
    # and how it adds up): another value, and it is built again.
    settings_digest = models.CharField(_("settings"), max_length=64)

    class Meta:
        verbose_name = _("stored metric")
        verbose_name_plural = _("stored metrics")

    def __str__(self) -> str:
        return self.key


class UnitFigure(models.Model):
    """A metric's own rows for one org unit and one of its periods, added up: `num` and
    `den` are the sums (None when every row's is empty), `rows` how many rows there are."""

    key = models.CharField(_("metric"), max_length=100)
    unit_path = models.CharField(_("unit path"), max_length=255)
    period = models.CharField(_("period"), max_length=10)
    # A stock's next period of the same unit (its figure counts until then); else empty.
    until = models.CharField(_("until"), max_length=10, blank=True)
    num = models.DecimalField(_("numerator"), max_digits=30, decimal_places=8, null=True)
    den = models.DecimalField(_("denominator"), max_digits=30, decimal_places=8, null=True)
    rows = models.IntegerField(_("rows"))

    class Meta:
        verbose_name = _("unit figure")
        verbose_name_plural = _("unit figures")
        constraints = [
            models.UniqueConstraint(fields=["key", "unit_path", "period"], name="unit_figure_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.unit_path} {self.period}"


class TreeFigure(models.Model):
    """A metric's figure for an org unit and everything beneath it, for one period.

    For a stock (a unit counts with its latest period), a row holds the units whose latest
    period up to any day in [period, until) is `period`; `until` is empty when no later
    period has come. A figure as of period P over [P1, P] adds the rows with
    P1 <= period <= P < until. For flows and censuses `until` is empty and each row is one
    period. `num_rows`/`den_rows` count the units whose sum is not empty, so that a sum of
    nothing stays None, as in SQL."""

    key = models.CharField(_("metric"), max_length=100)
    path = models.CharField(_("unit path"), max_length=255)
    parent = models.CharField(_("parent path"), max_length=255)
    period = models.CharField(_("period"), max_length=10)
    until = models.CharField(_("until"), max_length=10, blank=True)
    num = models.DecimalField(_("numerator"), max_digits=30, decimal_places=8, null=True)
    den = models.DecimalField(_("denominator"), max_digits=30, decimal_places=8, null=True)
    num_rows = models.IntegerField(_("units with a numerator"))
    den_rows = models.IntegerField(_("units with a denominator"))
    units = models.IntegerField(_("units"))

    class Meta:
        verbose_name = _("tree figure")
        verbose_name_plural = _("tree figures")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "path", "period", "until"], name="tree_figure_once"
            ),
        ]
        indexes = [models.Index(fields=["key", "parent", "period"], name="tree_figure_children")]

    def __str__(self) -> str:
        return f"{self.key} {self.path} {self.period}–{self.until}"


class FigurePath(models.Model):
    """A unit path and each of its ancestors' (itself included), with the ancestor's
    parent: the roll-up of a whole metric is one grouped join over it."""

    path = models.CharField(_("unit path"), max_length=255)
    ancestor = models.CharField(_("ancestor path"), max_length=255)
    parent = models.CharField(_("ancestor's parent path"), max_length=255)

    class Meta:
        verbose_name = _("unit path")
        verbose_name_plural = _("unit paths")
        constraints = [
            models.UniqueConstraint(fields=["path", "ancestor"], name="figure_path_once"),
        ]

    def __str__(self) -> str:
        return f"{self.path} ⊂ {self.ancestor}"


class FigureDirty(models.Model):
    """An org unit whose rows may have changed since the store last read them (its id;
    0: any unit). Marks are inserted by writers and worked off by the store, which
    deletes the marks it read and no other: a mark is never merged into one made before
    (that one may be worked off from rows read before this writer commits)."""

    unit_id = models.BigIntegerField(_("org unit"))
    # The app whose metrics' rows moved (their provider); empty: every metric's.
    provider = models.CharField(_("provider"), max_length=40, blank=True)
    # For a mark of any unit: the one period whose rows moved (a period opened); empty:
    # any period.
    period = models.CharField(_("period"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("changed unit")
        verbose_name_plural = _("changed units")

    def __str__(self) -> str:
        return str(self.unit_id)
