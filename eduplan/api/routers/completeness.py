"""GET /completeness/{form}/{period}: reporting rates under a unit and per child unit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from eduplan.api.routers.base import Detail, Problems, caller, load_form, load_period, load_unit
from eduplan.org.access import Action, require, scope_of
from eduplan.org.models import OrgUnit
from eduplan.reporting.selectors import Completeness, completeness, completeness_by_child

router = Router(tags=["completeness"])


class Rates(Schema):
    expected: int
    submitted: int
    on_time: int
    late: int
    missing: int
    approved: int
    rate: float | None


class ChildRates(Rates):
    code: str
    name: str


class CompletenessOut(Rates):
    code: str
    name: str
    children: list[ChildRates]


def _rates(unit: OrgUnit, rates: Completeness) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "expected": rates.expected,
        "submitted": rates.submitted,
        "on_time": rates.on_time,
        "late": rates.late,
        "missing": rates.missing,
        "approved": rates.approved,
        "rate": rates.rate,
    }


@router.get(
    "/{form}/{period}",
    response={200: CompletenessOut, 400: Problems, 401: Detail, 403: Detail, 404: Detail},
)
def completeness_get(
    request: HttpRequest, form: str, period: str, org: str | None = None
) -> dict[str, Any]:
    """Rates under `org` (default: the caller's scope), checked: REPORT_VIEW on it."""
    user = caller(request)
    found = load_form(form)
    parsed = load_period(found, period)
    if org:
        unit = load_unit(org)
    else:
        scope = scope_of(user)
        if scope is None:
            raise PermissionDenied
        unit = scope
    require(user, Action.REPORT_VIEW, unit)
    rows = completeness_by_child(form=found, period=parsed.code, unit=unit)
    return {
        **_rates(unit, completeness(form=found, period=parsed.code, unit=unit)),
        "children": [_rates(row["unit"], row["completeness"]) for row in rows],
    }
