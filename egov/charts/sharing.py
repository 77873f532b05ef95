"""Charts of the data sharing section: e-certificates, and identity verification."""

from __future__ import annotations

import pandas as pd

from egov import data, i18n
from egov.charts import register
from egov.charts.frame import Captions, at, chart, figure, hbars, label, names, paint, rows_at, tile, wrap
from egov.display import Chart, NoData


@register()
def ecert(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """E-certificates: types catalogued vs aggregated (with the share), catalogue entries."""
    say = Captions("sharing", lang, as_of)
    types = rows_at(obs, "ecert_types", ["stage=catalogued", "stage=aggregated"], as_of)
    share = at(data.select(obs, "ecert_aggregated_share"), as_of)
    entries = at(data.select(obs, "ecert_catalogue_entries"), as_of)
    if types.empty and entries.empty:
        return say.nodata("ecert")
    fig, (ax1, ax2) = figure(1, 2, height=3.3, gridspec_kw={"width_ratios": [1.7, 1]})
    labels = [label(r, lang) for _, r in types.iterrows()]
    if not share.empty and len(labels) == 2:
        pct = i18n.quantity(share["value"].iloc[0], "percent", lang)
        labels[1] += i18n.paren(i18n.pick(lang, f"占{pct}", pct), lang)
    if not types.empty:
        hbars(ax1, names(types, lang, by="breakdown"), types["value"].astype(float), labels, ["figure"] * len(types))
        ax1.set_title(i18n.labels(lang)["indicators"]["ecert_types"], loc="left", fontsize=10)
    else:
        ax1.axis("off")
    if not entries.empty:
        r = entries.iloc[0]
        tile(ax2, label(r, lang, unit=i18n.pick(lang, True, False)),
             wrap(i18n.labels(lang)["indicators"]["ecert_catalogue_entries"], i18n.pick(lang, 20, 28)))
    else:
        ax2.axis("off")
    rows = pd.concat([types, share, entries])
    return chart("ecert", fig, lang, say, rows)


@register()
def identity(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """Identity: verifications, enterprise verifications, single sign-on share."""
    say = Captions("sharing", lang, as_of)
    ver = pd.concat([at(data.select(obs, i), as_of) for i in ("identity_verifications", "identity_enterprise_verifications")])
    sso = at(data.select(obs, "sso_share"), as_of)
    if ver.empty and sso.empty:
        return say.nodata("identity")
    fig, (ax1, ax2) = figure(1, 2, height=3.3, gridspec_kw={"width_ratios": [1.6, 1]})
    if not ver.empty:
        hbars(ax1, [wrap(n, 16) for n in names(ver, lang)], ver["value"].astype(float),
              [label(r, lang, unit=i18n.pick(lang, True, False)) for _, r in ver.iterrows()], ["figure"] * len(ver))
        ax1.set_title(i18n.pick(lang, "国家平台累计核验次数", "Cumulative verifications by the national platform"),
                      loc="left", fontsize=10)
    else:
        ax1.axis("off")
    if not sso.empty:
        v = float(sso["value"].iloc[0])
        paint([*ax2.barh([0], [100], height=0.5), *ax2.barh([0], [v], height=0.5)], ["rest", "figure"])
        ax2.text(v / 2, 0, i18n.quantity(v, "percent", lang), ha="center", va="center", color="white",
                 fontsize=13, fontweight="bold")
        ax2.set_xlim(0, 100)
        ax2.set_ylim(-0.8, 0.8)
        ax2.set_yticks([])
        ax2.set_xticks([0, 50, 100], ["0", "50%", "100%"])
        ax2.grid(False)
        ax2.set_title(wrap(i18n.labels(lang)["indicators"]["sso_share"], i18n.pick(lang, 24, 30)), loc="left", fontsize=10)
    else:
        ax2.axis("off")
    rows = pd.concat([ver, sso])
    return chart("identity", fig, lang, say, rows)
