"""Writes in appraisal: adjustments to a unit's score (the weights are loaded by
`loading.weights_load`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.appraisal.models import Adjustment, UnitKind
from eduplan.core.errors import InputError
from eduplan.org.access import Action, User, require, signed_in
from eduplan.org.models import OrgUnit

ERR_REASON = gettext_lazy("Give the reason for the adjustment.")
ERR_POINTS = gettext_lazy(
    "Points are a number from -100 to 100 other than 0, with one decimal place at most."
)
ERR_UNIT = gettext_lazy("Only departments and county-level units are appraised.")
ERR_KEY_REUSED = gettext_lazy(
    "This form was already used for a different adjustment; reload the page."
)
MAX_POINTS = Decimal(100)


def _points_checked(points: str | Decimal) -> Decimal:
    try:
        value = Decimal(str(points).strip())
    except InvalidOperation:
        raise InputError(str(ERR_POINTS), where="points") from None
    if (
        not value.is_finite()
        or value == 0
        or abs(value) > MAX_POINTS
        or value != value.quantize(Decimal("0.1"))
    ):
        raise InputError(str(ERR_POINTS), where="points")
    return value.quantize(Decimal("0.1"))


def adjustment_record(
    *, user: User, unit: OrgUnit, year: int, points: str | Decimal, reason: str, request_key: str
) -> Adjustment:
    """Record an adjustment of a unit's score for a year, by a leader or the supervision
    office, with its reason; a retried request (same key) returns the one stored."""
    require(user, Action.APPRAISAL_ADJUST, unit)
    if unit.type not in UnitKind.values:
        raise InputError(str(ERR_UNIT), where="unit")
    value = _points_checked(points)
    reason = reason.strip()
    if not reason:
        raise InputError(str(ERR_REASON), where="reason")
    if not request_key:
        raise InputError(_("The form has no request key; reload the page."), where="request_key")
    try:
        with transaction.atomic():
            return Adjustment.objects.create(
                unit=unit,
                year=year,
                points=value,
                reason=reason,
                made_by=signed_in(user),
                request_key=request_key,
            )
    except IntegrityError:
        stored = Adjustment.objects.filter(made_by=signed_in(user), request_key=request_key).first()
        if stored is None:
            raise
        if (stored.unit_id, stored.year, stored.points, stored.reason) != (
            unit.pk,
            year,
            value,
            reason,
        ):
            raise InputError(str(ERR_KEY_REUSED), where="request_key") from None
        return stored
