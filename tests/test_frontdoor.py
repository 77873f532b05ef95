"""The front door: the overview's ten-charts page (takeaways box, grid of the article's charts,
corrections box) and the index pages, as data and as the HTML the build writes (a browser opens them in
tests/test_browser.py, the full report's cover is read in tests/test_pdf.py)."""

from __future__ import annotations

import base64
import io
import re
import shutil

import pytest
from PIL import Image

from egov import charts, data, gallery, source
from egov.errors import DataError
from egov.facts import overview
from egov.section import Section
from tests.helpers import ROOT, rewrite

NOTEBOOKS = ROOT / "notebooks"


# ------------------------------------------------------------------------------ the mapping

def test_the_article_has_ten_charts_each_redrawn_and_quoted():
    found = overview.article_charts()
    assert [c["chart"] for c in found] == list(range(1, 11))
    text = source.article().text
    for c in found:
        assert c["quote"] in text, f"chart {c['chart']}: its sentence is not in the article"
        assert c["redrawn"] in charts.CHARTS and c["section"] == charts.CHARTS[c["redrawn"]].section
        assert (NOTEBOOKS / f"{c['page']}.ipynb").is_file(), c["page"]  # the page the card links
    assert {c["status"] for c in found} == {"reproduced", "extended", "partial"}


def test_a_misspelt_chart_is_an_error_naming_row_and_column(data_copy):
    rewrite(data_copy / "article_charts.csv", ",homepage_updates,", ",homepage_update,")
    with pytest.raises(DataError) as err:
        overview.article_charts(data_copy)
    assert re.search(r"article_charts\.csv, row 8, column 'redrawn': no chart 'homepage_update' in the report; "
                     r"closest: 'homepage_updates'", str(err.value)), str(err.value)


def test_a_status_outside_the_three_is_refused(data_copy):
    rewrite(data_copy / "article_charts.csv", ",douyin,extended,", ",douyin,done,")
    data.clear_cache()
    try:
        with pytest.raises(DataError, match=r"article_charts\.csv, row 11, column 'status'"):
            data.table("article_charts", data_copy)
    finally:
        data.clear_cache()


# ------------------------------------------------------------------------------ the overview

@pytest.fixture(scope="module")
def sections():
    return {lang: Section("00_overview", lang, "2020-06") for lang in ("zh", "en")}


def test_the_charts_paragraph_counts_what_the_data_maps(sections):
    statuses = [c["status"] for c in overview.article_charts()]
    words = {"zh": "零一两三四五六七八九十", "en": "no one two three four five six seven eight nine ten".split()}
    for lang, s in sections.items():
        text = s.render("charts").text
        for status in ("reproduced", "extended", "partial"):
            assert words[lang][statuses.count(status)] in text
    assert "原文的十张图" in sections["zh"].render("charts").text
    assert "The article's ten charts" in sections["en"].render("charts").text


def test_each_card_has_a_thumbnail_of_its_chart_and_its_words(sections):
    for lang, s in sections.items():
        cards = gallery.cards(s)
        assert len(cards) == 10
        for card, row in zip(cards, overview.article_charts()):
            chart = s.chart(row["redrawn"])
            assert card["redrawn"] == chart.title and card["alt"] == chart.alt and chart.alt
            assert card["title"] == row[f"title_{lang}"] and card["note"] == row[f"note_{lang}"]
            png = base64.b64decode(card["thumbnail"].removeprefix("data:image/png;base64,"))
            assert Image.open(io.BytesIO(png)).size[0] == 480
        html = gallery.grid(cards, lang)
        assert html.count('class="egov-card"') == 10 and html.count("<img ") == 10
        assert all(f'href="{c["page"]}"' in html for c in cards)


def test_the_grid_prints_data_as_text():
    card = {"number": 1, "title": "<b>bold</b>", "quote": "", "status": "partial", "note": "[x](javascript:y)",
            "page": "04_websites.html", "section": "A & B", "redrawn": '"><script>', "thumbnail": None, "alt": ""}
    html = gallery.grid([card], "en")
    assert "<b>bold" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>" not in html and "&#34;&gt;&lt;script&gt;" in html and "A &amp; B" in html
    assert "No data for this chart in this edition" in html  # no thumbnail: said, not left blank


def test_the_corrections_box_lists_the_four_in_the_articles_order(sections):
    obs = data.observations()
    corrected = obs[obs["status"] == "corrected"]
    for lang, s in sections.items():
        text = s.render("corrections").text
        items = [line for line in text.splitlines() if line.startswith("- ")]
        assert len(items) == len(corrected) + 1  # the misprints and the relabelled 901
        for printed in corrected["printed"]:
            assert printed in text
        rules = [re.search(r"`(\w+)`", item)[1] for item in items]
        assert rules == ["sso_share_is_a_share", "websites_levels_sum", "websites_central", "toutiao_magnitude"]
    assert "对原文的四处更正" in sections["zh"].render("corrections").text


def test_an_edition_before_the_article_has_no_corrections_box():
    assert Section("00_overview", "en", "2019-12").render("corrections").text == ""


def test_boxes_carry_their_kind_and_edition():
    html = gallery.box("## Key takeaways\n\n- one", "takeaways", "2020-06")
    assert html.startswith('<div class="egov-box egov-box-takeaways" data-egov-box="takeaways" '
                           'data-egov-edition="2020-06" style=')
    assert "\n\n## Key takeaways\n\n- one\n\n</div>" in html  # Markdown kept apart from the HTML block


# ------------------------------------------------------------------------------ the built pages
# (the session's full build; the browser opens the same pages in tests/test_browser.py)

@pytest.mark.slow
def test_the_front_doors_link_each_other_and_every_report(built_reports):
    zh = (built_reports / "index.html").read_text(encoding="utf-8")
    en = (built_reports / "index.en.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in zh and '<html lang="en">' in en
    assert 'href="index.en.html" hreflang="en"' in zh and 'href="index.html" hreflang="zh-CN"' in en
    for lang, page in (("zh", zh), ("en", en)):
        pages = sorted(p.relative_to(built_reports).as_posix() for p in (built_reports / lang).glob("*.html"))
        assert [h for h in re.findall(r'<h3>.*?href="([^"]+)"', page)] == pages
        assert f'href="{lang}/full_report.pdf"' in page
        assert page.count('<img src="data:image/png;base64,') == 7  # every section with a chart, and the overview
        assert 'data-egov-box="takeaways"' in page  # the overview's takeaways
        assert "<script" not in page and not re.search(r'src="(https?:)?//', page)
    assert "本期：2020年6月" in zh and "Edition: June 2020" in en
    assert "CC BY 4.0" in zh and "terms-of-use" in en and "UN DESA" in en  # the licence, with the UN's caveat


@pytest.mark.slow
def test_the_overview_page_shows_the_grid_and_both_boxes(built_reports):
    for lang in ("zh", "en"):
        page = (built_reports / lang / "00_overview.html").read_text(encoding="utf-8")
        assert page.count('class="egov-card"') == 10
        assert 'data-egov-box="takeaways"' in page and 'data-egov-box="corrections"' in page
        links = set(re.findall(r'<div class="egov-card".*?href="([^"]+)"', page, re.S))
        assert links and all((built_reports / lang / link).is_file() for link in links)


@pytest.mark.slow
def test_the_dataset_is_linked_once_exported(built_reports, tmp_path):
    from egov import export, exportfolder
    from egov.build.index import DATASET, render_index
    from egov.build.manifest import Manifest

    reports = tmp_path / "reports"
    shutil.copytree(built_reports, reports)
    shutil.rmtree(reports / "data", ignore_errors=True)  # the build writes the dataset: start without it
    order = [p.stem for p in sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))]
    before = render_index(Manifest.read(reports), order, reports)["index.en.html"]
    assert "The dataset has not been built" in before and 'href="data/' not in before
    export.write(reports / "data")
    after = render_index(Manifest.read(reports), order, reports)["index.en.html"]
    written = sorted(p.name for p in (reports / "data").iterdir() if p.name != exportfolder.RECORD)
    linked = sorted(re.findall(r'href="data/([^"]+)"', after))
    assert linked == written and set(written) <= {name for name, _, _ in DATASET}
    assert {"datapackage.json", "egov-data.zip"} <= set(linked)  # the descriptor and the one download
