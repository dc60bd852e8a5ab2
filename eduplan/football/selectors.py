"""Reads of campus football: published competitions, their tables and fixtures; the
competitions a user may record results for."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from eduplan.football.models import Competition, Match, Team, TieBreaker
from eduplan.football.standings import Result, Row, Rules, standings
from eduplan.org.access import Action, User, can


@dataclass(frozen=True)
class TableLine:
    """A row of the table with its team (for display)."""

    team: Team
    row: Row

    @property
    def decided_by(self) -> str:
        """The tie-breaker that set the team apart from those level on points with it."""
        return str(TieBreaker(self.row.decided_by).label) if self.row.decided_by else ""


@dataclass(frozen=True)
class CompetitionSummary:
    competition: Competition
    teams: int
    played: int
    matches: int


def _summaries(competitions: QuerySet[Competition]) -> list[CompetitionSummary]:
    rows = competitions.annotate(
        team_count=Count("teams", distinct=True),
        played_count=Count("matches", filter=Q(matches__home_goals__isnull=False), distinct=True),
        match_count=Count("matches", distinct=True),
    ).order_by("-season", "name", "group", "stage")
    return [
        CompetitionSummary(
            competition=c,
            teams=c.team_count,
            played=c.played_count,
            matches=c.match_count,
        )
        for c in rows
    ]


def competitions_published() -> list[CompetitionSummary]:
    """Published competitions, newest season first, with their team and match counts
    (one query)."""
    return _summaries(Competition.objects.filter(published=True))


def competitions_for_results(*, user: User) -> list[CompetitionSummary]:
    """The competitions, published or not, whose results the user may record, with their
    counts (one query; the few competitions are filtered by the access rule itself)."""
    summaries = _summaries(
        Competition.objects.filter(organiser__isnull=False).select_related("organiser")
    )
    return [s for s in summaries if can(user, Action.LEAGUE_RESULTS, s.competition)]


def competition_with_organiser(pk: int) -> Competition:
    """Any competition, published or not, with its organiser (for the access check), or 404."""
    return get_object_or_404(Competition.objects.select_related("organiser"), pk=pk)


def competition_published(pk: int) -> Competition:
    """A published competition, or 404 (an unpublished one does not exist to the public)."""
    return get_object_or_404(Competition, pk=pk, published=True)


def competition_matches(*, competition: Competition) -> list[Match]:
    """Every fixture of the competition with its teams and schools, by round."""
    return list(
        competition.matches.select_related("home__school", "away__school").order_by(
            "round", "played_on", "id"
        )
    )


def competition_rules(competition: Competition) -> Rules:
    return Rules(
        points_win=competition.points_win,
        points_draw=competition.points_draw,
        tie_breakers=tuple(competition.tie_breakers or ()),
        lots_seed=competition.lots_seed,
    )


def competition_table(*, competition: Competition, matches: list[Match]) -> list[TableLine]:
    """The standings computed from the played matches (the teams read once)."""
    teams = {team.pk: team for team in competition.teams.select_related("school")}
    results = [
        Result(
            home=m.home_id,
            away=m.away_id,
            home_goals=m.home_goals,
            away_goals=m.away_goals,
            home_fair_play=m.home_fair_play,
            away_fair_play=m.away_fair_play,
        )
        for m in matches
        if m.home_goals is not None and m.away_goals is not None
    ]
    rows = standings(teams=sorted(teams), results=results, rules=competition_rules(competition))
    return [TableLine(team=teams[row.team], row=row) for row in rows]
