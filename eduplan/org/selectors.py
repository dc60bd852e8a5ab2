"""Reads of the org tree. Subtrees are prefix queries on the indexed path."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from eduplan.org.access import Action, can, membership_of
from eduplan.org.models import PATH_SEPARATOR, SCHOOL_TYPES, OrgUnit


def unit_subtree(*, unit: OrgUnit, include_self: bool = True) -> QuerySet[OrgUnit]:
    """The unit and everything under it, in one indexed query."""
    qs = OrgUnit.objects.filter(path__startswith=unit.path)
    return qs if include_self else qs.exclude(pk=unit.pk)


def open_between(start: datetime.date, end: datetime.date, *, prefix: str = "") -> Q:
    """Units open at any time in [start, end]: a unit closed later still counts for
    the periods it was open, one opened later does not count before it opened. `prefix`
    names the relation to the unit ("school__")."""
    return (Q(**{f"{prefix}opened_on__isnull": True}) | Q(**{f"{prefix}opened_on__lte": end})) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gte": start})
    )


def open_on(day: datetime.date, *, prefix: str = "") -> Q:
    """Units open on the day (opened by then and not closed before it)."""
    return open_between(day, day, prefix=prefix)


def units_open_between(
    qs: QuerySet[OrgUnit], *, start: datetime.date, end: datetime.date
) -> QuerySet[OrgUnit]:
    """Units of `qs` open at any time in [start, end]."""
    return qs.filter(open_between(start, end))


def unit_ancestors(*, unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors from the root down, read from its path in one query."""
    codes = [code for code in unit.path.split(PATH_SEPARATOR) if code][:-1]
    by_code = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    return [by_code[code] for code in codes if code in by_code]


def units_visible_to(*, user: Any) -> QuerySet[OrgUnit]:
    """Every unit the user may see: their scope's subtree, or nothing."""
    membership = membership_of(user)
    if membership is None or membership.scope is None:
        return OrgUnit.objects.none()
    if not can(user, Action.UNIT_VIEW, membership.scope):
        return OrgUnit.objects.none()
    return unit_subtree(unit=membership.scope)


def unit_children_with_school_counts(*, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The unit's children, each annotated with `open_schools` beneath it (one query)."""
    beneath = (
        OrgUnit.objects.filter(
            path__startswith=OuterRef("path"), type__in=SCHOOL_TYPES, closed_on__isnull=True
        )
        .order_by()
        .values(group=Value(1))
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        OrgUnit.objects.filter(parent=unit)
        .annotate(open_schools=Coalesce(Subquery(beneath), 0))
        .order_by("type", "code")
    )
