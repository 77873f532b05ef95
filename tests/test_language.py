"""Language and meaning: no unmarked Chinese in English pages, no English notes or raw check
output in Chinese ones, and the figures whose meaning the data pins down said as the data says.

The page checks read the built reports (the session's ``built_reports``) with the standard
library's HTML parser: every Chinese character of an English page must sit inside an element
marked ``lang="zh"`` (images carry none: their text is pixels).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from egov import charts, checks, data, i18n, markup
from egov.credits import source_name, source_title
from egov.display import Chart
from egov.section import Section
from tests.helpers import make_chart

#: Elements that hold no text of their own (void elements never get an end tag).
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _LangText(HTMLParser):
    """Each text node of a page with the language it is marked in (the nearest ``lang``)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.found: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):  # close up to the matching tag
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, text):
        if text.strip() and not any(t in ("style", "script") for t, _ in self.stack):
            self.found.append((text, next((lang for _, lang in reversed(self.stack) if lang), None)))


def unmarked_chinese(html: str) -> list[str]:
    """The text nodes of an English page holding Chinese outside an element marked ``lang="zh"``."""
    parser = _LangText()
    parser.feed(html)
    return [text.strip()[:80] for text, lang in parser.found
            if i18n.CJK.search(text) and not (lang or "").startswith("zh")]


def en_pages(root: Path) -> list[Path]:
    pages = sorted((root / "en").glob("*.html"))
    assert len(pages) == 8, pages
    return pages


# --------------------------------------------------------------------------- the built pages

def test_no_unmarked_chinese_in_english_pages(built_reports):
    found = {p.name: unmarked_chinese(p.read_text(encoding="utf-8")) for p in en_pages(built_reports)}
    assert not any(found.values()), {k: v for k, v in found.items() if v}


def test_the_check_finds_one_dropped_mark(built_reports):
    page = (built_reports / "en" / "04_websites.html").read_text(encoding="utf-8")
    assert page.count('<span lang="zh">') > 1 and unmarked_chinese(page) == []
    dropped = page.replace('<span lang="zh">', "<span>", 1)
    assert len(unmarked_chinese(dropped)) == 1


def test_the_english_pages_mark_what_they_quote(built_reports):
    page = (built_reports / "en" / "04_websites.html").read_text(encoding="utf-8")
    assert '<span lang="zh">12114467个</span>' in page  # a correction's text as printed
    assert '<span lang="zh">国务院部门及其内设、垂直管理机构</span>' in page  # CNNIC's label, in the template
    assert "<code>websites_levels_sum</code>" in page  # a rule id as code, no backslash in sight
    notes = (built_reports / "en" / "07_data_notes.html").read_text(encoding="utf-8")
    assert ('CNNIC, 44th Statistical Report on Internet Development in China (August 2019) '
            '(<span lang="zh">第44次《中国互联网络发展状况统计报告》</span>)') in notes


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_checks_read_in_the_readers_words(built_reports, lang):
    """No raw check output ('difference 0, tolerance 0') in a report; no English research note
    ('GAP. 39th report has…') in a Chinese one."""
    for page in sorted((built_reports / lang).glob("*.html")):
        text = page_text(page)
        assert not re.search(r"difference \d|tolerance \d|\bvs\b", text), page.name
        if lang == "zh":
            assert not re.search(r"\bGAP\b|retrievable", text), page.name
    assert "成立：两边均为14467" in page_text(built_reports / "zh" / "07_data_notes.html")


def page_text(path: Path) -> str:
    """A page's text, as a reader sees it (no markup, no images' data)."""
    parser = _LangText()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(text for text, _ in parser.found)


# --------------------------------------------------------------------------- words, unit by unit

def test_lang_spans_marks_the_other_language_only():
    assert markup.lang_spans("<td>&lt;b&gt;第45次</td>", "en") == '<td>&lt;b&gt;<span lang="zh">第45次</span></td>'
    assert markup.lang_spans('<td class="a b">CNNIC</td>', "zh") == '<td class="a b">CNNIC</td>'  # a name, not prose
    assert markup.lang_spans("<td>all in English</td>", "en") == "<td>all in English</td>"


def test_source_titles_in_english_keep_the_original():
    sources = data.table("sources")
    for sid, title, en in zip(sources["source_id"], sources["title"], sources["title_en"]):
        assert not i18n.CJK.search(en) and not i18n.CJK.search(source_name(sid, "en")), sid
        shown, original = source_title(sid, "en")
        assert original == (title if i18n.CJK.search(title) else None), sid
    assert source_name("un_egov_data", "zh") == "联合国电子政务调查数据"


def test_growth_is_said_from_the_ratio():
    assert i18n.multiple(694 / 239, "en") == "nearly tripled"
    assert i18n.multiple(773 / 239, "en") == "more than tripled"
    en = Section("01_platform", "en", "2020-06").render("users").text
    assert "more than tripled, from 239 million in December 2016 to 773 million in June 2020" in en
    assert "nearly tripled, from 239 million in December 2016 to 694 million in March 2020" in \
        Section("01_platform", "en", "2020-03").render("users").text


def test_a_failed_check_says_why_in_both_languages():
    assert checks.in_words(6.5, "==", 6.2, 0.05, False, "en") == "6.5 against 6.2: 0.3 apart, more than the 0.05 allowed"
    assert checks.in_words(6.5, "==", 6.2, 0.05, False, "zh") == "6.5与6.2相差0.3，超出允许的0.05"
    assert checks.in_words(120, "<=", 100, 0, False, "en") == "does not hold: 120 is at most 100"


# --------------------------------------------------------------------------- meaning

def test_platform_visits_are_visits_not_people():
    indicators = data.table("indicators").set_index("indicator_id")
    assert "platform_visitors" not in indicators.index and indicators.loc["platform_visits", "unit"] == "visits"
    en = Section("01_platform", "en", "2020-06").render("reach").text
    zh = Section("01_platform", "zh", "2020-06").render("reach").text
    assert "1.002 billion visits" in en and "it counts visits, not people" in en and "per visitor" not in en
    assert "累计访问10.02亿人次" in zh and "访问人次而非人数" in zh and "每位访问者" not in zh
    assert "超过截至2020年6月全国使用过在线政务服务的7.73亿人" in zh


def test_the_toutiao_reconstruction_is_named_the_same_way_everywhere():
    phrase = {"zh": "82216个（推断值，未经核实）", "en": "82,216 accounts (unverified reconstruction)"}
    for lang in ("zh", "en"):
        overview = Section("00_overview", lang, "2020-06")
        media = Section("05_new_media", lang, "2020-06")
        assert phrase[lang] in overview.render("takeaways").text and phrase[lang] in media.render("weibo").text
        assert phrase[lang] in overview.render("corrections").text  # the overview's box of corrections
        assert phrase[lang] in media.render("corrections").text
        chart = media.chart("weibo_toutiao")
        legends = [t.get_text() for ax in chart.fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
        assert i18n.number(82216, lang, "reconstructed") in legends
    en = Section("05_new_media", "en", "2020-06").render("weibo").text
    assert "kept rising from 2018 to mid-2020" in en and "it is below the 82,937 of December 2019" in en


def test_the_901_is_reported_under_cnnics_label():
    obs = data.observations()
    row = obs[(obs["indicator_id"] == "gov_websites") & (obs["breakdown"] == "level=central") & (obs["period"] == "2020-06")]
    assert list(row["status"]) == ["reported"] and list(row["rule"]) == ["websites_central"]
    assert pd.isna(row["printed"]).all()
    assert "websites_central" in set(data.table("rules")["rule_id"])
    en = Section("04_websites", "en", "2020-06").render("levels").text
    assert "The figure is not a misprint" in en and "1,080 at the ministry level and 16,882 below it make 17,962" in en
    assert "901" not in Section("04_websites", "en", "2020-06").render("corrections").text


def test_the_users_series_ends_at_the_reports_own_date():
    obs = data.observations(section="platform")
    chart = charts.CHARTS["online_users"].fn(obs, "en", as_of="2020-06")
    assert max(chart.data["period"]) == "2020-06" and "December 2016 to June 2020" in chart.subtitle
    q = obs[(obs["indicator_id"] == "online_gov_service_users") & (obs["period"] == "2020-06")]
    assert list(q["value"]) == [773000000] and "7.73亿" in q["quote"].iloc[0]


@pytest.mark.parametrize("as_of", ["2020-06", "2019-12", "2016-12"])
def test_as_of_is_said_only_of_what_is_that_period(as_of, sections, egdi, close_figures):
    """A caption that says 'as of June 2020' plots June 2020 only; a longer series says its span."""
    for chart_id in charts.CHARTS:
        chart = make_chart(chart_id, "en", sections, egdi, as_of=as_of)
        if not isinstance(chart, Chart):
            continue
        m = re.search(r"\bas of (\w+ \d{4}|\d{4})", chart.subtitle, re.I)
        if m:
            shown = {i18n.period(p, "en") for p in chart.data["period"]}
            assert shown == {m[1]}, (chart_id, chart.subtitle, shown)
