"""Keeping the league register: competitions, their teams and fixtures, created, changed
and retired by the organiser (体卫艺处 for the city's league, a district for its own).

Every write checks LEAGUE_RESULTS on the organiser, checks its input before writing,
takes the competition's revision as the writer saw it (a write based on an older one is
refused: StaleRevision) and raises it, and appends each changed field to the change
history (`core.ChangeEvent`, subject "football.competition:<pk>"). A retried create
finds what the first one made and returns it, storing nothing again.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy

from eduplan.core.changes import Change, changes_record
from eduplan.core.errors import InputError, StaleRevision
from eduplan.core.figures_cache import figures_changed
from eduplan.football.models import Competition, Match, Team, TieBreaker
from eduplan.org.access import Action, User, actor_of, require
from eduplan.org.models import SCHOOL_TYPES, OrgUnit

SEASON_MIN, SEASON_MAX = 2000, 2100
ROUND_MAX = 99
ERR_REQUIRED = gettext_lazy("This field is required.")
ERR_SEASON = gettext_lazy("The season must be a year from %(low)s to %(high)s.")
ERR_STAGE = gettext_lazy("The stage must be a whole number from 1 to 9.")
ERR_POINTS = gettext_lazy("A win must be worth more points than a draw.")
ERR_TIE_BREAKERS = gettext_lazy(
    "Tie-breakers must be a list without repeats drawn from: %(allowed)s"
)
ERR_EXISTS = gettext_lazy("A competition with this name, season, group and stage exists already.")
ERR_STALE = gettext_lazy(
    "%(competition)s was changed by someone else since you opened it; reload it and make "
    "your change again."
)
ERR_RETIRED = gettext_lazy("%(competition)s is retired and can no longer be changed.")
ERR_REASON = gettext_lazy("Give the reason for retiring the competition.")
ERR_NOT_A_SCHOOL = gettext_lazy("%(unit)s is not a school.")
ERR_TEAM_NAME_TAKEN = gettext_lazy("The competition has a team named %(name)s already.")
ERR_TEAM_PLAYS = gettext_lazy("%(team)s has fixtures; remove them first.")
ERR_ROUND = gettext_lazy("The round must be a whole number from 1 to 99.")
ERR_SAME_TEAM = gettext_lazy("A team cannot play itself.")
ERR_UNKNOWN_TEAM = gettext_lazy("No team %(team)s in this competition.")
ERR_PLAYED = gettext_lazy("This fixture has a result; correct the result instead of removing it.")


def competition_subject(competition: Competition) -> str:
    return f"football.competition:{competition.pk}"


@dataclass(frozen=True)
class CompetitionValues:
    """What the organiser enters for a competition."""

    name: str
    season: int
    group: str
    stage: int = 1
    points_win: int = 3
    points_draw: int = 1
    tie_breakers: list[str] = field(
        default_factory=lambda: ["goal_difference", "head_to_head", "goals_for", "lots"]
    )
    published: bool = False


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def competition_values_check(values: CompetitionValues) -> CompetitionValues:
    """The values trimmed, or the first problem with the field it is in."""
    name, group = values.name.strip(), values.group.strip()
    if not name:
        raise InputError(str(ERR_REQUIRED), where="name")
    if not group:
        raise InputError(str(ERR_REQUIRED), where="group")
    if not _whole(values.season, SEASON_MIN, SEASON_MAX):
        raise InputError(str(ERR_SEASON % {"low": SEASON_MIN, "high": SEASON_MAX}), where="season")
    if not _whole(values.stage, 1, 9):
        raise InputError(str(ERR_STAGE), where="stage")
    if not (_whole(values.points_win, 1, 9) and _whole(values.points_draw, 0, 9)) or (
        values.points_win <= values.points_draw
    ):
        raise InputError(str(ERR_POINTS), where="points_win")
    chosen = list(values.tie_breakers)
    if any(t not in TieBreaker.values for t in chosen) or len(set(chosen)) != len(chosen):
        message = ERR_TIE_BREAKERS % {"allowed": ", ".join(TieBreaker.values)}
        raise InputError(str(message), where="tie_breakers")
    return CompetitionValues(**{**asdict(values), "name": name, "group": group})


def _same(competition: Competition, values: CompetitionValues) -> bool:
    return all(getattr(competition, k) == v for k, v in asdict(values).items())


@transaction.atomic
def competition_create(*, user: User, organiser: OrgUnit, values: CompetitionValues) -> Competition:
    """A new competition run by `organiser`; the same competition entered again (a
    retry) is returned as it is, one with another's key refused."""
    require(user, Action.LEAGUE_RESULTS, organiser)
    values = competition_values_check(values)
    key = {
        "name": values.name,
        "season": values.season,
        "group": values.group,
        "stage": values.stage,
    }
    existing = Competition.objects.filter(**key).first()
    if existing is not None:
        if existing.organiser_id == organiser.pk and _same(existing, values):
            return existing
        raise InputError(str(ERR_EXISTS), where="name")
    competition = Competition.objects.create(organiser=organiser, **asdict(values))
    changes_record(
        actor=actor_of(user),
        subject=competition_subject(competition),
        changes=[Change(k, None, v) for k, v in asdict(values).items()],
        note="created",
    )
    figures_changed([competition.organiser_id], provider="football")
    return competition


def _lock(*, user: User, competition: Competition, revision: int | None) -> Competition:
    """The competition locked for a write, after the access, retirement and revision checks."""
    require(user, Action.LEAGUE_RESULTS, competition)
    locked = (
        Competition.objects.select_for_update(of=("self",))
        .select_related("organiser")
        .get(pk=competition.pk)
    )
    if locked.retired_reason:
        raise InputError(str(ERR_RETIRED % {"competition": locked}), where="competition")
    if revision is not None and revision != locked.revision:
        raise StaleRevision(str(ERR_STALE % {"competition": locked}))
    return locked


def _raise_revision(competition: Competition) -> None:
    Competition.objects.filter(pk=competition.pk).update(revision=F("revision") + 1)
    competition.refresh_from_db(fields=["revision"])


@transaction.atomic
def competition_update(
    *, user: User, competition: Competition, values: CompetitionValues, revision: int | None
) -> Competition:
    """Change the competition's own fields; the values it has already change nothing."""
    require(user, Action.LEAGUE_RESULTS, competition)
    values = competition_values_check(values)
    if _same(competition, values) and not competition.retired_reason:
        return competition
    locked = _lock(user=user, competition=competition, revision=revision)
    clash = Competition.objects.filter(
        name=values.name, season=values.season, group=values.group, stage=values.stage
    ).exclude(pk=locked.pk)
    if clash.exists():
        raise InputError(str(ERR_EXISTS), where="name")
    old = {k: getattr(locked, k) for k in asdict(values)}
    for k, v in asdict(values).items():
        setattr(locked, k, v)
    locked.save(update_fields=list(asdict(values)))
    _raise_revision(locked)
    changes_record(
        actor=actor_of(user),
        subject=competition_subject(locked),
        changes=[Change(k, old[k], v) for k, v in asdict(values).items()],
    )
    figures_changed([locked.organiser_id], provider="football")
    return locked


@transaction.atomic
def competition_retire(
    *, user: User, competition: Competition, reason: str, revision: int | None
) -> Competition:
    """Retire a competition (unpublished, kept, no longer changed), with a reason;
    retiring it again changes nothing."""
    require(user, Action.LEAGUE_RESULTS, competition)
    if competition.retired_reason:
        return competition
    reason = reason.strip()
    if not reason:
        raise InputError(str(ERR_REASON), where="reason")
    locked = _lock(user=user, competition=competition, revision=revision)
    published = locked.published
    locked.retired_reason, locked.published = reason[:300], False
    locked.save(update_fields=["retired_reason", "published"])
    _raise_revision(locked)
    changes_record(
        actor=actor_of(user),
        subject=competition_subject(locked),
        changes=[Change("published", published, False), Change("retired", None, reason)],
        note=reason,
    )
    figures_changed([locked.organiser_id], provider="football")
    return locked


@transaction.atomic
def team_add(
    *, user: User, competition: Competition, school: OrgUnit, name: str, revision: int | None
) -> Team:
    """Enter a school's team; the same team entered again (a retry) is returned as it is."""
    require(user, Action.LEAGUE_RESULTS, competition)
    name = name.strip() or school.name
    if school.type not in SCHOOL_TYPES:
        raise InputError(str(ERR_NOT_A_SCHOOL % {"unit": school.name}), where="school")
    existing = Team.objects.filter(competition=competition, name=name).first()
    if existing is not None:
        if existing.school_id == school.pk:
            return existing
        raise InputError(str(ERR_TEAM_NAME_TAKEN % {"name": name}), where="name")
    locked = _lock(user=user, competition=competition, revision=revision)
    team = Team.objects.create(competition=locked, school=school, name=name)
    _raise_revision(locked)
    changes_record(
        actor=actor_of(user),
        subject=competition_subject(locked),
        changes=[Change(f"team:{name}", None, school.code)],
    )
    return team


@transaction.atomic
def team_remove(*, user: User, team: Team, revision: int | None) -> None:
    """Take a team without fixtures out of its competition."""
    competition = team.competition
    require(user, Action.LEAGUE_RESULTS, competition)
    if Match.objects.filter(Q(home=team) | Q(away=team)).exists():
        raise InputError(str(ERR_TEAM_PLAYS % {"team": team.name}), where="team")
    locked = _lock(user=user, competition=competition, revision=revision)
    school_code = team.school.code
    team.delete()
    _raise_revision(locked)
    changes_record(
        actor=actor_of(user),
        subject=competition_subject(locked),
        changes=[Change(f"team:{team.name}", school_code, None)],
    )


def team_find(competition: Competition, team: Team | str, where: str) -> Team:
    """A team of the competition by name (or the team itself, if it plays in it)."""
    if isinstance(team, Team) and team.competition_id == competition.pk:
        return team
    name = team.name if isinstance(team, Team) else str(team).strip()
    found = Team.objects.filter(competition=competition, name=name).first()
    if found is None:
        raise InputError(str(ERR_UNKNOWN_TEAM % {"team": name}), where=where)
    return found


def fixture_key(match: Match) -> str:
    return f"fixture:{match.round}:{match.home.name}-{match.away.name}"


@transaction.atomic
def fixture_add(
    *,
    user: User,
    competition: Competition,
    round: int,
    home: Team | str,
    away: Team | str,
    played_on: datetime.date | None,
    revision: int | None,
) -> Match:
    """Schedule home v away in a round; the same fixture entered again (a retry) is
    returned as it is, with its date set if one is given."""
    require(user, Action.LEAGUE_RESULTS, competition)
    if not _whole(round, 1, ROUND_MAX):
        raise InputError(str(ERR_ROUND), where="round")
    home_team = team_find(competition, home, "home")
    away_team = team_find(competition, away, "away")
    if home_team.pk == away_team.pk:
        raise InputError(str(ERR_SAME_TEAM), where="away")
    existing = Match.objects.filter(
        competition=competition, round=round, home=home_team, away=away_team
    ).first()
    if existing is not None and (played_on is None or existing.played_on == played_on):
        return existing
    locked = _lock(user=user, competition=competition, revision=revision)
    if existing is not None:
        old = existing.played_on
        existing.played_on = played_on
        existing.save(update_fields=["played_on"])
        match = existing
        change = Change(f"{fixture_key(match)}:date", _day(old), _day(played_on))
    else:
        match = Match.objects.create(
            competition=locked, round=round, home=home_team, away=away_team, played_on=played_on
        )
        change = Change(fixture_key(match), None, _day(played_on) or "")
    _raise_revision(locked)
    changes_record(actor=actor_of(user), subject=competition_subject(locked), changes=[change])
    figures_changed([locked.organiser_id], provider="football")
    return match


def _day(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None


@transaction.atomic
def fixture_remove(*, user: User, match: Match, revision: int | None) -> None:
    """Remove a fixture not yet played (a played one keeps its result)."""
    competition = match.competition
    require(user, Action.LEAGUE_RESULTS, competition)
    if match.played:
        raise InputError(str(ERR_PLAYED), where="match")
    locked = _lock(user=user, competition=competition, revision=revision)
    key = fixture_key(match)
    day = _day(match.played_on)
    match.delete()
    _raise_revision(locked)
    changes_record(
        actor=actor_of(user),
        subject=competition_subject(locked),
        changes=[Change(key, day or "", None)],
    )
    figures_changed([locked.organiser_id], provider="football")
