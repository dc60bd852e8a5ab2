"""The league table: worked examples where each tie-breaker decides, and properties that
hold for any results."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eduplan.football.standings import (
    FAIR_PLAY,
    GOAL_DIFFERENCE,
    GOALS_FOR,
    HEAD_TO_HEAD,
    LOTS,
    TIE_BREAKERS,
    Result,
    Rules,
    StandingsError,
    standings,
)


def order(table):
    return [row.team for row in table]


def by_team(table):
    return {row.team: row for row in table}


def test_points_and_counts_are_tallied_three_for_a_win_one_for_a_draw():
    table = standings(
        teams=[1, 2, 3],
        results=[Result(1, 2, 2, 0), Result(2, 3, 1, 1), Result(3, 1, 0, 3)],
        rules=Rules(),
    )
    assert order(table) == [1, 2, 3]
    one = by_team(table)[1]
    assert (one.played, one.won, one.drawn, one.lost, one.points) == (2, 2, 0, 0, 6)
    assert (one.goals_for, one.goals_against, one.goal_difference) == (5, 0, 5)
    two = by_team(table)[2]
    assert (two.points, two.drawn, two.lost) == (1, 1, 1)
    assert [row.position for row in table] == [1, 2, 3]


def test_goal_difference_decides_between_teams_level_on_points():
    # 1 and 2 each beat 3; 1 by more.
    table = standings(
        teams=[2, 1, 3],
        results=[Result(1, 3, 3, 0), Result(2, 3, 1, 0)],
        rules=Rules(tie_breakers=(GOAL_DIFFERENCE, LOTS)),
    )
    assert order(table) == [1, 2, 3]
    assert by_team(table)[1].decided_by == GOAL_DIFFERENCE
    assert not any(row.by_lots for row in table)


# 1 and 2 both finish on 4 points; 1 beat 2, but 2 has the better goal difference.
HEAD_TO_HEAD_RESULTS = [
    Result(1, 2, 1, 0),
    Result(2, 3, 6, 0),
    Result(1, 4, 0, 0),
    Result(2, 4, 0, 0),
]


def test_head_to_head_decides_when_it_comes_first():
    table = standings(
        teams=[1, 2, 3, 4],
        results=HEAD_TO_HEAD_RESULTS,
        rules=Rules(tie_breakers=(HEAD_TO_HEAD, GOAL_DIFFERENCE)),
    )
    assert order(table)[:2] == [1, 2]
    assert by_team(table)[1].decided_by == HEAD_TO_HEAD


def test_the_same_results_rank_the_other_way_when_goal_difference_comes_first():
    table = standings(
        teams=[1, 2, 3, 4],
        results=HEAD_TO_HEAD_RESULTS,
        rules=Rules(tie_breakers=(GOAL_DIFFERENCE, HEAD_TO_HEAD)),
    )
    assert order(table)[:2] == [2, 1]
    assert by_team(table)[2].decided_by == GOAL_DIFFERENCE


def test_head_to_head_counts_only_the_matches_among_the_teams_still_level():
    # 1, 2, 3 all on 3 points; in their mini-league each has 3 points, so head-to-head
    # cannot split them and goal difference (over all matches) decides.
    results = [Result(1, 2, 1, 0), Result(2, 3, 5, 0), Result(3, 1, 1, 0)]
    table = standings(
        teams=[1, 2, 3],
        results=results,
        rules=Rules(tie_breakers=(HEAD_TO_HEAD, GOAL_DIFFERENCE)),
    )
    assert order(table) == [2, 1, 3]
    assert {row.decided_by for row in table} == {GOAL_DIFFERENCE}


def test_head_to_head_among_three_leaves_out_matches_against_others():
    # 1, 2, 3 level on 7 points. Among themselves 1 beat 2, drew 3, and 2 beat 3: a
    # mini-league of 1: 4, 2: 3, 3: 1. Against 4 and 5, 3 scored 18 goals, so on goal
    # difference 3 would be first.
    results = [
        Result(1, 2, 1, 0),
        Result(1, 3, 0, 0),
        Result(2, 3, 1, 0),
        Result(1, 4, 1, 0),
        Result(5, 1, 1, 0),
        Result(2, 4, 1, 0),
        Result(2, 5, 0, 0),
        Result(3, 4, 9, 0),
        Result(3, 5, 9, 0),
        Result(4, 5, 0, 0),
    ]
    teams = [1, 2, 3, 4, 5]
    plain = by_team(standings(teams=teams, results=results, rules=Rules()))
    assert plain[1].points == plain[2].points == plain[3].points == 7
    assert order(
        standings(
            teams=teams, results=results, rules=Rules(tie_breakers=(GOAL_DIFFERENCE, HEAD_TO_HEAD))
        )
    )[:3] == [3, 1, 2]
    table = standings(
        teams=teams, results=results, rules=Rules(tie_breakers=(HEAD_TO_HEAD, GOAL_DIFFERENCE))
    )
    assert order(table)[:3] == [1, 2, 3]
    assert {by_team(table)[t].decided_by for t in (1, 2, 3)} == {HEAD_TO_HEAD}


def test_goals_scored_decide_when_goal_difference_is_level():
    table = standings(
        teams=[1, 2, 3, 4],
        results=[Result(1, 3, 3, 1), Result(2, 4, 2, 0), Result(3, 4, 0, 0)],
        rules=Rules(tie_breakers=(GOAL_DIFFERENCE, GOALS_FOR, LOTS)),
    )
    assert order(table)[:2] == [1, 2]
    assert by_team(table)[1].decided_by == GOALS_FOR


def test_fewer_fair_play_points_decide_when_the_scores_are_level():
    table = standings(
        teams=[1, 2, 3, 4],
        results=[Result(1, 3, 1, 0, 5, 0), Result(2, 4, 1, 0, 2, 0)],
        rules=Rules(tie_breakers=(GOAL_DIFFERENCE, GOALS_FOR, FAIR_PLAY, LOTS)),
    )
    assert order(table)[:2] == [2, 1]
    assert by_team(table)[2].decided_by == FAIR_PLAY
    assert by_team(table)[1].fair_play == 5


def test_lots_are_drawn_reproducibly_by_the_seed_and_marked():
    results = [Result(1, 3, 1, 0), Result(2, 4, 1, 0)]
    orders = set()
    for seed in range(20):
        rules = Rules(tie_breakers=(GOAL_DIFFERENCE, GOALS_FOR, LOTS), lots_seed=seed)
        first = standings(teams=[1, 2, 3, 4], results=results, rules=rules)
        again = standings(teams=[2, 4, 1, 3], results=list(reversed(results)), rules=rules)
        assert order(first) == order(again)
        assert [row.by_lots for row in first] == [True, True, True, True]
        orders.add(tuple(order(first)[:2]))
    assert orders == {(1, 2), (2, 1)}  # the seed, not the team number, decides


def test_teams_level_on_every_tie_breaker_share_their_position():
    table = standings(
        teams=[1, 2, 3, 4],
        results=[Result(1, 3, 1, 0), Result(2, 4, 1, 0)],
        rules=Rules(tie_breakers=(GOAL_DIFFERENCE, GOALS_FOR)),
    )
    assert [(row.team, row.position, row.shared) for row in table] == [
        (1, 1, True),
        (2, 1, True),
        (3, 3, True),
        (4, 3, True),
    ]


def test_results_that_do_not_fit_are_refused():
    with pytest.raises(StandingsError, match="a result names a team not in the table: 1, 9"):
        standings(teams=[1, 2], results=[Result(1, 9, 1, 0)], rules=Rules())
    with pytest.raises(StandingsError, match="a team cannot play itself: 1"):
        standings(teams=[1, 2], results=[Result(1, 1, 1, 0)], rules=Rules())
    with pytest.raises(StandingsError, match="goals cannot be negative"):
        standings(teams=[1, 2], results=[Result(1, 2, -1, 0)], rules=Rules())
    with pytest.raises(StandingsError, match="unknown tie-breaker: alphabet"):
        standings(teams=[1, 2], results=[], rules=Rules(tie_breakers=("alphabet",)))


@st.composite
def leagues(draw):
    n = draw(st.integers(min_value=2, max_value=7))
    teams = draw(st.permutations(range(100, 100 + n)))
    pair = st.tuples(st.sampled_from(teams), st.sampled_from(teams)).filter(lambda p: p[0] != p[1])
    results = draw(
        st.lists(
            st.builds(
                lambda p, hg, ag, hf, af: Result(p[0], p[1], hg, ag, hf, af),
                pair,
                st.integers(0, 3),
                st.integers(0, 3),
                st.none() | st.integers(0, 4),
                st.none() | st.integers(0, 4),
            ),
            max_size=20,
        )
    )
    breakers = draw(st.lists(st.sampled_from(TIE_BREAKERS), unique=True))
    win = draw(st.integers(2, 3))
    rules = Rules(
        points_win=win,
        points_draw=draw(st.integers(0, win - 1)),
        tie_breakers=tuple(breakers),
        lots_seed=draw(st.integers(0, 1000)),
    )
    return list(teams), results, rules


OVERALL = {
    GOAL_DIFFERENCE: lambda row: row.goal_difference,
    GOALS_FOR: lambda row: row.goals_for,
    FAIR_PLAY: lambda row: -row.fair_play,
}


@settings(max_examples=300, deadline=None)
@given(leagues())
def test_the_table_adds_up_for_any_results(league):
    teams, results, rules = league
    table = standings(teams=teams, results=results, rules=rules)
    assert sorted(order(table)) == sorted(teams)
    for row in table:
        assert row.points == rules.points_win * row.won + rules.points_draw * row.drawn
        assert row.played == row.won + row.drawn + row.lost
    assert sum(row.goals_for for row in table) == sum(row.goals_against for row in table)
    assert sum(row.won for row in table) == sum(row.lost for row in table)
    assert sum(row.played for row in table) == 2 * len(results)


@settings(max_examples=300, deadline=None)
@given(leagues())
def test_the_order_respects_points_then_the_tie_breakers_in_their_order(league):
    teams, results, rules = league
    table = standings(teams=teams, results=results, rules=rules)
    points = [row.points for row in table]
    assert points == sorted(points, reverse=True)
    # The criteria before the first head-to-head or lots apply to every team level on
    # points, so among them the table is sorted by those criteria.
    prefix = []
    for name in rules.tie_breakers:
        if name not in OVERALL:
            break
        prefix.append(OVERALL[name])
    for a, b in itertools.pairwise(table):
        if a.points == b.points:
            assert [f(a) for f in prefix] >= [f(b) for f in prefix]
    positions = [row.position for row in table]
    assert positions == sorted(positions) and positions[0] == 1
    if LOTS in rules.tie_breakers:
        assert positions == list(range(1, len(table) + 1))
        assert not any(row.shared for row in table)
    else:
        assert not any(row.by_lots for row in table)


@settings(max_examples=200, deadline=None)
@given(leagues(), st.randoms(use_true_random=False))
def test_the_table_does_not_depend_on_the_order_results_or_teams_come_in(league, rnd):
    teams, results, rules = league
    shuffled_results, shuffled_teams = list(results), list(teams)
    rnd.shuffle(shuffled_results)
    rnd.shuffle(shuffled_teams)
    first = standings(teams=teams, results=results, rules=rules)
    again = standings(teams=shuffled_teams, results=shuffled_results, rules=rules)
    assert [(r.team, r.position, r.by_lots) for r in first] == [
        (r.team, r.position, r.by_lots) for r in again
    ]


@settings(max_examples=200, deadline=None)
@given(leagues())
def test_head_to_head_first_puts_the_winner_of_a_two_team_tie_above(league):
    teams, results, rules = league
    rules = Rules(tie_breakers=(HEAD_TO_HEAD, LOTS), lots_seed=rules.lots_seed)
    table = standings(teams=teams, results=results, rules=rules)
    for points in {row.points for row in table}:
        level = [row.team for row in table if row.points == points]
        if len(level) != 2:
            continue
        a, b = level
        mini = standings(
            teams=[a, b],
            results=[r for r in results if {r.home, r.away} == {a, b}],
            rules=Rules(tie_breakers=()),
        )
        assert by_team(mini)[a].points >= by_team(mini)[b].points


def test_a_random_full_round_robin_is_consistent():
    rng = random.Random(5)
    teams = list(range(1, 9))
    results = [
        Result(h, a, rng.randint(0, 4), rng.randint(0, 4)) for h in teams for a in teams if h < a
    ]
    table = standings(teams=teams, results=results, rules=Rules())
    assert all(row.played == 7 for row in table)
    assert [row.position for row in table] == list(range(1, 9))
