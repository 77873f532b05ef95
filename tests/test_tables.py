"""Reader's tables (egov.tables): how a chart's values and the data notes are laid out for
reading, and what goes with them (CSV, print, the report's CSV of every chart)."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest

from egov import charts, data, display, notes, tables
from egov.build import render
from egov.exporters import page_context


def rows(*records, unit="sites", indicator="gov_websites", qualifier=None):
    """Observation rows: (breakdown, period, value) triples."""
    return pd.DataFrame({"indicator_id": [indicator] * len(records), "breakdown": [r[0] for r in records],
                         "period": [r[1] for r in records], "value": [float(r[2]) for r in records],
                         "unit": [unit] * len(records), "qualifier": [qualifier] * len(records),
                         "status": ["reported"] * len(records), "source_id": ["qianzhan2020"] * len(records)})


def test_periods_are_columns_in_time_order_and_categories_rows():
    t = tables.observations(rows(("total", "2020-06", 14467), ("level=central", "2019-12", 912),
                                 ("total", "2018-12", 17962), ("level=central", "2020-06", 901)), "en")
    assert t.head == ("Government websites (websites)", "Dec 2018", "Dec 2019", "Jun 2020")  # the unit in the header
    assert [(r.label, r.cells) for r in t.rows] == [("Total", ("17,962", "–", "14,467")),
                                                    ("Central level (with www.gov.cn)", ("–", "912", "901"))]
    assert len(t.tidy) == 4 and list(t.tidy.columns)[:4] == ["indicator", "breakdown", "period", "value"]


def test_thousands_separators_in_both_languages():
    big = rows(("total", "2020-06", 5891000000), unit="views", indicator="platform_page_views")
    assert tables.observations(big, "en").rows[0].cells == ("5,891,000,000",)
    assert tables.observations(big, "zh").rows[0].cells == ("5,891,000,000",)
    assert tables.observations(big, "zh").head[1:] == ("2020年6月",)


def test_fixed_decimals_per_indicator():
    shares = rows(("type=info_disclosure", "2020-06", 71.2), ("type=other", "2019-12", 4),
                  unit="percent", indicator="gov_website_columns_share")
    assert [r.cells for r in tables.observations(shares, "en").rows] == [("–", "71.2"), ("4.0", "–")]
    assert tables.decimals([0.41595, 0.5017, 0.7948]) == 4  # at most four
    assert tables.figure(0.41595, 4, "en") == "0.4160"


def test_groups_per_indicator_say_their_unit_and_a_lone_total_is_one_row():
    both = pd.concat([rows(("stage=catalogued", "2020-06", 897), ("stage=aggregated", "2020-06", 861),
                           unit="types", indicator="ecert_types"),
                      rows(("total", "2020-06", 96), unit="percent", indicator="ecert_aggregated_share")])
    t = tables.observations(both, "en")
    assert t.head[0] == "Indicator"
    assert [g.title for g in t.groups] == ["E-certificate types (types)", ""]
    assert t.rows[-1].label == "Share of certificate types aggregated (%)"
    html = t.html("en")
    assert '<th scope="rowgroup" colspan="2">E-certificate types (types)</th>' in html
    assert html.count('<td class="egov-number">') == 3 and 'class="egov-member"' in html


def test_qualified_values_are_marked_and_the_marks_explained():
    t = tables.observations(pd.concat([rows(("total", "2018-06", 200), unit="accounts", indicator="gov_douyin_accounts",
                                            qualifier="approx"),
                                       rows(("total", "2020-06", 82216), unit="accounts",
                                            indicator="gov_toutiao_accounts", qualifier="reconstructed")]), "en")
    assert [r.cells for r in t.rows] == [("≈200", "–"), ("–", "82,216†")]
    assert t.notes == ("≈ about", "† unverified reconstruction")
    assert "≈ about; † unverified reconstruction" in t.html("en")


def test_text_left_numbers_right_and_strings_stay_text():
    frame = pd.DataFrame({"name": ["<b>x</b>", "y"], "id": ["a_b", "c"], "n": [1234.5, 2.25],
                          "URL": ["https://example.org/路径?q=1", "javascript:alert(1)"], "empty": ["", None]})
    t = tables.records(frame, "en", sub="id", kinds={"URL": "url"})
    assert t.head == ("name", "n", "URL")  # the sub column under the names, the empty column left out
    assert [r.cells for r in t.rows] == [("1,234.50", "https://example.org/路径?q=1"), ("2.25", "javascript:alert(1)")]
    html = t.html("en")
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>" not in html
    assert '<span class="egov-id">a_<wbr>b</span>' in html  # ids break at their underscores
    assert re.findall(r'href="([^"]+)"', html) == ["https://example.org/%E8%B7%AF%E5%BE%84?q=1"]  # http(s) only
    assert 'class="dataframe egov-table egov-prose egov-fixed"' in html  # text: the page's width, columns fixed in print
    assert html.count('<td class="egov-number">') == 2 and html.count('<td class="egov-url">') == 2


def test_a_chart_knows_whether_it_writes_every_value():
    obs = data.observations()
    by = {s: obs[obs["section"] == s] for s in ("sharing", "websites")}
    ecert = charts.CHARTS["ecert"].fn(by["sharing"], "en")
    levels = charts.CHARTS["websites_by_level"].fn(by["websites"], "en")
    assert ecert.labelled  # each bar and tile carries its value: the PDF leaves its table out
    assert not levels.labelled  # the stacked central parts carry none: the PDF prints the table
    assert "Central level (with www.gov.cn)" in [r.label for r in levels.table.rows]


def test_notes_tables_are_compact_and_their_csv_complete():
    t = notes.corrections_table("en")
    assert t.table.head == ("indicator", "corrected to", "why", "check")
    assert all("printed as" in r.cells[1] for r in t.table.rows)  # the rule says how it was printed
    assert {r.sub for r in t.table.rows} == {"websites_levels_sum", "sso_share_is_a_share", "toutiao_magnitude"}
    assert {"rule", "quote", "unit", "period", "printed"} <= set(t.table.tidy.columns)
    assert "14,467 websites" in [c for r in t.table.rows for c in r.cells]
    checks = notes.checks_table("zh").table
    assert checks.head == ("检查", "结果") and all(r.cells[0].startswith(("成立：", "不成立：")) for r in checks.rows)
    assert notes.status_table("en").printed is False  # the introduction states every count
    sources = notes.sources_table("en").table
    assert sources.kinds[-1] == "url" and all(r.sub for r in sources.rows)


def test_a_wide_tables_printed_columns_fit_their_longest_words_and_share_the_rest():
    """The PDF lays wide tables out with fixed column widths worked out from their text (the
    automatic layout measures every break opportunity): each column at least as wide as what
    no line can break in it, the rest shared by how long its lines are."""
    frame = pd.DataFrame({"name": ["Government websites", "Sections"], "period": ["Jun 2020", "Jun 2020"],
                          "why": ["A long explanation " * 12, "Short"], "value": [14467.0, 294000.0]})
    t = tables.records(frame, "en")
    widths = t.print_widths("en")
    assert widths is not None and abs(sum(widths) - 100) < 1e-6
    assert widths[2] == max(widths)  # the long prose gets the room
    html = t.html("en")
    assert "egov-fixed" in html and html.count("<col ") == len(t.head)
    assert [round(w, 1) for w in widths] == [float(x) for x in re.findall(r"--egov-width:([\d.]+)%", html)]
    numbers = tables.records(pd.DataFrame({"name": ["a"], "value": [1.0]}), "en")
    assert "<col" not in numbers.html("en")  # a table of numbers keeps its own width


def test_a_table_whose_words_cannot_fit_the_page_is_left_to_the_automatic_layout():
    frame = pd.DataFrame({"a": ["x" * 60], "b": ["y" * 60], "c": [1.0]})
    t = tables.records(frame, "en")
    assert t.print_widths("en") is None and "egov-fixed" not in t.html("en")


def test_a_chinese_number_never_wraps_so_its_column_fits_it_whole():
    frame = pd.DataFrame({"名称": ["政务网站"], "说明": ["文" * 200], "数值": [773000000.0]})
    t = tables.records(frame, "zh")
    page = tables._PAGE_UNITS - tables._PAD_UNITS * 3  # noqa: SLF001
    width_of_number = t.print_widths("zh")[2] / 100 * (page + tables._PAD_UNITS * 3)  # noqa: SLF001
    assert width_of_number >= tables._units("773,000,000")  # noqa: SLF001


def test_show_table_metadata(monkeypatch):
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append((a, k)))
    t = notes.TABLES["derived"]("en")
    display.show_table(t.table, "07_data_notes", t.table_id, t.source, "en", printed=t.printed)
    (bundle,), kw = shown[0]
    meta = kw["metadata"]["egov"]
    assert meta["filename"] == "07_data_notes_derived.csv" and meta["print"] is True and "chart" not in meta
    assert list(csv.reader(io.StringIO(meta["csv"])))[0][:3] == ["indicator", "period", "value"]
    assert bundle["text/html"].startswith('<table class="dataframe egov-table')


def test_charts_csv_gathers_every_chart_of_a_notebook():
    def output(meta):
        return {"output_type": "display_data", "data": {}, "metadata": {"egov": meta}}

    nb = {"cells": [{"cell_type": "code", "outputs": [
        output({"chart": "a", "csv": "indicator,value\nx,1\n"}),
        output({"csv": "not,a chart\n1,2\n"}),  # a notes table: not a chart's data
        output({"chart": "b", "csv": 'indicator,value\n"y, with a comma",2.5\n'})]}]}
    assert render.charts_csv(nb) == 'chart,indicator,value\na,x,1\nb,"y, with a comma",2.5\n'
    assert render.charts_csv({"cells": []}) is None


@pytest.mark.parametrize("stem, prev, nxt", [("00_a", None, "01_b.html"), ("07_data_notes", "01_b.html", None)])
def test_page_navigation_ends(stem, prev, nxt):
    nav = page_context({}, "zh", stem, ["00_a", "01_b", "07_data_notes"])["nav"]
    assert (nav["prev"], nav["next"], nav["other"]) == (prev, nxt, f"../en/{stem}.html")
    assert nav["notes"] == (None if stem == "07_data_notes" else "07_data_notes.html")
    assert page_context({}, "zh", "x", ["00_a"])["nav"] is None  # a notebook outside the report: no links
