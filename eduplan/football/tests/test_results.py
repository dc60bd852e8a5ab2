"""Recording a result: the fixture gets its score; anything doubtful is refused and
changes nothing."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import IntegrityError, transaction

from eduplan.core.errors import InputError
from eduplan.football.models import Match
from eduplan.football.selectors import competition_matches, competition_table
from eduplan.football.services import (
    ERR_GOALS,
    ERR_NO_FIXTURE,
    ERR_OTHER_COMPETITION,
    ERR_SAME_TEAM,
    ERR_UNKNOWN_TEAM,
    GOALS_MAX,
    match_result_record,
)


def snapshot():
    return sorted(
        Match.objects.values_list(
            "id", "round", "home_id", "away_id", "home_goals", "away_goals", "played_on"
        )
    )


def test_a_result_fills_the_open_fixture_and_moves_the_table(league):
    match = match_result_record(
        competition=league.competition,
        home="金水二小",
        away="二七一小",
        home_goals=2,
        away_goals=2,
        played_on=datetime.date(2016, 4, 17),
    )
    assert match.round == 2 and match.played
    assert Match.objects.filter(competition=league.competition).count() == 4
    table = competition_table(
        competition=league.competition, matches=competition_matches(competition=league.competition)
    )
    points = {line.team.name: line.row.points for line in table}
    assert points == {"金水一小": 3, "金水二小": 1, "二七一小": 2, "金水三小": 1}


def test_a_result_can_be_corrected_and_a_new_fixture_added_with_its_round(league):
    match_result_record(
        competition=league.competition,
        home="金水一小",
        away="金水二小",
        home_goals=1,
        away_goals=1,
        round=1,
    )
    first = Match.objects.get(round=1, home=league.teams["金水一小"])
    assert (first.home_goals, first.away_goals) == (1, 1)
    added = match_result_record(
        competition=league.competition,
        home="金水一小",
        away="二七一小",
        home_goals=0,
        away_goals=4,
        round=3,
    )
    assert added.round == 3 and added.pk is not None


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"home_goals": -1}, "home_goals", ERR_GOALS % {"max": GOALS_MAX}),
        ({"away_goals": GOALS_MAX + 1}, "away_goals", ERR_GOALS % {"max": GOALS_MAX}),
        ({"away_goals": "3"}, "away_goals", ERR_GOALS % {"max": GOALS_MAX}),
        ({"home_goals": True}, "home_goals", ERR_GOALS % {"max": GOALS_MAX}),
        ({"home": "金水九小"}, "home", ERR_UNKNOWN_TEAM % {"team": "金水九小"}),
        ({"away": "金水二小"}, "away", ERR_SAME_TEAM),
        ({"home_fair_play": -2}, "home_fair_play", None),
        ({"round": 0}, "round", None),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(league, change, where, message):
    before = snapshot()
    args = {
        "competition": league.competition,
        "home": "金水二小",
        "away": "二七一小",
        "home_goals": 1,
        "away_goals": 0,
    }
    if change.get("away") == "金水二小":
        args["home"] = "金水二小"
    args.update(change)
    with pytest.raises(InputError, match=f"^{re.escape(where)}: ") as excinfo:
        match_result_record(**args)
    assert excinfo.value.where == where
    if message is not None:
        assert excinfo.value.message == str(message)
    assert snapshot() == before


def test_a_team_of_another_competition_is_refused(league):
    before = snapshot()
    with pytest.raises(InputError, match="隐藏队不属于本赛事") as excinfo:
        match_result_record(
            competition=league.competition,
            home=league.hidden_team,
            away=league.teams["金水二小"],
            home_goals=1,
            away_goals=0,
        )
    assert excinfo.value.message == str(ERR_OTHER_COMPETITION % {"team": "隐藏队"})
    assert snapshot() == before


def test_a_pair_without_a_fixture_needs_a_round(league):
    before = snapshot()
    with pytest.raises(InputError, match="二七一小与金水一小之间没有赛程") as excinfo:
        match_result_record(
            competition=league.competition,
            home="二七一小",
            away="金水一小",
            home_goals=1,
            away_goals=0,
        )
    assert excinfo.value.message == str(ERR_NO_FIXTURE % {"home": "二七一小", "away": "金水一小"})
    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"home_goals": 1, "away_goals": None}, "match_score_both_or_neither"),
        ({"home_goals": None, "away_goals": 2}, "match_score_both_or_neither"),
        # SQLite names the column's own check, PostgreSQL either constraint
        ({"home_goals": -1, "away_goals": 0}, "home_goals|match_goals_not_negative"),
        ({"same_team": True}, "match_two_teams"),
    ],
)
def test_the_database_refuses_half_scores_negative_goals_and_a_team_playing_itself(
    league, fields, constraint
):
    home, away = league.teams["金水一小"], league.teams["金水二小"]
    if fields.pop("same_team", False):
        away = home
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Match.objects.create(
            competition=league.competition, round=9, home=home, away=away, **fields
        )
