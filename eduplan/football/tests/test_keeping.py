"""Keeping the league register: Sam (体卫艺处) creates the city league, its teams and
fixtures, changes and retires it, on the page, by workbook and through the API; Bob keeps
his district's league only; Dan (another department) and Alice keep nothing. Bad input,
stale revisions and retries change nothing."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from eduplan.core.errors import InputError, StaleRevision
from eduplan.core.models import ChangeEvent
from eduplan.football.fixtures_xlsx import fixtures_xlsx, fixtures_xlsx_import
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
from eduplan.football.models import Competition, Match, Team
from eduplan.org.models import Role
from eduplan.org.tests.factories import user_with_role

VALUES = CompetitionValues(name="2016年“市长杯”校园足球联赛", season=2016, group="小学男子甲组")


@pytest.fixture
def sam(city):
    return user_with_role("sam", Role.DEPARTMENT, city.root, department=city.dept_sports)


@pytest.fixture
def league(city, sam):
    competition = competition_create(user=sam, organiser=city.dept_sports, values=VALUES)
    for school in (city.jinshui_one, city.jinshui_two, city.erqi_one):
        team_add(user=sam, competition=competition, school=school, name="", revision=None)
    competition.refresh_from_db()
    return competition


def _state():
    return (
        sorted(
            Competition.objects.values_list("pk", "name", "revision", "published", "retired_reason")
        ),
        sorted(Team.objects.values_list("pk", "name")),
        sorted(Match.objects.values_list("pk", "round", "played_on", "home_goals")),
        ChangeEvent.objects.count(),
    )


def test_sam_creates_the_city_league_with_teams_and_fixtures_and_each_step_is_in_the_history(
    city, sam, league
):
    match = fixture_add(
        user=sam,
        competition=league,
        round=1,
        home="金水一小",
        away="二七一小",
        played_on=datetime.date(2016, 4, 9),
        revision=league.revision,
    )
    assert (match.round, match.home.name, match.away.name) == (1, "金水一小", "二七一小")
    fields = list(
        ChangeEvent.objects.filter(subject=f"football.competition:{league.pk}").values_list(
            "field", "new"
        )
    )
    assert ("team:金水一小", "410105-P1") in fields
    assert ("fixture:1:金水一小-二七一小", "2016-04-09") in fields
    assert ("group", "小学男子甲组") in fields


@pytest.mark.parametrize("who", ["dan", "bob", "alice", "lee", "nobody"])
def test_nobody_but_the_organiser_keeps_the_city_league(city, league, who):
    user = city.users[who]
    before = _state()
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        competition_update(user=user, competition=league, values=VALUES, revision=None)
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        team_add(user=user, competition=league, school=city.bureau_school, name="", revision=None)
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        competition_create(user=user, organiser=city.dept_sports, values=VALUES)
    assert _state() == before


def test_bob_keeps_his_districts_league_but_runs_none_for_another(city):
    bob = city.users["bob"]
    own = competition_create(user=bob, organiser=city.jinshui, values=VALUES)
    assert own.organiser == city.jinshui
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        competition_create(user=bob, organiser=city.erqi, values=VALUES)


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"name": " "}, "name", "必填"),
        ({"season": 1990}, "season", "赛季须为 2000 至 2100 之间的年份"),
        ({"stage": 0}, "stage", "阶段须为 1 至 9 之间的整数"),
        ({"points_win": 1, "points_draw": 1}, "points_win", "胜一场的积分须多于平一场"),
        ({"tie_breakers": ["lots", "lots"]}, "tie_breakers", "goal_difference"),
    ],
)
def test_bad_competition_values_are_refused_by_field_and_nothing_is_stored(
    city, sam, league, change, where, message
):
    before = _state()
    values = CompetitionValues(**{**VALUES.__dict__, **change})
    with pytest.raises(InputError, match=message) as refused:
        competition_update(user=sam, competition=league, values=values, revision=league.revision)
    assert refused.value.where == where
    assert _state() == before


def test_bad_teams_and_fixtures_are_refused_and_nothing_is_stored(city, sam, league):
    before = _state()
    with pytest.raises(InputError, match="不是学校"):
        team_add(user=sam, competition=league, school=city.jinshui, name="", revision=None)
    with pytest.raises(InputError, match="轮次须为1至99的整数"):
        fixture_add(
            user=sam,
            competition=league,
            round=0,
            home="金水一小",
            away="二七一小",
            played_on=None,
            revision=None,
        )
    with pytest.raises(InputError, match="本赛事没有球队“无名队”"):
        fixture_add(
            user=sam,
            competition=league,
            round=1,
            home="金水一小",
            away="无名队",
            played_on=None,
            revision=None,
        )
    with pytest.raises(InputError, match="球队不能与自己比赛"):
        fixture_add(
            user=sam,
            competition=league,
            round=1,
            home="金水一小",
            away="金水一小",
            played_on=None,
            revision=None,
        )
    assert _state() == before


def test_a_stale_revision_is_a_conflict_and_nothing_is_stored(city, sam, league):
    seen = league.revision
    competition_update(
        user=sam,
        competition=league,
        values=CompetitionValues(**{**VALUES.__dict__, "published": True}),
        revision=seen,
    )
    before = _state()
    with pytest.raises(StaleRevision, match="已被他人修改"):
        fixture_add(
            user=sam,
            competition=league,
            round=1,
            home="金水一小",
            away="二七一小",
            played_on=None,
            revision=seen,
        )
    with pytest.raises(StaleRevision, match="已被他人修改"):
        competition_retire(user=sam, competition=league, reason="重复录入", revision=seen)
    assert _state() == before


def test_retried_creates_are_stored_once(city, sam, league):
    again = competition_create(user=sam, organiser=city.dept_sports, values=VALUES)
    assert again.pk == league.pk
    revision = league.revision
    first = fixture_add(
        user=sam,
        competition=league,
        round=2,
        home="金水一小",
        away="金水二小",
        played_on=None,
        revision=revision,
    )
    after = _state()
    retried = fixture_add(
        user=sam,
        competition=league,
        round=2,
        home="金水一小",
        away="金水二小",
        played_on=None,
        revision=revision,
    )
    team_add(user=sam, competition=league, school=city.jinshui_one, name="", revision=revision)
    assert retried.pk == first.pk
    assert _state() == after


def test_a_played_fixture_and_a_team_with_fixtures_are_not_removed(city, sam, league):
    match = fixture_add(
        user=sam,
        competition=league,
        round=1,
        home="金水一小",
        away="二七一小",
        played_on=None,
        revision=None,
    )
    Match.objects.filter(pk=match.pk).update(home_goals=1, away_goals=0)
    match.refresh_from_db()
    before = _state()
    with pytest.raises(InputError, match="已有比分"):
        fixture_remove(user=sam, match=match, revision=None)
    with pytest.raises(InputError, match="金水一小有赛程"):
        team_remove(user=sam, team=match.home, revision=None)
    assert _state() == before


def test_a_retired_competition_is_unpublished_kept_and_changes_no_more(city, sam, league):
    competition_update(
        user=sam,
        competition=league,
        values=CompetitionValues(**{**VALUES.__dict__, "published": True}),
        revision=None,
    )
    retired = competition_retire(user=sam, competition=league, reason="重复录入", revision=None)
    assert (retired.published, retired.retired_reason) == (False, "重复录入")
    with pytest.raises(InputError, match="已停用"):
        team_add(user=sam, competition=retired, school=city.bureau_school, name="", revision=None)
    with pytest.raises(InputError, match="请填写停用原因"):
        competition_retire(
            user=sam,
            competition=competition_create(
                user=sam,
                organiser=city.dept_sports,
                values=CompetitionValues(**{**VALUES.__dict__, "group": "初中男子组"}),
            ),
            reason=" ",
            revision=None,
        )


# Fixtures workbook -------------------------------------------------------------------------


def _fixtures_book(league, rows):
    ws_book = openpyxl.load_workbook(io.BytesIO(fixtures_xlsx(competition=league)))
    ws = ws_book["赛程"]
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    ws_book.save(out)
    return out.getvalue()


def test_fixtures_round_trip_through_the_workbook_and_a_second_import_changes_nothing(
    city, sam, league
):
    data = _fixtures_book(
        league,
        [
            (1, "2016-04-09", "金水一小", "二七一小", 2, 1),
            (1, "2016-04-09", "金水二小", "金水一小", None, None),
        ],
    )
    count, problems = fixtures_xlsx_import(
        user=sam, competition=league, data=data, name="f.xlsx", revision=league.revision
    )
    assert (count, problems) == (2, [])
    played = Match.objects.get(home__name="金水一小")
    assert (played.home_goals, played.away_goals, played.played_on) == (
        2,
        1,
        datetime.date(2016, 4, 9),
    )
    after = _state()
    exported = fixtures_xlsx(competition=league)
    count, problems = fixtures_xlsx_import(
        user=sam, competition=league, data=exported, name="f.xlsx", revision=None
    )
    assert (count, problems) == (2, [])
    assert _state() == after


def test_a_bad_fixtures_workbook_names_each_cell_and_stores_nothing(city, sam, league):
    data = _fixtures_book(
        league,
        [
            (0, "2016-04-09", "金水一小", "二七一小", None, None),
            (1, "四月", "金水一小", "无名队", None, None),
            (1, None, "金水一小", "金水二小", 1, None),
            (2, "2016-04-09", "金水一小", "金水二小", None, None),
            (2, "2016-04-10", "金水一小", "金水二小", None, None),
        ],
    )
    before = _state()
    count, problems = fixtures_xlsx_import(
        user=sam, competition=league, data=data, name="f.xlsx", revision=None
    )
    places = {(p.row, p.column): p.message for p in problems}
    assert count == 0
    assert "轮次" in places[(4, "A")]
    assert "四月" in places[(5, "B")] and "无名队" in places[(5, "D")]
    assert "比分须同时填写" in places[(6, "F")]
    assert "第 7 行" in places[(8, "A")]
    assert _state() == before


def test_a_file_that_is_not_a_workbook_is_refused(city, sam, league):
    count, problems = fixtures_xlsx_import(
        user=sam, competition=league, data=b"PK-no", name="f.xlsx", revision=None
    )
    assert count == 0 and "不是本平台能读取的工作簿" in problems[0].message


# Pages ---------------------------------------------------------------------------------------


def test_sam_creates_and_keeps_a_competition_on_the_pages(client, city, sam):
    client.force_login(sam)
    body = {
        "name": "2016年联赛",
        "season": 2016,
        "group": "初中男子组",
        "stage": 1,
        "points_win": 3,
        "points_draw": 1,
    }
    created = client.post("/football/keeping/", body)
    assert created.status_code == 302
    competition = Competition.objects.get(group="初中男子组")
    assert competition.organiser == city.dept_sports
    url = f"/football/keeping/{competition.pk}/"
    added = client.post(
        url,
        {"action": "team_add", "school": "410105-P1", "name": "", "revision": competition.revision},
    )
    assert added.status_code == 302
    page = client.get(url).content.decode()
    assert "金水一小" in page and "修改记录" in page
    stale = client.post(
        url, {"action": "team_add", "school": "410105-P2", "name": "", "revision": 1}
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    assert competition.teams.count() == 1
    export = client.get(url, {"export": "fixtures"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    ("who", "status"), [("dan", 403), ("bob", 403), ("alice", 403), ("charlie", 403)]
)
def test_the_keeping_page_of_the_city_league_is_the_organisers_only(
    client, city, league, who, status
):
    client.force_login(city.users[who])
    assert client.get(f"/football/keeping/{league.pk}/").status_code == status
    before = _state()
    client.post(f"/football/keeping/{league.pk}/", {"action": "retire", "reason": "x"})
    assert _state() == before


# API ----------------------------------------------------------------------------------------


@pytest.fixture
def api(city, sam):
    from django.test import Client

    from eduplan.api.auth import api_token_create
    from eduplan.api.tests.conftest import Api

    users = {**city.users, "sam": sam}
    keys = {name: api_token_create(user=user, name="t")[1] for name, user in users.items()}
    return Api(Client(enforce_csrf_checks=True), keys)


def test_the_api_keeps_a_competition_with_its_revision(city, api, league):
    url = f"/api/v1/football/competitions/{league.pk}"
    read = api.call("sam", "GET", url).json()
    assert [t["name"] for t in read["teams"]] == ["二七一小", "金水一小", "金水二小"]
    fixture = {
        "round": 1,
        "home": "金水一小",
        "away": "二七一小",
        "date": "2016-04-09",
        "revision": read["revision"],
    }
    added = api.call("sam", "POST", f"{url}/fixtures", fixture)
    assert added.status_code == 200 and len(added.json()["fixtures"]) == 1
    retried = api.call("sam", "POST", f"{url}/fixtures", fixture)
    assert retried.status_code == 200 and retried.json()["revision"] == added.json()["revision"]
    body = {**VALUES.__dict__, "published": True, "revision": read["revision"]}
    assert api.call("sam", "PUT", url, body).status_code == 409
    bad = api.call("sam", "POST", f"{url}/fixtures", {**fixture, "round": 0, "revision": None})
    assert bad.status_code == 400 and bad.json()["problems"][0]["element"] == "round"
    assert api.call("dan", "GET", url).status_code == 403
    assert api.call("bob", "POST", f"{url}/retire", {"reason": "x"}).status_code == 403


def test_a_result_entered_on_the_results_page_is_in_the_history(city, sam, league):
    from eduplan.football.services import match_result_enter

    match = fixture_add(
        user=sam,
        competition=league,
        round=1,
        home="金水一小",
        away="二七一小",
        played_on=None,
        revision=None,
    )
    match_result_enter(
        user=sam, match=match, home_goals=3, away_goals=0, played_on=datetime.date(2016, 4, 9)
    )
    event = ChangeEvent.objects.get(field="result:1:金水一小-二七一小")
    assert (event.old, event.new, event.actor) == (None, "3:0 2016-04-09", sam)


def _grow(sam, league, city, rounds):
    for r in range(1, rounds + 1):
        fixture_add(
            user=sam,
            competition=league,
            round=r,
            home="金水一小",
            away="金水二小",
            played_on=None,
            revision=None,
        )


def test_the_keeping_page_reads_in_as_many_queries_whatever_its_length(
    client, city, sam, league, django_assert_num_queries
):
    client.force_login(sam)
    url = f"/football/keeping/{league.pk}/"
    _grow(sam, league, city, 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _grow(sam, league, city, 6)
    with django_assert_num_queries(len(few)):
        client.get(url)
