"""Writes to the org tree: loading a bureau's organisation (units and unit groups) and
adding units."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from eduplan.core.db import statistics_refresh
from eduplan.core.errors import InputError, date_from
from eduplan.core.figures_cache import figures_changed
from eduplan.org.models import (
    PATH_SEPARATOR,
    OrgGroup,
    OrgGroupMember,
    OrgUnit,
    Ownership,
    UnitType,
)

UNIT_TYPES = frozenset(UnitType.values)


@dataclass(frozen=True)
class UnitSpec:
    """An org unit to create, named by its parent's code."""

    code: str
    name: str
    type: str
    parent_code: str | None
    ownership: str = Ownership.PUBLIC
    opened_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    attributes: Mapping[str, Any] | None = None


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str | int) or not str(value).strip():
        raise InputError(_("a non-empty text is required"), where=where)
    text = str(value).strip()
    if PATH_SEPARATOR in text:
        raise InputError(_("“%(sep)s” may not appear here") % {"sep": PATH_SEPARATOR}, where=where)
    return text


def _optional_date(value: Any, where: str) -> datetime.date | None:
    return None if value is None else date_from(value, where=where)


def _tile(value: Any, where: str) -> list[int]:
    """A place on the schematic map: [row, column], counted from 0."""
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 20 for v in value)
    ):
        raise InputError(
            _("a map tile is [row, column], two whole numbers from 0 to 19"), where=where
        )
    return [int(value[0]), int(value[1])]


def unit_specs_from_data(*, data: Any, source: str) -> list[UnitSpec]:
    """Read an organisation file (root, departments, districts, units) into specs,
    refusing the first problem with its place in the file."""
    if not isinstance(data, Mapping):
        raise InputError(_("the file must hold a mapping at the top"), where=source)
    root = data.get("root")
    if not isinstance(root, Mapping):
        raise InputError(_("“root” (the bureau) is missing"), where=source)
    root_code = _text(root.get("code"), f"{source}: root.code")
    specs = [
        UnitSpec(
            code=root_code,
            name=_text(root.get("name"), f"{source}: root.name"),
            type=UnitType.BUREAU,
            parent_code=None,
        )
    ]
    groups: tuple[tuple[str, str], ...] = (
        ("departments", UnitType.DEPARTMENT),
        ("districts", UnitType.DISTRICT),
    )
    for key, unit_type in groups:
        items = data.get(key) or []
        if not isinstance(items, list):
            raise InputError(_("a list is required"), where=f"{source}: {key}")
        for i, item in enumerate(items):
            where = f"{source}: {key}[{i}]"
            if not isinstance(item, Mapping):
                raise InputError(_("a mapping with code and name is required"), where=where)
            attributes: dict[str, Any] = {"kind": item["kind"]} if "kind" in item else {}
            if "tile" in item:
                attributes["tile"] = _tile(item["tile"], f"{where}.tile")
            specs.append(
                UnitSpec(
                    code=_text(item.get("code"), f"{where}.code"),
                    name=_text(item.get("name"), f"{where}.name"),
                    type=unit_type,
                    parent_code=root_code,
                    attributes=attributes,
                )
            )
    for i, item in enumerate(data.get("units") or []):
        where = f"{source}: units[{i}]"
        if not isinstance(item, Mapping):
            raise InputError(
                _("a mapping with code, name, type and parent is required"), where=where
            )
        unit_type = _text(item.get("type"), f"{where}.type")
        if unit_type not in UNIT_TYPES:
            raise InputError(
                _("unknown unit type: %(type)s") % {"type": unit_type}, where=f"{where}.type"
            )
        specs.append(
            UnitSpec(
                code=_text(item.get("code"), f"{where}.code"),
                name=_text(item.get("name"), f"{where}.name"),
                type=unit_type,
                parent_code=_text(item.get("parent"), f"{where}.parent"),
                ownership=item.get("ownership", Ownership.PUBLIC),
                opened_on=_optional_date(item.get("opened_on"), f"{where}.opened_on"),
                closed_on=_optional_date(item.get("closed_on"), f"{where}.closed_on"),
            )
        )
    return specs


@dataclass(frozen=True)
class GroupMemberSpec:
    """One rule of a group: a unit (by code) and what of it counts."""

    unit_code: str
    reach: str  # OrgGroupMember.Reach
    where: str


@dataclass(frozen=True)
class GroupSpec:
    """A unit group to create (see `OrgGroup`), with the place it was read from."""

    code: str
    name: str
    description: str
    members: tuple[GroupMemberSpec, ...]
    where: str


GROUP_CODE_FORBIDDEN = ("@", PATH_SEPARATOR)
MEMBER_KEYS = {
    "unit": OrgGroupMember.Reach.SUBTREE,
    "schools_under": OrgGroupMember.Reach.SCHOOLS_UNDER,
}


def _member(value: Any, where: str) -> GroupMemberSpec:
    """A member is a unit code (the unit with its subtree) or `{schools_under: CODE}`."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        return GroupMemberSpec(_text(value, where), OrgGroupMember.Reach.SUBTREE, where)
    if isinstance(value, Mapping) and len(value) == 1 and next(iter(value)) in MEMBER_KEYS:
        key = next(iter(value))
        return GroupMemberSpec(_text(value[key], f"{where}.{key}"), MEMBER_KEYS[key], where)
    raise InputError(
        _("a member is a unit code, or {schools_under: CODE} for the schools under a unit"),
        where=where,
    )


def group_specs_from_data(*, data: Any, source: str) -> list[GroupSpec]:
    """Read the `groups:` section of an organisation file into specs, refusing the first
    problem with its place in the file (which units exist is checked on creation)."""
    if not isinstance(data, Mapping):
        raise InputError(_("the file must hold a mapping at the top"), where=source)
    items = data.get("groups") or []
    if not isinstance(items, list):
        raise InputError(_("a list is required"), where=f"{source}: groups")
    specs: list[GroupSpec] = []
    for i, item in enumerate(items):
        where = f"{source}: groups[{i}]"
        if not isinstance(item, Mapping):
            raise InputError(_("a mapping with code, name and members is required"), where=where)
        code = _text(item.get("code"), f"{where}.code")
        if any(c in code for c in GROUP_CODE_FORBIDDEN) or code != code.split()[0]:
            raise InputError(
                _("a group code has no spaces, “@” or “/”: %(code)s") % {"code": code},
                where=f"{where}.code",
            )
        description = item.get("description", "")
        if not isinstance(description, str):
            raise InputError(_("a text is required"), where=f"{where}.description")
        members = item.get("members")
        if not isinstance(members, list) or not members:
            raise InputError(_("a group needs a list of members"), where=f"{where}.members")
        parsed = tuple(_member(m, f"{where}.members[{j}]") for j, m in enumerate(members))
        seen: set[tuple[str, str]] = set()
        for member in parsed:
            if (member.unit_code, member.reach) in seen:
                raise InputError(
                    _("this member is listed twice: %(code)s") % {"code": member.unit_code},
                    where=member.where,
                )
            seen.add((member.unit_code, member.reach))
        specs.append(
            GroupSpec(
                code=code,
                name=_text(item.get("name"), f"{where}.name"),
                description=description.strip(),
                members=parsed,
                where=where,
            )
        )
    return specs


@transaction.atomic
def org_groups_create(*, specs: Iterable[GroupSpec]) -> list[OrgGroup]:
    """Create unit groups with their members, all or nothing.

    Refuses the whole batch, writing nothing, when a code or name repeats (in the batch
    or among the stored groups), a name is another group's code (bindings name a group
    by either), or a member names an unknown unit."""
    specs = list(specs)
    stored = list(OrgGroup.objects.values_list("code", "name"))
    codes = {code for code, _name in stored}
    names = {name for _code, name in stored}
    for spec in specs:
        if spec.code in codes or spec.code in names:
            raise InputError(
                _("a group with this code or name exists already: %(code)s") % {"code": spec.code},
                where=f"{spec.where}.code",
            )
        codes.add(spec.code)
    for spec in specs:
        if spec.name in names or spec.name in codes - {spec.code}:
            raise InputError(
                _("a group with this code or name exists already: %(code)s") % {"code": spec.name},
                where=f"{spec.where}.name",
            )
        names.add(spec.name)
    wanted = {m.unit_code for spec in specs for m in spec.members}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=wanted)}
    for spec in specs:
        for member in spec.members:
            if member.unit_code not in units:
                raise InputError(
                    _("unknown unit: %(code)s") % {"code": member.unit_code}, where=member.where
                )
    groups = OrgGroup.objects.bulk_create(
        OrgGroup(code=spec.code, name=spec.name, description=spec.description) for spec in specs
    )
    OrgGroupMember.objects.bulk_create(
        OrgGroupMember(group=group, unit=units[member.unit_code], reach=member.reach)
        for group, spec in zip(groups, specs, strict=True)
        for member in spec.members
    )
    figures_changed()
    return groups


@transaction.atomic
def org_file_load(*, data: Any, source: str) -> list[OrgUnit]:
    """Load an organisation file: its units, then the groups that name them; a problem
    anywhere refuses the whole file and changes nothing."""
    unit_specs = unit_specs_from_data(data=data, source=source)
    group_specs = group_specs_from_data(data=data, source=source)
    units = org_units_create(specs=unit_specs, source=source)
    org_groups_create(specs=group_specs)
    return units


@transaction.atomic
def org_units_create(*, specs: Iterable[UnitSpec], source: str = "") -> list[OrgUnit]:
    """Create units in bulk, parents before children (in the list or already stored).

    Refuses the whole batch, writing nothing, when a code repeats, a parent is
    unknown or dates are out of order.
    """
    specs = list(specs)
    seen: dict[str, int] = {}
    for i, spec in enumerate(specs):
        where = f"{source}#{i + 1} {spec.code}" if source else f"#{i + 1} {spec.code}"
        if spec.code in seen:
            raise InputError(
                _("unit code appears twice: %(code)s") % {"code": spec.code}, where=where
            )
        seen[spec.code] = i
        if spec.opened_on and spec.closed_on and spec.closed_on < spec.opened_on:
            raise InputError(_("a unit cannot close before it opens"), where=where)
    codes = list(seen)
    existing_codes = {
        code
        for start in range(0, len(codes), 5000)
        for code in OrgUnit.objects.filter(code__in=codes[start : start + 5000]).values_list(
            "code", flat=True
        )
    }
    if existing_codes:
        code = sorted(existing_codes)[0]
        raise InputError(
            _("unit code already exists: %(code)s") % {"code": code}, where=source or code
        )
    wanted_parents = {s.parent_code for s in specs if s.parent_code and s.parent_code not in seen}
    parents = {u.code: u for u in OrgUnit.objects.filter(code__in=wanted_parents)}
    paths: dict[str, tuple[str, int]] = {u.code: (u.path, u.depth) for u in parents.values()}
    units: list[OrgUnit] = []
    for i, spec in enumerate(specs):
        where = f"{source}#{i + 1} {spec.code}" if source else f"#{i + 1} {spec.code}"
        if spec.parent_code is None:
            path, depth = PATH_SEPARATOR + spec.code + PATH_SEPARATOR, 0
        elif spec.parent_code in paths:
            parent_path, parent_depth = paths[spec.parent_code]
            path, depth = parent_path + spec.code + PATH_SEPARATOR, parent_depth + 1
        else:
            raise InputError(
                _("unknown parent unit: %(code)s") % {"code": spec.parent_code}, where=where
            )
        paths[spec.code] = (path, depth)
        units.append(
            OrgUnit(
                code=spec.code,
                name=spec.name,
                type=spec.type,
                path=path,
                depth=depth,
                ownership=spec.ownership,
                opened_on=spec.opened_on,
                closed_on=spec.closed_on,
                attributes=dict(spec.attributes or {}),
            )
        )
    OrgUnit.objects.bulk_create(units, batch_size=1000)
    # Parents are set after the insert (bulk_create returns the new keys on SQLite and
    # PostgreSQL), so a batch may list children before the rows get their ids.
    by_code = {u.code: u for u in units} | parents
    for unit, spec in zip(units, specs, strict=True):
        unit.parent_id = by_code[spec.parent_code].pk if spec.parent_code else None
    OrgUnit.objects.bulk_update(units, ["parent"], batch_size=1000)
    figures_changed()
    statistics_refresh(OrgUnit)
    return units


@transaction.atomic
def org_unit_move(*, unit: OrgUnit, new_parent: OrgUnit) -> None:
    """Move a unit and its subtree under another parent, rewriting paths in one UPDATE."""
    if unit.contains(new_parent):
        raise InputError(_("a unit cannot move under itself"), where=unit.code)
    old_path = unit.path
    new_path = new_parent.path + unit.code + PATH_SEPARATOR
    depth_shift = new_parent.depth + 1 - unit.depth
    OrgUnit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_shift,
    )
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    figures_changed()
    unit.refresh_from_db()


def org_unit_close(*, unit: OrgUnit, on: datetime.date) -> None:
    """Close a unit: it stays in the tree and in the figures of the periods it was open."""
    if unit.opened_on and on < unit.opened_on:
        raise InputError(_("a unit cannot close before it opens"), where=unit.code)
    unit.closed_on = on
    unit.save(update_fields=["closed_on"])
