"""Writes to the org tree: loading a bureau's organisation (units and unit groups) and
adding units."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from pydantic import AfterValidator, ConfigDict, Field, PlainValidator, model_validator

from eduplan.core.db import statistics_refresh
from eduplan.core.errors import InputError
from eduplan.core.figures_cache import figures_changed
from eduplan.core.loading import (
    Day,
    Items,
    OptionalText,
    Shape,
    Step,
    Text,
    WholeNumber,
    data_validate,
    place_of,
    refusal,
    yaml_file_load,
)
from eduplan.org.models import (
    PATH_SEPARATOR,
    OrgGroup,
    OrgGroupMember,
    OrgUnit,
    Ownership,
    UnitType,
)


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
    where: str = ""  # the unit's place in the file it was read from (units[3]), if any


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
    where_code: str = ""  # the place of its code in the file (where + ".code" by default)
    where_name: str = ""


# The organisation file's shape -------------------------------------------------------


def _separator_refused(text: str) -> str:
    if PATH_SEPARATOR in text:
        raise refusal(_("“%(sep)s” may not appear here") % {"sep": PATH_SEPARATOR})
    return text


def _group_code_checked(code: str) -> str:
    # Bindings put a group's code after "@" in their metric key.
    if any(c in code for c in GROUP_CODE_FORBIDDEN) or code != code.split()[0]:
        raise refusal(_("a group code has no spaces, “@” or “/”: %(code)s") % {"code": code})
    return code


def _member_read(value: Any) -> tuple[str, str]:
    """A member is a unit code (the unit with its subtree) or `{schools_under: CODE}`."""
    if isinstance(value, Mapping) and len(value) == 1 and next(iter(value)) in MEMBER_KEYS:
        key = next(iter(value))
        value, reach = value[key], MEMBER_KEYS[key]
    else:
        reach = OrgGroupMember.Reach.SUBTREE
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
        return _separator_refused(str(value).strip()), reach
    raise refusal(
        _("a member is a unit code, or {schools_under: CODE} for the schools under a unit")
    )


# A unit's code and name, as OrgUnit holds them.
Code = Annotated[Text, AfterValidator(_separator_refused), Field(max_length=32)]
Name = Annotated[Text, AfterValidator(_separator_refused), Field(max_length=200)]
TileIndex = Annotated[WholeNumber, Field(ge=0, le=19)]
GROUP_CODE_FORBIDDEN = ("@", PATH_SEPARATOR)
MEMBER_KEYS = {
    "unit": OrgGroupMember.Reach.SUBTREE,
    "schools_under": OrgGroupMember.Reach.SCHOOLS_UNDER,
}


class RootShape(Shape):
    code: Code
    name: Name
    type: Literal["bureau"] = "bureau"


class EntryShape(Shape):
    """A department or a district."""

    code: Code
    name: Name
    kind: Literal["urban", "county", "zone"] | None = None
    tile: tuple[TileIndex, TileIndex] | None = None  # [row, column] on the schematic map


class UnitShape(Shape):
    code: Code
    name: Name
    type: UnitType
    parent: Code
    ownership: Ownership = Ownership.PUBLIC
    opened_on: Day | None = None
    closed_on: Day | None = None

    @model_validator(mode="after")
    def _dates_check(self) -> Self:
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            raise refusal(_("a unit cannot close before it opens"), at=("closed_on",))
        return self


class GroupShape(Shape):
    code: Annotated[Code, AfterValidator(_group_code_checked)]
    name: Annotated[Name, Field(max_length=100)]
    description: OptionalText = ""
    members: Annotated[
        list[Annotated[tuple[str, str], PlainValidator(_member_read)]], Field(min_length=1)
    ]

    @model_validator(mode="after")
    def _members_check(self) -> Self:
        for j, member in enumerate(self.members):
            if member in self.members[:j]:
                raise refusal(
                    _("this member is listed twice: %(code)s") % {"code": member[0]},
                    at=("members", j),
                )
        return self


class GroupsShape(Shape):
    """The `groups:` section of an organisation file, whatever else the file holds."""

    model_config = ConfigDict(extra="ignore")
    groups: Items[GroupShape] = []


class OrgFile(Shape):
    """An organisation file (org/data/zhengzhou.yaml)."""

    root: RootShape
    departments: Items[EntryShape] = []
    districts: Items[EntryShape] = []
    units: Items[UnitShape] = []
    groups: Items[GroupShape] = []


# From the shape to the specifications ------------------------------------------------


def _unit_specs(checked: OrgFile, place: Callable[..., str]) -> list[UnitSpec]:
    root = checked.root
    specs = [UnitSpec(root.code, root.name, UnitType.BUREAU, None, where=place("root"))]
    entries = (("departments", UnitType.DEPARTMENT), ("districts", UnitType.DISTRICT))
    for key, unit_type in entries:
        for i, entry in enumerate(getattr(checked, key)):
            attributes: dict[str, Any] = {} if entry.kind is None else {"kind": entry.kind}
            if entry.tile is not None:
                attributes["tile"] = list(entry.tile)
            specs.append(
                UnitSpec(
                    entry.code,
                    entry.name,
                    unit_type,
                    root.code,
                    attributes=attributes,
                    where=place(key, i),
                )
            )
    for i, unit in enumerate(checked.units):
        specs.append(
            UnitSpec(
                code=unit.code,
                name=unit.name,
                type=unit.type.value,
                parent_code=unit.parent,
                ownership=unit.ownership.value,
                opened_on=unit.opened_on,
                closed_on=unit.closed_on,
                where=place("units", i),
            )
        )
    return specs


def _group_specs(groups: list[GroupShape], place: Callable[..., str]) -> list[GroupSpec]:
    return [
        GroupSpec(
            code=group.code,
            name=group.name,
            description=group.description,
            members=tuple(
                GroupMemberSpec(code, reach, place("groups", i, "members", j))
                for j, (code, reach) in enumerate(group.members)
            ),
            where=place("groups", i),
            where_code=place("groups", i, "code"),
            where_name=place("groups", i, "name"),
        )
        for i, group in enumerate(groups)
    ]


def _placer(data: Any, source: str) -> Callable[..., str]:
    def place(*path: Step) -> str:
        return place_of(data=data, path=path, source=source)

    return place


def unit_specs_from_data(*, data: Any, source: str) -> list[UnitSpec]:
    """Read an organisation file (root, departments, districts, units) into specs,
    refusing the first problem with its place in the file."""
    checked = data_validate(schema=OrgFile, data=data, source=source)
    return _unit_specs(checked, _placer(data, source))


def group_specs_from_data(*, data: Any, source: str) -> list[GroupSpec]:
    """Read the `groups:` section of an organisation file into specs, refusing the first
    problem with its place in the file (which units exist is checked on creation)."""
    checked = data_validate(schema=GroupsShape, data=data, source=source)
    return _group_specs(checked.groups, _placer(data, source))


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
                where=spec.where_code or f"{spec.where}.code",
            )
        codes.add(spec.code)
    for spec in specs:
        if spec.name in names or spec.name in codes - {spec.code}:
            raise InputError(
                _("a group with this code or name exists already: %(code)s") % {"code": spec.name},
                where=spec.where_name or f"{spec.where}.name",
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
    """Load an organisation file (as `core.loading.yaml_file_load` reads it, or data
    built in code): its units, then the groups that name them; a problem anywhere
    refuses the whole file, naming its place, and changes nothing."""
    checked = data_validate(schema=OrgFile, data=data, source=source)
    unit_specs = _unit_specs(checked, _placer(data, source))
    group_specs = _group_specs(checked.groups, _placer(data, source))
    units = org_units_create(specs=unit_specs, source=source)
    org_groups_create(specs=group_specs)
    return units


def org_path_load(*, path: Path) -> list[OrgUnit]:
    """Read an organisation file with `core.loading` (a refusal names file, line, column
    and path) and load it with `org_file_load`, all or nothing."""
    return org_file_load(data=yaml_file_load(path=path), source=path.name)


def _spec_place(spec: UnitSpec, index: int, source: str) -> str:
    """The unit's place in its file, or its number in the batch and its code."""
    return spec.where or (
        f"{source}#{index + 1} {spec.code}" if source else f"#{index + 1} {spec.code}"
    )


@transaction.atomic
def org_units_create(*, specs: Iterable[UnitSpec], source: str = "") -> list[OrgUnit]:
    """Create units in bulk, parents before children (in the list or already stored).

    Refuses the whole batch, writing nothing, when a code repeats, a parent is
    unknown or dates are out of order.
    """
    specs = list(specs)
    seen: dict[str, int] = {}
    for i, spec in enumerate(specs):
        where = _spec_place(spec, i, source)
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
        first = specs[seen[code]]
        raise InputError(
            _("unit code already exists: %(code)s") % {"code": code},
            where=first.where or source or code,
        )
    wanted_parents = {s.parent_code for s in specs if s.parent_code and s.parent_code not in seen}
    parents = {u.code: u for u in OrgUnit.objects.filter(code__in=wanted_parents)}
    paths: dict[str, tuple[str, int]] = {u.code: (u.path, u.depth) for u in parents.values()}
    units: list[OrgUnit] = []
    for i, spec in enumerate(specs):
        where = _spec_place(spec, i, source)
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
