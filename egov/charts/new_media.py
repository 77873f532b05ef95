"""Charts of the new media section: government Weibo and Toutiao accounts over time, and
Douyin accounts with the leading province."""

from __future__ import annotations

import matplotlib.dates
import pandas as pd
from matplotlib.ticker import MaxNLocator

from egov import data, i18n, markup, periods
from egov.charts import register
from egov.charts.frame import Captions, Compact, at, chart, figure, hbars, label, upto, vbars
from egov.display import Chart, NoData
from egov.facts import Query
from egov.facts import present
from egov.facts.new_media import facts as section_facts
from egov.theme import BLUE, GREY, HIGHLIGHT, MUTED, ORANGE, SUBTLE


def _gaps(obs, indicator, breakdown) -> list[tuple[pd.Timestamp, pd.Timestamp, str]]:
    g = obs[(obs["indicator_id"] == indicator) & (obs["breakdown"] == breakdown) & (obs["status"] == "gap")]
    return [(pd.Timestamp(periods.start(p)), pd.Timestamp(periods.end(p)), p) for p in g["period"]]


def _series_panel(ax, obs, indicator, breakdowns, lang, as_of, colors, styles):
    rows = []
    spans = set()
    for b, c, ls in zip(breakdowns, colors, styles):
        r = data.select(obs, indicator, b)
        if r.empty:
            continue
        x = list(r["date"])
        y = r["value"].astype(float).to_numpy()
        name = i18n.labels(lang)["breakdowns"][b] if b != "total" else i18n.labels(lang)["indicators"][indicator]
        ax.plot(x, y, color=c, ls=ls, marker="o", ms=4.5, lw=1.6, label=markup.mpl(name))
        above = [True] * len(y)
        for k in range(len(y)):
            lower_than_neighbours = all(y[k] < y[j] for j in (k - 1, k + 1) if 0 <= j < len(y))
            close = k > 0 and (x[k] - x[k - 1]).days < 300
            above[k] = not lower_than_neighbours if len(y) > 1 else True
            if close and above[k - 1] == above[k]:
                above[k] = not above[k]
        for xi, yi, up, (_, row) in zip(x, y, above, r.iterrows()):
            q = row["qualifier"] if isinstance(row["qualifier"], str) else None
            ax.annotate(i18n.number(row["value"], lang, q, short=True), (xi, yi), xytext=(0, 6 if up else -7),
                        textcoords="offset points", ha="center", va="bottom" if up else "top", fontsize=8, color=c)
        for s, e, p in _gaps(obs, indicator, b):
            spans.add((s, e))
        rows.append(r)
    for s, e in sorted(spans):
        ax.axvspan(s, e, color="#f1f1f1", lw=0, zorder=0)
        ax.text(s + (e - s) / 2, 0.97, i18n.pick(lang, "无数据", "no data"), transform=ax.get_xaxis_transform(),
                ha="center", va="top", fontsize=8, color=SUBTLE)
    end = pd.Timestamp(periods.end(as_of))
    ax.axvline(end, color=HIGHLIGHT, lw=1, ls=":")
    ax.text(end, 0.02, " " + i18n.period(as_of, lang, short=True), transform=ax.get_xaxis_transform(),
            ha="left", va="bottom", fontsize=8, color=HIGHLIGHT)
    ax.yaxis.set_major_formatter(Compact(lang))
    ax.xaxis.set_major_locator(matplotlib.dates.YearLocator())
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%Y"))
    return pd.concat(rows) if rows else pd.DataFrame(columns=obs.columns)


@register()
def weibo_toutiao(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """Government Weibo and Toutiao accounts at every date the data holds (as far as it
    reaches, also past as_of, which is marked); known gaps are shaded."""
    say = Captions("new_media", lang, as_of)
    w_b = ["scope=total_incl_officials", "scope=institutions"]
    if all(data.select(obs, i, None).empty for i in ("gov_weibo_accounts", "gov_toutiao_accounts")):
        return say.nodata("weibo_toutiao")
    fig, (ax1, ax2) = figure(1, 2, height=4.3, gridspec_kw={"width_ratios": [1.5, 1]})
    r1 = _series_panel(ax1, obs, "gov_weibo_accounts", w_b, lang, as_of, [GREY, BLUE], ["--", "-"])
    ax1.set_title(i18n.labels(lang)["indicators"]["gov_weibo_accounts"], loc="left", fontsize=10)
    lo = float(r1["value"].min()) if not r1.empty else 0
    hi = float(r1["value"].max()) if not r1.empty else 1
    ax1.set_ylim(lo * 0.82, hi * 1.12)
    ax1.legend(loc="lower right", fontsize=8, bbox_to_anchor=(1, 0.06))
    r2 = _series_panel(ax2, obs, "gov_toutiao_accounts", ["total"], lang, as_of, [ORANGE], ["-"])
    ax2.set_title(i18n.labels(lang)["indicators"]["gov_toutiao_accounts"], loc="left", fontsize=10)
    if not r2.empty:
        lo2, hi2 = float(r2["value"].min()), float(r2["value"].max())
        ax2.set_ylim(lo2 * 0.96, hi2 * 1.025)
        starts = [s for s, _, _ in _gaps(obs, "gov_toutiao_accounts", "total")] + [r2["date"].min()]
        ax2.set_xlim(min(starts) - pd.Timedelta(days=90), r2["date"].max() + pd.Timedelta(days=150))
    rows = pd.concat([r1, r2])
    rows = rows.sort_values(["indicator_id", "breakdown", "date"], ascending=[False, True, True])
    return chart("weibo_toutiao", fig, lang, say, rows, first=rows["period"].min(), last=rows["period"].max())


@register()
def douyin(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """Government Douyin accounts up to as_of, and the leading province against the total."""
    f = section_facts(Query(obs, as_of))
    say = Captions("new_media", lang, as_of, **f)
    tot = upto(data.select(obs, "gov_douyin_accounts"), as_of)
    if tot.empty:
        return say.nodata("douyin")
    fig, (ax1, ax2) = figure(1, 2, height=3.8, gridspec_kw={"width_ratios": [1.25, 1]})
    gaps = [p for s_, e_, p in _gaps(obs, "gov_douyin_accounts", "total") if s_ <= pd.Timestamp(periods.end(as_of)) and ".." not in p]
    shown = sorted(list(tot["period"]) + gaps, key=periods.start)
    values = [float(tot.loc[tot["period"] == p, "value"].iloc[0]) if p not in gaps else 0.0 for p in shown]
    labels = [label(tot[tot["period"] == p].iloc[0], lang, unit=False) if p not in gaps else i18n.pick(lang, "无数据", "no data")
              for p in shown]
    colors = [BLUE if p == tot["period"].iloc[-1] else MUTED for p in shown]
    vbars(ax1, [i18n.period(p, lang, short=True) for p in shown], values, labels, colors, width=0.55)
    ax1.yaxis.set_major_formatter(Compact(lang))
    ax1.set_title(i18n.pick(lang, "全国政务抖音号（个）", "Accounts nationwide"), loc="left", fontsize=10)
    rows = [tot]
    top, total, share = f["douyin_top"], f["douyin"], f["douyin_top_share"]
    if present(top, total):
        prov = i18n.breakdown_name(top.breakdown, lang)
        hbars(ax2, [i18n.pick(lang, "全国", "Nationwide"), prov], [float(total), float(top)],
              [i18n.number(float(total), lang), i18n.number(float(top), lang) + i18n.paren(i18n.percent(float(share)), lang)],
              [BLUE, ORANGE])
        ax2.xaxis.set_major_formatter(Compact(lang))
        ax2.xaxis.set_major_locator(MaxNLocator(3))
        ax2.set_title(i18n.pick(lang, f"数量最多的省份：{prov}", f"Leading province: {prov}"), loc="left", fontsize=10)
        rows.append(at(data.select(obs, "gov_douyin_top_province", None), as_of))
    else:
        ax2.axis("off")
    return chart("douyin", fig, lang, say, pd.concat(rows))

