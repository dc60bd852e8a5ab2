"""Reads of the org tree. Subtrees are prefix queries on the indexed path."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Length, StrIndex, Substr
from django.db.models.lookups import StartsWith
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.org.access import Action, User, can, scope_of
from eduplan.org.models import (
    PATH_SEPARATOR,
    SCHOOL_TYPES,
    Membership,
    OrgGroupMember,
    OrgUnit,
    UnitType,
)


def unit_subtree(*, unit: OrgUnit, include_self: bool = True) -> QuerySet[OrgUnit]:
    """The unit and everything under it, in one indexed query."""
    qs = OrgUnit.objects.filter(path__startswith=unit.path)
    return qs if include_self else qs.exclude(pk=unit.pk)


def rows_in_group(
    rows: QuerySet[Any], *, group_code: str, path: str = "unit_path"
) -> QuerySet[Any]:
    """Only the rows whose unit (its path in the field `path`) lies inside the group: under
    a `subtree` member, or under a school directly beneath a `schools_under` member (as the
    tree is now: schools added later belong).

    Two EXISTS inside the same query, each driven from the group's few member rows, so a
    figure stays one query whatever the number of members, and a member added to the
    group counts from the next figure on."""
    members = OrgGroupMember.objects.filter(group__code=group_code)
    under_member = members.filter(
        StartsWith(OuterRef(path), F("unit__path")), reach=OrgGroupMember.Reach.SUBTREE
    )
    # Under a `schools_under` member, the row's path one level below the member's is the
    # path of a unit (found by the unique path index, not by scanning the member's
    # children) that must be a school.
    below = Substr(OuterRef(OuterRef(path)), Length(OuterRef("unit__path")) + 1)
    child_path = Substr(
        OuterRef(OuterRef(path)),
        1,
        Length(OuterRef("unit__path")) + StrIndex(below, Value(PATH_SEPARATOR)),
    )
    under_school = members.filter(
        StartsWith(OuterRef(path), F("unit__path")),
        Exists(OrgUnit.objects.filter(path=child_path, type__in=SCHOOL_TYPES)),
        reach=OrgGroupMember.Reach.SCHOOLS_UNDER,
    )
    return rows.filter(Exists(under_member) | Exists(under_school))


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


def units_visible_to(*, user: User) -> QuerySet[OrgUnit]:
    """Every unit the user may see: their scope's subtree, or nothing."""
    scope = scope_of(user)
    if scope is None or not can(user, Action.UNIT_VIEW, scope):
        return OrgUnit.objects.none()
    return unit_subtree(unit=scope)


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


def unit_members(units: Iterable[OrgUnit]) -> dict[int, list[Any]]:
    """Active users who act for each unit: those whose scope is the unit, or for a
    department, its staff (one query). Whom reminders and notices go to."""
    units = list(units)
    departments = {u.pk for u in units if u.type == UnitType.DEPARTMENT}
    others = {u.pk for u in units if u.type != UnitType.DEPARTMENT}
    out: dict[int, list[Any]] = defaultdict(list)
    rows = Membership.objects.filter(
        Q(scope_id__in=others) | Q(department_id__in=departments), user__is_active=True
    ).select_related("user")
    for m in rows:
        if m.department_id in departments:
            out[m.department_id].append(m.user)
        if m.scope_id in others:
            out[m.scope_id].append(m.user)
    return out


ERR_UNIT_NAME_MISSING = gettext_lazy("Name the unit.")
ERR_UNIT_UNKNOWN = gettext_lazy("No unit has the code or name %(name)s.")
ERR_UNIT_AMBIGUOUS = gettext_lazy("Several units are called %(name)s; give its code.")
UNIT_SEPARATORS = re.compile(r"[,，、;；\s]+")


def unit_named(text: str, *, where: str) -> OrgUnit:
    """The unit with this code, or else this name; refused naming `where` otherwise."""
    name = text.strip()
    if not name:
        raise InputError(str(ERR_UNIT_NAME_MISSING), where=where)
    found = list(OrgUnit.objects.filter(Q(code=name) | Q(name=name))[:3])
    by_code = [u for u in found if u.code == name]
    if by_code:
        return by_code[0]
    if not found:
        raise InputError(str(ERR_UNIT_UNKNOWN) % {"name": name}, where=where)
    if len(found) > 1:
        raise InputError(str(ERR_UNIT_AMBIGUOUS) % {"name": name}, where=where)
    return found[0]


def units_named(text: str, *, where: str) -> list[OrgUnit]:
    """Units listed by code or name, separated by commas, 、 or spaces (each once)."""
    units: dict[int, OrgUnit] = {}
    for name in UNIT_SEPARATORS.split(text.strip()):
        if name:
            unit = unit_named(name, where=where)
            units.setdefault(unit.pk, unit)
    return list(units.values())
