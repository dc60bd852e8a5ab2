"""Numerals as plans write them: Arabic, Chinese, mixed (3.03万), percentages (百分之六十).

Everything here is pure string work, shared by the target scanner and the tests.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from eduplan.core.numbers import (
    CN_BIG_UNITS,
    CN_DIGITS,
    CN_SMALL_UNITS,
    chinese_number_value,
)

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
        base = chinese_number_value(whole) if whole != "零" else 0
        if base is None or not frac_digits:
            return None
        return float(Decimal(f"{base}.{frac_digits}") * mult)
    if s in ("百万", "百亿"):
        s = "一" + s  # 百万: the 一 goes unsaid (千万 is also an adverb: not read)
    value = chinese_number_value(s)
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
