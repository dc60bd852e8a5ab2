"""Reads in appraisal: which units a user may see the assessment of."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from eduplan.appraisal.models import UnitKind, WeightSet
from eduplan.appraisal.scoring import weights_current
from eduplan.org.access import Action, User, can
from eduplan.org.models import OrgUnit


def appraisal_units_for(*, user: User) -> list[OrgUnit]:
    """The departments and county-level units whose assessment the user may see, by kind
    then code (never by score: the list is not a ranking)."""
    units = OrgUnit.objects.filter(type__in=UnitKind.values).order_by("type", "code")
    return [u for u in units if can(user, Action.APPRAISAL_VIEW, u)]


def appraisal_unit(code: str) -> OrgUnit:
    """The appraised unit with this code (a department or a county-level unit), or 404."""
    return get_object_or_404(OrgUnit, code=code, type__in=UnitKind.values)


def weights_for_year(year: int) -> WeightSet:
    """The year's current weights, or 404 when none were loaded for it."""
    weights = weights_current(year)
    if weights is None:
        raise Http404(_("No appraisal weights were loaded for %(year)s.") % {"year": year})
    return weights
