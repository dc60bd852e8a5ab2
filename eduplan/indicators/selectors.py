"""Reads for pages and the API: a plan's target statuses for one org unit, checked."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from eduplan.core.metrics import UnknownMetric, metric
from eduplan.core.models import StoredMetric
from eduplan.core.periods import (
    Period,
    PeriodCodeError,
    PeriodType,
    period_containing,
    period_from_code,
)
from eduplan.indicators.models import TargetBinding
from eduplan.indicators.status import TargetStatus, target_status_list
from eduplan.org.access import Action, User, require, scope_of
from eduplan.org.models import OrgUnit
from eduplan.plans.models import Plan
from eduplan.plans.selectors import plan_default
from eduplan.reporting.metrics import due_metric_keys

ERR_NO_PLAN = gettext_lazy("No plan is loaded with code %(code)s.")
ERR_NO_UNIT = gettext_lazy("No org unit has the code %(code)s.")


class PeriodRefused(ValueError):
    pass


@dataclass(frozen=True)
class StatusView:
    plan: Plan
    unit: OrgUnit
    at: Period
    rows: list[TargetStatus]


def default_period(plan: Plan) -> Period:
    """The last bimonthly period that has ended, within the plan's years."""
    today = timezone.localdate()
    current = period_containing(today, PeriodType.BIMONTHLY).previous()
    last = Period(plan.end_year, PeriodType.BIMONTHLY, 6)
    first = Period(plan.start_year, PeriodType.BIMONTHLY, 1)
    return min(max(current, first), last)


def plan_and_unit_for(
    *, user: User, plan_code: str | None, org_code: str | None
) -> tuple[Plan, OrgUnit]:
    """The plan (the active one by default) and the org unit a user asks about: the
    plan's area for bureau-wide users, else their scope; `org_code` only where they may
    see it. Refuses with PermissionDenied outside the scope, Http404 for unknown codes."""
    plan = plan_default(plan_code)
    if plan is None:
        raise Http404(ERR_NO_PLAN % {"code": plan_code or ""})
    require(user, Action.PLAN_VIEW, plan)
    if org_code:
        unit = OrgUnit.objects.filter(code=org_code).first()
        if unit is None:
            raise Http404(ERR_NO_UNIT % {"code": org_code})
    else:
        scope = scope_of(user)
        if scope is None:
            raise PermissionDenied
        # Bureau-wide users see the plan's area; others their own.
        unit = plan.organisation if scope.contains(plan.organisation) else scope
    require(user, Action.UNIT_VIEW, unit)
    return plan, unit


def period_for(plan: Plan, at_code: str | None) -> Period:
    """The period asked for, or the plan's default; PeriodRefused for a bad code."""
    try:
        return period_from_code(at_code) if at_code else default_period(plan)
    except PeriodCodeError as exc:
        raise PeriodRefused(str(exc)) from None


def target_statuses_for(
    *, user: User, plan_code: str | None, at_code: str | None, org_code: str | None
) -> StatusView:
    """Every target's status for an org unit the user may see (their scope by default).

    Refuses with PermissionDenied outside the user's scope, Http404 for unknown codes and
    PeriodRefused for a bad period code."""
    plan, unit = plan_and_unit_for(user=user, plan_code=plan_code, org_code=org_code)
    at = period_for(plan, at_code)
    return StatusView(
        plan=plan, unit=unit, at=at, rows=target_status_list(plan=plan, at=at, unit=unit)
    )


def bound_metric_keys() -> list[str]:
    """Every metric a target is bound to (a ratio: its two parts), and every one stored:
    what the figures store should hold."""
    keys = set(StoredMetric.objects.values_list("key", flat=True))
    for key in TargetBinding.objects.values_list("metric_key", flat=True).distinct():
        try:
            m = metric(key)
        except UnknownMetric:
            continue
        keys.update(m.ratio_of or (key,))
    keys.update(due_metric_keys())  # who has reported, read by the dashboards
    return sorted(keys)
