"""Ledger definitions as data: a ledger file's shape, its checks, and its canonical form.

A definition is canonicalised to JSON; its SHA-256 is the version's content hash, so the
same file loaded twice is the same version and any change makes a new one (as forms do).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, Self

from django.utils.translation import gettext as _
from pydantic import Field, model_validator

from eduplan.core.errors import InputError
from eduplan.core.loading import (
    Amount,
    Flag,
    Items,
    OptionalText,
    Shape,
    Step,
    Text,
    WholeNumber,
    data_validate,
    place_of,
    refusal,
)
from eduplan.org.models import Ownership, UnitType

FieldType = Literal[
    "text",
    "number",
    "integer",
    "date",
    "choice",
    "multi_choice",
    "yes_no",
    "unit",
    "file",
    "person",
]
MetricKind = Literal["count", "sum", "distinct_units", "latest"]
Code = Annotated[Text, Field(max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
Name = Annotated[Text, Field(max_length=200)]
# The record's year, usable in unique keys beside field codes.
YEAR = "year"
WhereValue = str | int | bool | list[str | int | bool]


class Relevance(Shape):
    """Shown (and allowed) only when `field` has a value, or one of `values`."""

    field: Code
    values: Items[Text | int | bool] = []


class UnitTypesBy(Shape):
    """The kinds of unit a unit field takes, by the value of a choice field (a 美育示范县
    is a district, a 美育示范学校 a school)."""

    field: Code
    types: dict[Text, Items[UnitType]]


class FieldShape(Shape):
    code: Code
    label: Name
    type: FieldType
    required: Flag = False
    help: OptionalText = ""
    unit: Annotated[OptionalText, Field(max_length=20)] = ""
    min: Amount | None = None
    max: Amount | None = None
    pattern: OptionalText = ""
    choices: Items[Text] = []
    unit_types: Items[UnitType] = []
    unit_types_by: UnitTypesBy | None = None
    ownership: Ownership | None = None  # a unit field: only units run so (the directory)
    relevant: Relevance | None = None
    public: Flag = False
    decimals: Annotated[WholeNumber, Field(ge=0, le=4)] | None = None

    @model_validator(mode="after")
    def _consistency_check(self) -> Self:
        if self.decimals is not None and self.type != "number":
            raise refusal(_("decimals are for numbers"), at=("decimals",))
        if self.type in {"choice", "multi_choice"} and not self.choices:
            raise refusal(_("a choice field needs choices"), at=("choices",))
        if self.min is not None and self.max is not None and self.max < self.min:
            raise refusal(_("max is below min"), at=("max",))
        if self.type == "person" and self.public:
            raise refusal(_("a person field is private and can never be public"), at=("public",))
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise refusal(
                    _("not a regular expression: %(err)s") % {"err": exc}, at=("pattern",)
                ) from None
        return self


class KeeperShape(Shape):
    """Who enters the records: one department's staff, or whoever reports for the
    record's unit (the school itself, its district)."""

    department: Text | None = None
    units: Flag = False
    # With units: the unit itself keeps its records ("unit"), or the district over it
    # ("district"; a unit outside any district keeps its own). See ledgers/review.py.
    level: Literal["unit", "district"] = "unit"

    @model_validator(mode="after")
    def _one_keeper(self) -> Self:
        if (self.department is None) == (not self.units):
            raise refusal(_("name either a department or “units: true”"))
        if self.level != "unit" and not self.units:
            raise refusal(_("a keeping level needs “units: true”"), at=("level",))
        return self


class ReviewShape(Shape):
    """Records go submitted → approved or returned, decided one level up: the district
    over a school; for a unit outside any district, `department` (or, without one, the
    supervision office). See ledgers/review.py."""

    by: Literal["next_level"]
    department: Text | None = None


class MetricShape(Shape):
    code: Code
    name: Name
    unit: Annotated[OptionalText, Field(max_length=20)] = ""
    kind: MetricKind = "count"
    field: Code | None = None  # summed (sum) or read (latest)
    date: Code | None = None  # the date field that places a record in time; default the ledger's
    where: dict[str, WhereValue] = {}
    description: OptionalText = ""

    @model_validator(mode="after")
    def _field_needed(self) -> Self:
        if self.kind in {"sum", "latest"} and self.field is None:
            raise refusal(_("a %(kind)s metric needs a field") % {"kind": self.kind}, at=("kind",))
        return self


class LedgerShape(Shape):
    """A ledger file (ledgers/data/*.yaml)."""

    code: Code
    name: Name
    description: OptionalText = ""
    project: int | None = None  # the plan's project (工程) it serves, for the index page
    keeper: KeeperShape
    review: ReviewShape | None = None
    unit: Code  # the unit field: which org unit a record belongs to
    date: Code  # the date field: when a record counts
    unique: Items[Code] = []
    public: Flag = False
    fields: Annotated[list[FieldShape], Field(min_length=1)]
    metrics: Items[MetricShape] = []


class LedgerDefinition:
    """A checked ledger definition (as stored in a LedgerVersion)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.code: str = data["code"]
        self.name: str = data["name"]
        self.fields: list[dict[str, Any]] = data["fields"]
        self.by_code = {f["code"]: f for f in self.fields}
        self.metrics: list[dict[str, Any]] = data.get("metrics") or []
        self.unit_field: str = data["unit"]
        self.date_field: str = data["date"]
        self.unique: list[str] = data.get("unique") or []
        self.keeper: dict[str, Any] = data["keeper"]
        self.public: bool = bool(data.get("public"))
        self.review: dict[str, Any] | None = data.get("review")
        self._private = frozenset(f["code"] for f in self.fields if f["type"] == "person")

    @property
    def digest(self) -> str:
        canonical = json.dumps(self.data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def private_codes(self) -> frozenset[str]:
        return self._private

    def public_codes(self) -> list[str]:
        return [f["code"] for f in self.fields if f.get("public")]

    def metric(self, code: str) -> dict[str, Any] | None:
        return next((m for m in self.metrics if m["code"] == code), None)


def _fields_check(ledger: LedgerShape, place: Callable[..., str]) -> None:
    """Field codes unique; the unit, date, unique and relevance fields exist and fit."""
    codes: dict[str, FieldShape] = {}
    for i, f in enumerate(ledger.fields):
        if f.code in codes or f.code == YEAR:
            raise InputError(
                _("field code appears twice or is reserved: %(code)s") % {"code": f.code},
                where=place("fields", i, "code"),
            )
        codes[f.code] = f
    wanted = {"unit": ("unit",), "date": ("date",)}
    for key, types in wanted.items():
        found = codes.get(getattr(ledger, key))
        if found is None or found.type not in types or not found.required:
            raise InputError(
                _("name a required %(type)s field of this ledger") % {"type": types[0]},
                where=place(key),
            )
    for i, code in enumerate(ledger.unique):
        if code != YEAR and code not in codes:
            raise InputError(_("no field %(code)s") % {"code": code}, where=place("unique", i))
    for i, f in enumerate(ledger.fields):
        _unit_types_by_check(f, codes, place("fields", i, "unit_types_by"))
        if f.relevant is not None and f.relevant.field not in codes:
            raise InputError(
                _("no field %(code)s") % {"code": f.relevant.field},
                where=place("fields", i, "relevant", "field"),
            )


def _unit_types_by_check(f: FieldShape, codes: dict[str, FieldShape], where: str) -> None:
    """`unit_types_by` belongs to a unit field and names a choice field and its choices."""
    rule = f.unit_types_by
    if rule is None:
        return
    other = codes.get(rule.field)
    if f.type != "unit" or other is None or other.type != "choice":
        raise InputError(_("name a choice field of this ledger, on a unit field"), where=where)
    for value in rule.types:
        if value not in other.choices:
            raise InputError(
                _("%(value)s is not a choice of %(code)s") % {"value": value, "code": other.code},
                where=where,
            )


def _metrics_check(ledger: LedgerShape, place: Callable[..., str]) -> None:
    codes = {f.code: f for f in ledger.fields}
    seen: set[str] = set()
    for i, m in enumerate(ledger.metrics):
        if m.code in seen:
            raise InputError(
                _("metric code appears twice: %(code)s") % {"code": m.code},
                where=place("metrics", i, "code"),
            )
        seen.add(m.code)
        if m.field is not None:
            found = codes.get(m.field)
            numeric = m.kind == "sum" or m.kind == "latest"
            if found is None or (numeric and found.type not in {"number", "integer"}):
                raise InputError(
                    _("name a number field of this ledger"), where=place("metrics", i, "field")
                )
        if m.date is not None and (m.date not in codes or codes[m.date].type != "date"):
            raise InputError(
                _("name a date field of this ledger"), where=place("metrics", i, "date")
            )
        for key in m.where:
            found = codes.get(key)
            if found is None or found.type in {"multi_choice", "person", "file"}:
                raise InputError(
                    _(
                        "a metric may select on a text, number, choice, yes/no, date or unit"
                        " field of this ledger, not %(code)s"
                    )
                    % {"code": key},
                    where=place("metrics", i, "where", key),
                )


def definition_from_data(data: Any, *, source: str) -> LedgerDefinition:
    """Check a ledger file's content and return its definition, or refuse with the place."""
    ledger = data_validate(schema=LedgerShape, data=data, source=source)

    def place(*path: Step) -> str:
        return place_of(data=data, path=path, source=source)

    _fields_check(ledger, place)
    _metrics_check(ledger, place)
    if ledger.review is not None and not ledger.keeper.units:
        raise InputError(
            _("a review one level up needs a ledger each unit keeps (“units: true”)"),
            where=place("review"),
        )
    return LedgerDefinition(ledger.model_dump(mode="json", exclude_defaults=True))
