"""GET /forms: every form with its current version and elements."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema

from eduplan.api.routers.base import Detail, Problems, caller
from eduplan.org.access import Action, can, scope_of
from eduplan.reporting.models import Form, FormVersion
from eduplan.reporting.services import form_definition
from eduplan.reporting.values import decimals_of, upper_bound

router = Router(tags=["forms"])


class ElementOut(Schema):
    code: str
    name: str
    type: str
    unit: str
    required: bool
    min: float | None
    max: float | None = Field(
        description="The largest value taken: the element's own, else for a count "
        "(integer) the platform's configured bound"
    )
    decimals: int | None = Field(
        description="For numbers: the most decimals a value may have (more are refused)"
    )
    choices: list[str]


class FormOut(Schema):
    code: str
    name: str
    period_type: str
    due_days: int
    version: int | None
    digest: str
    elements: list[ElementOut]


@router.get("", response={200: list[FormOut], 400: Problems, 401: Detail, 403: Detail})
def form_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every form, for anyone who may read reports somewhere (checked: REPORT_VIEW on
    the caller's own scope)."""
    user = caller(request)
    scope = scope_of(user)
    if scope is None or not can(user, Action.REPORT_VIEW, scope):
        raise PermissionDenied
    forms = (
        Form.objects.select_related("current_version")
        .defer("current_version__definition")  # read only for a version not yet parsed
        .order_by("code")
    )
    return [
        {
            "code": form.code,
            "name": form.name,
            "period_type": form.period_type,
            "due_days": form.due_days,
            "version": form.current_version.number if form.current_version else None,
            "digest": form.current_version.digest if form.current_version else "",
            "elements": _elements_out(form.current_version) if form.current_version else [],
        }
        for form in forms
    ]


def _elements_out(version: FormVersion) -> list[dict[str, Any]]:
    """A version's elements as the API shows them: plain values, which ninja validates
    once into the response (ElementOut objects built here were validated twice)."""
    return [
        {
            "code": e.code,
            "name": e.name,
            "type": e.type,
            "unit": e.unit,
            "required": e.required,
            "min": e.min,
            "max": upper_bound(e),
            "decimals": decimals_of(e) if e.numeric else None,
            "choices": list(e.choices),
        }
        for e in form_definition(version).elements
    ]
