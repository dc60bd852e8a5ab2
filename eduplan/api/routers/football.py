"""Keeping the football league: the competitions the caller organises, created, changed
(with the competition's revision: a stale one is 409) and retired; their teams and
fixtures added and removed. A retried create returns what the first one made.

Every operation checks LEAGUE_RESULTS on the competition's organiser (the sports
department's staff for the city's league, a district's administrators for their own),
through the services of `football.keeping`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from eduplan.api.routers.base import BadRequest, Detail, Problems, caller, load_unit
from eduplan.core.errors import InputError
from eduplan.football.keeping import (
    CompetitionValues,
    competition_create,
    competition_retire,
    competition_update,
    fixture_add,
    fixture_remove,
    team_add,
    team_remove,
)
from eduplan.football.models import Competition, Match
from eduplan.football.selectors import competition_matches, competitions_for_results
from eduplan.org.access import Action, User, membership_of, require, scope_of
from eduplan.org.models import OrgUnit, Role

router = Router(tags=["football"])


class CompetitionIn(Schema):
    name: str
    season: int
    group: str
    stage: int = 1
    points_win: int = 3
    points_draw: int = 1
    tie_breakers: list[str] = ["goal_difference", "head_to_head", "goals_for", "lots"]
    published: bool = False


class CompetitionUpdateIn(CompetitionIn):
    revision: int | None = None


class TeamOut(Schema):
    id: int
    name: str
    school: str


class FixtureOut(Schema):
    id: int
    round: int
    date: datetime.date | None
    home: str
    away: str
    home_goals: int | None
    away_goals: int | None


class CompetitionOut(Schema):
    id: int
    revision: int
    organiser: str
    name: str
    season: int
    group: str
    stage: int
    points_win: int
    points_draw: int
    tie_breakers: list[str]
    published: bool
    retired_reason: str
    teams: list[TeamOut]
    fixtures: list[FixtureOut]


class CompetitionBrief(Schema):
    id: int
    revision: int
    name: str
    season: int
    group: str
    stage: int
    published: bool
    retired_reason: str


class RetireIn(Schema):
    reason: str
    revision: int | None = None


class TeamIn(Schema):
    school: str
    name: str = ""
    revision: int | None = None


class FixtureIn(Schema):
    round: int
    home: str
    away: str
    date: datetime.date | None = None
    revision: int | None = None


WRITE = {200: CompetitionOut, 400: Problems, 401: Detail, 403: Detail, 404: Detail, 409: Detail}


@contextmanager
def _named() -> Iterator[None]:
    """A refused input answered 400 with the body field it is in (name, round, home …)."""
    try:
        yield
    except InputError as exc:
        raise BadRequest(exc.message, element=exc.where) from None


def _organiser(user: User) -> OrgUnit:
    """The unit a new competition is run by: a department official's department, anyone
    else's scope."""
    membership, scope = membership_of(user), scope_of(user)
    if membership is None or scope is None:
        raise PermissionDenied(_("You may not do this here."))
    if membership.role == Role.DEPARTMENT:
        if membership.department is None:
            raise PermissionDenied(_("You may not do this here."))
        return membership.department
    return scope


def _competition(request: HttpRequest, pk: int) -> Competition:
    competition = get_object_or_404(Competition.objects.select_related("organiser"), pk=pk)
    require(caller(request), Action.LEAGUE_RESULTS, competition)
    return competition


def _out(competition: Competition) -> dict[str, Any]:
    competition.refresh_from_db()
    return {
        "id": competition.pk,
        "revision": competition.revision,
        "organiser": competition.organiser.code if competition.organiser else "",
        "name": competition.name,
        "season": competition.season,
        "group": competition.group,
        "stage": competition.stage,
        "points_win": competition.points_win,
        "points_draw": competition.points_draw,
        "tie_breakers": list(competition.tie_breakers or []),
        "published": competition.published,
        "retired_reason": competition.retired_reason,
        "teams": [
            {"id": t.pk, "name": t.name, "school": t.school.code}
            for t in competition.teams.select_related("school").order_by("name")
        ],
        "fixtures": [
            {
                "id": m.pk,
                "round": m.round,
                "date": m.played_on,
                "home": m.home.name,
                "away": m.away.name,
                "home_goals": m.home_goals,
                "away_goals": m.away_goals,
            }
            for m in competition_matches(competition=competition)
        ],
    }


def _values(body: CompetitionIn) -> CompetitionValues:
    return CompetitionValues(
        name=body.name,
        season=body.season,
        group=body.group,
        stage=body.stage,
        points_win=body.points_win,
        points_draw=body.points_draw,
        tie_breakers=list(body.tie_breakers),
        published=body.published,
    )


@router.get(
    "/competitions", response={200: list[CompetitionBrief], 400: Problems, 401: Detail, 403: Detail}
)
def football_competition_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = caller(request)
    _organiser(user)
    return [
        {
            "id": s.competition.pk,
            "revision": s.competition.revision,
            "name": s.competition.name,
            "season": s.competition.season,
            "group": s.competition.group,
            "stage": s.competition.stage,
            "published": s.competition.published,
            "retired_reason": s.competition.retired_reason,
        }
        for s in competitions_for_results(user=user)
    ]


@router.post("/competitions", response=WRITE)
def football_competition_create(request: HttpRequest, body: CompetitionIn) -> dict[str, Any]:
    user = caller(request)
    with _named():
        created = competition_create(user=user, organiser=_organiser(user), values=_values(body))
    return _out(created)


@router.get(
    "/competitions/{pk}",
    response={200: CompetitionOut, 400: Problems, 401: Detail, 403: Detail, 404: Detail},
)
def football_competition_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(_competition(request, pk))


@router.put("/competitions/{pk}", response=WRITE)
def football_competition_update(
    request: HttpRequest, pk: int, body: CompetitionUpdateIn
) -> dict[str, Any]:
    competition = _competition(request, pk)
    with _named():
        updated = competition_update(
            user=caller(request),
            competition=competition,
            values=_values(body),
            revision=body.revision,
        )
    return _out(updated)


@router.post("/competitions/{pk}/retire", response=WRITE)
def football_competition_retire(request: HttpRequest, pk: int, body: RetireIn) -> dict[str, Any]:
    competition = _competition(request, pk)
    with _named():
        retired = competition_retire(
            user=caller(request),
            competition=competition,
            reason=body.reason,
            revision=body.revision,
        )
    return _out(retired)


@router.post("/competitions/{pk}/teams", response=WRITE)
def football_team_add(request: HttpRequest, pk: int, body: TeamIn) -> dict[str, Any]:
    competition = _competition(request, pk)
    with _named():
        team_add(
            user=caller(request),
            competition=competition,
            school=load_unit(body.school),
            name=body.name,
            revision=body.revision,
        )
    return _out(competition)


@router.delete("/competitions/{pk}/teams/{team}", response=WRITE)
def football_team_remove(
    request: HttpRequest, pk: int, team: int, revision: int | None = None
) -> dict[str, Any]:
    competition = _competition(request, pk)
    found = get_object_or_404(competition.teams.select_related("school"), pk=team)
    with _named():
        team_remove(user=caller(request), team=found, revision=revision)
    return _out(competition)


@router.post("/competitions/{pk}/fixtures", response=WRITE)
def football_fixture_add(request: HttpRequest, pk: int, body: FixtureIn) -> dict[str, Any]:
    competition = _competition(request, pk)
    with _named():
        fixture_add(
            user=caller(request),
            competition=competition,
            round=body.round,
            home=body.home,
            away=body.away,
            played_on=body.date,
            revision=body.revision,
        )
    return _out(competition)


@router.delete("/competitions/{pk}/fixtures/{match}", response=WRITE)
def football_fixture_remove(
    request: HttpRequest, pk: int, match: int, revision: int | None = None
) -> dict[str, Any]:
    competition = _competition(request, pk)
    found = get_object_or_404(
        Match.objects.select_related("home", "away", "competition"),
        competition=competition,
        pk=match,
    )
    with _named():
        fixture_remove(user=caller(request), match=found, revision=revision)
    return _out(competition)
