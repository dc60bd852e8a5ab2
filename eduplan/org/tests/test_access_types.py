"""The typed access helpers: who is signed in, and decorators that pass URL arguments
through to the loader and the loaded target to the view."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from eduplan.org.access import (
    AccessRule,
    Action,
    declared_rule,
    membership_of,
    public,
    requires,
    signed_in,
)
from eduplan.org.models import OrgUnit


def _request(user) -> HttpRequest:
    request = RequestFactory().get("/units/x/")
    request.user = user
    return request


def test_signed_in_is_the_user_for_a_signed_in_user(city):
    alice = city.users["alice"]
    assert signed_in(alice) is alice


def test_signed_in_refuses_an_anonymous_visitor():
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        signed_in(AnonymousUser())


def test_an_anonymous_visitor_has_no_membership(city):
    assert membership_of(AnonymousUser()) is None
    assert membership_of(city.users["alice"]).scope == city.jinshui_one


loaded: list[str] = []


def _unit(code: str) -> OrgUnit:
    loaded.append(code)
    return OrgUnit.objects.get(code=code)


@requires(Action.UNIT_VIEW, load=_unit)
def unit_name(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    return HttpResponse(unit.name)


def test_requires_passes_the_url_arguments_to_the_loader_and_its_result_to_the_view(city):
    loaded.clear()
    response = unit_name(_request(city.users["alice"]), code="410105-P1")
    assert response.content.decode() == "金水一小"
    assert loaded == ["410105-P1"]
    assert declared_rule(unit_name) == AccessRule(Action.UNIT_VIEW)
    assert unit_name.__name__ == "unit_name"


def test_requires_refuses_outside_the_scope_and_sends_a_visitor_to_log_in(city):
    with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
        unit_name(_request(city.users["alice"]), code="410103-P1")
    loaded.clear()
    response = unit_name(_request(AnonymousUser()), code="410105-P1")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert loaded == []  # nothing is loaded for a visitor


@public
def echo(request: HttpRequest, year: int, *, code: str) -> HttpResponse:
    return HttpResponse(f"{year} {code}")


def test_public_passes_the_url_arguments_through_and_declares_no_action():
    response = echo(_request(AnonymousUser()), 2016, code="B3")
    assert response.content.decode() == "2016 B3"
    assert declared_rule(echo) == AccessRule(None)
