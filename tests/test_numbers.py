"""egov.numbers: the article's quantity forms, Traditional and Simplified, and round trips."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egov import numbers
from egov.numbers import APPROX, AT_LEAST, NumberFormatError, Quantity


@pytest.mark.parametrize("text, value, unit, qualifier", [
    ("1.26億人", 126_000_000, "人", ""),
    ("1.26亿人", 126_000_000, "人", ""),
    ("10.02億", 1_002_000_000, "", ""),
    ("384.21萬次", 3_842_100, "次", ""),
    ("384.21万次", 3_842_100, "次", ""),
    ("29.4萬個", 294_000, "个", ""),
    ("360多萬項", 3_600_000, "项", AT_LEAST),
    ("360多万项", 3_600_000, "项", AT_LEAST),
    ("1000多項", 1000, "项", AT_LEAST),
    ("66.39%", Decimal("66.39"), "%", ""),
    ("66.39％", Decimal("66.39"), "%", ""),
    ("0.7948", Decimal("0.7948"), "", ""),
    ("14467個", 14467, "个", ""),
    ("31.5億條", 3_150_000_000, "条", ""),
    ("897種", 897, "种", ""),
    ("第45位".removeprefix("第"), 45, "位", ""),
    ("500+", 500, "", AT_LEAST),
    ("約200个", 200, "个", APPROX),
    ("超10.8亿", 1_080_000_000, "", AT_LEAST),
    ("五項", 5, "项", ""),
    ("十張", 10, "张", ""),
    ("二十五", 25, "", ""),
    ("一百零八", 108, "", ""),
    ("兩萬", 20_000, "", ""),
    ("三億五千萬", 350_000_000, "", ""),
])
def test_parse_article_forms(text, value, unit, qualifier):
    q = numbers.parse(text)
    assert q.value == Decimal(value)
    assert (q.unit, q.qualifier) == (unit, qualifier)


def test_parse_gives_exact_values_not_float_noise():
    assert numbers.parse("1.26亿").number == 126000000
    assert isinstance(numbers.parse("1.26亿").number, int)
    assert numbers.parse("66.39%").number == 66.39


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "亿", "12个34", "%"])
def test_parse_rejects_what_is_not_one_quantity(text):
    with pytest.raises(NumberFormatError):
        numbers.parse(text)


def test_find_all_keeps_dates_whole_and_skips_words():
    found = numbers.find_all("截至2020年6月,共有政府网站14467个,推出一体化“一网通办”服务,联通32个地区。")
    assert [(f.text, f.kind) for f in found] == [("2020年6月", "date"), ("14467个", "quantity"), ("32个", "quantity")]


def test_find_all_sees_stray_digits_as_separate_numbers():
    found = numbers.find_all("比例达到66.39%119,")
    assert [f.text for f in found] == ["66.39%", "119"]


MAGNITUDES = ["", "万", "亿"]
UNITS = ["", "人", "次", "个", "项", "条", "种"]


@st.composite
def quantities(draw):
    magnitude = draw(st.sampled_from(MAGNITUDES))
    scaled = Decimal(draw(st.integers(min_value=0, max_value=10**7))).scaleb(-draw(st.integers(0, 4)))
    value = scaled * numbers.MAGNITUDES.get(magnitude, 1)
    unit = draw(st.sampled_from(UNITS + ["%"]))
    qualifier = draw(st.sampled_from(["", AT_LEAST, APPROX]))
    return Quantity(value, unit, qualifier), magnitude


@given(quantities())
def test_format_then_parse_round_trips(case):
    q, magnitude = case
    back = numbers.parse(numbers.format_quantity(q, magnitude))
    assert back.value == q.value
    assert (back.unit, back.qualifier) == (q.unit, q.qualifier)


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_numerals_round_trip_through_arabic(n):
    assert numbers.chinese_numeral(_to_chinese(n)) == n


def _to_chinese(n: int) -> str:
    """Standard Chinese numeral writing (test oracle, independent of the parser)."""
    digits = "零一二三四五六七八九"
    if n == 0:
        return "零"

    def four(m: int) -> str:
        out, zero = "", False
        for unit, place in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = m // unit % 10
            if d:
                out += ("零" if zero and out else "") + digits[d] + place
                zero = False
            else:
                zero = True
        return out

    parts, out = [(n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")], ""
    for i, (chunk, name) in enumerate(parts):
        if chunk:
            if out and chunk < 1000:
                out += "零"
            out += four(chunk) + name
    return out


def test_find_all_ignores_magnitude_words_without_a_number():
    assert [f.text for f in numbers.find_all("数万个网站,共3个")] == ["3个"]
