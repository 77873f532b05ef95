"""Charts of the new media section: government Weibo and Toutiao accounts over time, and
Douyin accounts with the leading province."""

from __future__ import annotations

import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from egov import data, i18n, markup, periods
from egov.charts import register, time
from egov.charts.frame import Captions, Compact, at, chart, figure, hbars, label, upto
from egov.display import Chart, NoData
from egov.facts import Query, present
from egov.facts.new_media import facts as section_facts
from egov.theme import INK, color

#: The platform each indicator counts accounts on (its colour in every chart).
PLATFORM = {"gov_weibo_accounts": "weibo", "gov_toutiao_accounts": "toutiao", "gov_douyin_accounts": "douyin",
            "gov_douyin_top_province": "douyin"}
#: Line style by scope: the count with officials' accounts dashed, institutions' solid.
SCOPE_STYLE = {"scope=total_incl_officials": "--"}


def _reconstructed(rows: pd.DataFrame) -> pd.Series:
    """Rows whose value was rebuilt from a misprint (drawn hollow: not a figure as printed)."""
    return rows["status"] == "corrected"


def _label_points(ax, xs, ys, rows, lang, edition_x) -> None:
    """Each point's value: above, or below when the point before is close and labelled above;
    a point on the edition's line is labelled beside it, clear of the line (to the right when
    no close neighbour stands there). A reconstruction's label is its number: the legend says
    what it is."""
    above = []
    for k in range(len(xs)):
        up = True if k == 0 or xs[k] - xs[k - 1] > 300 else not above[-1]
        above.append(up)
    for k, (xi, yi, up, (_, row)) in enumerate(zip(xs, ys, above, rows.iterrows())):
        q = row["qualifier"] if isinstance(row["qualifier"], str) and row["qualifier"] != "reconstructed" else None
        on_line = abs(xi - edition_x) < 1
        right = on_line and (k + 1 == len(xs) or xs[k + 1] - xi > 300)
        dx, ha = (4, "left") if right else (-4, "right") if on_line else (0, "center")
        ax.annotate(i18n.number(row["value"], lang, q), (xi, yi), xytext=(dx, 6 if up else -7),
                    textcoords="offset points", ha=ha, va="bottom" if up else "top", fontsize=8, color=INK)


def _series_panel(ax, obs, indicator, breakdowns, lang, as_of, what=None):
    """One platform's series over time: lines broken at gaps, gaps shaded, the edition marked."""
    c = color(PLATFORM[indicator])
    edition_x = time.edition(ax, as_of, lang)
    rows, ymax = [], 0.0
    for b in breakdowns:
        r = data.select(obs, indicator, b)
        if r.empty:
            continue
        xs = [time.x(p) for p in r["period"]]
        ys = r["value"].astype(float).tolist()
        gaps = time.gaps(obs, indicator, b)
        name = i18n.breakdown_name(b, lang) if b != "total" else i18n.labels(lang)["indicators"][indicator]
        time.line(ax, xs, ys, gaps, f"{indicator}[{b}]", color=c, ls=SCOPE_STYLE.get(b, "-"), lw=1.8,
                  label=markup.mpl(name))
        hollow = _reconstructed(r).to_numpy()
        ax.scatter([x for x, h in zip(xs, hollow) if not h], [y for y, h in zip(ys, hollow) if not h], s=22, color=c,
                   zorder=3)
        ax.scatter([x for x, h in zip(xs, hollow) if h], [y for y, h in zip(ys, hollow) if h], s=30, facecolor="white",
                   edgecolor=c, lw=1.5, zorder=3)
        _label_points(ax, xs, ys, r, lang, edition_x)
        time.shade(ax, gaps, lang, what=name if what else None)
        rows.append(r)
        ymax = max(ymax, max(ys))
    ax.set_ylim(0, ymax * 1.4 if ymax else 1)  # room above for the labels and the gaps named
    ax.yaxis.set_major_formatter(Compact(lang))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    return pd.concat(rows) if rows else pd.DataFrame(columns=obs.columns)


def _span(obs, indicators, as_of) -> tuple[str, str]:
    """The first and last period a time axis must show: the data's, its gaps', the edition's."""
    rows = obs[obs["indicator_id"].isin(indicators)]
    ps = sorted([*rows["period"].astype(str), as_of], key=periods.key)
    return min(ps, key=periods.start), ps[-1]


@register()
def weibo_toutiao(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """Government Weibo and Toutiao accounts at every date the data holds (as far as it
    reaches, also past as_of, which is marked); lines break at the data's gaps, which are shaded."""
    say = Captions("new_media", lang, as_of)
    w_b = ["scope=total_incl_officials", "scope=institutions"]
    if all(data.select(obs, i, None).empty for i in ("gov_weibo_accounts", "gov_toutiao_accounts")):
        return say.nodata("weibo_toutiao")
    fig, (ax1, ax2) = figure(1, 2, height=4.3, gridspec_kw={"width_ratios": [1.5, 1]})
    r1 = _series_panel(ax1, obs, "gov_weibo_accounts", w_b, lang, as_of, what=True)
    time.axis(ax1, *_span(obs, ["gov_weibo_accounts"], as_of))
    ax1.set_title(i18n.labels(lang)["indicators"]["gov_weibo_accounts"], loc="left", fontsize=10)
    ax1.legend(loc="upper left", bbox_to_anchor=(0, -0.1), fontsize=8, handlelength=2.2, ncols=2)
    r2 = _series_panel(ax2, obs, "gov_toutiao_accounts", ["total"], lang, as_of)
    time.axis(ax2, *_span(obs, ["gov_toutiao_accounts"], as_of))
    ax2.set_title(i18n.labels(lang)["indicators"]["gov_toutiao_accounts"], loc="left", fontsize=10)
    rebuilt = r2[_reconstructed(r2)] if not r2.empty else r2
    if not rebuilt.empty:
        ax2.legend([Line2D([], [], ls="", marker="o", mfc="white", mec=color("toutiao"), mew=1.5)],
                   [i18n.number(rebuilt["value"].iloc[0], lang, "reconstructed")],
                   loc="upper left", bbox_to_anchor=(0, -0.1), fontsize=8, handletextpad=0.3)
    rows = pd.concat([r1, r2])
    rows = rows.sort_values(["indicator_id", "breakdown", "date"], ascending=[False, True, True])
    return chart("weibo_toutiao", fig, lang, say, rows, first=rows["period"].min(), last=rows["period"].max())


@register()
def douyin(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """Government Douyin accounts up to as_of on their dates (gaps shaded), and the leading
    province against the total."""
    f = section_facts(Query(obs, as_of))
    say = Captions("new_media", lang, as_of, **f)
    tot = upto(data.select(obs, "gov_douyin_accounts"), as_of)
    if tot.empty:
        return say.nodata("douyin")
    fig, (ax1, ax2) = figure(1, 2, height=3.8, gridspec_kw={"width_ratios": [1.25, 1]})
    end = time.day(periods.end(as_of))
    gaps = [g for g in time.gaps(obs, "gov_douyin_accounts") if g.start <= end]
    latest = tot["period"].iloc[-1]
    kinds = ["douyin" if p == latest else "earlier" for p in tot["period"]]
    time.bars(ax1, list(tot["period"]), tot["value"].astype(float), kinds,
              labels=[label(r, lang, unit=False) for _, r in tot.iterrows()], width_days=40)
    time.axis(ax1, min([tot["period"].iloc[0], *(g.period for g in gaps)], key=periods.start), latest, pad_days=240)
    time.shade(ax1, gaps, lang)
    ax1.set_ylim(0, float(tot["value"].max()) * 1.2)
    ax1.yaxis.set_major_formatter(Compact(lang))
    ax1.yaxis.set_major_locator(MaxNLocator(4))
    ax1.set_title(i18n.pick(lang, "全国政务抖音号（个）", "Accounts nationwide"), loc="left", fontsize=10)
    rows = [tot]
    top, total, share = f["douyin_top"], f["douyin"], f["douyin_top_share"]
    if present(top, total):
        prov = i18n.breakdown_name(top.breakdown, lang)
        hbars(ax2, [i18n.pick(lang, "全国", "Nationwide"), prov], [float(total), float(top)],
              [i18n.number(float(total), lang), i18n.number(float(top), lang) + i18n.paren(i18n.percent(float(share)), lang)],
              ["douyin"] * 2)
        ax2.set_title(i18n.pick(lang, f"数量最多的省份：{prov}", f"Leading province: {prov}"), loc="left", fontsize=10)
        rows.append(at(data.select(obs, "gov_douyin_top_province", None), as_of))
    else:
        ax2.axis("off")
    return chart("douyin", fig, lang, say, pd.concat(rows))
