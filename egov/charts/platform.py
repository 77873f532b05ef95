"""Charts of the national platform section: its reach, and online government service users."""

from __future__ import annotations

import pandas as pd
from matplotlib.ticker import MaxNLocator

from egov import data, i18n
from egov.charts import register
from egov.charts.frame import Captions, Compact, at, chart, figure, hbars, label, names, unit_words, upto, vbars
from egov.display import Chart, NoData
from egov.theme import BLUE, MUTED, ORANGE, SKY


@register()
def platform_reach(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """National platform reach: real-name registered users, visitors, page views at as_of."""
    say = Captions("platform", lang, as_of)
    ids = ["platform_registered_users", "platform_visitors", "platform_page_views"]
    rows = pd.concat([at(data.select(obs, i), as_of) for i in ids])
    if rows.empty:
        return say.nodata("platform_reach")
    fig, ax = figure(height=3.6)
    colors = [BLUE, SKY, ORANGE][: len(rows)]
    short = [n.replace("国家政务服务平台", "").replace(" of the national platform", "")
             .replace(" to the national platform", "") for n in names(rows, lang)]
    hbars(ax, short, rows["value"].astype(float), [label(r, lang) for _, r in rows.iterrows()], colors)
    ax.xaxis.set_major_formatter(Compact(lang))
    ax.xaxis.set_major_locator(MaxNLocator(5))
    return chart("platform_reach", fig, lang, say, rows, units=unit_words(rows, lang))


@register()
def online_users(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """Online government service users (CNNIC), every survey up to as_of."""
    say = Captions("platform", lang, as_of)
    rows = upto(data.select(obs, "online_gov_service_users"), as_of)
    if rows.empty:
        return say.nodata("online_users")
    fig, ax = figure(height=3.8)
    periods = [i18n.period(p, lang, short=True) for p in rows["period"]]
    colors = [MUTED] * (len(rows) - 1) + [BLUE]
    vbars(ax, periods, rows["value"].astype(float), [label(r, lang, unit=False) for _, r in rows.iterrows()], colors)
    ax.yaxis.set_major_formatter(Compact(lang))
    ax.set_ylabel(i18n.unit_word("persons", lang))
    return chart("online_users", fig, lang, say, rows, first=rows["period"].iloc[0], last=rows["period"].iloc[-1])
