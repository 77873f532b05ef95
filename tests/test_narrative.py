"""The narrative: facts computed once, words chosen by the data, typos are errors, gaps are left
out and named once, nothing carried from one cell to the next."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from egov import charts, data, refs
from egov.facts import Period, Query
from egov.narrative import TEMPLATES, NarrativeError, Text
from egov.section import Section
from tests.helpers import rewrite
from tests.narrative_checks import problems

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def texts(section: Section) -> dict[str, str]:
    return {b: section.render(b).text for b in section.blocks()}


# --------------------------------------------------------------------------- from the data

def test_websites_in_chinese_from_the_data():
    s = Section("04_websites", "zh", "2020-06")
    assert s.render("levels").text.splitlines()[2] == \
        "截至2020年6月，我国共有政府网站14467个，比2019年12月减少7个。与2018年12月的17962个相比，减少了3495个（19.5%）。"


def test_the_text_follows_the_edition():
    s = Section("04_websites", "en", "2019-12")
    assert "By December 2019 China had 14,474 government websites, 3,488 fewer than in December 2018." in s.render("levels").text


def test_annual_data_counts_for_the_months_of_its_year():
    s = Section("02_capability", "en", "2020-06")
    assert "rose from 0.6811 in 2018 to 0.7948 in 2020, and its world rank rose 20 places to 45th." in s.render("egdi").text


def test_one_fact_two_languages():
    """A derived number is computed once: both languages print the same value of the same fact."""
    zh, en = (Section("04_websites", lang, "2020-06").render("levels") for lang in ("zh", "en"))
    assert [f for f in zh.figures if f["derived"]] == [f for f in en.figures if f["derived"]]
    assert any(f["derived"] and round(f["value"], 1) == 19.5 for f in zh.figures)


def test_what_the_text_says_is_what_the_data_says():
    for nb in ("00_overview", "01_platform", "02_capability", "03_sharing", "04_websites", "05_new_media"):
        for lang in ("zh", "en"):
            s = Section(nb, lang, "2020-06")
            for b in s.blocks():
                r = s.render(b)
                assert problems({"block": b, "figures": r.figures, "claims": r.claims}, data.observations()) == []


# --------------------------------------------------------------------------- words from the data

@pytest.fixture
def flipped(data_copy):
    """The data with every comparison the text makes turned the other way."""
    obs = data_copy / "observations.csv"
    rewrite(obs, "gov_websites,total,2020-06,14467,", "gov_websites,total,2020-06,14480,")    # more than 2019-12
    rewrite(obs, "type=online_services,2020-06,12.9,", "type=online_services,2020-06,10.9,")  # now below news
    rewrite(obs, "homepage_updates_growth,level=county,2020-06,30.7,", "homepage_updates_growth,level=county,2020-06,10.7,")
    rewrite(obs, "egdi_rank,total,2020,45,", "egdi_rank,total,2020,70,")                      # worse than 65
    rewrite(obs, "gov_website_columns,total,2020-06,294000,", "gov_website_columns,total,2020-06,240000,")
    return data_copy


def test_comparative_words_follow_the_data(flipped):
    zh, en = (texts(Section("04_websites", lang, "2020-06", data_dir=flipped)) for lang in ("zh", "en"))
    zh_egdi, en_egdi = (Section("02_capability", lang, "2020-06", data_dir=flipped).render("egdi").text for lang in ("zh", "en"))
    assert "比2019年12月增加6个" in zh["levels"] and "14,480 government websites, 6 more than in December 2019" in en["levels"]
    assert "其次为政务动态栏目，占11.8%；网上办事类占10.9%" in zh["columns"]
    assert "followed by government news (11.8%) and online services (10.9%)" in en["columns"]
    assert "县级政府网站的增幅低于整体" in zh["updates"] and "On county-level websites it grew more slowly" in en["updates"]
    assert "减少了2.0%" in zh["columns"] and "That is 2.0% fewer than the 245,000 of December 2019" in en["columns"]
    assert "排名下降5位，降至全球第70位" in zh_egdi and "its world rank fell 5 places to 70th" in en_egdi
    # the sums that show the 901 is the central level no longer hold: the text does not claim them
    assert "1 + 900 = 901" not in zh["levels"] and "not a misprint" not in en["levels"]
    normal = texts(Section("04_websites", "zh", "2020-06"))
    assert "县级政府网站的增幅高于整体" in normal["updates"] and "其次为网上办事栏目" in normal["columns"]
    assert "1 + 900 = 901，901 + 13566 = 14467（总数）" in normal["levels"]


def test_chart_titles_follow_the_data_too(flipped):
    obs = data.observations(flipped, section="websites")
    assert charts.CHARTS["homepage_updates"].fn(obs, "zh").title == "政府网站首页文章更新量增长：县级低于整体"
    assert charts.CHARTS["homepage_updates"].fn(data.observations(section="websites"), "zh").title == \
        "政府网站首页文章更新量增长：县级高于整体"


# --------------------------------------------------------------------------- gaps: left out, named once

def test_a_paragraph_lacking_a_figure_is_left_out_and_named_once():
    s = Section("04_websites", "zh", "2019-12")
    shown = texts(s)
    notice = s.notice()
    assert notice.count("本期（2019年12月）数据不全") == 1
    assert "2019年12月之前的政府网站栏目数量" in notice  # the change in columns needs 2018-12
    assert not any("数据中没有" in t or "从略" in t for t in shown.values())
    assert "增长了" not in shown["columns"] and "共开通栏目24.5万个" in shown["columns"]


def test_a_whole_part_without_figures_shows_no_heading():
    shown = texts(Section("04_websites", "en", "2015-07"))
    assert shown["columns"] == "" and shown["updates"] == "" and shown["levels"] == ""


def test_a_complete_edition_has_no_notice():
    assert Section("04_websites", "zh", "2020-06").notice() == ""


# --------------------------------------------------------------------------- typos are errors

@pytest.fixture(scope="module")
def websites():
    return {"ref": Query(data.observations(section="websites"), "2020-06"), "as_of": Period("2020-06"),
            "total": Query(data.observations(section="websites"), "2020-06")("gov_websites")}


@pytest.mark.parametrize("source, message", [
    ('{{ ref("gov_websites[level=municpal]") }}', "unknown breakdown 'level=municpal'; closest: 'level=municipal'"),
    ('{{ ref("gov_websits") }}', "unknown indicator 'gov_websits'; closest: 'gov_websites'"),
    ('{{ ref("gov_websites[type=news]") }}', "gov_websites has no breakdown 'type=news'; its breakdowns: level=central"),
    ('{{ ref("gov_websites@lastest") }}', "unknown period 'lastest'"),
    ('{{ ref("egdi") }}', "indicator 'egdi' is not in the data this notebook read"),
    ("{{ totl }}", "unknown name 'totl'; closest: 'total'"),
    ("{{ total.perod }}", "has no attribute 'perod'; closest: 'period'"),
    ("{{ 0.1 + 0.2 }}", "give it a format"),
    ("{{ none }}", "cannot print None"),
    ("{{ total | pct }} {{ ref }}", "cannot print"),
])
def test_a_wrong_reference_or_name_fails_naming_it(websites, source, message):
    t = Text.from_source("x\n{% block b %}\n" + source + "\n{% endblock %}", "en", {**websites, "none": None}, name="t.en.md.j2")
    with pytest.raises(NarrativeError) as err:
        t.render("b")
    assert "t.en.md.j2, line 3 (block 'b'): " in str(err.value) and message in str(err.value)


def test_an_unknown_filter_or_block_fails_with_the_closest_name(websites):
    with pytest.raises(NarrativeError, match=r"line 1: No filter named 'quantiy'.*closest: 'quantity'"):
        Text.from_source("{{ total | quantiy }}", "en", websites)
    with pytest.raises(NarrativeError, match=r"no block 'levls'; closest: 'levels'"):
        Section("04_websites", "en", "2020-06").render("levls")


def test_a_typo_in_python_facts_fails_too():
    q = Query(data.observations(section="websites"), "2020-06")
    with pytest.raises(refs.ReferenceError, match="unknown breakdown 'level=municpal'; closest: 'level=municipal'"):
        q("gov_websites[level=municpal]")


# --------------------------------------------------------------------------- no hidden state

def test_rendering_depends_only_on_data_parameters_and_the_call():
    s = Section("04_websites", "en", "2020-06")
    first = texts(s)
    s.render("levels")  # other calls in between, in another order, with other values
    s.text.render("levels", total=s.text.values["since_prev"].before)
    assert dict(reversed(list(texts(s).items()))) == first
    assert texts(Section("04_websites", "en", "2020-06")) == first


# --------------------------------------------------------------------------- the templates

def _blocks(path: Path) -> list[str]:
    return re.findall(r"{%-?\s*block\s+(\w+)", path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted({p.name.split(".")[0] for p in TEMPLATES.glob("*.md.j2")}))
def test_both_languages_have_the_same_blocks(name):
    assert _blocks(TEMPLATES / f"{name}.zh.md.j2") == _blocks(TEMPLATES / f"{name}.en.md.j2")


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9]*.ipynb")), ids=lambda p: p.stem)
def test_each_notebook_shows_every_block_and_chart_of_its_section(path):
    book = nbformat.read(path, as_version=4)
    calls = "\n".join(c.source for c in book.cells)
    section = path.stem.split("_", 1)[1]
    shown = re.findall(r'section\.show\("(\w+)"', calls)
    assert [b for b in _blocks(TEMPLATES / f"{section}.zh.md.j2") if not b.startswith("chart_")] == \
        [b for b in shown if b != "corrections" or section == "data_notes"]
    assert re.findall(r'chart="(\w+)"', calls) == charts.of_section(section)
    for chart_id in charts.of_section(section):
        assert {f"chart_{chart_id}_{k}" for k in ("title", "subtitle", "name")} <= set(_blocks(TEMPLATES / f"{section}.zh.md.j2"))


def test_a_change_runs_forward_in_time():
    """Arguments the wrong way round would turn 'fewer' into 'more': refused."""
    from egov.facts import change

    q = Query(data.observations(section="websites"), "2020-06")
    with pytest.raises(ValueError, match="a change runs forward in time"):
        change(q("gov_websites"), q("gov_websites@prev"))


def test_a_heading_stays_over_a_chart_whose_paragraphs_are_left_out(monkeypatch):
    import egov.display
    import egov.text

    shown = []
    monkeypatch.setattr(egov.text, "markdown", lambda t, metadata=None: shown.append(t))
    monkeypatch.setattr(egov.display, "show", lambda c, notebook, lang=None: shown.append(f"[{c.chart_id}]"))
    Section("05_new_media", "zh", "2019-12").show("douyin", chart="douyin")  # earlier Douyin counts only
    Section("04_websites", "zh", "2016-12").show("levels", chart="websites_by_level")  # nothing at all
    assert shown == ["## 政务抖音号", "[douyin]"]


def test_values_are_escaped_where_they_are_filled_in_the_templates_markdown_is_not(monkeypatch):
    """A label from the data is text in the report (egov.markup); the template's own Markdown
    (a heading) still works."""
    real = data.labels

    def labels(lang, *args, **kw):
        out = real(lang, *args, **kw)
        out["breakdowns"] = {**out["breakdowns"], "province=Shandong": {"zh": "*山东*", "en": "[Shandong](x)"}[lang]}
        return out

    monkeypatch.setattr(data, "labels", labels)
    zh = Section("05_new_media", "zh", "2020-06").render("douyin").text
    en = Section("05_new_media", "en", "2020-06").render("douyin").text
    assert zh.startswith("## 政务抖音号") and "开通数量最多的省份为\\*山东\\*" in zh
    assert "\\[Shandong\\](x) had the most" in en
