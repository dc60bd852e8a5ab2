"""The inspection checklists as data (data/checklists.yaml): one list of items per
object type, read and checked whole by `checklists_load`."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from pydantic import Field

from eduplan.core.errors import InputError
from eduplan.core.loading import Items, Shape, Text, data_validate, place_of, yaml_file_load
from eduplan.safety.models import ObjectType, Severity

CHECKLISTS_FILE = Path(__file__).resolve().parent / "data" / "checklists.yaml"


class ItemShape(Shape):
    code: Text = Field(max_length=20)
    text: Text = Field(max_length=300)
    severity: Severity


class ChecklistsFile(Shape):
    building: Items[ItemShape]
    bus: Items[ItemShape]


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    text: str
    severity: Severity


Checklists = dict[ObjectType, list[ChecklistItem]]


def checklists_load(*, path: Path = CHECKLISTS_FILE) -> Checklists:
    """Every object type's checklist; a file with a missing list, an unknown key, a bad
    severity, an empty list or a code used twice is refused, naming the place."""
    data = yaml_file_load(path=path)
    shape = data_validate(schema=ChecklistsFile, data=data, source=path.name)
    found: Checklists = {}
    seen: set[str] = set()
    for object_type in ObjectType:
        items: list[ItemShape] = getattr(shape, object_type.value)
        if not items:
            raise InputError(
                _("a checklist needs at least one item"),
                where=place_of(data=data, path=(object_type.value,), source=path.name),
            )
        for i, item in enumerate(items):
            if item.code in seen:
                raise InputError(
                    _("checklist item code %(code)s used twice") % {"code": item.code},
                    where=place_of(
                        data=data, path=(object_type.value, i, "code"), source=path.name
                    ),
                )
            seen.add(item.code)
        found[object_type] = [ChecklistItem(i.code, i.text, Severity(i.severity)) for i in items]
    return found


@functools.cache
def checklists() -> Checklists:
    """The shipped checklists, read once per process."""
    return checklists_load()


def checklist_item(*, object_type: str, code: str) -> ChecklistItem | None:
    """The item of that object type's checklist with the code, or None."""
    return next((i for i in checklists()[ObjectType(object_type)] if i.code == code), None)
