"""Turning what a person typed (web, xlsx, API) into a stored value, or a clear refusal."""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from eduplan.core.errors import echoed
from eduplan.core.numbers import plain_number
from eduplan.reporting.definitions import ElementDef

TRUE_WORDS = {"是", "有", "true", "yes", "y", "1", "√"}
FALSE_WORDS = {"否", "无", "false", "no", "n", "0", "×"}
TEXT_LIMIT = 5000
DATE_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
# A number as people write it: digits, or digits grouped by thousands with commas or spaces
# (one kind per number, every group of three): 1234, 1,234, 1 234.5, never 1,2,3,4 or 12 34.
WRITTEN_NUMBER = re.compile(r"[+-]?(?:\d+|\d{1,3}(?P<sep>[, ])\d{3}(?:(?P=sep)\d{3})*)(?:\.\d+)?")
EXPONENT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")
NUMBER_LIMIT = Decimal(10) ** 15  # beyond what any figure of the plan needs (and storage)
STORED_PLACES = 4  # the decimals a stored number keeps (DataValue.number)


class ValueRefused(ValueError):
    """The input cannot be stored for this element; the message says why."""


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def decimals_of(element: ElementDef) -> int:
    """The decimals the element keeps and shows: its own, else none for a count and the
    stored precision for other numbers."""
    if element.decimals is not None:
        return element.decimals
    return 0 if element.type == "integer" else STORED_PLACES


def upper_bound(element: ElementDef) -> float | None:
    """The element's maximum: its own, else for a count the configured sane bound."""
    if element.max is None and element.type == "integer":
        return float(settings.EDUPLAN_COUNT_MAX)
    return element.max


def _places(number: Decimal) -> int:
    """The decimals a finite number needs (2.50 needs 1), without rounding it."""
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing)) if any(digits) else 0


def _written(raw: Any, element: ElementDef) -> Decimal:
    """The number a person wrote, or ValueRefused: separators only in their places, an
    exponent never for a count."""
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if element.type == "percentage" and text.endswith("%"):
        text = text[:-1].rstrip()
    if WRITTEN_NUMBER.fullmatch(text):
        return Decimal(text.replace(",", "").replace(" ", ""))
    if EXPONENT.fullmatch(text):
        if element.type != "integer":
            return Decimal(text)
        raise ValueRefused(
            _("write the count in full, without an exponent: “%(raw)s”") % {"raw": echoed(raw)}
        )
    try:
        infinite = not Decimal(text).is_finite()  # inf, NaN …
    except InvalidOperation:
        infinite = False
    if infinite:
        raise ValueRefused(_("a finite number is required"))
    raise ValueRefused(_("“%(raw)s” is not a number") % {"raw": echoed(raw)})


def _number(raw: Any, element: ElementDef) -> Decimal:
    if isinstance(raw, bool):
        raise ValueRefused(_("a number is required"))
    from_cell = isinstance(raw, int | float | Decimal)  # a workbook cell or a JSON number
    number = Decimal(str(raw)) if from_cell else _written(raw, element)
    if not number.is_finite():
        raise ValueRefused(_("a finite number is required"))
    if number.copy_abs() >= NUMBER_LIMIT:  # abs() would overflow on 1e99999999
        raise ValueRefused(_("the number is too large"))
    if element.type == "integer" and number != number.to_integral_value():
        raise ValueRefused(_("a whole number is required, not %(raw)s") % {"raw": echoed(raw)})
    if element.min is not None and number < Decimal(str(element.min)):
        raise ValueRefused(
            _("%(n)s is below the minimum %(min)s")
            % {"n": plain_number(number), "min": plain_number(element.min)}
        )
    high = upper_bound(element)
    if high is not None and number > Decimal(str(high)):
        raise ValueRefused(
            _("%(n)s is above the maximum %(max)s")
            % {"n": plain_number(number), "max": plain_number(high)}
        )
    places = decimals_of(element)
    if _places(number) > places:
        if places == 0:
            raise ValueRefused(_("a whole number is required, not %(raw)s") % {"raw": echoed(raw)})
        raise ValueRefused(
            _("%(raw)s has more decimals than this field keeps (at most %(places)s)")
            % {"raw": echoed(raw), "places": places}
        )
    return number


def parse_value(element: ElementDef, raw: Any) -> tuple[Decimal | None, str]:
    """(number, text) to store for the element, or ValueRefused. Blank input gives (None, "")."""
    if is_blank(raw):
        return None, ""
    if isinstance(raw, str) and raw.lstrip().startswith(("=", "+=", "@=")):
        raise ValueRefused(_("formulas are not accepted; type the value itself"))
    if element.numeric:
        return _number(raw, element), ""
    if element.type == "boolean":
        if isinstance(raw, bool):
            return Decimal(int(raw)), ""
        word = unicodedata.normalize("NFKC", str(raw)).strip().lower()
        if word in TRUE_WORDS:
            return Decimal(1), ""
        if word in FALSE_WORDS:
            return Decimal(0), ""
        raise ValueRefused(_("answer 是 or 否, not “%(raw)s”") % {"raw": echoed(raw)})
    if element.type == "date":
        if isinstance(raw, datetime.datetime):
            return None, raw.date().isoformat()
        if isinstance(raw, datetime.date):
            return None, raw.isoformat()
        match = DATE_PATTERN.match(unicodedata.normalize("NFKC", str(raw)).strip())
        try:
            if not match:
                raise ValueError
            day = datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise ValueRefused(
                _("“%(raw)s” is not a date (e.g. 2016-05-31)") % {"raw": echoed(raw)}
            ) from None
        return None, day.isoformat()
    text = str(raw).strip()
    if element.type == "choice":
        if text not in element.choices:
            raise ValueRefused(
                _("“%(raw)s” is not one of: %(choices)s")
                % {"raw": echoed(raw), "choices": "、".join(element.choices)}
            )
        return None, text
    if len(text) > TEXT_LIMIT:
        raise ValueRefused(_("the text is longer than %(n)s characters") % {"n": TEXT_LIMIT})
    return None, text


def display_value(element: ElementDef, number: Decimal | None, text: str) -> str:
    """The stored value as a person reads it (and as a web form shows it back)."""
    if element.type == "boolean":
        return "" if number is None else ("是" if number else "否")
    if number is not None:
        return plain_number(number)
    return text
