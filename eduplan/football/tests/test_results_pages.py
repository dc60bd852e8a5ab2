"""The league officials' pages: Sam (体卫艺处) records the city league's results, Bob and
Dora their own district's; nobody else records anything, bad input changes nothing, and
a retried request stores its result once."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.html import escape

from eduplan.core.errors import InputError
from eduplan.football.demo import round_robin
from eduplan.football.forms import ERR_DATE
from eduplan.football.models import Competition, Match, Team
from eduplan.football.selectors import competition_matches, competition_table
from eduplan.football.services import (
    ERR_FAIR_PLAY,
    ERR_GOALS,
    ERR_PLAYED_LATER,
    FAIR_PLAY_MAX,
    GOALS_MAX,
    match_result_enter,
)
from eduplan.football.views_results import ERR_AT_FIELD, ERR_NO_FIXTURE, MSG_RECORDED
from eduplan.org.models import Role
from eduplan.org.tests.factories import OrgUnitFactory, user_with_role

PLAYED = datetime.date(2016, 4, 16)


@dataclass
class Leagues:
    city: Competition  # run by 体卫艺处
    jinshui: Competition  # run by 金水区
    erqi: Competition  # run by 二七区
    open_fixture: Match  # city league, round 2: 金水二小 v 二七一小, not played yet


def _district_league(district, group: str, schools) -> Competition:
    competition = Competition.objects.create(
        name="2016年区级校园足球联赛", season=2016, group=group, organiser=district
    )
    home, away = (
        Team.objects.create(competition=competition, school=s, name=s.name) for s in schools
    )
    Match.objects.create(competition=competition, round=1, home=home, away=away)
    return competition


@pytest.fixture
def leagues(city, league) -> Leagues:
    city.users["sam"] = user_with_role("sam", Role.DEPARTMENT, city.root, city.dept_sports)
    league.competition.organiser = city.dept_sports
    league.competition.save(update_fields=["organiser"])
    erqi_two = OrgUnitFactory(code="410103-P2", name="二七二小", parent=city.erqi)
    return Leagues(
        city=league.competition,
        jinshui=_district_league(
            city.jinshui, "金水区小学组", [city.jinshui_one, city.jinshui_two]
        ),
        erqi=_district_league(city.erqi, "二七区小学组", [city.erqi_one, erqi_two]),
        open_fixture=Match.objects.get(
            competition=league.competition, round=2, home=league.teams["金水二小"]
        ),
    )


def page(competition: Competition) -> str:
    return f"/football/results/{competition.pk}/"


def result(fixture: Match, **change: str) -> dict[str, str]:
    data = {
        "match": str(fixture.pk),
        "home_goals": "2",
        "away_goals": "2",
        "played_on": PLAYED.isoformat(),
        "home_fair_play": "1",
        "away_fair_play": "",
    }
    data.update(change)
    return data


def snapshot():
    return sorted(
        Match.objects.values_list(
            "id",
            "round",
            "home_id",
            "away_id",
            "home_goals",
            "away_goals",
            "played_on",
            "home_fair_play",
            "away_fair_play",
        )
    )


def points(competition: Competition) -> dict[str, int]:
    table = competition_table(
        competition=competition, matches=competition_matches(competition=competition)
    )
    return {line.team.name: line.row.points for line in table}


def test_the_sports_department_official_records_a_result_and_the_public_table_changes(
    client, city, leagues
):
    assert "2 : 2" not in client.get(f"/public/football/{leagues.city.pk}/").content.decode()
    client.force_login(city.users["sam"])
    response = client.post(page(leagues.city), result(leagues.open_fixture))
    assert response.status_code == 302
    assert response["Location"] == page(leagues.city)
    shown = client.get(response["Location"]).content.decode()
    recorded = MSG_RECORDED % {
        "round": 2,
        "home": "金水二小",
        "away": "二七一小",
        "home_goals": 2,
        "away_goals": 2,
    }
    assert escape(recorded) in shown
    match = Match.objects.get(pk=leagues.open_fixture.pk)
    assert (match.home_goals, match.away_goals, match.played_on) == (2, 2, PLAYED)
    assert (match.home_fair_play, match.away_fair_play) == (1, None)
    assert points(leagues.city) == {"金水一小": 3, "金水二小": 1, "二七一小": 2, "金水三小": 1}
    client.logout()
    assert "2 : 2" in client.get(f"/public/football/{leagues.city.pk}/").content.decode()


def test_a_district_admin_records_for_their_districts_competition_only(client, city, leagues):
    client.force_login(city.users["bob"])
    own = leagues.jinshui.matches.get()
    assert client.get(page(leagues.jinshui)).status_code == 200
    assert client.post(page(leagues.jinshui), result(own)).status_code == 302
    assert Match.objects.get(pk=own.pk).played
    before = snapshot()
    for other in (leagues.erqi, leagues.city):
        fixture = other.matches.filter(home_goals__isnull=True).first()
        assert client.get(page(other)).status_code == 403
        assert client.post(page(other), result(fixture)).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", ["alice", "charlie", "lee", "sue", "dan", "dora", "nobody"])
def test_everyone_but_the_organiser_is_refused_the_city_league(client, city, leagues, who):
    before = snapshot()
    client.force_login(city.users[who])
    assert client.get(page(leagues.city)).status_code == 403
    assert client.post(page(leagues.city), result(leagues.open_fixture)).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", ["alice", "charlie", "lee", "sue", "nobody"])
def test_users_whose_role_records_no_results_are_refused_the_list(client, city, leagues, who):
    client.force_login(city.users[who])
    assert client.get("/football/results/").status_code == 403


@pytest.mark.parametrize("url", ["/football/results/", "/football/results/{pk}/"])
def test_anonymous_visitors_are_sent_to_log_in(client, leagues, url):
    before = snapshot()
    target = url.format(pk=leagues.city.pk)
    for response in (client.get(target), client.post(target, result(leagues.open_fixture))):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert snapshot() == before


def test_a_competition_without_organiser_is_left_to_the_admin(client, city, league, leagues):
    hidden = league.hidden
    assert hidden.organiser is None
    for who in ("sam", "bob", "dan", "sue"):
        client.force_login(city.users[who])
        assert client.get(page(hidden)).status_code == 403
        assert hidden.group not in client.get("/football/results/").content.decode()


def test_a_retried_post_records_one_result_and_leaves_the_return_fixture_open(
    client, city, league, leagues
):
    # The same pairing again in a later round: a retry must not fill it.
    again = Match.objects.create(
        competition=leagues.city,
        round=4,
        home=league.teams["金水二小"],
        away=league.teams["二七一小"],
    )
    client.force_login(city.users["sam"])
    for _attempt in range(2):
        response = client.post(page(leagues.city), result(leagues.open_fixture))
        assert response.status_code == 302
    pairing = Match.objects.filter(home=league.teams["金水二小"], away=league.teams["二七一小"])
    assert sorted(pairing.values_list("round", "home_goals", "away_goals")) == [
        (2, 2, 2),
        (4, None, None),
    ]
    assert not Match.objects.get(pk=again.pk).played
    assert Match.objects.filter(competition=leagues.city).count() == 5
    # A correction of the same fixture changes it, still without touching round 4.
    client.post(page(leagues.city), result(leagues.open_fixture, home_goals="3"))
    assert sorted(pairing.values_list("round", "home_goals", "away_goals")) == [
        (2, 3, 2),
        (4, None, None),
    ]


def _tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


GOALS = ERR_GOALS % {"max": GOALS_MAX}
FAIR = ERR_FAIR_PLAY % {"max": FAIR_PLAY_MAX}


@pytest.mark.parametrize(
    ("change", "field", "label", "error"),
    [
        ({"home_goals": "-1"}, "home_goals", "主队进球", GOALS),
        ({"away_goals": "two"}, "away_goals", "客队进球", GOALS),
        ({"away_goals": "1.5"}, "away_goals", "客队进球", GOALS),
        ({"home_goals": str(GOALS_MAX + 1)}, "home_goals", "主队进球", GOALS),
        ({"away_goals": ""}, "away_goals", "客队进球", GOALS),
        ({"played_on": "tomorrow"}, "played_on", "日期", None),
        ({"played_on": "2016-02-30"}, "played_on", "日期", ERR_DATE),
        ({"home_fair_play": "-3"}, "home_fair_play", "主队违规积分", FAIR),
        ({"away_fair_play": "x"}, "away_fair_play", "客队违规积分", FAIR),
    ],
)
def test_bad_input_is_refused_naming_fixture_and_field_and_changes_nothing(
    client, city, leagues, change, field, label, error
):
    if change.get("played_on") == "tomorrow":
        change, error = {"played_on": _tomorrow()}, ERR_PLAYED_LATER
    before = snapshot()
    client.force_login(city.users["sam"])
    response = client.post(page(leagues.city), result(leagues.open_fixture, **change))
    assert response.status_code == 400
    text = response.content.decode()
    message = ERR_AT_FIELD % {
        "round": 2,
        "home": "金水二小",
        "away": "二七一小",
        "field": label,
        "error": error,
    }
    assert escape(message) in text
    # The refused value stays in its (marked) input for correction.
    assert f'id="m{leagues.open_fixture.pk}_{field}"' in text
    assert "is-invalid" in text
    assert snapshot() == before


def test_a_fixture_of_another_competition_is_refused_and_changes_nothing(client, city, leagues):
    before = snapshot()
    client.force_login(city.users["sam"])
    foreign = leagues.jinshui.matches.get()
    for data in (result(foreign), result(foreign, match="x"), {"home_goals": "1"}):
        response = client.post(page(leagues.city), data)
        assert response.status_code == 400
        assert escape(str(ERR_NO_FIXTURE)) in response.content.decode()
    assert snapshot() == before


def test_the_service_checks_the_user_and_the_date_itself(city, leagues):
    before = snapshot()
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        match_result_enter(
            user=city.users["bob"],
            match=leagues.open_fixture,
            home_goals=1,
            away_goals=0,
            played_on=PLAYED,
        )
    with pytest.raises(InputError, match="比赛日期不能晚于今天") as excinfo:
        match_result_enter(
            user=city.users["sam"],
            match=leagues.open_fixture,
            home_goals=1,
            away_goals=0,
            played_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert excinfo.value.where == "played_on"
    assert snapshot() == before


def test_the_list_shows_only_the_competitions_the_user_may_record(
    client, city, leagues, django_assert_num_queries
):
    hidden_city = Competition.objects.create(
        name="2016年郑州市“市长杯”校园足球联赛",
        season=2016,
        group="初中男子组",
        organiser=city.dept_sports,
    )
    seen = {}
    # session, user, membership (with Sam's department and its scope), the competitions
    # with their counts, unread inbox
    for who, queries in (("sam", 5), ("bob", 5), ("dora", 5)):
        client.force_login(city.users[who])
        with django_assert_num_queries(queries):
            seen[who] = client.get("/football/results/").content.decode()
    assert leagues.city.group in seen["sam"] and hidden_city.group in seen["sam"]
    assert "badge text-bg-secondary" in seen["sam"]  # the unpublished one is marked
    assert leagues.jinshui.group not in seen["sam"] and leagues.erqi.group not in seen["sam"]
    assert leagues.jinshui.group in seen["bob"]
    for other in (leagues.city, hidden_city, leagues.erqi):
        assert other.group not in seen["bob"]
    assert leagues.erqi.group in seen["dora"] and leagues.jinshui.group not in seen["dora"]
    assert f"/football/results/{leagues.city.pk}/" in seen["sam"]
    assert f"/football/results/{leagues.city.pk}/" not in seen["bob"]


def test_a_department_that_runs_no_competition_gets_a_page_saying_so(client, city, leagues):
    client.force_login(city.users["dan"])
    response = client.get("/football/results/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/football/results/" in text  # the menu offers the page to his role
    assert leagues.city.group not in text
    assert 'class="table' not in text


def test_the_menu_offers_the_page_to_roles_that_record_results(client, city, leagues):
    client.force_login(city.users["alice"])
    assert 'href="/football/results/"' not in client.get("/units/410105-P1/").content.decode()
    client.force_login(city.users["bob"])
    assert 'href="/football/results/"' in client.get("/units/410105/").content.decode()


def _many_fixtures(city, teams: int) -> Competition:
    competition = Competition.objects.create(
        name="2016年郑州市“市长杯”校园足球联赛",
        season=2016,
        group=f"{teams}队组",
        organiser=city.dept_sports,
    )
    schools = [
        OrgUnitFactory(code=f"410105-Q{teams}-{i}", name=f"金水{teams}-{i}", parent=city.jinshui)
        for i in range(teams)
    ]
    created = Team.objects.bulk_create(
        Team(competition=competition, school=s, name=s.name) for s in schools
    )
    Match.objects.bulk_create(
        Match(
            competition=competition,
            round=number,
            home_id=home,
            away_id=away,
            home_goals=1 if number == 1 else None,
            away_goals=0 if number == 1 else None,
        )
        for number, pairs in enumerate(round_robin([t.pk for t in created]), start=1)
        for home, away in pairs
    )
    return competition


def test_the_fixtures_page_reads_as_many_queries_for_two_fixtures_as_for_many(
    client, city, leagues, django_assert_num_queries
):
    small, large = _many_fixtures(city, 3), _many_fixtures(city, 10)
    small.matches.order_by("-round").first().delete()
    assert small.matches.count() == 2 and large.matches.count() == 45
    client.force_login(city.users["sam"])
    # session, user, competition with organiser, membership with its scope, fixtures with
    # their teams, teams for the table, unread inbox
    for competition in (small, large):
        with django_assert_num_queries(7):
            response = client.get(page(competition))
        assert response.status_code == 200
    assert response.content.decode().count('name="match"') == 45
