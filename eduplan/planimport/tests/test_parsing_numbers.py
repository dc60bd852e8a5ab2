"""Number parsing: Arabic, Chinese and mixed numerals as plans write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eduplan.planimport.parsing import parse_number

DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Write 0..99 999 999 the standard way (一万零一十, 两 not used, 十 for 10..19)."""
    if n == 0:
        return "零"

    def below_10000(m: int, leading: bool) -> str:
        out = ""
        zero = False
        for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit, m = divmod(m, unit_value)
            if digit == 0:
                zero = bool(out) or not leading
                continue
            if zero and (out or not leading):
                out += "零"
            zero = False
            if unit == "十" and digit == 1 and not out and leading:
                out += "十"
            else:
                out += DIGITS[digit] + unit
        return out

    high, low = divmod(n, 10_000)
    if not high:
        return below_10000(low, leading=True)
    text = below_10000(high, leading=True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + below_10000(low, leading=False).lstrip("零")
    return text


def test_the_helper_writes_numbers_the_way_documents_do() -> None:
    assert to_chinese(10) == "十"
    assert to_chinese(15) == "十五"
    assert to_chinese(105) == "一百零五"
    assert to_chinese(120) == "一百二十"
    assert to_chinese(10010) == "一万零一十"
    assert to_chinese(100000) == "十万"
    assert to_chinese(20500000) == "二千零五十万"


@given(st.integers(min_value=0, max_value=99_999_999))
def test_integers_written_as_chinese_numerals_parse_back_to_themselves(n: int) -> None:
    assert parse_number(to_chinese(n)) == n


@given(st.integers(min_value=0, max_value=99_999_999))
def test_arabic_integers_with_and_without_thousands_separators_parse(n: int) -> None:
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("一百二十", 120),
        ("两", 2),
        ("两千零五十万", 20_500_000),
        ("十万", 100_000),
        ("3.03万", 30_300),
        ("5万", 50_000),
        ("934万", 9_340_000),
        ("1.2亿", 120_000_000),
        ("5千万", 50_000_000),
        ("一亿二千万", 120_000_000),
        ("百分之六十", 60),
        ("百分之百", 100),
        ("40%", 40),
        ("1,200", 1200),
        ("１２０", 120),
        ("三点五万", 35_000),
        ("二〇一六", 2016),
        ("两万五", 25_000),
    ],
)
def test_chinese_numerals_with_multipliers_are_multiplied_out(written: str, value: float) -> None:
    assert parse_number(written) == value


@pytest.mark.parametrize("written", ["", "万", "百", "千万", "二七", "一一", "十十", "abc", "3十"])
def test_words_that_only_look_like_numerals_are_not_numbers(written: str) -> None:
    assert parse_number(written) is None
