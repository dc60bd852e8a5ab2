"""Campus football (校园足球): the city league's competitions, their teams and matches.

Only what the standings need is stored: who played whom and the score. The table itself
is computed from the results (football/standings.py), never stored.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from eduplan.org.models import OrgUnit


class TieBreaker(models.TextChoices):
    GOAL_DIFFERENCE = "goal_difference", _("Goal difference")
    HEAD_TO_HEAD = "head_to_head", _("Head-to-head points")
    GOALS_FOR = "goals_for", _("Goals scored")
    FAIR_PLAY = "fair_play", _("Fair play")
    LOTS = "lots", _("Drawing of lots")


DEFAULT_TIE_BREAKERS = [
    TieBreaker.GOAL_DIFFERENCE.value,
    TieBreaker.HEAD_TO_HEAD.value,
    TieBreaker.GOALS_FOR.value,
    TieBreaker.LOTS.value,
]


def default_tie_breakers() -> list[str]:
    return list(DEFAULT_TIE_BREAKERS)


class Competition(models.Model):
    """One group of one season's league (e.g. 2016年"市长杯" 小学男子甲组, first stage)."""

    name = models.CharField(_("name"), max_length=200)
    season = models.PositiveSmallIntegerField(_("season"))
    group = models.CharField(_("group"), max_length=50)
    stage = models.PositiveSmallIntegerField(_("stage"), default=1)
    # Applied in order when teams are level on points; see football/standings.py.
    tie_breakers = models.JSONField(_("tie-breakers"), default=default_tie_breakers)
    points_win = models.PositiveSmallIntegerField(_("points for a win"), default=3)
    points_draw = models.PositiveSmallIntegerField(_("points for a draw"), default=1)
    # Drawing lots must give the same table every time it is computed: the seed fixes it.
    lots_seed = models.PositiveIntegerField(_("seed of the drawing of lots"), default=0)
    published = models.BooleanField(_("published"), default=False)
    # Who may record results (org/access.py, Action.LEAGUE_RESULTS). Empty on rows made
    # before organisers were kept: such a competition is left to Django's admin.
    organiser = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "The unit that runs the league: the sports department for the city's league, "
            "a district for its own."
        ),
    )

    # Raised by every change to the competition, its teams or its fixtures made through
    # the keeping pages, workbook or API: a write based on an older one is refused.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    # A retired competition (entered by mistake, cancelled) is unpublished and kept.
    retired_reason = models.CharField(_("reason retired"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-season", "name", "group", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "season", "group", "stage"], name="competition_unique"
            ),
            models.CheckConstraint(
                condition=Q(points_win__gt=F("points_draw")), name="competition_win_beats_draw"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.group}"

    @property
    def scope_unit(self) -> OrgUnit | None:
        """The organiser: access to the competition follows it (None: nobody's)."""
        return self.organiser

    def clean(self) -> None:
        allowed = set(TieBreaker.values)
        chosen = self.tie_breakers
        if (
            not isinstance(chosen, list)
            or any(item not in allowed for item in chosen)
            or len(set(chosen)) != len(chosen)
        ):
            raise ValidationError(
                {
                    "tie_breakers": _("A list without repeats drawn from: %(allowed)s")
                    % {"allowed": ", ".join(TieBreaker.values)}
                }
            )


class Team(models.Model):
    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="teams"
    )
    school = models.ForeignKey(
        OrgUnit, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["competition", "name"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "name"], name="team_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Match(models.Model):
    """A fixture; the score stays empty until the match is played."""

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("competition"),
        on_delete=models.CASCADE,
        related_name="matches",
    )
    round = models.PositiveSmallIntegerField(_("round"))
    played_on = models.DateField(_("date"), null=True, blank=True)
    home = models.ForeignKey(
        Team, verbose_name=_("home team"), on_delete=models.PROTECT, related_name="+"
    )
    away = models.ForeignKey(
        Team, verbose_name=_("away team"), on_delete=models.PROTECT, related_name="+"
    )
    home_goals = models.PositiveSmallIntegerField(_("home goals"), null=True, blank=True)
    away_goals = models.PositiveSmallIntegerField(_("away goals"), null=True, blank=True)
    # Fair-play (disciplinary) points: more is worse (yellow 1, red 3 ...), when recorded.
    home_fair_play = models.PositiveSmallIntegerField(
        _("home fair-play points"), null=True, blank=True
    )
    away_fair_play = models.PositiveSmallIntegerField(
        _("away fair-play points"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["competition", "round", "played_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(home=F("away")), name="match_two_teams"),
            # IS NULL on both sides: a comparison with NULL would let "3 : NULL" through.
            models.CheckConstraint(
                condition=Q(home_goals__isnull=True, away_goals__isnull=True)
                | Q(home_goals__isnull=False, away_goals__isnull=False),
                name="match_score_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(home_goals__isnull=True) | Q(home_goals__gte=0, away_goals__gte=0),
                name="match_goals_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["competition", "round"], name="match_competition_round")]

    def __str__(self) -> str:
        score = f" {self.home_goals}:{self.away_goals}" if self.played else ""
        return f"{self.home} – {self.away}{score}"

    @property
    def played(self) -> bool:
        return self.home_goals is not None and self.away_goals is not None
