"""Reading the appraisal weights (data/weights-<year>.yaml) and storing them as a new
version when they changed.

The file's shape is declared once (`WeightsFile`) and checked by `core.loading`; what a
shape cannot say (a part listed twice for a kind, weights that do not add up to 100) is
checked after it, naming its place. Nothing is written unless the whole file passes.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from django.db import transaction
from django.utils.translation import gettext as _
from pydantic import Field

from eduplan.appraisal.models import Formula, Part, UnitKind, Weight, WeightSet
from eduplan.core.errors import InputError
from eduplan.core.loading import (
    Items,
    Number,
    Shape,
    WholeNumber,
    data_validate,
    place_of,
    yaml_file_load,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
WEIGHTS_FILE = DATA_DIR / "weights-2016.yaml"
WEIGHTS_TOTAL = Decimal(100)

PartWeight = Annotated[Number, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


class PartShape(Shape):
    part: Part
    weight: PartWeight
    formula: Formula


class KindsShape(Shape):
    department: Items[PartShape]
    district: Items[PartShape]


class WeightsFile(Shape):
    """A weights file: the year, and per kind of unit its parts with their weights."""

    year: Annotated[WholeNumber, Field(ge=2000, le=2100)]
    kinds: KindsShape


def _links_check(spec: WeightsFile, data: object, source: str) -> None:
    for kind in UnitKind:
        rows: list[PartShape] = getattr(spec.kinds, kind.value)
        seen: set[str] = set()
        for i, row in enumerate(rows):
            if row.part in seen:
                raise InputError(
                    _("part listed twice for this kind of unit"),
                    where=place_of(data=data, path=("kinds", kind.value, i, "part"), source=source),
                )
            seen.add(row.part)
        total = sum((row.weight for row in rows), Decimal(0))
        if total != WEIGHTS_TOTAL:
            raise InputError(
                _("the weights of %(kind)s add up to %(total)s, not 100")
                % {"kind": kind.value, "total": f"{total.normalize():f}"},
                where=place_of(data=data, path=("kinds", kind.value), source=source),
            )


def weights_file_read(*, path: Path) -> WeightsFile:
    """The weights file, checked whole; refused with the place of its first problem."""
    data = yaml_file_load(path=path)
    spec = data_validate(schema=WeightsFile, data=data, source=path.name)
    _links_check(spec, data, path.name)
    return spec


def _digest(spec: WeightsFile) -> str:
    text = json.dumps(spec.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def weights_load(*, path: Path = WEIGHTS_FILE) -> tuple[WeightSet, bool]:
    """Store the file's weights as the year's next version, unless they are the year's
    current weights already: (the current version, whether it is new)."""
    spec = weights_file_read(path=path)
    digest = _digest(spec)
    current = WeightSet.objects.filter(year=spec.year).order_by("-version").first()
    if current is not None and current.digest == digest:
        return current, False
    weight_set = WeightSet.objects.create(
        year=spec.year,
        version=(current.version + 1) if current is not None else 1,
        digest=digest,
        source=path.name,
    )
    Weight.objects.bulk_create(
        Weight(
            weight_set=weight_set,
            unit_kind=kind.value,
            part=row.part,
            weight=row.weight,
            formula=row.formula,
            order=i,
        )
        for kind in UnitKind
        for i, row in enumerate(getattr(spec.kinds, kind.value))
    )
    return weight_set, True
