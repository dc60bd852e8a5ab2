"""Public pages of the campus football league: published competitions, each with its
table and fixtures (no login; an unpublished competition is a 404)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from eduplan.core.tables import xlsx_download
from eduplan.football.models import Match, TieBreaker
from eduplan.football.selectors import (
    competition_matches,
    competition_published,
    competition_table,
    competitions_published,
)
from eduplan.org.access import public


def _score(match: Match) -> str:
    return f"{match.home_goals} : {match.away_goals}" if match.played else ""


@public
def competitions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "football/competitions.html",
        {"public_tab": "football", "competitions": competitions_published()},
    )


@public
def competitions_xlsx(request: HttpRequest) -> HttpResponse:
    return xlsx_download(
        title=_("Campus football league"),
        header=[_("Competition"), _("Season"), _("Group"), _("Stage"), _("Teams"), _("Played")],
        rows=[
            [
                s.competition.name,
                s.competition.season,
                s.competition.group,
                s.competition.stage,
                s.teams,
                f"{s.played}/{s.matches}",
            ]
            for s in competitions_published()
        ],
    )


@public
def competition(request: HttpRequest, pk: int) -> HttpResponse:
    found = competition_published(pk)
    matches = competition_matches(competition=found)
    rounds: dict[int, list[Match]] = {}
    for match in matches:
        rounds.setdefault(match.round, []).append(match)
    return render(
        request,
        "football/competition.html",
        {
            "public_tab": "football",
            "competition": found,
            "table": competition_table(competition=found, matches=matches),
            "rounds": sorted(rounds.items()),
            "tie_breakers": [TieBreaker(t).label for t in found.tie_breakers],
        },
    )


@public
def competition_table_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    found = competition_published(pk)
    table = competition_table(competition=found, matches=competition_matches(competition=found))
    return xlsx_download(
        title=f"{found.name} {found.group}",
        header=[
            _("Position"),
            _("Team"),
            _("Played"),
            _("Won"),
            _("Drawn"),
            _("Lost"),
            _("Goals for"),
            _("Goals against"),
            _("Goal difference"),
            _("Points"),
            _("Decided by"),
        ],
        rows=[
            [
                line.row.position,
                line.team.name,
                line.row.played,
                line.row.won,
                line.row.drawn,
                line.row.lost,
                line.row.goals_for,
                line.row.goals_against,
                line.row.goal_difference,
                line.row.points,
                line.decided_by,
            ]
            for line in table
        ],
    )


@public
def competition_fixtures_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    found = competition_published(pk)
    return xlsx_download(
        title=f"{found.name} {found.group} {_('Fixtures')}",
        header=[_("Round"), _("Date"), _("Home team"), _("Score"), _("Away team")],
        rows=[
            [m.round, m.played_on, m.home.name, _score(m), m.away.name]
            for m in competition_matches(competition=found)
        ],
    )
