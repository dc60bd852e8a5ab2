"""A league table from match results: pure functions, no database.

Teams are ranked by points (a win and a draw are worth what the competition's rules say),
then teams level on points are separated by the competition's tie-breakers, in its order:

- ``goal_difference``, ``goals_for``: over all of the team's matches, more is better;
- ``fair_play``: disciplinary points over all matches, fewer is better (none recorded = 0);
- ``head_to_head``: points in the mini-league of the matches played among the teams still
  level only;
- ``lots``: a drawing of lots, made reproducible by the competition's seed so the table is
  the same every time it is computed; such positions are marked ``by_lots``.

Each criterion splits the teams still level into smaller groups, and each group that is
still level goes on to the next criterion (head-to-head is computed on that group). Teams
still level after the last criterion share a position (``shared``), listed by team key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

GOAL_DIFFERENCE = "goal_difference"
HEAD_TO_HEAD = "head_to_head"
GOALS_FOR = "goals_for"
FAIR_PLAY = "fair_play"
LOTS = "lots"
TIE_BREAKERS = (GOAL_DIFFERENCE, HEAD_TO_HEAD, GOALS_FOR, FAIR_PLAY, LOTS)


@dataclass(frozen=True)
class Result:
    """A played match: team keys and the score (fair-play points when recorded)."""

    home: int
    away: int
    home_goals: int
    away_goals: int
    home_fair_play: int | None = None
    away_fair_play: int | None = None


@dataclass(frozen=True)
class Rules:
    points_win: int = 3
    points_draw: int = 1
    tie_breakers: tuple[str, ...] = (GOAL_DIFFERENCE, HEAD_TO_HEAD, GOALS_FOR, LOTS)
    lots_seed: int = 0


@dataclass
class Row:
    team: int
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    goals_for: int = 0
    goals_against: int = 0
    fair_play: int = 0
    points: int = 0
    position: int = 0
    # The tie-breaker that finally set this team apart from those level on points with it.
    decided_by: str | None = None
    by_lots: bool = False
    shared: bool = False  # still level after every tie-breaker: the position is shared

    @property
    def goal_difference(self) -> int:
        return self.goals_for - self.goals_against


class StandingsError(ValueError):
    """The results do not fit the teams or the rules."""


def _tally(teams: Sequence[int], results: Sequence[Result], win: int, draw: int) -> dict[int, Row]:
    rows = {team: Row(team=team) for team in teams}
    for r in results:
        home, away = rows[r.home], rows[r.away]
        for row, scored, conceded, fair in (
            (home, r.home_goals, r.away_goals, r.home_fair_play),
            (away, r.away_goals, r.home_goals, r.away_fair_play),
        ):
            row.played += 1
            row.goals_for += scored
            row.goals_against += conceded
            row.fair_play += fair or 0
            if scored > conceded:
                row.won += 1
                row.points += win
            elif scored == conceded:
                row.drawn += 1
                row.points += draw
            else:
                row.lost += 1
    return rows


def _lots_key(seed: int, team: int) -> str:
    return hashlib.sha256(f"{seed}:{team}".encode()).hexdigest()


def standings(*, teams: Sequence[int], results: Iterable[Result], rules: Rules) -> list[Row]:
    """The table, best first, with positions 1…n (shared positions repeat their number)."""
    unknown_rules = [t for t in rules.tie_breakers if t not in TIE_BREAKERS]
    if unknown_rules:
        raise StandingsError(f"unknown tie-breaker: {unknown_rules[0]}")
    if len(set(teams)) != len(teams):
        raise StandingsError("a team is listed twice")
    known = set(teams)
    played = list(results)
    for r in played:
        if r.home not in known or r.away not in known:
            raise StandingsError(f"a result names a team not in the table: {r.home}, {r.away}")
        if r.home == r.away:
            raise StandingsError(f"a team cannot play itself: {r.home}")
        if min(r.home_goals, r.away_goals) < 0:
            raise StandingsError("goals cannot be negative")
    rows = _tally(teams, played, rules.points_win, rules.points_draw)

    def head_to_head(group: list[int]) -> Callable[[int], int]:
        inside = set(group)
        mini = [r for r in played if r.home in inside and r.away in inside]
        table = _tally(group, mini, rules.points_win, rules.points_draw)
        return lambda team: table[team].points

    def key_for(criterion: str, group: list[int]) -> Callable[[int], int]:
        if criterion == GOAL_DIFFERENCE:
            return lambda team: rows[team].goal_difference
        if criterion == GOALS_FOR:
            return lambda team: rows[team].goals_for
        if criterion == FAIR_PLAY:
            return lambda team: -rows[team].fair_play
        if criterion == HEAD_TO_HEAD:
            return head_to_head(group)
        raise AssertionError(criterion)  # lots are drawn in `rank`

    def rank(group: list[int], criteria: tuple[str, ...]) -> list[int]:
        """Order teams level on points by the criteria, splitting as it goes."""
        if len(group) == 1:
            return group
        if not criteria:
            for team in group:
                rows[team].shared = True
            level_groups.append(group)
            return sorted(group)
        criterion, rest = criteria[0], criteria[1:]
        if criterion == LOTS:
            for team in group:
                rows[team].by_lots = True
                rows[team].decided_by = LOTS
            return sorted(group, key=lambda team: _lots_key(rules.lots_seed, team))
        key = key_for(criterion, group)
        ordered = sorted(group, key=key, reverse=True)
        out: list[int] = []
        for _value, members in groupby(ordered, key=key):
            subgroup = list(members)
            if len(subgroup) == 1:
                rows[subgroup[0]].decided_by = criterion
            out.extend(rank(subgroup, rest))
        return out

    level_groups: list[list[int]] = []
    by_points = sorted(teams, key=lambda team: rows[team].points, reverse=True)
    order: list[int] = []
    for _points, members in groupby(by_points, key=lambda team: rows[team].points):
        order.extend(rank(list(members), rules.tie_breakers))
    table = [rows[team] for team in order]
    for i, row in enumerate(table, start=1):
        row.position = i
    for group in level_groups:
        first = min(rows[team].position for team in group)
        for team in group:
            rows[team].position = first
    return table
