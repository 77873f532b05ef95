"""Charts of the national platform section: its reach, and online government service users."""

from __future__ import annotations

import pandas as pd
from matplotlib.ticker import MaxNLocator

from egov import data, i18n
from egov.charts import register, time
from egov.charts.frame import Captions, Compact, at, chart, figure, label, names, tile, unit_words, upto, wrap
from egov.display import Chart, NoData

#: The platform's reach, one figure a panel: each counts something else (persons, visits, page
#: views), so no two share an axis.
REACH = ["platform_registered_users", "platform_visits", "platform_page_views"]


@register()
def platform_reach(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """National platform reach at as_of: registered users, visits and page views, each in its
    own panel with its own unit."""
    say = Captions("platform", lang, as_of)
    rows = pd.concat([at(data.select(obs, i), as_of) for i in REACH])
    if rows.empty:
        return say.nodata("platform_reach")
    fig, axes = figure(1, len(rows), height=2.6)
    short = [n.replace("国家政务服务平台", "").replace(" of the national platform", "")
             .replace(" to the national platform", "") for n in names(rows, lang)]
    for ax, name, (_, r) in zip([axes] if len(rows) == 1 else axes, short, rows.iterrows()):
        q = r["qualifier"] if isinstance(r["qualifier"], str) else None
        unit = i18n.unit_word(r["unit"], lang)
        tile(ax, i18n.number(r["value"], lang, q), wrap(name, i18n.pick(lang, 18, 26)) + "\n" + i18n.paren(unit, lang).strip())
    return chart("platform_reach", fig, lang, say, rows, units=unit_words(rows, lang))


@register()
def online_users(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """Online government service users (CNNIC), every survey up to as_of, each on its date."""
    say = Captions("platform", lang, as_of)
    rows = upto(data.select(obs, "online_gov_service_users"), as_of)
    if rows.empty:
        return say.nodata("online_users")
    fig, ax = figure(height=3.8)
    ps = list(rows["period"])
    time.bars(ax, ps, rows["value"].astype(float), ["earlier"] * (len(rows) - 1) + ["figure"],
              labels=[label(r, lang, unit=False) for _, r in rows.iterrows()])
    time.axis(ax, ps[0], ps[-1], marks=ps, lang=lang)
    ax.set_ylim(0, float(rows["value"].max()) * 1.15)
    ax.yaxis.set_major_formatter(Compact(lang))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    return chart("online_users", fig, lang, say, rows, first=rows["period"].iloc[0], last=rows["period"].iloc[-1])
