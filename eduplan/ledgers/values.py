"""A record's values as typed (web, xlsx, API) checked against its ledger's definition.

Each value is read by reporting's parser (`parse_value`: full-width digits, 是/否, dates,
formulas refused), so a number or a date means the same in a ledger as in a form; what
only ledgers have (several choices, an org unit, a pattern, relevance) is checked here.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import echoed
from eduplan.ledgers.definitions import LedgerDefinition
from eduplan.org.models import OrgUnit, Ownership
from eduplan.reporting.definitions import ElementDef
from eduplan.reporting.services import FieldProblem
from eduplan.reporting.values import TEXT_LIMIT, ValueRefused, is_blank, parse_value

ERR_UNKNOWN_FIELD = gettext_lazy("“%(code)s” is not a field of this ledger.")
ERR_REQUIRED = gettext_lazy("A value is required.")
ERR_UNIT_UNKNOWN = gettext_lazy("No unit has the code or name “%(code)s”.")
ERR_UNIT_AMBIGUOUS = gettext_lazy(
    "Several units are named “%(name)s” (%(codes)s); give the unit's code instead."
)
ERR_UNIT_TYPE = gettext_lazy("%(unit)s is not one of the kinds of unit this field takes.")
ERR_UNIT_TYPE_BY = gettext_lazy(
    "%(unit)s is not one of the kinds of unit that fit %(field)s “%(value)s”."
)
ERR_UNIT_OWNERSHIP = gettext_lazy(
    "%(unit)s is not %(ownership)s; this field takes %(ownership)s units only."
)
ERR_PATTERN = gettext_lazy("“%(raw)s” is not in the expected form.")
# A person's value is never echoed, not even in a refusal.
ERR_PATTERN_PRIVATE = gettext_lazy("The value is not in the expected form.")
ERR_NOT_RELEVANT = gettext_lazy("This field is filled only when “%(other)s” is %(values)s.")
SPLIT = re.compile(r"[、,，;；\n]+")
# "金水区第一小学（410105-P1）": a unit typed as the picker shows it, name and code.
NAMED_CODE = re.compile(r"^.*[（(]\s*([^（）()\s]+)\s*[）)]$")
NOT_FAST = object()
PARSED_TYPES = {
    "number": "number",
    "integer": "integer",
    "date": "date",
    "choice": "choice",
    "yes_no": "boolean",
}


def _element(field: dict[str, Any]) -> ElementDef:
    return ElementDef(
        code=field["code"],
        name=field["label"],
        type=PARSED_TYPES.get(field["type"], "text"),
        min=field.get("min"),
        max=field.get("max"),
        choices=tuple(field.get("choices") or ()),
        decimals=field.get("decimals"),
    )


def _fast(field: dict[str, Any], raw: Any) -> Any:
    """The value when it is already what `parse_value` would make of it (a choice as
    listed, a whole number within the limits, a date, plain text), else NOT_FAST: a
    large import spends most of its checking on such cells."""
    kind = field["type"]
    if kind == "choice" and isinstance(raw, str) and raw in field.get("choices", ()):
        return raw
    if kind in {"integer", "number"} and type(raw) is int:
        low, high = field.get("min"), field.get("max")
        if high is None and kind == "integer":
            high = settings.EDUPLAN_COUNT_MAX
        if (low is None or raw >= low) and (high is None or raw <= high) and abs(raw) < 10**15:
            return raw
    if kind == "date" and type(raw) is datetime.date:
        return raw.isoformat()
    if kind == "text" and isinstance(raw, str) and not field.get("pattern"):
        text = raw.strip()
        if text and len(text) <= TEXT_LIMIT and not text.startswith(("=", "+=", "@=")):
            return text
    return NOT_FAST


def _scalar(field: dict[str, Any], raw: Any) -> Any:
    """The JSON value of one filled field, or ValueRefused."""
    fast = _fast(field, raw)
    if fast is not NOT_FAST:
        return fast
    kind = field["type"]
    if kind == "multi_choice":
        items = raw if isinstance(raw, list) else SPLIT.split(str(raw))
        element = _element({**field, "type": "choice"})
        chosen = [parse_value(element, item)[1] for item in items if not is_blank(item)]
        return sorted(set(chosen), key=chosen.index)
    number, text = parse_value(_element(field), raw)
    if kind == "yes_no":
        return bool(number)
    if kind in {"number", "integer"} and number is not None:
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "unit":
        text = unit_text(text)
    if field.get("pattern") and not re.fullmatch(field["pattern"], text):
        private = kind == "person"
        raise ValueRefused(
            str(ERR_PATTERN_PRIVATE if private else ERR_PATTERN % {"raw": echoed(text)})
        )
    return text


def field_relevant(field: dict[str, Any], values: Mapping[str, Any]) -> bool:
    rule = field.get("relevant")
    if not rule:
        return True
    other = values.get(rule["field"])
    if other in (None, "", []):
        return False
    wanted = rule.get("values") or []
    return (
        not wanted
        or other in wanted
        or (isinstance(other, list) and bool(set(other) & set(wanted)))
    )


def unit_text(raw: Any) -> str:
    """A unit as typed, normalised: full-width forms folded, a code typed as a number in
    a spreadsheet (410105.0) read as the code."""
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


class UnitIndex(dict[str, OrgUnit]):
    """The units a batch of records names, by code and by (unambiguous) name; the names
    that several units share are kept apart with their codes, to say so."""

    def __init__(self, units: Mapping[str, OrgUnit] | None = None) -> None:
        super().__init__(units or {})
        self.ambiguous: dict[str, list[str]] = {}


def units_index(texts: set[str], *, within: OrgUnit | None = None) -> UnitIndex:
    """The units named by `texts` (codes, names, or "name（code）") in two queries; a name
    several units share resolves to the one inside `within` when only one is."""
    codes = {unit_text(t) for t in texts}
    codes |= {m.group(1) for t in codes if (m := NAMED_CODE.match(t))}
    index = UnitIndex({u.code: u for u in OrgUnit.objects.filter(code__in=codes)})
    names = {t for t in codes if t not in index}
    if names:
        by_name: dict[str, list[OrgUnit]] = {}
        for unit in OrgUnit.objects.filter(name__in=names).order_by("code"):
            by_name.setdefault(unit.name, []).append(unit)
        for name, found in by_name.items():
            inside = [u for u in found if within is not None and within.contains(u)]
            if len(found) == 1 or len(inside) == 1:
                unit = found[0] if len(found) == 1 else inside[0]
                index[name] = index[unit.code] = unit
            else:
                index.ambiguous[name] = [u.code for u in found]
    return index


def _unit_find(text: str, units: Mapping[str, OrgUnit]) -> OrgUnit | None:
    found = units.get(text)
    if found is None and (m := NAMED_CODE.match(text)):
        found = units.get(m.group(1))
    return found


def _unit_check(
    definition: LedgerDefinition,
    field: dict[str, Any],
    clean: dict[str, Any],
    units: Mapping[str, OrgUnit],
) -> FieldProblem | None:
    """Check the unit a field names (by code or name), and store its code."""
    text = clean[field["code"]]
    unit = _unit_find(text, units)
    if unit is None:
        ambiguous = getattr(units, "ambiguous", {})
        if text in ambiguous:
            codes = "、".join(ambiguous[text][:5])
            message = ERR_UNIT_AMBIGUOUS % {"name": text, "codes": codes}
            return FieldProblem(field["code"], str(message))
        return FieldProblem(field["code"], str(ERR_UNIT_UNKNOWN % {"code": text}))
    clean[field["code"]] = unit.code
    if field.get("unit_types") and unit.type not in field["unit_types"]:
        return FieldProblem(field["code"], str(ERR_UNIT_TYPE % {"unit": unit.name}))
    rule = field.get("unit_types_by")
    if rule:
        value = clean.get(rule["field"])
        fitting = rule["types"].get(value) if isinstance(value, str) else None
        if fitting is not None and unit.type not in fitting:
            other = definition.by_code[rule["field"]]["label"]
            message = ERR_UNIT_TYPE_BY % {"unit": unit.name, "field": other, "value": value}
            return FieldProblem(field["code"], str(message))
    if field.get("ownership") and unit.ownership != field["ownership"]:
        wanted = Ownership(field["ownership"]).label
        return FieldProblem(
            field["code"], str(ERR_UNIT_OWNERSHIP % {"unit": unit.name, "ownership": wanted})
        )
    return None


def values_clean(
    definition: LedgerDefinition, raw: Mapping[str, Any], units: Mapping[str, OrgUnit]
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """(the values to store, problems): every field checked, every problem listed with the
    field it concerns. `units` maps the unit codes that may be named to their units."""
    problems = [
        FieldProblem(code, str(ERR_UNKNOWN_FIELD % {"code": echoed(code)}))
        for code in raw
        if code not in definition.by_code
    ]
    clean: dict[str, Any] = {}
    for field in definition.fields:
        value = raw.get(field["code"])
        if is_blank(value) or value == []:
            continue
        try:
            clean[field["code"]] = _scalar(field, value)
        except ValueRefused as exc:
            problems.append(FieldProblem(field["code"], str(exc)))
    refused = {p.element for p in problems}
    for field in definition.fields:
        code = field["code"]
        if code in refused:
            continue
        if not field_relevant(field, clean):
            if code in clean:
                rule = field["relevant"]
                other = definition.by_code[rule["field"]]["label"]
                shown = "、".join(str(v) for v in rule.get("values") or []) or _("filled in")
                problems.append(
                    FieldProblem(code, str(ERR_NOT_RELEVANT % {"other": other, "values": shown}))
                )
            continue
        if field.get("required") and code not in clean:
            problems.append(FieldProblem(code, str(ERR_REQUIRED)))
        elif field["type"] == "unit" and code in clean:
            found = _unit_check(definition, field, clean, units)
            if found is not None:
                problems.append(found)
    return clean, problems


def unit_codes(definition: LedgerDefinition, raw: Mapping[str, Any]) -> set[str]:
    """The unit codes a record's raw values name (to look them up in one query)."""
    codes = set()
    for field in definition.fields:
        value = raw.get(field["code"])
        if field["type"] == "unit" and not is_blank(value):
            codes.add(unit_text(value))
    return codes


def value_shown(field: dict[str, Any], value: Any, names: Mapping[str, str] | None = None) -> str:
    """A stored value as a person reads it (a unit by its name, given `names`)."""
    if value is None or value == "":
        return ""
    if field["type"] == "unit" and names is not None:
        return names.get(str(value), str(value))
    if field["type"] == "yes_no":
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)
