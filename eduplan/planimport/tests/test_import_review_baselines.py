"""The review page shows why each target was taken (its clause mood) and its baseline, and
turns an achievement into a baseline with one click (POST, access-checked, idempotent)."""

from __future__ import annotations

from typing import Any

import pytest

from eduplan.planimport.tests.test_import_review import UPLOAD, _review_url, _state
from eduplan.planimport.views import SESSION_KEY
from eduplan.plans.models import Plan

PLAN = """示范县2017年教育工作要点
一、扩充资源
截至2016年底，全县已建成公办幼儿园42所。全县公办幼儿园力争达到60所。
全县幼儿园由目前的120所调整到100所左右。
二、提升质量
新建中小学5所，新增学位3000个。
"""


@pytest.fixture
def sue(client, city):
    client.force_login(city.users["sue"])
    return client


def _rows(client: Any, url: str, key: str, value: float) -> list[dict[str, Any]]:
    return [r for r in _state(client, url)[key] if float(r["value"]) == value]


def test_each_target_shows_its_mood_and_baseline_and_achievements_are_listed(sue) -> None:
    url = _review_url(sue, PLAN, "shifan-2017.txt")
    page = sue.get(url).content.decode()
    assert "因“力争”读作目标" in page  # 全县公办幼儿园力争达到60所
    assert "规划未用时间词，读作目标" in page  # 新建中小学5所
    assert "基数 120 所" in page  # 由目前的120所调整到100所左右
    assert 'id="achievements"' in page and "<mark>" in page
    assert "作为“公办幼儿园”的基数" in page  # the 42 may become the baseline of the 60
    state = _state(sue, url)
    assert {float(a["value"]) for a in state["achievements"]} == {42, 120}
    assert {float(t["value"]) for t in state["targets"]} == {60, 100, 5, 3000}


def test_one_click_makes_an_achievement_the_baseline_and_a_retry_changes_nothing(
    sue,
) -> None:
    url = _review_url(sue, PLAN, "shifan-2017.txt")
    [achieved] = _rows(sue, url, "achievements", 42)
    post = {"action": "make_baseline", "target": str(achieved["id"])}
    first = sue.post(url, post, follow=True)
    assert "已作为“公办幼儿园”的基数" in first.content.decode()
    [goal] = _rows(sue, url, "targets", 60)
    assert goal["baseline"] == "42" and goal["edited"]
    before = _state(sue, url)
    again = sue.post(url, post, follow=True)  # the same POST, retried
    assert "已经是“公办幼儿园”的基数" in again.content.decode()
    assert _state(sue, url) == before
    page = sue.get(url).content.decode()
    assert "基数 42 所" in page and "已作为目标的基数" in page


def test_a_target_that_is_an_achievement_leaves_the_targets_as_a_baseline(sue, city) -> None:
    url = _review_url(sue, PLAN, "shifan-2017.txt")
    [schools] = _rows(sue, url, "targets", 5)  # say the reviewer knows 5 schools are built
    post = {"action": "make_baseline", "target": str(schools["id"])}
    response = sue.post(url, post, follow=True)
    assert "没有同单位的目标" in response.content.decode()
    assert not _rows(sue, url, "targets", 5)
    assert _rows(sue, url, "achievements", 5)
    before = _state(sue, url)
    sue.post(url, post)
    assert _state(sue, url) == before
    done = sue.post(url, {"action": "import", "plan-code": "s-2017", "plan-name": "示范县"})
    assert done.status_code == 302
    plan = Plan.objects.get(code="s-2017")
    values = sorted(float(t.value) for t in plan.targets.all())
    assert values == [60, 100, 3000]  # the achievement is no target of the plan
    assert plan.targets.get(value=100).note == "基数：120 所"


def test_an_unknown_row_is_refused_and_changes_nothing(sue) -> None:
    url = _review_url(sue, PLAN, "shifan-2017.txt")
    before = _state(sue, url)
    response = sue.post(url, {"action": "make_baseline", "target": "999"}, follow=True)
    assert "这个目标已不在核对内容中" in response.content.decode()
    assert _state(sue, url) == before


@pytest.mark.parametrize("who", ["bob", "alice", "nobody"])
def test_users_who_may_not_change_plans_cannot_make_a_baseline(client, city, who) -> None:
    other = client.__class__()
    other.force_login(city.users["sue"])
    url = _review_url(other, PLAN, "shifan-2017.txt")
    token = url.rstrip("/").rsplit("/", 1)[1]
    before = other.session[SESSION_KEY][token]
    client.force_login(city.users[who])
    response = client.post(url, {"action": "make_baseline", "target": "1"})
    assert response.status_code == 403
    assert other.session[SESSION_KEY][token] == before
    assert client.get(UPLOAD).status_code == 403
