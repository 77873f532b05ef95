"""Charts of the capability section: China's EGDI and rank in every UN survey, and the
provinces' online service capability levels."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from egov import data, i18n, un
from egov.charts import register
from egov.charts.frame import Captions, breakdown_order, chart, figure, label, names, upto, vbars
from egov.display import Chart, NoData
from egov.facts import Query
from egov.facts.capability import facts as section_facts
from egov.theme import BLUE, HIGHLIGHT, MUTED, ORANGE, SKY, SUBTLE, VERMILLION


@register(reads="un")
def egdi_china(egdi: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """China's EGDI and world rank in every UN survey 2003–2024, the as_of survey and the
    one before it highlighted (2018 → 2020 for the article)."""
    say = Captions("capability", lang, as_of)
    year = un.survey_year(egdi, as_of)
    if year is None:
        return say.nodata("egdi_china")
    prev = un.previous_survey(egdi, year)
    d = un.country_rows(egdi, "CHN")
    fig, (ax1, ax2) = figure(2, 1, height=5.4, sharex=True, gridspec_kw={"height_ratios": [1.25, 1]})
    years = d["year"].astype(int).to_numpy()
    hi = np.isin(years, [y for y in (prev, year) if y is not None])
    for ax, col, fmt in ((ax1, "egdi", lambda v: f"{v:.4f}"), (ax2, "rank", lambda v: f"{int(v)}")):
        vals = d[col].astype(float).to_numpy()
        ax.plot(years, vals, color=BLUE, lw=1.8, marker="o", ms=4.5, zorder=2)
        ax.scatter(years[hi], vals[hi], s=60, color=HIGHLIGHT, zorder=3)
        flip = False
        for k, (x, v, h) in enumerate(zip(years, vals, hi)):
            # labels go above the line (below for ranks); close neighbours alternate
            flip = (not flip) if k and x - years[k - 1] < 2 else False
            below = (col == "rank") != flip
            ax.annotate(fmt(v), (x, v), xytext=(0, -9 if below else 7), textcoords="offset points",
                        ha="center", va="top" if below else "bottom", fontsize=8.5 if not h else 9.5,
                        color=HIGHLIGHT if h else SUBTLE, fontweight="bold" if h else "normal")
    ax1.set_ylabel(i18n.pick(lang, "指数（0–1）", "index (0–1)"))
    ax1.set_ylim(d["egdi"].min() - 0.07, min(1.0, d["egdi"].max() + 0.08))
    ax2.set_ylabel(i18n.pick(lang, "排名（位）", "rank"))
    ax2.invert_yaxis()
    lo, hi_r = d["rank"].min(), d["rank"].max()
    ax2.set_ylim(hi_r + 12, lo - 10)
    ax2.set_xticks(years, [str(y) for y in years], fontsize=9)
    ax1.set_title(i18n.pick(lang, "电子政务发展指数(EGDI)", "E-Government Development Index (EGDI)"), loc="left", fontsize=10)
    n = int(egdi[egdi["year"] == year]["iso3"].nunique())
    ax2.set_title(i18n.pick(lang, f"全球排名（{n}个会员国，数字越小越靠前）", f"World rank ({n} member states; 1 is best)"),
                  loc="left", fontsize=10)
    if prev is not None:
        for ax in (ax1, ax2):
            ax.axvspan(prev, year, color=HIGHLIGHT, alpha=0.07, lw=0)
    rows = un.long_rows(d, ["egdi", "rank"])
    return chart("egdi_china", fig, lang, say, rows, table=un.table(d, ["egdi", "rank"], lang),
                 sources=["un_egov_data"], prev=str(prev) if prev else None, year=str(year),
                 first=str(years[0]), last=str(years[-1]))


@register()
def capability_levels(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """Provincial online service capability: "very high" regions by survey year, and the
    latest year's regions at each level."""
    say = Captions("capability", lang, as_of, **section_facts(Query(obs, as_of)))
    ind = "provinces_by_capability_level"
    vh = upto(data.select(obs, ind, "capability=very_high"), as_of)
    if vh.empty:
        return say.nodata("capability_levels")
    levels = [b for b in breakdown_order() if b.startswith("capability=")]
    latest = vh["period"].iloc[-1]
    dist = pd.concat([data.select(obs, ind, b, period=latest) for b in levels])
    fig, (ax1, ax2) = figure(1, 2, height=3.9, gridspec_kw={"width_ratios": [1, 1.5]})
    vbars(ax1, [i18n.period(p, lang) for p in vh["period"]], vh["value"].astype(float),
          [label(r, lang, unit=False) for _, r in vh.iterrows()], [MUTED] * (len(vh) - 1) + [BLUE], width=0.5)
    ax1.set_title(i18n.pick(lang, "“非常高”等级地区数", "Regions rated 'very high'"), loc="left", fontsize=10)
    ax1.yaxis.set_major_locator(MaxNLocator(integer=True))
    colors = [BLUE, SKY, ORANGE, VERMILLION]
    if len(dist) > 1:
        vbars(ax2, names(dist, lang, by="breakdown"), dist["value"].astype(float),
              [label(r, lang, unit=False) for _, r in dist.iterrows()], colors[: len(dist)], width=0.55)
        ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax2.set_title(i18n.pick(lang, f"{i18n.period(latest, lang)}各等级地区数", f"Regions by level, {latest}"),
                      loc="left", fontsize=10)
        rows = pd.concat([vh, dist]).drop_duplicates(["breakdown", "period"])
    else:
        ax2.axis("off")
        ax2.text(0.5, 0.5, i18n.pick(lang, f"数据中没有{i18n.period(latest, lang)}其他等级的地区数",
                                     f"No counts for the other levels in {latest}"), ha="center", va="center", color=SUBTLE)
        rows = vh
    for ax in (ax1, ax2):
        ax.set_ylabel(i18n.pick(lang, "地区数（个）", "regions"))
    return chart("capability_levels", fig, lang, say, rows, first=vh["period"].iloc[0], last=latest)
