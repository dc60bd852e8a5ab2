"""The targets page: scoped, in Chinese, a fixed number of queries per plan size."""

from __future__ import annotations

import pytest

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
