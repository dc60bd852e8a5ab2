"""`parse_value`, behind every value typed on the web, in a workbook or through the API:
each element type's accepted forms and refused forms with the message a person reads,
and rules that hold for any input (hypothesis)."""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from eduplan.core.errors import echoed
from eduplan.reporting.definitions import VALUE_TYPES, ElementDef
from eduplan.reporting.values import (
    TEXT_LIMIT,
    ValueRefused,
    display_value,
    parse_value,
)

D = Decimal
LIMIT = 10**15
ELEMENTS = {
    "integer": ElementDef(code="classes", name="班级数", type="integer", min=0),
    "number": ElementDef(code="area", name="面积", type="number"),
    "percentage": ElementDef(code="share", name="比例", type="percentage", min=0, max=100),
    "boolean": ElementDef(code="done", name="是否完成", type="boolean"),
    "date": ElementDef(code="opened", name="开工日期", type="date"),
    "choice": ElementDef(code="stage", name="阶段", type="choice", choices=("未开工", "在建")),
    "text": ElementDef(code="note", name="说明", type="text"),
}
PLAIN = {t: ElementDef(code="x", name="x", type=t) for t in ("number", "percentage")} | {
    # A count's default bound is a setting (tested below); these rules hold up to the limit.
    "integer": ElementDef(code="x", name="x", type="integer", max=float(LIMIT - 1)),
}
AMOUNT = ElementDef(code="investment", name="累计完成投资", type="number", unit="万元", decimals=2)
COUNT = ElementDef(code="pupils", name="在校生总数", type="integer", min=0)

ACCEPTED: list[tuple[str, Any, tuple[Decimal | None, str]]] = [
    ("integer", "12", (D(12), "")),
    ("integer", " 1,234 ", (D(1234), "")),
    ("integer", "１２３", (D(123), "")),  # full-width digits
    ("integer", "12.0", (D(12), "")),
    ("integer", 7, (D(7), "")),
    ("integer", 7.0, (D(7), "")),
    ("integer", "0", (D(0), "")),
    ("number", "-3.25", (D("-3.25"), "")),
    ("number", "1 000.5", (D("1000.5"), "")),
    ("number", D("2.50"), (D("2.50"), "")),
    ("number", "999999999999999", (D("999999999999999"), "")),
    ("percentage", "45.5%", (D("45.5"), "")),
    ("percentage", "45.5％", (D("45.5"), "")),  # full-width percent sign
    ("percentage", "100", (D(100), "")),
    ("boolean", "是", (D(1), "")),
    ("boolean", "否", (D(0), "")),
    ("boolean", " Yes ", (D(1), "")),
    ("boolean", "N", (D(0), "")),
    ("boolean", "√", (D(1), "")),
    ("boolean", "×", (D(0), "")),
    ("boolean", "无", (D(0), "")),
    ("boolean", True, (D(1), "")),
    ("boolean", False, (D(0), "")),
    ("date", "2016-05-31", (None, "2016-05-31")),
    ("date", "2016/5/1", (None, "2016-05-01")),
    ("date", "2016.05.01", (None, "2016-05-01")),
    ("date", "2016年5月1日", (None, "2016-05-01")),
    ("date", "２０１６－０５－０１", (None, "2016-05-01")),
    ("date", datetime.date(2016, 2, 29), (None, "2016-02-29")),
    ("date", datetime.datetime(2016, 2, 29, 13, 5), (None, "2016-02-29")),
    ("choice", "在建", (None, "在建")),
    ("choice", " 未开工 ", (None, "未开工")),
    ("text", "  按计划推进  ", (None, "按计划推进")),
    ("text", "x" * TEXT_LIMIT, (None, "x" * TEXT_LIMIT)),
    ("text", "1+1", (None, "1+1")),
]
BLANK = [None, "", "   ", "\t\n"]

REFUSED: list[tuple[str, Any, str]] = [
    ("integer", "1.5", "此处应为整数，而不是 1.5"),
    ("integer", "十二", "“十二”不是数字"),
    ("integer", "12个", "“12个”不是数字"),
    ("integer", "-1", "-1 小于最小值 0"),
    ("integer", True, "此处应为数字"),
    ("integer", "=SUM(A1:A3)", "不接受公式，请直接填写数值"),
    ("integer", " +=1", "不接受公式，请直接填写数值"),
    ("integer", "@=A1", "不接受公式，请直接填写数值"),
    ("number", "abc", "“abc”不是数字"),
    ("number", "1.2.3", "“1.2.3”不是数字"),
    ("number", "12%", "“12%”不是数字"),  # a percent sign only for a percentage
    ("number", "inf", "此处应为有限数字"),
    ("number", "NaN", "此处应为有限数字"),
    ("number", float("nan"), "此处应为有限数字"),
    ("number", float("-inf"), "此处应为有限数字"),
    ("number", "1e15", "数字过大"),
    ("integer", "1,2,3,4", "“1,2,3,4”不是数字"),
    ("integer", "12 34", "“12 34”不是数字"),
    ("integer", "1,23", "“1,23”不是数字"),
    ("integer", "1234,567", "“1234,567”不是数字"),
    ("integer", "1,234 567", "“1,234 567”不是数字"),  # one kind of separator per number
    ("integer", ",123", "“,123”不是数字"),
    ("integer", "1_000", "“1_000”不是数字"),
    ("integer", "1e3", "请完整填写数量，不用科学计数法：“1e3”"),
    ("integer", "1E+14", "请完整填写数量，不用科学计数法：“1E+14”"),
    ("integer", "100000000000000", "100000000000000 大于最大值 10000000"),  # 1e14 pupils
    ("integer", 1e14, "100000000000000 大于最大值 10000000"),  # the same from a workbook
    ("number", "0.00005", "0.00005 的小数位数超过此项保留的位数（最多 4 位）"),
    ("number", "1,2.5", "“1,2.5”不是数字"),
    ("number", "-1000000000000000", "数字过大"),
    ("number", "1e999999999999", "数字过大"),  # once an Overflow from abs()
    ("percentage", "120%", "120 大于最大值 100"),
    ("percentage", "-0.5", "-0.5 小于最小值 0"),
    ("percentage", "百分之十", "“百分之十”不是数字"),
    ("boolean", "也许", "请填写“是”或“否”，而不是“也许”"),
    ("boolean", "2", "请填写“是”或“否”，而不是“2”"),
    ("date", "2016-02-30", "“2016-02-30”不是日期（例如 2016-05-31）"),
    ("date", "31/05/2016", "“31/05/2016”不是日期（例如 2016-05-31）"),
    ("date", "2016-05", "“2016-05”不是日期（例如 2016-05-31）"),
    ("date", "明天", "“明天”不是日期（例如 2016-05-31）"),
    ("choice", "已完工", "“已完工”不在可选项之中：未开工、在建"),
    ("choice", "=A1", "不接受公式，请直接填写数值"),
    ("text", "x" * (TEXT_LIMIT + 1), f"文字超过 {TEXT_LIMIT} 个字符"),
    ("text", '=HYPERLINK("http://x")', "不接受公式，请直接填写数值"),
]


def test_the_tables_try_every_element_type():
    assert {t for t, _, _ in ACCEPTED} == VALUE_TYPES == {t for t, _, _ in REFUSED}
    assert set(ELEMENTS) == VALUE_TYPES


@pytest.mark.parametrize(("kind", "raw", "stored"), ACCEPTED)
def test_each_type_accepts_its_forms(kind, raw, stored):
    assert parse_value(ELEMENTS[kind], raw) == stored


@pytest.mark.parametrize("kind", sorted(VALUE_TYPES))
@pytest.mark.parametrize("raw", BLANK)
def test_blank_input_of_any_type_stores_nothing(kind, raw):
    assert parse_value(ELEMENTS[kind], raw) == (None, "")


@pytest.mark.parametrize(("kind", "raw", "message"), REFUSED)
def test_each_type_refuses_what_it_cannot_store_saying_why(kind, raw, message):
    with pytest.raises(ValueRefused, match=f"^{re.escape(message)}$"):
        parse_value(ELEMENTS[kind], raw)


@pytest.mark.parametrize(
    ("kind", "raw", "shown"),
    [
        ("integer", "1,234", "1234"),
        ("number", "2.50", "2.5"),
        ("percentage", "45.5%", "45.5"),
        ("boolean", "yes", "是"),
        ("boolean", "0", "否"),
        ("date", "2016年5月1日", "2016-05-01"),
        ("choice", "在建", "在建"),
        ("text", " 说明 ", "说明"),
    ],
)
def test_a_stored_value_is_shown_as_a_person_reads_it(kind, raw, shown):
    element = ELEMENTS[kind]
    assert display_value(element, *parse_value(element, raw)) == shown


within_limits = st.integers(min_value=-(LIMIT - 1), max_value=LIMIT - 1)


@given(n=within_limits, kind=st.sampled_from(sorted(PLAIN)))
def test_any_integer_written_plainly_is_stored_as_itself(n, kind):
    assert parse_value(PLAIN[kind], str(n)) == (D(n), "")
    assert parse_value(PLAIN[kind], f"{n:,}") == (D(n), "")  # with thousands separators


@given(n=within_limits)
def test_any_integer_shown_back_reads_as_the_same_value(n):
    element = PLAIN["integer"]
    shown = display_value(element, *parse_value(element, n))
    assert parse_value(element, shown) == (D(n), "")


@given(
    number=st.decimals(min_value=-(LIMIT - 1), max_value=LIMIT - 1, allow_nan=False, places=4),
    kind=st.sampled_from(["number", "percentage"]),
)
def test_any_decimal_written_plainly_is_stored_as_itself(number, kind):
    written = f"{number:f}" + ("%" if kind == "percentage" else "")
    assert parse_value(PLAIN[kind], written) == (number, "")


@given(n=st.integers(min_value=LIMIT) | st.integers(max_value=-LIMIT))
def test_any_integer_beyond_the_limit_is_refused_as_too_large(n):
    with pytest.raises(ValueRefused, match=r"^数字过大$"):
        parse_value(PLAIN["number"], str(n))


def _not_a_number(text: str) -> bool:
    if not text.strip() or text.lstrip().startswith(("=", "+=", "@=")):
        return False
    normalised = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace(" ", "")
    try:
        Decimal(normalised)
    except InvalidOperation:
        return True
    return False


@given(text=st.text().filter(_not_a_number))
@example(text="12个")
@example(text="一百")
@example(text="1e")
def test_any_text_that_is_not_a_number_is_refused_naming_it(text):
    with pytest.raises(ValueRefused, match=f"^“{re.escape(echoed(text))}”不是数字$"):
        parse_value(PLAIN["integer"], text)


anything = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789.,-+eE%％ 　１２年月日/=是否"),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)


@given(kind=st.sampled_from(sorted(VALUE_TYPES)), raw=anything)
@example(kind="number", raw="1e999999999999999999")
@example(kind="integer", raw="-1e-999999999999999999")
@example(kind="number", raw=D("sNaN"))
@example(kind="date", raw="9999-99-99")
def test_any_input_is_stored_or_refused_with_a_message_and_never_raises_anything_else(kind, raw):
    try:
        number, text = parse_value(ELEMENTS[kind], raw)
    except ValueRefused as refused:
        assert str(refused)
        return
    assert number is None or (number.is_finite() and number.copy_abs() < LIMIT)
    assert number is None or not text


@given(day=st.dates(min_value=datetime.date(1000, 1, 1)))
def test_any_date_in_either_written_form_is_stored_as_iso(day):
    element = ELEMENTS["date"]
    assert parse_value(element, day.isoformat()) == (None, day.isoformat())
    chinese = f"{day.year}年{day.month}月{day.day}日"
    assert parse_value(element, chinese) == (None, day.isoformat())


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("1,234", D(1234)),
        ("1 234", D(1234)),
        ("1,234,567", D(1234567)),
        ("-1,234", D(-1234)),
        ("１，２３４", D(1234)),  # full-width digits and comma
    ],
)
def test_thousands_separators_are_accepted_in_their_places(raw, stored):
    assert parse_value(ElementDef(code="x", name="x", type="integer"), raw) == (stored, "")


def test_a_count_without_a_maximum_of_its_own_takes_the_configured_bound(settings):
    settings.EDUPLAN_COUNT_MAX = 5000
    assert parse_value(COUNT, "5,000") == (D(5000), "")
    with pytest.raises(ValueRefused, match=r"^5001 大于最大值 5000$"):
        parse_value(COUNT, "5001")


def test_a_count_with_its_own_maximum_keeps_it_above_the_configured_bound(settings):
    settings.EDUPLAN_COUNT_MAX = 10
    element = ElementDef(code="seats", name="学位", type="integer", max=20000)
    assert parse_value(element, "20000") == (D(20000), "")


def test_a_number_that_is_not_a_count_may_be_written_with_an_exponent():
    assert parse_value(PLAIN["number"], "1.5e3") == (D("1.5e3"), "")


def test_an_amount_in_wan_yuan_refuses_more_decimals_than_the_form_shows():
    with pytest.raises(ValueRefused, match=r"^0\.00005 的小数位数超过此项保留的位数（最多 2 位）$"):
        parse_value(AMOUNT, "0.00005")
    with pytest.raises(ValueRefused, match=r"^12\.345 的小数位数"):
        parse_value(AMOUNT, 12.345)  # a workbook's float, refused as typed text is
    assert parse_value(AMOUNT, "12.30") == (D("12.30"), "")  # trailing zeros are no decimals
    assert parse_value(AMOUNT, "1,234.56") == (D("1234.56"), "")


digits = st.text(alphabet="0123456789", min_size=1, max_size=12)


@given(
    groups=st.lists(st.text(alphabet="0123456789", min_size=1, max_size=5), min_size=2),
    separator=st.sampled_from([",", " ", "，"]),
)
def test_any_grouping_other_than_thousands_is_refused(groups, separator):
    written = separator.join(groups)
    in_place = 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    element = PLAIN["number"]
    if in_place:
        assert parse_value(element, written) == (D("".join(groups)), "")
    else:
        with pytest.raises(ValueRefused, match=r"不是数字$"):
            parse_value(element, written)


@given(
    number=st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=6),
    decimals=st.integers(min_value=0, max_value=4),
)
def test_any_value_stored_is_one_the_form_shows_back_exactly(number, decimals):
    element = ElementDef(code="x", name="x", type="number", decimals=decimals)
    written = f"{number:f}"
    try:
        stored, _text = parse_value(element, written)
    except ValueRefused as refused:
        assert number != round(number, decimals)
        assert str(refused).endswith(f"（最多 {decimals} 位）") or decimals == 0
        return
    assert stored is not None
    assert D(display_value(element, stored, "")) == number == round(number, decimals)


@given(n=st.integers(min_value=1, max_value=10**13), exponent=st.sampled_from(["e", "E"]))
def test_no_count_is_accepted_in_scientific_notation(n, exponent):
    with pytest.raises(ValueRefused, match="不用科学计数法"):
        parse_value(COUNT, f"{n}{exponent}0")


def test_a_refused_value_is_quoted_back_in_at_most_80_characters():
    quoted = "“" + "x" * 79 + "…”不是数字"
    with pytest.raises(ValueRefused, match=f"^{re.escape(quoted)}$"):
        parse_value(PLAIN["integer"], "x" * 1_500_000)
