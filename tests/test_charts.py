"""Charts: the theme and its CJK font, every chart in both languages without a missing glyph,
titles and source lines, values that are the data's, NoData where the data has nothing."""

from __future__ import annotations

import logging
import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.collections import QuadMesh
from matplotlib.patches import Rectangle

from egov import charts, data, display, i18n, periods, theme, un
from egov.charts.frame import wrap
from tests.helpers import LANGS, make_chart

pytestmark = pytest.mark.usefixtures("close_figures")

# --------------------------------------------------------------------------- theme

def test_theme_picks_a_cjk_font():
    font = theme.setup()
    assert font in theme.CJK_FONTS
    assert plt.rcParams["font.sans-serif"][0] == font
    path = font_manager.findfont(font_manager.FontProperties(family=font), fallback_to_default=False)
    assert "cjk" in path.lower() or "han" in path.lower() or "pingfang" in path.lower() or "msyh" in path.lower()
    assert plt.rcParams["svg.hashsalt"] == "egov"


def test_missing_cjk_font_is_a_clear_error(monkeypatch):
    latin = [f for f in font_manager.fontManager.ttflist if f.name == "DejaVu Sans"]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    with pytest.raises(theme.FontError) as err:
        theme.setup()
    msg = str(err.value)
    assert "sudo apt-get install fonts-noto-cjk" in msg
    assert "Noto Sans CJK SC" in msg and "boxes" in msg


def test_a_font_installed_after_the_cache_is_found(monkeypatch):
    """No CJK font in matplotlib's list, but one on disk: it is added, not reported missing."""
    cjk = [f for f in font_manager.fontManager.ttflist if f.name == "Noto Sans CJK SC"]
    if not cjk:
        pytest.skip("needs Noto Sans CJK SC on this machine")
    rest = [f for f in font_manager.fontManager.ttflist if f.name not in theme.CJK_FONTS]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", list(rest))
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [cjk[0].fname])
    assert theme.find_cjk_font() == "Noto Sans CJK SC"


# --------------------------------------------------------------------------- every chart

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("chart_id", list(charts.CHARTS))
def test_chart_renders_without_missing_glyphs(chart_id, lang, sections, egdi, caplog):
    theme.setup()
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        chart = make_chart(chart_id, lang, sections, egdi)
        assert isinstance(chart, display.Chart), chart
        png = chart.png()
    glyphs = [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]
    assert glyphs == []
    assert [f"{w.category.__name__}: {w.message}" for w in caught] == []  # none at all, deprecations included
    assert [r.getMessage() for r in caplog.records if r.name.startswith("matplotlib")] == []
    assert png.startswith(b"\x89PNG") and b"Software" not in png[:4096]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("chart_id", list(charts.CHARTS))
def test_chart_has_title_period_unit_and_source(chart_id, lang, sections, egdi):
    chart = make_chart(chart_id, lang, sections, egdi)
    texts = [t.get_text() for t in chart.fig.texts]
    assert chart.title and chart.subtitle
    flat = [t.replace("\n", "") for t in texts]
    assert chart.title.replace("\n", "") in "".join(flat).replace(" ", "") or \
        any(chart.title.replace(" ", "") in f.replace(" ", "") for f in flat)
    assert chart.source.startswith("数据来源：" if lang == "zh" else ("Source: ", "Sources: "))
    assert any(t.replace("\n", "").replace(" ", "") == chart.source.replace(" ", "") for t in texts)
    # the period: a year in the title or subtitle
    assert any(ch.isdigit() for ch in chart.title + chart.subtitle)
    # the unit, unless the subtitle says what the index scale is
    words = ("单位", "指数", "EGDI") if lang == "zh" else ("unit", "indices", "EGDI")
    assert any(w in chart.subtitle or w in chart.title for w in words)
    # the other language never leaks into the labels drawn
    if lang == "en":
        drawn = [t.get_text() for ax in chart.fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels()]
        assert not any("年" in d or "月" in d for d in drawn)


def test_lang_switches_every_label(sections, egdi):
    for chart_id in charts.CHARTS:
        zh, en = (make_chart(chart_id, lang, sections, egdi) for lang in LANGS)
        assert zh.title != en.title and zh.source != en.source and zh.table.head != en.table.head
        assert list(zh.table.tidy.columns) != list(en.table.tidy.columns)
        plt.close(zh.fig)
        plt.close(en.fig)


def _plotted_numbers(fig) -> list[float]:
    """Every number the figure draws: bar extents, line points, heatmap cells, label texts."""
    out: list[float] = []
    for ax in fig.axes:
        for p in ax.patches:
            if isinstance(p, Rectangle):
                out += [p.get_width(), p.get_height()]
        for line in ax.lines:
            out += [float(y) for y in np.asarray(line.get_ydata(), dtype=float)]
        for c in ax.collections:
            if isinstance(c, QuadMesh):
                out += [float(v) for v in np.asarray(c.get_array()).ravel()]
            else:
                out += [float(y) for y in np.asarray(c.get_offsets())[:, 1]] if len(c.get_offsets()) else []
    return out


def _shown_texts(fig) -> str:
    ticks = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts) + " " + \
        " ".join(t.get_text() for t in fig.texts) + " " + " ".join(ticks)


@pytest.mark.parametrize("chart_id", list(charts.CHARTS))
def test_plotted_values_are_the_data(chart_id, sections, egdi):
    chart = make_chart(chart_id, "zh", sections, egdi)
    drawn = _plotted_numbers(chart.fig)
    texts = _shown_texts(chart.fig)
    c = charts.CHARTS[chart_id]
    table = egdi.set_index(["iso3", "year"])
    assert not chart.data.empty
    for r in chart.data.itertuples():
        # the value is the data's ...
        if c.reads != "obs":
            assert float(table.loc[(r.breakdown, int(r.period)), r.indicator_id]) == pytest.approx(float(r.value))
        else:
            assert data.value(sections[c.section], r.indicator_id, r.breakdown, r.period) == pytest.approx(float(r.value))
        # ... and it is drawn: as a bar, a point, a cell, or (a single figure) as its label
        label = i18n.number(float(r.value), "zh")
        assert any(abs(d - float(r.value)) < 1e-9 for d in drawn) or label in texts, \
            f"{r.indicator_id}[{r.breakdown}]@{r.period} = {r.value} is not drawn"


def test_bars_are_exactly_the_data(sections):
    """The websites chart draws its level bars and stacked totals from the data's rows alone."""
    chart = charts.CHARTS["websites_by_level"].fn(sections["websites"], "en")
    ax1, ax2 = chart.fig.axes[:2]
    widths = sorted(p.get_width() for p in ax1.patches)
    obs = sections["websites"]
    expected = sorted(data.value(obs, "gov_websites", b, "2020-06") for b in
                      ("level=govcn", "level=state_council", "level=provincial", "level=municipal_and_below"))
    assert widths == expected
    tops = sorted(p.get_y() + p.get_height() for p in ax2.patches if p.get_y() > 0)  # the stacked central bars
    assert tops == sorted(data.value(obs, "gov_websites", "total", p) for p in ("2018-12", "2019-12", "2020-06"))


def test_table_beside_the_chart_holds_its_values(sections):
    chart = charts.CHARTS["platform_reach"].fn(sections["platform"], "en")
    tidy = chart.table.tidy  # the CSV: every value as it is, one a row
    assert list(tidy["value"]) == [126000000, 1002000000, 5891000000]
    assert set(tidy["period"]) == {"2020-06"}
    assert tidy["source"].iloc[0] == "Qianzhan Industry Research Institute (2020)"
    assert chart.table.head[1:] == ("Jun 2020",)  # the reader's table: a period a column
    assert [r.cells for r in chart.table.rows] == [("126,000,000",), ("1,002,000,000",), ("5,891,000,000",)]


#: Series a chart's alt text leaves out, and why: the parts of the total drawn at a coarser
#: level (the finer levels are stated), and the counts written in brackets beside the shares.
ALT_LEAVES_OUT = {("websites_by_level", "gov_websites", "level=central"),
                  ("websites_by_level", "gov_websites", "level=provincial_and_below"),
                  *(("website_columns", "gov_website_columns", b) for b in
                    ("type=info_disclosure", "type=online_services", "type=news", "type=other"))}


@pytest.mark.parametrize("chart_id", list(charts.CHARTS))
def test_alt_text_states_the_key_numbers_in_the_charts_language(chart_id, sections, egdi):
    """Each chart's alt text: its title, then the latest figure by the edition of every series
    it draws (China's, for the UN charts), written as the chart writes it; no Chinese in English."""
    un_chart = charts.CHARTS[chart_id].reads != "obs"
    for lang in LANGS:
        chart = make_chart(chart_id, lang, sections, egdi)
        assert chart.alt.startswith(i18n.pick(lang, "图：", "Chart: ") + chart.title.replace("\n", " "))
        stated = 0
        for (ind, brk), r in chart.data.groupby(["indicator_id", "breakdown"]):
            if (chart_id, ind, brk) in ALT_LEAVES_OUT or (un_chart and brk != "CHN"):
                continue
            latest = periods.select(sorted(r["period"].astype(str), key=periods.key), "2020-06", "latest")
            v = float(r.loc[r["period"].astype(str) == latest, "value"].iloc[0])
            said = (i18n.rank(v, lang) if ind == "rank" else f"{v:.4f}") if un_chart else i18n.number(v, lang)
            assert said in chart.alt, f"{ind}[{brk}]@{latest} {said} not in {chart.alt!r}"
            stated += 1
        assert stated
        if lang == "en":
            assert not re.search("[\u4e00-\u9fff]", chart.alt), chart.alt
        plt.close(chart.fig)


# --------------------------------------------------------------------------- as_of

@pytest.mark.parametrize("lang", LANGS)
def test_nothing_for_as_of_says_so(lang, sections, egdi):
    for chart_id in ("platform_reach", "ecert", "identity", "homepage_updates"):
        out = make_chart(chart_id, lang, sections, egdi, as_of="2015-06")
        assert isinstance(out, display.NoData)
        assert ("2015年6月" if lang == "zh" else "June 2015") in out.message
    gain = make_chart("egdi_gain", lang, sections, egdi, as_of="2013-06")
    assert isinstance(gain, display.NoData) and "2014" in gain.message


def test_as_of_moves_the_charts(sections, egdi):
    chart = charts.CHARTS["websites_by_level"].fn(sections["websites"], "en", as_of="2019-12")
    assert set(chart.data["period"]) == {"2018-12", "2019-12"}
    rank = charts.CHARTS["egdi_china"].fn(egdi, "en", as_of="2019-06")
    assert "from 2016 to 2018" in rank.title
    peers = charts.CHARTS["peers_egdi"].fn(egdi, ["USA"], "en", as_of="2024-12")
    assert "2024" in peers.title


def test_comparison_set_computes_the_top_five(egdi):
    top = un.top_countries(egdi, 2020)
    d = egdi[egdi["year"] == 2020].sort_values("rank")
    assert top == list(d["iso3"].astype(str).head(5))
    codes = un.comparison_set(egdi, ["USA", "KOR"], 2020)
    assert codes[:5] == top[:5] or set(top) <= set(codes)
    assert "CHN" in codes and "USA" in codes and len(codes) == len(set(codes))


def test_egdi_gain_adds_up(egdi):
    chart = charts.CHARTS["egdi_gain"].fn(egdi, "en")
    col = chart.table.head.index("contribution to EGDI") - 1
    shown = [float(r.cells[col]) for r in chart.table.rows]
    assert sum(shown[1:]) == pytest.approx(shown[0], abs=2e-4)
    assert "telecommunication infrastructure" in chart.title


# --------------------------------------------------------------------------- display

def test_show_displays_png_then_the_table_with_metadata(monkeypatch, sections):
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append((a, k)))
    ecert = charts.CHARTS["ecert"].fn
    display.show(ecert(sections["sharing"], "en"), "03_sharing")
    (png_args, png_kw), (tbl_args, tbl_kw) = shown
    assert set(png_args[0]) == {"image/png", "text/plain"} and png_kw["raw"] is True
    alt = png_args[0]["text/plain"]  # the alt text, for the report's <img> and <figure>
    assert alt.startswith("Chart: E-certificates") and "897 types in June 2020" in alt
    assert png_kw["metadata"]["image/png"]["alt"] == alt == png_kw["metadata"]["egov"]["alt"]
    assert "image/svg+xml" not in png_args[0]
    meta = tbl_kw["metadata"]["egov"]
    assert meta["filename"] == "03_sharing_ecert.csv" and meta["chart"] == "ecert" and meta["print"] is False
    assert meta["source"] == "Source: Qianzhan Industry Research Institute (2020)"
    assert meta["csv"].splitlines()[0].startswith("indicator,breakdown,period,value")
    shown.clear()
    display.show(ecert(sections["sharing"], "en", as_of="2015-06"), "03_sharing")
    assert len(shown) == 1 and "June 2015" in shown[0][0][0].data


def test_png_bytes_are_the_same_every_time(sections):
    a = charts.CHARTS["douyin"].fn(sections["new_media"], "zh").png()
    b = charts.CHARTS["douyin"].fn(sections["new_media"], "zh").png()
    assert a == b


def test_wrap_keeps_brackets_and_numbers_whole():
    lines = wrap("数据来源：前瞻产业研究院（2020）；CNNIC 第43次《中国互联网络发展状况统计报告》", 30).split("\n")
    assert all(not line.endswith(("（", "《")) for line in lines)
    assert "2020" in "".join(lines) and all("202\n" not in line for line in lines)
