"""Numbers written for people: plain figures, JSON numbers and Chinese numerals, and
Chinese integers read back."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eduplan.core.numbers import chinese_number, chinese_number_value, number, plain_number
from eduplan.planimport.parsing import parse_number


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("30.0000"), "30"),
        (Decimal("2.5000"), "2.5"),
        (Decimal("1E+2"), "100"),
        (Decimal("0.0001"), "0.0001"),
        (90.0, "90"),
        (2.3, "2.3"),
        (1e-05, "0.00001"),
        (12, "12"),
        (Decimal("-0.0"), "0"),
    ],
)
def test_a_plain_number_has_no_trailing_zeros_and_no_exponent(value, text):
    assert plain_number(value) == text


def test_a_plain_number_rounds_half_up_to_the_places_asked_and_groups_thousands():
    assert plain_number(12.345, places=2) == "12.35"
    assert plain_number(Decimal("2.675"), places=2) == "2.68"
    assert plain_number(Decimal("59.996"), places=2) == "60"
    assert plain_number(-0.001, places=2) == "0"
    assert plain_number(Decimal("12345.04"), places=1, grouping=True) == "12,345"
    assert plain_number(1234.56, places=1, grouping=True) == "1,234.6"


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False))
def test_a_plain_number_reads_back_as_the_same_number(value: Decimal) -> None:
    text = plain_number(value)
    assert Decimal(text) == value
    assert "e" not in text.lower()
    assert not ("." in text and text.endswith(("0", ".")))


def test_a_figure_for_json_is_an_int_when_whole_and_rounded_to_two_places():
    assert number(Decimal("90.0000")) == 90 and isinstance(number(90.0), int)
    assert number(Decimal("89.996")) == 90 and isinstance(number(Decimal("89.996")), int)
    assert number(Decimal("12.3456")) == 12.35
    assert number(Decimal("12.3456"), places=None) == 12.3456
    assert number(None) is None


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (10, "十"),
        (17, "十七"),
        (28, "二十八"),
        (100, "一百"),
        (103, "一百零三"),
        (110, "一百一十"),
        (1001, "一千零一"),
        (1010, "一千零一十"),
        (2016, "二千零一十六"),
        (9999, "九千九百九十九"),
        (0, "0"),
        (10_000, "10000"),
    ],
)
def test_chinese_numerals_are_written_as_plan_headings_write_them(n, text):
    assert chinese_number(n) == text


@given(st.integers(min_value=1, max_value=9999))
def test_a_chinese_numeral_reads_back_through_the_plan_parser(n: int) -> None:
    assert chinese_number_value(chinese_number(n)) == n
    assert parse_number(chinese_number(n)) == n


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十七", 17),
        ("二十八", 28),
        ("一百零三", 103),
        ("一百二", 120),
        ("两万五", 25_000),
        ("两千零五十万", 20_500_000),
        ("十万", 100_000),
        ("二〇一六", 2016),
        ("零", 0),
        ("二七", None),
        ("百", None),
        ("万", None),
        ("十七项", None),
        ("", None),
    ],
)
def test_a_chinese_integer_is_read_or_refused_as_none(text: str, value: int | None) -> None:
    assert chinese_number_value(text) == value


def test_the_numbers_module_and_the_plan_parser_load_without_django() -> None:
    # The plan parser is pure Python (docs/ARCHITECTURE.md) and reads numbers from here.
    code = (
        "import sys, eduplan.core.numbers, eduplan.planimport.parsing\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
