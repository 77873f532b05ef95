"""Charts of the capability section: China's EGDI in every UN survey, and the provinces' online
service capability levels. (China's world rank over time is drawn once, in the international
comparison.)"""

from __future__ import annotations

import pandas as pd
from matplotlib.ticker import MaxNLocator

from egov import data, i18n, un
from egov.charts import register, time
from egov.charts.frame import Captions, breakdown_order, chart, figure, label, names, upto, vbars
from egov.display import Chart, NoData
from egov.facts import Query
from egov.facts.capability import facts as section_facts
from egov.theme import INK, SUBTLE, color


@register(reads="un")
def egdi_china(egdi: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """China's EGDI in every UN survey 2003–2024 on the full 0–1 scale, each survey at its year,
    the as_of survey and the one before it highlighted (2018 → 2020 for the article)."""
    say = Captions("capability", lang, as_of)
    year = un.survey_year(egdi, as_of)
    if year is None:
        return say.nodata("egdi_china")
    prev = un.previous_survey(egdi, year)
    d = un.country_rows(egdi, "CHN", ("egdi",))
    fig, ax = figure(height=3.9)
    years = d["year"].astype(int).tolist()
    xs = [time.x(str(y)) for y in years]
    vals = d["egdi"].astype(float).tolist()
    ax.plot(xs, vals, color=color("china"), lw=1.8, marker="o", ms=4.5, zorder=2)
    hi = [y in (prev, year) for y in years]
    for k, (xv, v, h) in enumerate(zip(xs, vals, hi)):
        close = k and years[k] - years[k - 1] < 2  # 2003, 2004, 2005: alternate above and below
        below = bool(close) and k % 2 == 1
        ax.annotate(f"{v:.4f}", (xv, v), xytext=(0, -8 if below else 7), textcoords="offset points", ha="center",
                    va="top" if below else "bottom", fontsize=8.5 if not h else 9.5,
                    color=INK if h else SUBTLE, fontweight="bold" if h else "normal")
    if prev is not None:
        ax.axvspan(time.x(str(prev)), time.x(str(year)), color=color("china"), alpha=0.07, lw=0)
    time.axis(ax, str(years[0]), str(years[-1]), years=years, pad_days=200)
    ax.set_ylim(0, 1)
    ax.set_ylabel(i18n.pick(lang, "指数（0–1）", "index (0–1)"))
    rows = un.long_rows(d, ["egdi"])
    return chart("egdi_china", fig, lang, say, rows, table=un.table(d, ["egdi"], lang),
                 sources=["un_egov_data"], prev=str(prev) if prev else None, year=str(year),
                 first=str(years[0]), last=str(years[-1]))


@register()
def capability_levels(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """Provincial online service capability: "very high" regions by survey year (on their
    years), and the latest year's regions at each level."""
    say = Captions("capability", lang, as_of, **section_facts(Query(obs, as_of)))
    ind = "provinces_by_capability_level"
    vh = upto(data.select(obs, ind, "capability=very_high"), as_of)
    if vh.empty:
        return say.nodata("capability_levels")
    levels = [b for b in breakdown_order() if b.startswith("capability=")]
    latest = vh["period"].iloc[-1]
    dist = pd.concat([data.select(obs, ind, b, period=latest) for b in levels])
    fig, (ax1, ax2) = figure(1, 2, height=3.9, gridspec_kw={"width_ratios": [1, 1.5]})
    time.bars(ax1, list(vh["period"]), vh["value"].astype(float),
              ["earlier"] * (len(vh) - 1) + ["figure"],
              labels=[label(r, lang, unit=False) for _, r in vh.iterrows()])
    time.axis(ax1, vh["period"].iloc[0], latest, years=[int(p[:4]) for p in vh["period"]], pad_days=240)
    ax1.set_ylim(0, float(vh["value"].max()) * 1.18)
    ax1.set_title(i18n.pick(lang, "“非常高”等级地区数", "Regions rated 'very high'"), loc="left", fontsize=10)
    ax1.yaxis.set_major_locator(MaxNLocator(integer=True))
    if len(dist) > 1:
        vbars(ax2, names(dist, lang, by="breakdown"), dist["value"].astype(float),
              [label(r, lang, unit=False) for _, r in dist.iterrows()], ["figure"] * len(dist), width=0.55)
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
