"""The targets page: scoped, in Chinese, a fixed number of queries per plan size."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.management import call_command

from eduplan.indicators.tests.factories import OPENED_ONLY, provisional_and_real
from eduplan.plans.tests.factories import make_plan


@pytest.fixture
def plan(city):
    return make_plan(
        code="city", organisation=city.root, owners={1: city.dept_basic, 2: city.dept_sports}
    )


@pytest.mark.parametrize(
    ("who", "org", "status"),
    [
        ("lee", "", 200),
        ("lee", "410103", 200),
        ("bob", "", 200),
        ("bob", "410105", 200),
        ("bob", "410103", 403),
        ("bob", "410100", 403),
        ("alice", "410105", 403),
        ("nobody", "", 403),
    ],
)
def test_targets_page_is_scoped(client, city, plan, who, org, status):
    client.force_login(city.users[who])
    assert (
        client.get(
            "/targets/", {"org": org, "at": "2016B6"} if org else {"at": "2016B6"}
        ).status_code
        == status
    )


def test_targets_page_lists_every_target_in_chinese(client, city, plan):
    client.force_login(city.users["lee"])
    body = client.get("/targets/", {"at": "2016B6"}).content.decode()
    assert body.count("示范学校") == 2
    assert "待评估" in body and "2016年第6双月" in body


def test_a_bad_period_is_refused_with_a_message_and_the_default_shown(client, city, plan):
    client.force_login(city.users["lee"])
    response = client.get("/targets/", {"at": "2016X1"})
    assert response.status_code == 200
    assert "2016X1" in response.content.decode()


def test_the_api_gives_the_same_rows_as_the_cli_fields(client, city, plan):
    client.force_login(city.users["lee"])
    data = client.get("/api/v1/targets/status", {"at": "2016B6"}).json()
    assert data["org"] == "410100" and len(data["targets"]) == 2
    assert set(data["targets"][0]) >= {
        "project",
        "indicator",
        "unit",
        "baseline",
        "goal",
        "due",
        "actual",
        "expected",
        "status",
        "forecast",
    }


def row_of(body: str, target) -> str:
    found = re.search(rf'<tr data-target="{target.pk}">(.*?)</tr>', body, re.S)
    assert found, f"target {target.pk} has a row"
    return found.group(1)


def test_a_provisional_figure_shows_its_badge_and_reason_and_a_real_one_neither(client, city, plan):
    provisional, real = provisional_and_real(plan)
    client.force_login(city.users["lee"])
    body = client.get("/targets/", {"at": "2016B6"}).content.decode()
    marked = row_of(body, provisional)
    assert "data-provisional" in marked and ">临时口径</span>" in marked
    # In the badge's title (hover) and in the cell under the indicator (phones).
    assert f'title="临时口径：{OPENED_ONLY}"' in marked
    assert f'provisional-note">临时口径：{OPENED_ONLY}</div>' in marked
    assert "临时口径" not in row_of(body, real) and "data-provisional" not in row_of(body, real)


def test_the_download_api_and_cli_say_which_figures_are_provisional(client, city, plan):
    provisional, real = provisional_and_real(plan)
    client.force_login(city.users["lee"])
    response = client.get("/targets/", {"at": "2016B6", "export": "targets"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    header = rows[1]
    assert header[-1] == "口径"
    by_indicator_order = {row[0]: row[-1] for row in rows[2:]}
    assert by_indicator_order == {1: f"临时口径：{OPENED_ONLY}", 2: None}
    data = client.get("/api/v1/targets/status", {"at": "2016B6"}).json()
    reasons = {row["target_id"]: row["provisional"] for row in data["targets"]}
    assert reasons == {provisional.pk: OPENED_ONLY, real.pk: ""}
    out = io.StringIO()
    call_command("targets", "status", "--at", "2016B6", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.endswith(f"[临时口径：{OPENED_ONLY}]") for line in lines[1:]] == [True, False]
