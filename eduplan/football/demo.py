"""Demo league: the 2016 市长杯 with a few groups of schools of the matching type, each a
full round-robin with most rounds played, and one group not yet published."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from eduplan.football.models import Competition, Match, Team
from eduplan.football.standings import FAIR_PLAY, GOAL_DIFFERENCE, GOALS_FOR, HEAD_TO_HEAD, LOTS
from eduplan.org.models import OrgUnit, UnitType
from eduplan.org.selectors import open_on

LEAGUE = "2016年郑州市“市长杯”校园足球联赛"
SEASON = 2016
FIRST_MATCH_DAY = datetime.date(2016, 4, 9)  # a Saturday; one round a week
GOAL_WEIGHTS = (30, 30, 20, 11, 6, 3)  # 0…5 goals
# 体卫艺处 (体育卫生艺术教育处 in org/data/zhengzhou.yaml) runs the city's league.
SPORTS_DEPARTMENT_CODE = "DEPT-TWY"


@dataclass(frozen=True)
class Group:
    name: str
    school_type: str
    teams: int
    unplayed_rounds: int
    tie_breakers: tuple[str, ...]
    published: bool = True


GROUPS = (
    Group("小学男子甲组", UnitType.PRIMARY, 8, 1, (GOAL_DIFFERENCE, HEAD_TO_HEAD, GOALS_FOR, LOTS)),
    Group(
        "初中男子组",
        UnitType.JUNIOR,
        7,
        0,
        (HEAD_TO_HEAD, GOAL_DIFFERENCE, GOALS_FOR, FAIR_PLAY, LOTS),
    ),
    Group("高中男子组", UnitType.SENIOR, 6, 2, (GOAL_DIFFERENCE, GOALS_FOR, HEAD_TO_HEAD, LOTS)),
    Group(
        "小学女子组",
        UnitType.PRIMARY,
        6,
        5,
        (GOAL_DIFFERENCE, HEAD_TO_HEAD, GOALS_FOR, LOTS),
        published=False,
    ),
)


def round_robin(teams: list[int]) -> list[list[tuple[int, int]]]:
    """Rounds of a single round-robin by the circle method (a bye when the count is odd);
    home and away alternate so no team is always at home."""
    players: list[int | None] = list(teams)
    if len(players) % 2:
        players.append(None)
    n = len(players)
    rounds = []
    for r in range(n - 1):
        pairs = []
        for i in range(n // 2):
            a, b = players[i], players[n - 1 - i]
            if a is None or b is None:
                continue
            pairs.append((a, b) if (r + i) % 2 == 0 else (b, a))
        rounds.append(pairs)
        players = [players[0], players[-1], *players[1:-1]]
    return rounds


@transaction.atomic
def football_demo_seed(*, seed: int) -> dict[str, int]:
    """The 2016 市长杯 groups with their teams and fixtures; returns what was created."""
    rng = random.Random(seed * 13 + 5)
    today = timezone.localdate()
    start = datetime.date(SEASON, 3, 1)
    used: set[int] = set()
    # Without the sports department (an org loaded from elsewhere) the competitions stay
    # without organiser: results are then recorded in Django's admin only.
    organiser = OrgUnit.objects.filter(
        type=UnitType.DEPARTMENT, code=SPORTS_DEPARTMENT_CODE
    ).first()
    created = {"competitions": 0, "teams": 0, "matches": 0}
    for i, group in enumerate(GROUPS):
        schools = [
            s
            for s in OrgUnit.objects.filter(type=group.school_type)
            .filter(open_on(today))
            .filter(open_on(start))
            .order_by("code")
            if s.pk not in used
        ]
        if len(schools) < 2:
            continue
        chosen = sorted(rng.sample(schools, min(group.teams, len(schools))), key=lambda s: s.code)
        used.update(s.pk for s in chosen)
        competition = Competition.objects.create(
            name=LEAGUE,
            season=SEASON,
            group=group.name,
            stage=1,
            tie_breakers=list(group.tie_breakers),
            lots_seed=seed + i,
            published=group.published,
            organiser=organiser,
        )
        teams = Team.objects.bulk_create(
            Team(competition=competition, school=s, name=s.name) for s in chosen
        )
        rounds = round_robin([t.pk for t in teams])
        # A small demo city gives short groups: leave at most a third of their rounds open.
        unplayed = min(group.unplayed_rounds, len(rounds) // 3 if group.published else len(rounds))
        last_played = len(rounds) - unplayed
        matches = []
        for number, pairs in enumerate(rounds, start=1):
            day = FIRST_MATCH_DAY + datetime.timedelta(weeks=number - 1)
            played = number <= last_played
            for home, away in pairs:
                goals = rng.choices(range(len(GOAL_WEIGHTS)), GOAL_WEIGHTS, k=2)
                fair = rng.choices((0, 1, 2, 3, 4), (45, 30, 15, 7, 3), k=2)
                matches.append(
                    Match(
                        competition=competition,
                        round=number,
                        played_on=day,
                        home_id=home,
                        away_id=away,
                        home_goals=goals[0] if played else None,
                        away_goals=goals[1] if played else None,
                        home_fair_play=fair[0] if played else None,
                        away_fair_play=fair[1] if played else None,
                    )
                )
        Match.objects.bulk_create(matches)
        created["competitions"] += 1
        created["teams"] += len(teams)
        created["matches"] += len(matches)
    return created
