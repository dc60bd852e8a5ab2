"""Turning what a person typed (web, xlsx, API) into a stored value, or a clear refusal."""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from eduplan.core.numbers import plain_number
from eduplan.reporting.definitions import ElementDef

TRUE_WORDS = {"是", "有", "true", "yes", "y", "1", "√"}
FALSE_WORDS = {"否", "无", "false", "no", "n", "0", "×"}
TEXT_LIMIT = 5000
DATE_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


class ValueRefused(ValueError):
    """The input cannot be stored for this element; the message says why."""


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _number(raw: Any, element: ElementDef) -> Decimal:
    if isinstance(raw, bool):
        raise ValueRefused(_("a number is required"))
    if isinstance(raw, int | float | Decimal):
        number = Decimal(str(raw))
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "").replace(" ", "")
        if element.type == "percentage" and text.endswith("%"):
            text = text[:-1]
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueRefused(_("“%(raw)s” is not a number") % {"raw": raw}) from None
    if not number.is_finite():
        raise ValueRefused(_("a finite number is required"))
    if element.type == "integer" and number != number.to_integral_value():
        raise ValueRefused(_("a whole number is required, not %(raw)s") % {"raw": raw})
    if element.min is not None and number < Decimal(str(element.min)):
        raise ValueRefused(
            _("%(n)s is below the minimum %(min)s")
            % {"n": number, "min": plain_number(element.min)}
        )
    if element.max is not None and number > Decimal(str(element.max)):
        raise ValueRefused(
            _("%(n)s is above the maximum %(max)s")
            % {"n": number, "max": plain_number(element.max)}
        )
    if number.copy_abs() >= Decimal(10) ** 15:  # abs() would overflow on 1e99999999
        raise ValueRefused(_("the number is too large"))
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
        raise ValueRefused(_("answer 是 or 否, not “%(raw)s”") % {"raw": raw})
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
                _("“%(raw)s” is not a date (e.g. 2016-05-31)") % {"raw": raw}
            ) from None
        return None, day.isoformat()
    text = str(raw).strip()
    if element.type == "choice":
        if text not in element.choices:
            raise ValueRefused(
                _("“%(raw)s” is not one of: %(choices)s")
                % {"raw": raw, "choices": "、".join(element.choices)}
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
