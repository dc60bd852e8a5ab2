"""Writes in indicators: an owner department's assessment of a target."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.periods import PeriodCodeError, PeriodType, period_from_code
from eduplan.indicators.models import Judgement, TargetAssessment
from eduplan.org.access import Action, User, can, signed_in
from eduplan.plans.models import Target

ERR_COMMENT = gettext_lazy("An assessment needs a comment saying why.")
ERR_NOT_OWNER = gettext_lazy(
    "Only the target's owner department or the supervision office assess it."
)


def target_may_assess(*, user: User, target: Target) -> bool:
    """The project's owner departments and the supervision office assess its targets;
    the supervision office assesses work points' targets."""
    owner = target.goal.project if target.goal is not None else target.plan
    return can(user, Action.PLAN_CHANGE, owner)


def target_assessment_record(
    *,
    user: User,
    target: Target,
    period_code: str,
    status: str,
    comment: str,
    progress: str | None = None,
    evidence: str = "",
    overrides: bool = False,
) -> TargetAssessment:
    """Record an assessment for a bimonthly period; refuses, storing nothing, without a
    comment, with a bad status, period or progress, or from someone who does not own it."""
    if not target_may_assess(user=user, target=target):
        raise PermissionDenied(str(ERR_NOT_OWNER))
    if not comment.strip():
        raise InputError(str(ERR_COMMENT), where="comment")
    if status not in Judgement.values:
        raise InputError(
            _("%(v)r is not one of: %(allowed)s")
            % {"v": status, "allowed": ", ".join(Judgement.values)},
            where="status",
        )
    try:
        period = period_from_code(period_code)
    except PeriodCodeError as exc:
        raise InputError(str(exc), where="period") from None
    if period.type is not PeriodType.BIMONTHLY:
        raise InputError(_("a bimonthly period is required (e.g. 2016B3)"), where="period")
    value = None
    if progress not in (None, ""):
        try:
            value = Decimal(str(progress))
        except InvalidOperation:
            raise InputError(
                _("a number is required, not %(v)r") % {"v": progress}, where="progress"
            ) from None
        if not Decimal(0) <= value <= Decimal(100):
            raise InputError(
                _("%(v)s is outside %(low)s–%(high)s") % {"v": value, "low": 0, "high": 100},
                where="progress",
            )
    return TargetAssessment.objects.create(
        target=target,
        period=period.code,
        status=status,
        progress=value,
        comment=comment.strip(),
        evidence=evidence.strip(),
        overrides=overrides,
        assessed_by=signed_in(user),
    )
