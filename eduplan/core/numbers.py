"""Numbers as EduPlan writes them: figures without trailing zeros for people, whole
numbers without ".0" for JSON, charts and workbooks, Chinese numerals for headings
(第一百零三项工程).

Chinese integers are read back here too (`chinese_number_value`: 一百零三, 两千零五十万),
the one reader for the plan parser and the curated plan's check. Reading the rest
(full-width digits, 3.03万, 百分之六十) is the plan parser's job
(`planimport.parsing.numbers`) and the form values' (`reporting.values`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

Numeric = Decimal | float | int

CHINESE_DIGITS = "零一二三四五六七八九"
CHINESE_PLACES = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))

# For reading, which also knows 两 and 〇.
CN_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
# Units inside a section (below 万) and the section markers themselves.
CN_SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNITS: dict[str, int] = {"万": 10_000, "亿": 100_000_000}


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


def chinese_number_value(s: str) -> int | None:
    """A Chinese integer (一百二十, 两千零五十万, 十万, 二〇一六) or None if malformed: the
    inverse of `chinese_number`, and the one reader of Chinese integers."""
    if not s:
        return None
    if s in ("零", "〇"):
        return 0
    # Digit-by-digit writing (二〇一六) only counts with a 〇, which no counted numeral has;
    # otherwise a run like 二七 (a district's name) would parse.
    if len(s) > 1 and all(ch in CN_DIGITS for ch in s):
        if "〇" not in s:
            return None
        return int("".join(str(CN_DIGITS[ch]) for ch in s))
    total = 0  # completed 亿 and 万 sections
    section = 0  # the part below 万 being built
    digit: int | None = None  # the pending digit
    last_small = 10_000  # small units must fall within a section: 千 > 百 > 十
    last_unit = 1  # the unit written just before the pending digit
    after_zero = False
    seen_any = False
    for ch in s:
        if ch in CN_DIGITS:
            value = CN_DIGITS[ch]
            if digit is not None:
                return None  # two digits in a row with no unit between: not a numeral
            if value == 0:
                after_zero = True
                continue
            digit = value
            seen_any = True
        elif ch in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[ch]
            if unit >= last_small:
                return None
            if digit is None:
                if ch != "十":  # only 十 stands without its digit (十五, 十万)
                    return None
                digit = 1
            section += digit * unit
            last_small = last_unit = unit
            digit = None
            after_zero = False
            seen_any = True
        elif ch in CN_BIG_UNITS:
            big = CN_BIG_UNITS[ch]
            part = section + (digit or 0)
            if big == 100_000_000:
                if part == 0 and total == 0:
                    return None
                total = (total + part) * big
            else:
                if part == 0 or total % 100_000_000 >= 10_000:
                    return None  # 万 alone, or a second 万 in the same 亿
                total += part * big
            section = 0
            digit = None
            last_small = 10_000
            last_unit = big
            after_zero = False
        else:
            return None
    if not seen_any:
        return None
    if digit is not None and not after_zero and last_unit >= 100:
        # Colloquial elision: 两万五 is 25 000 and 一百二 is 120, not 20 005 and 102.
        digit *= last_unit // 10
    return total + section + (digit or 0)
