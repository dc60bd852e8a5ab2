"""`eduplan apitoken`: a token is printed once, stored only as its hash, and works."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

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
