"""`eduplan apitoken`: a token is printed once, stored only as its hash, works, and
expires."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from eduplan.api.auth import token_hash
from eduplan.api.models import ApiToken


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("apitoken", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_create_prints_the_token_once_and_stores_only_its_hash(client, city):
    key, note = _run("create", "alice", "--name", "同步程序")
    token = ApiToken.objects.get()
    assert token.name == "同步程序" and token.user == city.users["alice"]
    assert token.key_hash == token_hash(key) and key not in token.key_hash
    assert "只显示这一次" in note
    assert token.last_used is None
    response = client.get("/api/v1/forms", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None
    listing, _ = _run("list", "alice")
    assert "同步程序" in listing and key not in listing


def test_a_revoked_token_stops_working(client, city):
    key, _ = _run("create", "bob")
    _run("revoke", str(ApiToken.objects.get().pk))
    response = client.get("/api/v1/forms", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401
    assert "需要身份验证" in response.json()["detail"]


def test_an_unknown_user_gets_no_token(city):
    with pytest.raises(CommandError, match="没有用户：mallory"):
        _run("create", "mallory")
    assert not ApiToken.objects.exists()


def test_a_token_expires_after_its_days_with_a_401_that_says_when(client, city, settings):
    settings.EDUPLAN_API_TOKEN_DAYS = 90
    with time_machine.travel(timezone.now(), tick=False) as clock:
        key, note = _run("create", "alice", "--days", "30")
        token = ApiToken.objects.get()
        assert token.expires - token.created == datetime.timedelta(days=30)
        expires = f"{timezone.localtime(token.expires):%Y-%m-%d %H:%M}"
        assert f"{expires} 到期" in note
        auth = {"Authorization": f"Bearer {key}"}
        clock.shift(datetime.timedelta(days=29))
        assert client.get("/api/v1/forms", headers=auth).status_code == 200
        clock.shift(datetime.timedelta(days=2))
        refused = client.get("/api/v1/forms", headers=auth)
        listing, _ = _run("list", "alice")
    assert refused.status_code == 401
    assert refused.json()["detail"] == (
        f"此接口令牌已于 {expires} 过期：请管理员重新签发（eduplan apitoken create）。"
    )
    assert f"已过期 {expires}" in listing


def test_a_token_runs_for_the_configured_days_by_default(city, settings):
    settings.EDUPLAN_API_TOKEN_DAYS = 7
    with time_machine.travel(timezone.now(), tick=False):
        _run("create", "bob")
    token = ApiToken.objects.get()
    assert token.expires - token.created == datetime.timedelta(days=7)


def test_a_token_must_run_at_least_a_day(city):
    with pytest.raises(CommandError, match="--days 至少为 1"):
        _run("create", "bob", "--days", "0")
    assert not ApiToken.objects.exists()
