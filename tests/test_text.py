"""Numbers, periods and sentences filled from the data, in both languages."""

from __future__ import annotations

import pytest

from egov import data
from egov import text as tx


@pytest.mark.parametrize("value,unit,q,zh,en", [
    (126000000, "persons", None, "1.26亿人", "126 million persons"),
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
    assert tx.quantity(value, unit, "zh", q) == zh
    assert tx.quantity(value, unit, "en", q) == en


@pytest.mark.parametrize("period,zh,en", [
    ("2020-06", "2020年6月", "June 2020"), ("2019", "2019年", "2019"),
    ("2017-12-01", "2017年12月1日", "1 December 2017"),
    ("2017-06..2019-06", "2017年6月至2019年6月", "June 2017 – June 2019"),
])
def test_period_label(period, zh, en):
    assert tx.period_label(period, "zh") == zh and tx.period_label(period, "en") == en


@pytest.fixture(scope="module")
def websites():
    return data.observations(section="websites")


def test_story_fills_numbers_from_the_data(websites):
    s = tx.Story(websites, "zh", "2020-06")
    out = s.render("截至{as_of|period}共有{gov_websites}，比{gov_websites@prev|period}减少{gov_websites@prev - gov_websites|sites}，"
                   "比{gov_websites@first|period}减少{100 * (gov_websites@first - gov_websites) / gov_websites@first|pct}。")
    assert out == "截至2020年6月共有14467个，比2019年12月减少7个，比2018年12月减少19.5%。"


def test_story_follows_as_of(websites):
    s = tx.Story(websites, "en", "2019-12")
    assert s.render("{gov_websites} ({gov_websites@prev|period})") == "14,474 websites (December 2018)"


def test_story_says_plainly_when_the_data_has_nothing(websites):
    s = tx.Story(websites, "zh", "2015-06")
    assert s.text("共有{gov_websites}。", "{gov_websites}.") == "*数据中没有2015年6月的“政府网站数量”，此处从略。*"
    e = tx.Story(websites, "en", "2015-06")
    assert e.text("x", "{gov_websites@prev}") == \
        "*The data has no comparable figure for government websites up to June 2015, so this is left out.*"


def test_annual_data_counts_for_the_months_of_its_year():
    s = tx.Story(data.observations(section="capability"), "en", "2020-06")
    assert s.render("{egdi} in {egdi|period}, {egdi@prev} in {egdi@prev|period}") == "0.7948 in 2020, 0.6811 in 2018"


def test_story_corrections_name_printed_text_and_rule(websites):
    lines = tx.Story(websites, "en", "2020-06").corrections()
    assert any("12114467" in x and "14,467 websites" in x and "websites_levels_sum" in x for x in lines)
    assert tx.Story(websites, "en", "2019-12").corrections() == []


def test_unknown_names_in_templates_are_errors(websites):
    with pytest.raises(ValueError, match="unknown name 'nonsense'"):
        tx.Story(websites, "en", "2020-06").render("{gov_websites - nonsense|int}")
