"""The Content-Security-Policy header built once (core/csp.py) is the one django-csp builds,
follows the settings, and leaves a response with a policy of its own to django-csp."""

from __future__ import annotations

from typing import Any

from csp.constants import HEADER, NONCE
from csp.decorators import csp_update
from csp.utils import build_policy
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from eduplan.core.csp import CSPMiddleware


def _through(view) -> tuple[Any, Any]:
    request = RequestFactory().get("/")
    return request, CSPMiddleware(view)(request)


def _directives(header: str) -> set[str]:
    """A policy's directives (django-csp writes them in no fixed order)."""
    return {d.strip() for d in header.split(";")}


def _plain(_request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_a_plain_response_gets_the_policy_django_csp_builds():
    _request, response = _through(_plain)
    assert response[HEADER] == build_policy()
    assert "frame-ancestors 'none'" in response[HEADER]


def test_the_policy_follows_the_settings():
    policy = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["https://tiles.example"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        _request, response = _through(_plain)
        assert _directives(response[HEADER]) == {
            "default-src 'self'",
            "img-src https://tiles.example",
        }
    _request, response = _through(_plain)
    assert "tiles.example" not in response[HEADER]


def test_a_views_own_policy_and_a_nonce_go_through_django_csp():
    @csp_update({"img-src": "https://tiles.example"})
    def updated(_request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    _request, response = _through(updated)
    assert "img-src 'self' data: https://tiles.example" in response[HEADER]

    def with_nonce(request: HttpRequest) -> HttpResponse:
        str(request.csp_nonce)  # type: ignore[attr-defined]
        return HttpResponse("ok")

    policy = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        request, response = _through(with_nonce)
    nonce = request._csp_nonce
    assert _directives(response[HEADER]) == {
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
    }


def test_a_header_already_set_is_kept():
    def own(_request: HttpRequest) -> HttpResponse:
        response = HttpResponse("ok")
        response[HEADER] = "default-src 'none'; sandbox"
        return response

    _request, response = _through(own)
    assert response[HEADER] == "default-src 'none'; sandbox"
