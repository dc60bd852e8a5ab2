"""Form definitions as data: reading and checking a form file into a FormDefinition.

A definition is canonicalised to JSON; its SHA-256 is the version's content hash, so the
same definition loaded twice is the same version and any change makes a new one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from eduplan.core.errors import InputError
from eduplan.reporting.periods import PeriodType
from eduplan.reporting.rules import RuleSyntaxError, rule_names

VALUE_TYPES = frozenset({"number", "integer", "percentage", "boolean", "text", "date", "choice"})
AGGREGATIONS = frozenset({"sum", "average", "none"})
OVER_TIME = frozenset({"latest", "sum"})
OPERATORS = frozenset({"<=", "<", ">=", ">", "==", "!="})
SEVERITIES = frozenset({"error", "warning"})
SUBJECTS = frozenset({"", "measures"})


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
    over_time: str = "latest"  # "sum" for flows reported per period (matches played)
    public: bool = False  # shown on the public pages once a submission is approved

    @property
    def numeric(self) -> bool:
        return self.type in {"number", "integer", "percentage"}


@dataclass(frozen=True)
class RuleDef:
    code: str
    left: str
    operator: str
    right: str
    severity: str
    message: str


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
        return data

    @property
    def digest(self) -> str:
        canonical = json.dumps(self.as_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _text(data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str | int) or not str(value).strip():
        raise InputError(_("a non-empty text is required"), where=f"{where}.{key}")
    return str(value).strip()


def _bound(data: dict[str, Any], key: str, where: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(
            _("a number is required, not %(v)r") % {"v": value}, where=f"{where}.{key}"
        )
    return float(value)


def definition_from_data(data: Any, *, source: str) -> FormDefinition:
    """Check a form file's content and return its definition, or refuse with the place."""
    if not isinstance(data, dict):
        raise InputError(_("the file must hold a mapping at the top"), where=source)
    period_type = _text(data, "period_type", source)
    if period_type not in set(PeriodType):
        raise InputError(
            _("%(v)r is not one of: %(allowed)s")
            % {"v": period_type, "allowed": ", ".join(PeriodType)},
            where=f"{source}.period_type",
        )
    due_days = data.get("due_days")
    if isinstance(due_days, bool) or not isinstance(due_days, int) or not 0 <= due_days <= 120:
        raise InputError(
            _("a whole number of days from 0 to 120 is required"), where=f"{source}.due_days"
        )
    elements: list[ElementDef] = []
    raw_elements = data.get("elements")
    if not isinstance(raw_elements, list) or not raw_elements:
        raise InputError(_("a form needs a list of elements"), where=f"{source}.elements")
    for i, item in enumerate(raw_elements):
        where = f"{source}.elements[{i}]"
        if not isinstance(item, dict):
            raise InputError(_("a mapping is required here"), where=where)
        value_type = _text(item, "type", where)
        if value_type not in VALUE_TYPES:
            raise InputError(
                _("%(v)r is not one of: %(allowed)s")
                % {"v": value_type, "allowed": ", ".join(sorted(VALUE_TYPES))},
                where=f"{where}.type",
            )
        choices = tuple(str(c) for c in item.get("choices") or ())
        if value_type == "choice" and not choices:
            raise InputError(_("a choice element needs choices"), where=f"{where}.choices")
        aggregation = item.get(
            "aggregation", "sum" if value_type in {"number", "integer"} else "none"
        )
        if aggregation not in AGGREGATIONS:
            raise InputError(
                _("unknown aggregation: %(v)s") % {"v": aggregation}, where=f"{where}.aggregation"
            )
        over_time = item.get("over_time", "latest")
        if over_time not in OVER_TIME:
            raise InputError(
                _("unknown aggregation: %(v)s") % {"v": over_time}, where=f"{where}.over_time"
            )
        public = item.get("public", False)
        if not isinstance(public, bool):
            raise InputError(_("true or false is required"), where=f"{where}.public")
        low, high = _bound(item, "min", where), _bound(item, "max", where)
        if value_type == "percentage":
            low = 0.0 if low is None else low
            high = 100.0 if high is None else high
        elements.append(
            ElementDef(
                code=_text(item, "code", where),
                name=_text(item, "name", where),
                type=value_type,
                unit=_text(item, "unit", where, required=False)
                or ("%" if value_type == "percentage" else ""),
                help=_text(item, "help", where, required=False),
                required=bool(item.get("required", False)),
                min=low,
                max=high,
                choices=choices,
                aggregation=aggregation,
                over_time=over_time,
                public=public,
            )
        )
    codes = [e.code for e in elements]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise InputError(
            _("element code appears twice: %(code)s") % {"code": sorted(duplicates)[0]},
            where=f"{source}.elements",
        )
    numeric = {e.code for e in elements if e.numeric}
    rules: list[RuleDef] = []
    for i, item in enumerate(data.get("rules") or []):
        where = f"{source}.rules[{i}]"
        if not isinstance(item, dict):
            raise InputError(_("a mapping is required here"), where=where)
        operator = _text(item, "operator", where)
        if operator not in OPERATORS:
            raise InputError(
                _("unknown operator: %(v)s") % {"v": operator}, where=f"{where}.operator"
            )
        severity = item.get("severity", "error")
        if severity not in SEVERITIES:
            raise InputError(_("severity must be error or warning"), where=f"{where}.severity")
        sides = {}
        for side in ("left", "right"):
            expression = _text(item, side, where)
            try:
                names = rule_names(expression)
            except RuleSyntaxError as exc:
                raise InputError(str(exc), where=f"{where}.{side}") from None
            unknown = names - numeric
            if unknown:
                raise InputError(
                    _("not a numeric element of this form: %(names)s")
                    % {"names": ", ".join(sorted(unknown))},
                    where=f"{where}.{side}",
                )
            sides[side] = expression
        rules.append(
            RuleDef(
                code=_text(item, "code", where),
                left=sides["left"],
                operator=operator,
                right=sides["right"],
                severity=severity,
                message=_text(item, "message", where),
            )
        )
    subjects = str(data.get("subjects") or "")
    if subjects not in SUBJECTS:
        raise InputError(_("unknown subjects: %(v)s") % {"v": subjects}, where=f"{source}.subjects")
    assigned = data.get("assigned_types") or []
    if not isinstance(assigned, list):
        raise InputError(_("a list is required"), where=f"{source}.assigned_types")
    return FormDefinition(
        code=_text(data, "code", source),
        name=_text(data, "name", source),
        description=_text(data, "description", source, required=False),
        period_type=period_type,
        due_days=due_days,
        owner=_text(data, "owner", source),
        assigned_types=tuple(str(t) for t in assigned),
        elements=tuple(elements),
        rules=tuple(rules),
        subjects=subjects,
        attachments=bool(data.get("attachments", False)),
    )


def definition_from_json(data: dict[str, Any]) -> FormDefinition:
    """Rebuild a stored version's definition (already checked when it was loaded)."""
    elements = tuple(
        ElementDef(**{**e, "choices": tuple(e.get("choices") or ())}) for e in data["elements"]
    )
    rules = tuple(RuleDef(**r) for r in data.get("rules") or ())
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


def decimal_or_none(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))
