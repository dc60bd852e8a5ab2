"""The JSON API under /api/v1/: ninja routers over the reporting services.

`AccessMiddleware` refuses any view without an access rule. The API's URLs carry
`CHECKED_INSIDE`: the middleware lets them through because ninja authenticates every
operation (401 without a token or session) and every operation checks the caller's
scope itself, through `require`/`can` and the services (see each router's docstring;
`tests/test_api_access.py` fails if an operation is not in its permission matrix).

No docs page: ninja's Swagger page loads its assets from a CDN, and intranets have no
internet. The schema is at /api/v1/openapi.json.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.operation import Operation
from ninja.parser import Parser

from eduplan.api.auth import BrowserSessionAuth, TokenAuth, TokenExpired
from eduplan.api.routers import (
    census,
    completeness,
    football,
    forms,
    ledger_review,
    ledgers,
    submissions,
    targets,
    teachers,
)
from eduplan.api.routers.base import MAX_PROBLEMS, MESSAGE_LIMIT, BadRequest
from eduplan.core.db_pool import statements_prepared
from eduplan.core.errors import InputError, StaleRevision, echoed
from eduplan.core.text import text_clean_tree
from eduplan.org.access import AccessRule, AccessView, access_rule_declare
from eduplan.reporting.idempotency import KeyReused
from eduplan.reporting.services import ConflictError, SubmissionInvalid

ERR_UNAUTHENTICATED = gettext_lazy(
    "Authentication required: send “Authorization: Bearer <token>” or log in."
)
ERR_TOKEN_EXPIRED = gettext_lazy(
    "This API token expired on {date}: ask an administrator for a new one "
    "(eduplan apitoken create)."
)
ERR_FORBIDDEN = gettext_lazy("You may not do this here.")
ERR_NOT_FOUND = gettext_lazy("Not found.")
ERR_INVALID = gettext_lazy("The request was refused; see the problems.")
ERR_KEY_REUSED = gettext_lazy("This Idempotency-Key was used for a different request.")
ERR_MORE = gettext_lazy("… and %(n)s more problems, left out of this answer.")
# Fields whose InputError (e.g. "a reason is required") belongs to one field of the body.
BODY_FIELDS = frozenset({"reason", "comment", "revision"})
# Places inside a list of the body (the census's `classes[3].pupils`), named as they are.
BODY_LISTS = ("classes[",)


class EduPlanApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Operation ids are the view functions' names (form_list, submission_put …)."""
        return operation.view_func.__name__


class CleanTextParser(Parser):
    """JSON bodies with every string cleaned at the edge (core.text), as web forms are."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        body: dict[str, Any] = text_clean_tree(super().parse_body(request))
        return body


api = EduPlanApi(
    parser=CleanTextParser(),
    title="EduPlan API",
    version="1",
    description="教育重点工作督办平台 JSON API: forms, submissions, completeness.",
    auth=[TokenAuth(), BrowserSessionAuth()],
    docs_url=None,
    urls_namespace="api_v1",
)
api.add_router("/forms", forms.router)
api.add_router("/submissions", submissions.router)
api.add_router("/completeness", completeness.router)
api.add_router("/targets", targets.router)
api.add_router("/ledgers", ledger_review.router)
api.add_router("/ledgers", ledgers.router)
api.add_router("/census", census.router)
api.add_router("/football", football.router)
api.add_router("/teachers", teachers.router)


def _detail(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


def _problems(request: HttpRequest, problems: list[dict[str, str]]) -> HttpResponse:
    """A 400 whose size does not grow with the request: at most MAX_PROBLEMS problems (the
    last one counting those left out), each element name and message cut short."""
    shown = [
        {
            "element": echoed(p["element"]),
            "message": echoed(p["message"], limit=MESSAGE_LIMIT),
            "severity": p["severity"],
        }
        for p in problems[:MAX_PROBLEMS]
    ]
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        shown.append({"element": "", "message": str(ERR_MORE % {"n": more}), "severity": "error"})
    body = {"detail": str(ERR_INVALID), "problems": shown}
    return api.create_response(request, body, status=400)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _detail(request, str(ERR_UNAUTHENTICATED), 401)


@api.exception_handler(TokenExpired)
def _token_expired(request: HttpRequest, exc: TokenExpired) -> HttpResponse:
    expires = timezone.localtime(exc.expires)
    return _detail(request, str(ERR_TOKEN_EXPIRED).format(date=f"{expires:%Y-%m-%d %H:%M}"), 401)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _detail(request, str(exc) or str(ERR_FORBIDDEN), 403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _detail(request, str(exc) or str(ERR_NOT_FOUND), 404)


@api.exception_handler(ConflictError)
def _conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return _detail(request, str(exc), 409)


@api.exception_handler(StaleRevision)
def _stale(request: HttpRequest, exc: StaleRevision) -> HttpResponse:
    return _detail(request, str(exc), 409)


@api.exception_handler(KeyReused)
def _key_reused(request: HttpRequest, exc: KeyReused) -> HttpResponse:
    return _detail(request, str(ERR_KEY_REUSED), 422)


@api.exception_handler(SubmissionInvalid)
def _invalid(request: HttpRequest, exc: SubmissionInvalid) -> HttpResponse:
    return _problems(
        request,
        [
            {"element": p.element, "message": p.message, "severity": p.severity}
            for p in exc.problems
        ],
    )


@api.exception_handler(InputError)
def _input_error(request: HttpRequest, exc: InputError) -> HttpResponse:
    element = exc.where if exc.where in BODY_FIELDS or exc.where.startswith(BODY_LISTS) else ""
    return _problems(request, [{"element": element, "message": exc.message, "severity": "error"}])


@api.exception_handler(BadRequest)
def _bad_request(request: HttpRequest, exc: BadRequest) -> HttpResponse:
    return _problems(
        request, [{"element": exc.element, "message": exc.message, "severity": "error"}]
    )


@api.exception_handler(ValidationError)
def _malformed(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        where = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        problems.append(
            {
                "element": ".".join(where),
                "message": str(error.get("msg", "")),
                "severity": "error",
            }
        )
    return _problems(request, problems)


@dataclass(frozen=True)
class CheckedInside(AccessRule):
    """The view authenticates its caller and checks scope in every operation."""


CHECKED_INSIDE = CheckedInside(None)


def checked_inside(view: Callable[..., HttpResponseBase]) -> AccessView[...]:
    """Wrap one of the API's views so that it declares `CHECKED_INSIDE`."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # The same few statements on every request: prepared once per pooled connection.
        with statements_prepared():
            return view(request, *args, **kwargs)

    return access_rule_declare(wrapper, CHECKED_INSIDE)


def _declared(patterns: list[Any]) -> list[URLPattern]:
    out = []
    for p in patterns:
        assert isinstance(p, URLPattern), "the API has no nested includes"
        out.append(URLPattern(p.pattern, checked_inside(p.callback), p.default_args, p.name))
    return out


_patterns, _app_name, _namespace = api.urls
# Included as `path("api/v1/", api_urls)` in eduplan/urls.py.
api_urls = (_declared(_patterns), _app_name, _namespace)
