"""A published group of four school teams with a round of results, and an unpublished one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from eduplan.football.models import Competition, Match, Team
from eduplan.org.tests.factories import OrgUnitFactory


@dataclass
class League:
    competition: Competition
    teams: dict[str, Team]
    hidden: Competition
    hidden_team: Team


@pytest.fixture
def league(city) -> League:
    extra = OrgUnitFactory(code="410105-P3", name="金水三小", parent=city.jinshui)
    competition = Competition.objects.create(
        name="2016年郑州市“市长杯”校园足球联赛",
        season=2016,
        group="小学男子甲组",
        published=True,
        tie_breakers=["goal_difference", "head_to_head", "goals_for", "lots"],
    )
    schools = [city.jinshui_one, city.jinshui_two, city.erqi_one, extra]
    teams = {
        s.name: Team.objects.create(competition=competition, school=s, name=s.name) for s in schools
    }
    day = datetime.date(2016, 4, 9)
    t = teams
    Match.objects.bulk_create(
        [
            Match(
                competition=competition,
                round=1,
                played_on=day,
                home=t["金水一小"],
                away=t["金水二小"],
                home_goals=3,
                away_goals=1,
            ),
            Match(
                competition=competition,
                round=1,
                played_on=day,
                home=t["二七一小"],
                away=t["金水三小"],
                home_goals=0,
                away_goals=0,
            ),
            Match(
                competition=competition,
                round=2,
                played_on=day + datetime.timedelta(7),
                home=t["金水二小"],
                away=t["二七一小"],
            ),
            Match(
                competition=competition,
                round=2,
                played_on=day + datetime.timedelta(7),
                home=t["金水三小"],
                away=t["金水一小"],
            ),
        ]
    )
    hidden = Competition.objects.create(
        name="2016年郑州市“市长杯”校园足球联赛", season=2016, group="小学女子组秘密组"
    )
    hidden_team = Team.objects.create(competition=hidden, school=city.jinshui_one, name="隐藏队")
    return League(competition, teams, hidden, hidden_team)
