"""Charts of the international comparison: China among its peers, its rank over time, and
what drove its EGDI change (:mod:`egov.un` computes the comparison set and the split)."""

from __future__ import annotations

import matplotlib.patches
import numpy as np
import pandas as pd
import seaborn as sns

from egov import i18n, tables, un
from egov.charts import register, time
from egov.charts.frame import Captions, chart, cut_axis, figure, paint
from egov.display import Chart, NoData
from egov.theme import INK, SUBTLE, color
from egov.un import COMPONENTS, SUBINDICES


@register(reads="un+peers")
def peers_egdi(egdi: pd.DataFrame, peers: list[str] = un.DEFAULT_PEERS, lang: str = "zh",
               as_of: str = "2020-06") -> Chart | NoData:
    """China against the survey's top five and the peers on EGDI and its three sub-indices."""
    say = Captions("international", lang, as_of)
    year = un.survey_year(egdi, as_of)
    if year is None:
        return say.nodata("peers_egdi")
    codes = un.comparison_set(egdi, peers, year)
    d = egdi[(egdi["year"] == year)].set_index("iso3").loc[codes].reset_index()
    mat = d[SUBINDICES].astype(float).to_numpy()
    names = [i18n.country_name(i, lang) + i18n.paren(str(int(r)), lang).lstrip() for i, r in zip(d["iso3"], d["rank"])]
    fig, ax = figure(height=1.6 + 0.33 * len(codes))
    sns.heatmap(mat, ax=ax, annot=True, fmt=".4f", cmap="crest", vmin=max(0.0, np.nanmin(mat) - 0.05), vmax=1,
                cbar=False, linewidths=1.2, linecolor="white", annot_kws={"fontsize": 9},
                xticklabels=[un.index_name(c, lang, short=True) for c in SUBINDICES], yticklabels=names)
    ax.tick_params(axis="both", length=0)
    ax.xaxis.tick_top()
    ax.set_xticklabels(ax.get_xticklabels(), rotation=0)
    ci = codes.index("CHN")
    ax.add_patch(matplotlib.patches.Rectangle((0, ci), len(SUBINDICES), 1, fill=False, edgecolor=color("china"), lw=2.2))
    for lab in ax.get_yticklabels():
        if lab.get_text().startswith(i18n.country_name("CHN", lang)):
            lab.set_color(color("china"))
            lab.set_fontweight("bold")
    rows = un.long_rows(d, SUBINDICES + ["rank"])
    key = rows[rows["breakdown"].isin(["CHN", codes[0]])]  # the alt text: China and the leader
    return chart("peers_egdi", fig, lang, say, rows, alt_rows=key,
                 table=un.table(d, SUBINDICES + ["rank"], lang), sources=["un_egov_data"], year=str(year))


@register(reads="un")
def china_rank(egdi: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """China's EGDI world rank in every survey, as_of's survey and the one before highlighted."""
    say = Captions("international", lang, as_of)
    year = un.survey_year(egdi, as_of)
    d = un.country_rows(egdi, "CHN", ("rank",))
    if year is None or d.empty:
        return say.nodata("china_rank")
    prev = un.previous_survey(egdi, year)
    n = int(egdi[egdi["year"] == year]["iso3"].nunique())
    fig, ax = figure(height=3.8)
    years = d["year"].astype(int).tolist()
    xs = [time.x(str(y)) for y in years]
    ranks = d["rank"].astype(float).tolist()
    ax.plot(xs, ranks, color=color("china"), lw=1.8, marker="o", ms=5)
    for k, (xv, r, y) in enumerate(zip(xs, ranks, years)):
        h = y in (prev, year)
        below = bool(k and y - years[k - 1] < 2 and k % 2 == 1)  # 2003, 2004, 2005: alternate
        ax.annotate(f"{int(r)}", (xv, r), xytext=(0, -8 if below else 7), textcoords="offset points", ha="center",
                    va="top" if below else "bottom", fontsize=9.5 if h else 8.5, color=INK if h else SUBTLE,
                    fontweight="bold" if h else "normal")
    if prev is not None:
        ax.axvspan(time.x(str(prev)), time.x(str(year)), color=color("china"), alpha=0.07, lw=0)
    time.axis(ax, str(years[0]), str(years[-1]), years=years, pad_days=200)
    ax.set_ylim(n + 1, 0)  # the whole ranking, 1 (best) on top
    ax.set_yticks([1, 50, 100, 150, n])
    ax.set_ylabel(i18n.pick(lang, f"排名（共{n}国，越小越好）", f"rank (of {n}; 1 is best)"))
    return chart("china_rank", fig, lang, say, un.long_rows(d, ["rank"]), table=un.table(d, ["rank"], lang),
                 sources=["un_egov_data"], prev=str(prev) if prev else None, year=str(year),
                 first=str(years[0]), last=str(years[-1]))


@register(reads="un")
def egdi_gain(egdi: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06", iso3: str = "CHN") -> Chart | NoData:
    """Which sub-index drove the EGDI change from the previous survey to as_of's (from 2014 the
    EGDI is the mean of OSI, HCI and TII; before, the split is not shown)."""
    say = Captions("international", lang, as_of)
    year = un.survey_year(egdi, as_of)
    split = un.decompose(egdi, iso3, un.previous_survey(egdi, year) if year else None, year)
    if split is None:
        return say.nodata("egdi_gain")
    prev, a, b = split.prev, split.before, split.after
    fig, ax = figure(height=4.0)
    names = [str(prev)] + [f"{un.index_name(s, lang, short=True)}\n{i18n.number(a[s], lang)}→{i18n.number(b[s], lang)}"
                           for s in COMPONENTS] + [str(year)]
    x = np.arange(len(names))
    # the two totals are dots (their height from zero is not what is compared); the
    # contributions are bars from the level before them
    totals = [(x[0], a["egdi"], color("earlier"), "normal"), (x[4], b["egdi"], color("china" if iso3 == "CHN" else "figure"), "bold")]
    for xi, v, c, weight in totals:
        ax.plot([xi], [v], marker="o", ms=9, color=c, zorder=3)
        ax.annotate(f"{v:.4f}", (xi, v), xytext=(0, 9), textcoords="offset points", ha="center", va="bottom",
                    fontsize=9.5, fontweight=weight, color=INK)
    level = a["egdi"]
    for i, s in enumerate(COMPONENTS, start=1):
        c = split.contribution(s)
        paint(ax.bar(x[i], c, bottom=level if c >= 0 else level + c, width=0.6), [s])
        ax.text(x[i], max(level, level + c), f"{c:+.4f}\n({split.share(s) or 0:.0f}%)", ha="center", va="bottom",
                fontsize=9, color=INK)
        ax.plot([x[i - 1] + (0.12 if i == 1 else 0.3), x[i] - 0.3], [level, level], color=SUBTLE, lw=0.8)
        level += c
    ax.plot([x[3] + 0.3, x[4] - 0.12], [level, level], color=SUBTLE, lw=0.8)
    ax.set_xticks(x, names)
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.set_ylim(max(0, min(a["egdi"], b["egdi"]) - 0.1), max(a["egdi"], level, b["egdi"]) + 0.07)
    if ax.get_ylim()[0] > 0:
        cut_axis(ax)
    ax.set_ylabel(i18n.pick(lang, "EGDI（0–1）", "EGDI (0–1)"))
    ax.grid(axis="x", visible=False)
    cols = ["egdi", *COMPONENTS]
    table = pd.DataFrame({
        i18n.pick(lang, "指数", "index"): [un.index_name(s, lang) for s in cols],
        str(prev): pd.Series([a[s] for s in cols], dtype="Float64"),
        str(year): pd.Series([b[s] for s in cols], dtype="Float64"),
        i18n.pick(lang, "变化", "change"): pd.Series([round(split.change(s), 6) for s in cols], dtype="Float64"),
        i18n.pick(lang, "对EGDI的贡献", "contribution to EGDI"):
            pd.Series([round(split.gain, 6), *[round(split.contribution(s), 6) for s in COMPONENTS]], dtype="Float64"),
        i18n.pick(lang, "占比(%)", "share (%)"):
            pd.Series([100.0, *[round(split.share(s), 1) if split.gain else None for s in COMPONENTS]], dtype="Float64"),
    })
    d = egdi[(egdi["iso3"] == iso3) & egdi["year"].isin([prev, year])]
    rows = un.long_rows(d, cols)
    return chart("egdi_gain", fig, lang, say, rows, table=tables.records(table, lang, tidy=un.tidy(rows, lang)),
                 sources=["un_egov_data"],
                 split=split, country=iso3, prev=str(prev), year=str(year))
