"""Numbers as EduPlan writes them: figures without trailing zeros for people, whole
numbers without ".0" for JSON, charts and workbooks, Chinese numerals for headings
(第一百零三项工程).

Reading numbers (full-width digits, 3.03万, 百分之六十) is the plan parser's job
(`plans.parsing.numbers`) and the form values' (`reporting.values`); this is the inverse.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

Numeric = Decimal | float | int

CHINESE_DIGITS = "零一二三四五六七八九"
CHINESE_PLACES = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))


def _decimal(value: Numeric, places: int | None) -> Decimal:
    # A float by its shortest repr (2.3, not 2.29999…), so 2.3 prints as people wrote it.
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number


def plain_number(value: Numeric, *, places: int | None = None, grouping: bool = False) -> str:
    """The number as people write it: no trailing zeros, no exponent (30, 2.5, 0.0001),
    rounded half up to `places` decimals when given, thousands grouped when asked (1,234.5)."""
    number = _decimal(value, places)
    text = f"{number:,f}" if grouping else f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def number(value: Numeric | None, places: int | None = 2) -> int | float | None:
    """A figure for JSON, a chart or a workbook: an int when whole (90, not 90.0), else a
    float, rounded half up to `places` decimals (None: exact); None stays None."""
    if value is None:
        return None
    rounded = _decimal(value, places)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def chinese_number(n: int) -> str:
    """1..9999 in Chinese numerals as plans number their headings: 一, 十, 十七, 二十八,
    一百零三, 一百一十, 一千零一十. Other numbers stay in Arabic digits."""
    if not 0 < n < 10_000:
        return str(n)
    out = ""
    zero = False  # a place skipped since the last digit written: 一百零三
    for place, name in CHINESE_PLACES:
        digit, n = divmod(n, place)
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
        zero = False
        # 10..19 read 十, 十七 at the head, but 一百一十 inside a larger number.
        out += ("" if name == "十" and digit == 1 and not out else CHINESE_DIGITS[digit]) + name
    return out
