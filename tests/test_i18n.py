"""The locale layer: numbers, quantities and periods in Chinese and English, exact by default."""

from __future__ import annotations

import pytest

from egov import i18n
from egov.errors import ParameterError


@pytest.mark.parametrize("value,unit,q,zh,en", [
    (126000000, "persons", None, "1.26亿人", "126 million people"),
    (5891000000, "views", None, "58.91亿次", "5.891 billion page views"),
    (3600000, "items", "at_least", "360多万项", "more than 3.6 million items"),
    (1000, "items", "at_least", "1000多项", "more than 1,000 items"),
    (3842100, "times", None, "384.21万次", "3,842,100 times"),
    (14467, "sites", None, "14467个", "14,467 websites"),
    (1, "sites", None, "1个", "1 website"),
    (200, "accounts", "approx", "约200个", "about 200 accounts"),
    (66.39, "percent", None, "66.39%", "66.39%"),
    (0.7948, "index", None, "0.7948", "0.7948"),
    (45, "rank", None, "第45位", "45th"),
    (20, "places", None, "20位", "20 places"),
])
def test_quantity(value, unit, q, zh, en):
    assert i18n.quantity(value, unit, "zh", q) == zh
    assert i18n.quantity(value, unit, "en", q) == en


@pytest.mark.parametrize("value", [126000000, 1002000000, 5891000000, 3842100, 14467, 294000, 82216])
def test_scaled_numbers_are_exact(value):
    """1.26亿 is exactly 126,000,000: a scaled number reads back to the value, digit for digit."""
    from egov import numbers

    assert numbers.parse(i18n.number(value, "zh")).value == value


@pytest.mark.parametrize("n,en", [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (12, "12th"), (13, "13th"),
                                  (21, "21st"), (45, "45th"), (101, "101st"), (112, "112th")])
def test_ordinals_follow_cldr(n, en):
    assert i18n.ordinal(n, "en") == en and i18n.ordinal(n, "zh") == f"第{n}"


@pytest.mark.parametrize("period,zh,en", [
    ("2020-06", "2020年6月", "June 2020"), ("2019", "2019年", "2019"),
    ("2017-12-01", "2017年12月1日", "1 December 2017"),
    ("2017-06..2019-06", "2017年6月至2019年6月", "June 2017 – June 2019"),
])
def test_period_label(period, zh, en):
    assert i18n.period(period, "zh") == zh and i18n.period(period, "en") == en


def test_lists_and_brackets():
    assert i18n.join(["丹麦", "韩国", "芬兰"], "zh") == "丹麦、韩国和芬兰"
    assert i18n.join(["Denmark", "South Korea", "Finland"], "en") == "Denmark, South Korea and Finland"
    assert i18n.paren("96%", "zh") == "（96%）" and i18n.paren("96%", "en") == " (96%)"


def test_one_check_lang_for_everything():
    from egov import params

    assert params.check_lang is i18n.check_lang and params.LANGS is i18n.LANGS
    with pytest.raises(ParameterError, match="parameter 'lang' is 'fr'; allowed values: 'zh', 'en'"):
        i18n.pick("fr", "中", "en")
