"""A competition's fixtures as a workbook: exported as they stand, filled in or corrected,
and imported all or nothing.

Sheet 赛程: a title row, a header row, a hidden row of column codes, then a fixture per
row: round, date, home team, away team, and the score when played. A fixture found in
the file (round, home, away) that does not exist is scheduled, one that exists gets the
file's date; a score given is recorded as the result. Fixtures not in the file are left
as they are. Every problem is named by sheet, row and column and nothing is stored if
there is any; the same file imported again changes nothing.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from eduplan.core.changes import Change, changes_record
from eduplan.core.sheet import excel_day
from eduplan.core.sheet_import import (
    ERR_CODE_ROW,
    ERR_NO_ROWS,
    SHOWN_PROBLEMS,
    SheetProblem,
    WorkbookRefused,
    cell_text,
    cell_whole,
    workbook_sheet_rows,
)
from eduplan.core.xlsx import HEADER_FILL, HEADER_FONT, TITLE_FONT, cell_put
from eduplan.football.keeping import ROUND_MAX, competition_subject, fixture_add
from eduplan.football.models import Competition, Match
from eduplan.football.services import GOALS_MAX, match_result_record
from eduplan.org.access import Action, User, actor_of, require

SHEET = "赛程"
TITLE_ROW, HEADER_ROW, CODE_ROW, FIRST_ROW = 1, 2, 3, 4
CODES = ["round", "date", "home", "away", "home_goals", "away_goals"]
MAX_ROWS = 5_000
ERR_DATE = gettext_lazy("A date is expected here (YYYY-MM-DD), not “%(value)s”.")
ERR_LATER = gettext_lazy("The date played cannot be after today.")
ERR_SCORE_HALF = gettext_lazy("Give both scores or neither.")
ERR_GOALS = gettext_lazy("Goals must be a whole number from 0 to %(max)s.")
ERR_ROUND = gettext_lazy("The round must be a whole number from 1 to 99.")
ERR_TEAM = gettext_lazy("No team %(team)s in this competition.")
ERR_SAME = gettext_lazy("A team cannot play itself.")
ERR_ROW_TWICE = gettext_lazy("This fixture repeats row %(row)s.")


def _headers() -> list[str]:
    return [_("Round"), _("Date"), _("Home team"), _("Away team"), _("Home goals"), _("Away goals")]


def fixtures_xlsx(*, competition: Competition) -> bytes:
    """The competition's fixtures by round, as the import reads them back."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one sheet
    ws.title = SHEET
    cell_put(ws, TITLE_ROW, 1, f"{competition.name} {competition.group}").font = TITLE_FONT
    for column, (header, code) in enumerate(zip(_headers(), CODES, strict=True), start=1):
        cell = cell_put(ws, HEADER_ROW, column, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell_put(ws, CODE_ROW, column, code)
        ws.column_dimensions[get_column_letter(column)].width = 24 if column in (3, 4) else 12
    ws.row_dimensions[CODE_ROW].hidden = True
    matches = competition.matches.select_related("home", "away").order_by(
        "round", "played_on", "id"
    )
    for row, m in enumerate(matches, start=FIRST_ROW):
        values = [m.round, m.played_on, m.home.name, m.away.name, m.home_goals, m.away_goals]
        for column, value in enumerate(values, start=1):
            cell = cell_put(ws, row, column, value)
            if column == 2 and value is not None:
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1).coordinate
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class FixtureRow:
    row: int
    round: int
    played_on: datetime.date | None
    home: str
    away: str
    home_goals: int | None
    away_goals: int | None


def _day(value: Any) -> tuple[datetime.date | None, str]:
    if value is None or value == "":
        return None, ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return excel_day(value), ""
    try:
        return datetime.date.fromisoformat(str(value).strip()), ""
    except ValueError:
        return None, str(ERR_DATE % {"value": value})


def _read(
    number: int, cells: list[Any], teams: set[str]
) -> tuple[FixtureRow | None, list[SheetProblem]]:
    cells = (cells + [None] * len(CODES))[: len(CODES)]
    problems: list[SheetProblem] = []

    def problem(column: int, message: str) -> None:
        problems.append(SheetProblem(SHEET, number, get_column_letter(column), message))

    round_, why = cell_whole(cells[0])
    if why:
        problem(1, why)
    elif round_ is None or not 1 <= round_ <= ROUND_MAX:
        problem(1, str(ERR_ROUND))
    played_on, why = _day(cells[1])
    if why:
        problem(2, why)
    home, away = cell_text(cells[2]), cell_text(cells[3])
    for column, name in ((3, home), (4, away)):
        if name not in teams:
            problem(column, str(ERR_TEAM % {"team": name}))
    if home and home == away:
        problem(4, str(ERR_SAME))
    goals: list[int | None] = []
    for column in (5, 6):
        if cell_text(cells[column - 1]) == "":
            goals.append(None)
            continue
        value, why = cell_whole(cells[column - 1])
        if why or value is None or not 0 <= value <= GOALS_MAX:
            problem(column, why or str(ERR_GOALS % {"max": GOALS_MAX}))
        goals.append(value)
    if (goals[0] is None) != (goals[1] is None):
        problem(6 if goals[1] is None else 5, str(ERR_SCORE_HALF))
    if goals[0] is not None and played_on is not None and played_on > timezone.localdate():
        problem(2, str(ERR_LATER))
    if problems:
        return None, problems
    assert round_ is not None
    return FixtureRow(number, round_, played_on, home, away, goals[0], goals[1]), []


def fixtures_xlsx_read(
    *, competition: Competition, data: bytes, name: str
) -> tuple[list[FixtureRow], list[SheetProblem]]:
    """The fixtures a workbook holds, or every problem in it with its place."""
    try:
        rows = workbook_sheet_rows(data=data, name=name, sheet=SHEET)
    except WorkbookRefused as refused:
        return [], [refused.problem]
    codes = [cell_text(v) for v in (dict(rows).get(CODE_ROW) or [])][: len(CODES)]
    if codes != CODES:
        return [], [SheetProblem(SHEET, CODE_ROW, "A", str(ERR_CODE_ROW))]
    teams = set(competition.teams.values_list("name", flat=True))
    fixtures: list[FixtureRow] = []
    problems: list[SheetProblem] = []
    seen: dict[tuple[int, str, str], int] = {}
    for number, cells in rows:
        if number < FIRST_ROW or all(cell_text(v) == "" for v in cells):
            continue
        if len(fixtures) + len(problems) > MAX_ROWS:
            break
        fixture, found = _read(number, cells, teams)
        problems += found
        if fixture is None:
            continue
        key = (fixture.round, fixture.home, fixture.away)
        if key in seen:
            message = str(ERR_ROW_TWICE % {"row": seen[key]})
            problems.append(SheetProblem(SHEET, number, "A", message))
            continue
        seen[key] = number
        fixtures.append(fixture)
    if not fixtures and not problems:
        problems.append(SheetProblem(SHEET, None, "", str(ERR_NO_ROWS)))
    return fixtures, problems[:SHOWN_PROBLEMS]


@transaction.atomic
def fixtures_xlsx_import(
    *, user: User, competition: Competition, data: bytes, name: str, revision: int | None
) -> tuple[int, list[SheetProblem]]:
    """Store the workbook's fixtures and scores (count of fixtures read), or store
    nothing and give every problem."""
    require(user, Action.LEAGUE_RESULTS, competition)
    fixtures, problems = fixtures_xlsx_read(competition=competition, data=data, name=name)
    if problems:
        return 0, problems
    for f in fixtures:
        match: Match = fixture_add(
            user=user,
            competition=competition,
            round=f.round,
            home=f.home,
            away=f.away,
            played_on=f.played_on,
            revision=revision,
        )
        competition.refresh_from_db(fields=["revision"])
        revision = competition.revision
        if (
            f.home_goals is not None
            and f.away_goals is not None
            and (
                match.home_goals,
                match.away_goals,
            )
            != (f.home_goals, f.away_goals)
        ):
            old = (match.home_goals, match.away_goals)
            match_result_record(
                competition=competition,
                home=match.home,
                away=match.away,
                home_goals=f.home_goals,
                away_goals=f.away_goals,
                played_on=f.played_on,
                round=f.round,
            )
            changes_record(
                actor=actor_of(user),
                subject=competition_subject(competition),
                changes=[
                    Change(
                        f"result:{f.round}:{f.home}-{f.away}",
                        None if old[0] is None else f"{old[0]}:{old[1]}",
                        f"{f.home_goals}:{f.away_goals}",
                    )
                ],
            )
    return len(fixtures), []
