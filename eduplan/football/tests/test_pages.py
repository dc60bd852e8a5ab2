"""The league's public pages: published competitions with their table and fixtures; an
unpublished competition does not exist for the public."""

from __future__ import annotations

import io

import openpyxl
import pytest

from eduplan.football.models import Competition


def rows_of(response):
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    return [[c.value for c in row] for row in wb.active.iter_rows()]


def test_the_list_shows_published_competitions_only(client, league):
    text = client.get("/public/football/").content.decode()
    assert "小学男子甲组" in text and "校园足球联赛" in text
    assert "小学女子组秘密组" not in text
    rows = rows_of(client.get("/public/football/xlsx/"))
    groups = [row[2] for row in rows[2:]]
    assert groups == ["小学男子甲组"]


def test_a_competition_page_shows_its_table_and_fixtures_in_chinese(
    client, league, django_assert_num_queries
):
    # competition, matches with teams, teams with schools
    with django_assert_num_queries(3):
        response = client.get(f"/public/football/{league.competition.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "积分榜" in text and "赛程与赛果" in text and "第2轮" in text
    assert "净胜球" in text  # the tie-breakers, in order
    assert text.index("金水一小") < text.index("金水二小")
    assert "3 : 1" in text


def test_the_table_workbook_ranks_the_teams(client, league):
    rows = rows_of(client.get(f"/public/football/{league.competition.pk}/table/xlsx/"))
    header, body = rows[1], rows[2:]
    assert header[0] == "名次"
    assert [(r[0], r[1], r[9]) for r in body][:1] == [(1, "金水一小", 3)]
    assert {r[1] for r in body} == set(league.teams)
    fixtures = rows_of(client.get(f"/public/football/{league.competition.pk}/fixtures/xlsx/"))
    assert ["3 : 1" in str(r[3]) for r in fixtures[2:]].count(True) == 1


@pytest.mark.parametrize("suffix", ["", "table/xlsx/", "fixtures/xlsx/"])
def test_an_unpublished_or_missing_competition_is_not_found(client, league, suffix):
    assert client.get(f"/public/football/{league.hidden.pk}/{suffix}").status_code == 404
    missing = Competition.objects.order_by("-pk").first().pk + 100
    assert client.get(f"/public/football/{missing}/{suffix}").status_code == 404
