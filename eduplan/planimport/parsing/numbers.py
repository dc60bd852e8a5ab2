"""Numerals as plans write them: Arabic, Chinese, mixed (3.03万), percentages (百分之六十).

Everything here is pure string work, shared by the target scanner and the tests.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

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
MULTIPLIERS: dict[str, int] = {**CN_SMALL_UNITS, **CN_BIG_UNITS}

CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"

# Full-width digits and signs mapped one-to-one, so offsets in the normalised text are
# the offsets in the original (the scanner reports character offsets for highlighting).
FULLWIDTH = str.maketrans("０１２３４５６７８９％．～－＋", "0123456789%.~-+")
_FULLWIDTH_RE = re.compile("[０-９％．～－＋]")

_ARABIC_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_ARABIC_MULT_RE = re.compile(r"^((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)([十百千万亿]+)$")


def normalise_digits(text: str) -> str:
    """Full-width digits and signs as ASCII, keeping every character at its offset."""
    # Most plans have none; a C-speed search spares translating a whole document.
    return text.translate(FULLWIDTH) if _FULLWIDTH_RE.search(text) else text


def _cn_integer(s: str) -> int | None:
    """A Chinese integer (一百二十, 两千零五十万, 十万, 二〇一六) or None if malformed."""
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


def _cn_number(s: str) -> float | None:
    """A Chinese numeral with an optional decimal part written with 点 (三点五万)."""
    if "点" in s:
        whole, _, rest = s.partition("点")
        frac_digits = ""
        mult = 1
        for i, ch in enumerate(rest):
            if ch in CN_DIGITS:
                frac_digits += str(CN_DIGITS[ch])
            elif ch in CN_BIG_UNITS and i == len(rest) - 1:
                mult = CN_BIG_UNITS[ch]
            else:
                return None
        base = _cn_integer(whole) if whole != "零" else 0
        if base is None or not frac_digits:
            return None
        return float(Decimal(f"{base}.{frac_digits}") * mult)
    value = _cn_integer(s)
    return None if value is None else float(value)


def _arabic(s: str) -> Decimal | None:
    """An Arabic figure with optional thousands separators, as an exact decimal."""
    if not _ARABIC_RE.match(s):
        return None
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None


def multiplier_value(chars: str) -> int:
    """The product of trailing multipliers (千万 -> 10 000 000)."""
    out = 1
    for ch in chars:
        out *= MULTIPLIERS[ch]
    return out


def parse_number(s: str) -> float | None:
    """Parse a written number (1,200 / 3.03万 / 一百二十 / 两 / 十万 / 百分之六十 / 40%) or None."""
    s = normalise_digits(s.strip())
    if not s:
        return None
    if s == "百分之百":
        return 100.0
    if s.startswith("百分之"):
        return parse_number(s[3:])
    if s.endswith("%"):
        s = s[:-1].strip()
    arabic = _arabic(s)
    if arabic is not None:
        return float(arabic)
    mixed = _ARABIC_MULT_RE.match(s)
    if mixed:
        base = _arabic(mixed.group(1))
        mults = mixed.group(2)
        # 3千万 is 3 x 10^7, but 3十 or 3万千 is no way to write a number.
        if base is None or not re.fullmatch(r"[百千]?[万亿]?|万亿", mults):
            return None
        return float(base * multiplier_value(mults))
    return _cn_number(s)
