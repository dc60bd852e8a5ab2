"""Writes to the org tree: loading a bureau's organisation and adding units."""

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
from eduplan.org.models import PATH_SEPARATOR, OrgUnit, Ownership, UnitType

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
