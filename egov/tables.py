"""Reader's tables: the observations a chart plots, with names, units, status and source."""

from __future__ import annotations

import pandas as pd

from egov import i18n
from egov.credits import source_name


def obs_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The reader's table of plotted observations: names, period, value, unit, status, source."""
    lab = i18n.labels(lang)
    cols = i18n.pick(lang, "指标|分组|时期|数值|单位|限定|状态|来源", "indicator|breakdown|period|value|unit|"
                     "qualifier|status|source").split("|")
    out = pd.DataFrame({
        cols[0]: [lab["indicators"][i] for i in rows["indicator_id"]],
        cols[1]: [lab["breakdowns"].get(b, b) for b in rows["breakdown"]],
        cols[2]: list(rows["period"]),
        cols[3]: numbers(rows["value"]),
        cols[4]: [lab["units"][u] for u in rows["unit"]],
        cols[5]: [i18n.qualifier(q, lang) for q in rows["qualifier"]],
        cols[6]: [i18n.status(s, lang) for s in rows["status"]],
        cols[7]: [source_name(s, lang) for s in rows["source_id"]],
    })
    return out.reset_index(drop=True)


def numbers(values) -> pd.Series:
    """Whole numbers as Int64 (14467, not 14467.0); others as they are."""
    s = pd.Series(list(values), dtype="Float64")
    whole = s.dropna().apply(lambda v: float(v).is_integer())
    if whole.all():
        return s.round().astype("Int64")
    if whole.any():  # mixed: 488000000 beside 66.39, each written as it is
        return pd.Series([None if pd.isna(v) else int(v) if float(v).is_integer() else float(v)
                          for v in s], dtype=object)
    return s


