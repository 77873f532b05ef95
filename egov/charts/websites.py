"""Charts of the websites section: websites by level, website sections (栏目) by level and type,
growth of homepage updates."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from egov import data, i18n, markup
from egov.charts import register, time
from egov.charts.frame import (Captions, Compact, at, breakdown_order, chart, figure, hbars, label, names,
                               paint, rows_at, upto, wrap)
from egov.display import Chart, NoData
from egov.facts import Query
from egov.facts.websites import facts as section_facts
from egov.theme import INK, SUBTLE

#: Breakdowns by level that add up to the total, finest first.
LEVEL_PARTITIONS = (
    ("level=govcn", "level=state_council", "level=provincial", "level=municipal_and_below"),
    ("level=central", "level=provincial", "level=municipal_and_below"),
    ("level=central", "level=provincial_and_below"),
)


@register()
def websites_by_level(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """Government websites by administrative level at as_of (the finest breakdown that adds
    up to the total), and the counts at each earlier CNNIC date as a trend (central +
    provincial and below, stacked)."""
    say = Captions("websites", lang, as_of)
    ind = "gov_websites"
    parts = pd.DataFrame()
    for p in LEVEL_PARTITIONS:
        cand = rows_at(obs, ind, p, as_of)
        if len(cand) == len(p):
            parts = cand
            break
    trend = []
    for per in upto(data.select(obs, ind), as_of)["period"]:
        r = [data.select(obs, ind, b, period=per) for b in ("level=central", "level=provincial_and_below", "total")]
        if all(not x.empty for x in r):
            trend.append(pd.concat(r))
    if parts.empty and not trend:
        return say.nodata("websites_by_level")
    fig, (ax1, ax2) = figure(1, 2, height=4.2, gridspec_kw={"width_ratios": [1.35, 1]})
    rows = []
    when = i18n.period(as_of, lang, short=i18n.pick(lang, False, True))
    if not parts.empty:
        levels = [wrap(n, i18n.pick(lang, 14, 26)) for n in names(parts, lang, by="breakdown")]
        hbars(ax1, levels, parts["value"].astype(float), [label(r, lang, unit=False) for _, r in parts.iterrows()],
              list(parts["breakdown"]))
        ax1.set_title(i18n.pick(lang, f"{when}，按行政级别", f"{when}, by level"), loc="left", fontsize=10)
        rows.append(parts)
    else:
        ax1.axis("off")
        ax1.text(0.5, 0.5, i18n.pick(lang, f"数据中没有{when}的分级数据", f"No breakdown by level for {when}"),
                 ha="center", va="center", color=SUBTLE, transform=ax1.transAxes)
    if trend:
        ps = [t["period"].iloc[0] for t in trend]
        central = np.array([float(t["value"].iloc[0]) for t in trend])
        below = np.array([float(t["value"].iloc[1]) for t in trend])
        total = np.array([float(t["value"].iloc[2]) for t in trend])
        lab = i18n.labels(lang)["breakdowns"]
        time.bars(ax2, ps, below, ["level=provincial_and_below"] * len(ps), label=markup.mpl(lab["level=provincial_and_below"]))
        time.bars(ax2, ps, central, ["level=central"] * len(ps), bottom=below,
                  label=markup.mpl(re.split(r"\s*[（(]", lab["level=central"])[0]))
        for p, t in zip(ps, total):
            ax2.annotate(i18n.number(t, lang), (time.x(p), t), xytext=(0, 3), textcoords="offset points", ha="center",
                         va="bottom", fontsize=9.5, fontweight="bold", color=INK)
        time.axis(ax2, ps[0], ps[-1], pad_days=150, marks=ps, lang=lang)
        ax2.set_ylim(0, total.max() * 1.38)
        ax2.yaxis.set_major_formatter(Compact(lang))
        ax2.yaxis.set_major_locator(MaxNLocator(4, integer=True))
        handles, labels = ax2.get_legend_handles_labels()
        ax2.legend(handles[::-1], labels[::-1], loc="upper right", fontsize=8, borderaxespad=0.2,
                   handlelength=1.2)  # one column inside the panel: clear of the value axis
        ax2.set_title(i18n.pick(lang, "总数变化", "Total over time"), loc="left", fontsize=10)
        rows.extend(trend)
    rows = pd.concat(rows).drop_duplicates(["breakdown", "period"])
    key = rows[rows["breakdown"].isin([*parts.get("breakdown", []), "total"])]  # the alt text: levels, totals
    return chart("websites_by_level", fig, lang, say, rows, alt_rows=key)


@register()
def website_columns(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """Website columns: by level (all levels, municipal, county) at each CNNIC date up to
    as_of, and by type (information disclosure, online services, news, other) at as_of."""
    say = Captions("websites", lang, as_of)
    lev_b = ["total", "level=municipal", "level=county"]
    lev = upto(pd.concat([data.select(obs, "gov_website_columns", b) for b in lev_b]), as_of)
    types = [b for b in breakdown_order() if b.startswith("type=")]
    share = rows_at(obs, "gov_website_columns_share", types, as_of)
    if lev.empty and share.empty:
        return say.nodata("website_columns")
    fig, (ax1, ax2) = figure(1, 2, height=4.0, gridspec_kw={"width_ratios": [1.2, 1]})
    rows = []
    if not lev.empty:
        periods = sorted(lev["period"].unique())
        present = [b for b in lev_b if b in set(lev["breakdown"])]
        w = 0.8 / len(periods)
        for k, per in enumerate(periods):
            kind = "figure" if per == periods[-1] else "earlier"
            for j, b in enumerate(present):
                r = lev[(lev["period"] == per) & (lev["breakdown"] == b)]
                xpos = j - 0.4 + w * (k + 0.5)
                if r.empty:
                    ax1.annotate(i18n.pick(lang, "无数据", "n/a"), (xpos, 0), xytext=(0, 3), textcoords="offset points",
                                 ha="center", va="bottom", fontsize=7.5, color=SUBTLE)
                    continue
                v = float(r["value"].iloc[0])
                paint(ax1.bar(xpos, v, width=w * 0.86, label=i18n.period(per, lang, short=True)), [kind])
                ax1.annotate(i18n.number(v, lang, short=True), (xpos, v), xytext=(0, 2), textcoords="offset points",
                             ha="center", va="bottom", fontsize=8, color=INK)
        lab = i18n.labels(lang)["breakdowns"]
        ax1.set_xticks(range(len(present)), [i18n.pick(lang, "各级合计", "All levels") if b == "total" else lab[b]
                                             for b in present])
        ax1.yaxis.set_major_formatter(Compact(lang))
        ax1.set_xlim(-0.55, len(present) - 0.45)
        ax1.set_ylim(0, float(lev["value"].max()) * 1.22)
        ax1.grid(axis="x", visible=False)
        handles, labels_ = ax1.get_legend_handles_labels()
        uniq = dict(zip(labels_, handles))
        ax1.legend(uniq.values(), uniq.keys(), loc="upper right")
        ax1.set_title(i18n.pick(lang, "按行政级别（栏目数，个）", "By level (sections)"), loc="left", fontsize=10)
        rows.append(lev)
    else:
        ax1.axis("off")
    if not share.empty:
        counts = {b: at(data.select(obs, "gov_website_columns", b), as_of) for b in share["breakdown"]}
        labels = []
        for _, r in share.iterrows():
            c = counts[r["breakdown"]]
            s = i18n.quantity(r["value"], "percent", lang)
            if not c.empty:
                s += i18n.paren(label(c.iloc[0], lang, unit=False), lang)
                rows.append(c)
            labels.append(s)
        hbars(ax2, names(share, lang, by="breakdown"), share["value"].astype(float), labels,
              ["figure"] * len(share), max_value=float(share["value"].max()) * 1.4)
        when = i18n.period(as_of, lang, short=i18n.pick(lang, False, True))
        ax2.set_title(i18n.pick(lang, f"按类别（{when}，占比）", f"By type ({when}, share)"), loc="left", fontsize=10)
        rows.append(share)
    else:
        ax2.axis("off")
    rows = pd.concat(rows).drop_duplicates(["indicator_id", "breakdown", "period"])
    key = rows[~(rows["indicator_id"].eq("gov_website_columns") & rows["breakdown"].str.startswith("type="))]
    return chart("website_columns", fig, lang, say, rows, alt_rows=key)


@register()
def homepage_updates(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """Growth of homepage article updates at as_of: all levels vs county level."""
    say = Captions("websites", lang, as_of, **section_facts(Query(obs, as_of)))
    rows = rows_at(obs, "homepage_updates_growth", ["level=all", "level=county"], as_of)
    if rows.empty:
        return say.nodata("homepage_updates")
    fig, ax = figure(height=3.2)
    hbars(ax, names(rows, lang, by="breakdown"), rows["value"].astype(float),
          [("+" if v > 0 else "") + i18n.quantity(v, "growth_percent", lang) for v in rows["value"]],
          list(rows["breakdown"]))
    return chart("homepage_updates", fig, lang, say, rows)
