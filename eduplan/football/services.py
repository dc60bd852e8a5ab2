"""Writes in campus football: recording a match result, refusing anything doubtful."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplan.core.changes import Change, changes_record
from eduplan.core.errors import InputError
from eduplan.football.keeping import competition_subject
from eduplan.football.models import Competition, Match, Team
from eduplan.org.access import Action, User, actor_of, require

GOALS_MAX = 99
FAIR_PLAY_MAX = 999

ERR_GOALS = _("Goals must be a whole number from 0 to %(max)s.")
ERR_FAIR_PLAY = _("Fair-play points must be a whole number from 0 to %(max)s.")
ERR_UNKNOWN_TEAM = _("No team %(team)s in this competition.")
ERR_OTHER_COMPETITION = _("%(team)s plays in another competition.")
ERR_SAME_TEAM = _("A team cannot play itself.")
ERR_NO_FIXTURE = _("No fixture between %(home)s and %(away)s; give the round to add one.")
ERR_ROUND = _("The round must be a whole number from 1 to 99.")
ERR_PLAYED_LATER = _("The date played cannot be after today.")


def _team(competition: Competition, team: Team | str, where: str) -> Team:
    if isinstance(team, Team):
        if team.competition_id != competition.pk:
            raise InputError(str(ERR_OTHER_COMPETITION % {"team": team.name}), where=where)
        return team
    found = Team.objects.filter(competition=competition, name=str(team).strip()).first()
    if found is None:
        raise InputError(str(ERR_UNKNOWN_TEAM % {"team": team}), where=where)
    return found


def _count(value: object, *, high: int, message: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise InputError(message, where=where)
    return value


@transaction.atomic
def match_result_record(
    *,
    competition: Competition,
    home: Team | str,
    away: Team | str,
    home_goals: int,
    away_goals: int,
    played_on: datetime.date | None = None,
    round: int | None = None,
    home_fair_play: int | None = None,
    away_fair_play: int | None = None,
) -> Match:
    """Record (or correct) the score of home v away: the earliest open fixture between
    them, else the fixture of the given round, else a new fixture in that round.
    Everything is checked before anything is written."""
    home_team = _team(competition, home, "home")
    away_team = _team(competition, away, "away")
    if home_team.pk == away_team.pk:
        raise InputError(str(ERR_SAME_TEAM), where="away")
    goals_message = str(ERR_GOALS % {"max": GOALS_MAX})
    home_goals = _count(home_goals, high=GOALS_MAX, message=goals_message, where="home_goals")
    away_goals = _count(away_goals, high=GOALS_MAX, message=goals_message, where="away_goals")
    fair_message = str(ERR_FAIR_PLAY % {"max": FAIR_PLAY_MAX})
    if home_fair_play is not None:
        _count(home_fair_play, high=FAIR_PLAY_MAX, message=fair_message, where="home_fair_play")
    if away_fair_play is not None:
        _count(away_fair_play, high=FAIR_PLAY_MAX, message=fair_message, where="away_fair_play")
    if round is not None:
        _count(round, high=99, message=str(ERR_ROUND), where="round")
        if round == 0:
            raise InputError(str(ERR_ROUND), where="round")
    fixtures = Match.objects.select_for_update().filter(
        competition=competition, home=home_team, away=away_team
    )
    match = (
        fixtures.filter(round=round).first()
        if round is not None
        else fixtures.filter(home_goals__isnull=True).order_by("round", "id").first()
    )
    if match is None:
        if round is None:
            raise InputError(
                str(ERR_NO_FIXTURE % {"home": home_team.name, "away": away_team.name}),
                where="round",
            )
        match = Match(competition=competition, round=round, home=home_team, away=away_team)
    match.home_goals, match.away_goals = home_goals, away_goals
    match.home_fair_play, match.away_fair_play = home_fair_play, away_fair_play
    if played_on is not None:
        match.played_on = played_on
    if match.pk is None:
        match.save()
    else:
        match.save(
            update_fields=[
                "home_goals",
                "away_goals",
                "home_fair_play",
                "away_fair_play",
                "played_on",
            ]
        )
    return match


@transaction.atomic
def match_result_enter(
    *,
    user: User,
    match: Match,
    home_goals: int,
    away_goals: int,
    played_on: datetime.date,
    home_fair_play: int | None = None,
    away_fair_play: int | None = None,
) -> Match:
    """Record (or correct) the result of this very fixture, for a user who may record the
    competition's results; refuses a date after today, changing nothing."""
    require(user, Action.LEAGUE_RESULTS, match.competition)
    if played_on > timezone.localdate():
        raise InputError(str(ERR_PLAYED_LATER), where="played_on")
    old = _score(match)
    # The fixture's own round: a retried request finds the same fixture again instead of
    # filling the next open one between the two teams.
    recorded = match_result_record(
        competition=match.competition,
        home=match.home,
        away=match.away,
        home_goals=home_goals,
        away_goals=away_goals,
        played_on=played_on,
        round=match.round,
        home_fair_play=home_fair_play,
        away_fair_play=away_fair_play,
    )
    changes_record(
        actor=actor_of(user),
        subject=competition_subject(match.competition),
        changes=[
            Change(
                f"result:{match.round}:{match.home.name}-{match.away.name}", old, _score(recorded)
            )
        ],
    )
    return recorded


def _score(match: Match) -> str | None:
    """A result as the history shows it: "3:1 2016-04-09", or None before it is played."""
    if not match.played:
        return None
    day = match.played_on.isoformat() if match.played_on else ""
    return f"{match.home_goals}:{match.away_goals} {day}".strip()
