"""Form definitions as data: reading and checking a form file into a FormDefinition.

A definition is canonicalised to JSON; its SHA-256 is the version's content hash, so the
same definition loaded twice is the same version and any change makes a new one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal, Self, get_args

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
from eduplan.core.periods import PeriodType
from eduplan.org.models import UnitType
from eduplan.reporting.rules import RuleSyntaxError, rule_names

ValueType = Literal["number", "integer", "percentage", "boolean", "text", "date", "choice"]
Aggregation = Literal["sum", "average", "none"]
OverTime = Literal["latest", "sum"]  # "sum" for flows reported per period (matches played)
Operator = Literal["<=", "<", ">=", ">", "==", "!="]
Severity = Literal["error", "warning"]
Subjects = Literal["", "measures", "tasks"]
VALUE_TYPES = frozenset(get_args(ValueType))
NUMERIC_TYPES = frozenset({"number", "integer", "percentage"})
CONTEXT_PREFIXES = ("previous_", "reported_")


@dataclass(frozen=True)
class ElementDef:
    code: str
    name: str
    type: str
    unit: str = ""
    help: str = ""
    required: bool = False
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    aggregation: str = "sum"
    over_time: str = "latest"  # see OverTime
    public: bool = False  # shown on the public pages once a submission is approved
    decimals: int | None = None  # kept and shown; None: values.decimals_of decides

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC_TYPES


@dataclass(frozen=True)
class RuleDef:
    """`left operator right` over the form's numbers, judged only `when` every listed
    choice element holds the listed value. Names may also be `previous_<code>` (this
    unit's value in the previous period of the same form) and `reported_<code>` (this
    unit's latest value of that element in any form, e.g. its pupils from the class-size
    form): plausibility checks against the unit's history and size."""

    code: str
    left: str
    operator: str
    right: str
    severity: str
    message: str
    when: tuple[tuple[str, str], ...] = ()

    @property
    def context_names(self) -> set[str]:
        """The `previous_…` and `reported_…` names this rule reads."""
        names = rule_names(self.left) | rule_names(self.right)
        return {n for n in names if n.startswith(CONTEXT_PREFIXES)}


@dataclass(frozen=True)
class FormDefinition:
    code: str
    name: str
    period_type: str
    due_days: int
    owner: str
    assigned_types: tuple[str, ...]
    elements: tuple[ElementDef, ...]
    rules: tuple[RuleDef, ...] = ()
    description: str = ""
    subjects: str = ""
    attachments: bool = False
    sections: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    def element(self, code: str) -> ElementDef:
        for element in self.elements:
            if element.code == code:
                return element
        raise KeyError(code)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(json.dumps(asdict(self), default=str))
        # `public` is left out while false, so the definitions (and content hashes) of
        # forms that publish nothing stay what they were before the key existed.
        for element in data["elements"]:
            if not element.get("public"):
                element.pop("public", None)
            if element.get("decimals") is None:
                element.pop("decimals", None)
        for rule in data["rules"]:  # likewise a rule's `when` while it has none
            if not rule.get("when"):
                rule.pop("when", None)
        return data

    @property
    def digest(self) -> str:
        canonical = json.dumps(self.as_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# The file's shape -------------------------------------------------------------------

# What the form tables hold (reporting/models.py).
Code = Annotated[Text, Field(max_length=64)]
Name = Annotated[Text, Field(max_length=200)]


class ElementShape(Shape):
    code: Code
    name: Name
    type: ValueType
    unit: Annotated[OptionalText, Field(max_length=20)] = ""
    help: OptionalText = ""
    required: Flag = False
    min: Amount | None = None
    max: Amount | None = None
    choices: Items[Text] = []
    aggregation: Aggregation | None = None  # by default: sum for numbers, else none
    over_time: OverTime = "latest"
    public: Flag = False
    decimals: Annotated[WholeNumber, Field(ge=0, le=4)] | None = None

    @model_validator(mode="after")
    def _consistency_check(self) -> Self:
        if self.decimals is not None and self.type not in {"number", "percentage"}:
            raise refusal(_("decimals are for numbers and percentages"), at=("decimals",))
        if self.type == "choice" and not self.choices:
            raise refusal(_("a choice element needs choices"), at=("choices",))
        if self.min is not None and self.max is not None and self.max < self.min:
            raise refusal(_("max is below min"), at=("max",))
        return self


class RuleShape(Shape):
    code: Text
    left: Text
    operator: Operator
    right: Text
    severity: Severity = "error"
    message: Text
    when: dict[Code, Text] = {}


class FormShape(Shape):
    """A form file (reporting/data/forms/*.yaml)."""

    code: Code
    name: Name
    description: OptionalText = ""
    period_type: PeriodType
    due_days: Annotated[WholeNumber, Field(ge=0, le=120)]
    owner: Text
    assigned_types: Items[UnitType] = []
    elements: Annotated[list[ElementShape], Field(min_length=1)]
    rules: Items[RuleShape] = []
    subjects: Subjects | None = ""
    attachments: Flag = False


def _element_def(shape: ElementShape) -> ElementDef:
    low, high, unit = shape.min, shape.max, shape.unit
    if shape.type == "percentage":
        low = 0.0 if low is None else low
        high = 100.0 if high is None else high
        unit = unit or "%"
    return ElementDef(
        code=shape.code,
        name=shape.name,
        type=shape.type,
        unit=unit,
        help=shape.help,
        required=shape.required,
        min=low,
        max=high,
        choices=tuple(shape.choices),
        aggregation=shape.aggregation or ("sum" if shape.type in {"number", "integer"} else "none"),
        over_time=shape.over_time,
        public=shape.public,
        decimals=shape.decimals,
    )


def _rules_check(form: FormShape, place: Callable[..., str]) -> None:
    """Element codes are unique; rules are arithmetic over the form's numeric elements."""
    seen: set[str] = set()
    for i, element in enumerate(form.elements):
        if element.code in seen:
            raise InputError(
                _("element code appears twice: %(code)s") % {"code": element.code},
                where=place("elements", i, "code"),
            )
        seen.add(element.code)
    numeric = {e.code for e in form.elements if e.type in NUMERIC_TYPES}
    choices = {e.code: e.choices for e in form.elements if e.type == "choice"}
    for i, rule in enumerate(form.rules):
        for code, value in rule.when.items():
            if value not in choices.get(code, ()):
                raise InputError(
                    _("not a choice of a choice element of this form: %(code)s = %(value)s")
                    % {"code": code, "value": value},
                    where=place("rules", i, "when"),
                )
        for side in ("left", "right"):
            try:
                names = rule_names(getattr(rule, side))
            except RuleSyntaxError as exc:
                raise InputError(str(exc), where=place("rules", i, side)) from None
            previous = {n for n in names if n.startswith("previous_")}
            names -= {n for n in names if n.startswith("reported_")}  # any form's element
            names = (names - previous) | {n.removeprefix("previous_") for n in previous}
            if names - numeric:
                raise InputError(
                    _("not a numeric element of this form: %(names)s")
                    % {"names": ", ".join(sorted(names - numeric))},
                    where=place("rules", i, side),
                )


def definition_from_data(data: Any, *, source: str) -> FormDefinition:
    """Check a form file's content and return its definition, or refuse with the place."""
    form = data_validate(schema=FormShape, data=data, source=source)

    def place(*path: Step) -> str:
        return place_of(data=data, path=path, source=source)

    _rules_check(form, place)
    return FormDefinition(
        code=form.code,
        name=form.name,
        description=form.description,
        period_type=form.period_type.value,
        due_days=form.due_days,
        owner=form.owner,
        assigned_types=tuple(t.value for t in form.assigned_types),
        elements=tuple(_element_def(e) for e in form.elements),
        rules=tuple(_rule_def(r.model_dump()) for r in form.rules),
        subjects=form.subjects or "",
        attachments=form.attachments,
    )


def definition_from_json(data: dict[str, Any]) -> FormDefinition:
    """Rebuild a stored version's definition (already checked when it was loaded)."""
    elements = tuple(
        ElementDef(**{**e, "choices": tuple(e.get("choices") or ())}) for e in data["elements"]
    )
    rules = tuple(_rule_def(r) for r in data.get("rules") or ())
    rest = {
        k: v
        for k, v in data.items()
        if k not in {"elements", "rules", "assigned_types", "sections"}
    }
    return FormDefinition(
        **rest,
        elements=elements,
        rules=rules,
        assigned_types=tuple(data.get("assigned_types") or ()),
    )


def _rule_def(data: dict[str, Any]) -> RuleDef:
    when = data.get("when") or {}
    pairs = when.items() if isinstance(when, dict) else when  # stored as pairs
    return RuleDef(**{**data, "when": tuple((str(k), str(v)) for k, v in pairs)})


def decimal_or_none(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))
