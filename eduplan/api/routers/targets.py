"""GET /targets/status: every target of a plan for one org unit, as the CLI prints it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from eduplan.api.routers.base import BadRequest, Detail, Problems, caller
from eduplan.indicators.selectors import PeriodRefused, target_statuses_for

router = Router(tags=["targets"])


class TargetRow(Schema):
    target_id: int
    project: int | None
    work_point: int | None
    indicator: str
    unit: str
    org: str
    kind: str
    metric: str | None
    baseline: float | None
    goal: float | None
    due: str | None
    actual: float | None
    expected: float | None
    status: str
    status_label: str
    forecast: float | None
    progress: float | None
    expected_progress: float | None
    assessment: str | None
    # Why the figure only stands in for what the target says (临时口径); "" when it
    # measures it.
    provisional: str


class TargetStatusOut(Schema):
    plan: str
    at: str
    org: str
    targets: list[TargetRow]


@router.get(
    "/status",
    response={200: TargetStatusOut, 400: Problems, 401: Detail, 403: Detail, 404: Detail},
)
def target_status_get(
    request: HttpRequest, at: str | None = None, org: str | None = None, plan: str | None = None
) -> dict[str, Any]:
    """Statuses as of the end of `at` for `org` (default: the caller's area); checked:
    PLAN_VIEW on the plan and UNIT_VIEW on the org unit."""
    try:
        view = target_statuses_for(user=caller(request), plan_code=plan, at_code=at, org_code=org)
    except PeriodRefused as exc:
        raise BadRequest(str(exc), element="at") from None
    return {
        "plan": view.plan.code,
        "at": view.at.code,
        "org": view.unit.code,
        "targets": [row.as_json() for row in view.rows],
    }
