"""China among its peers in the UN E-Government Surveys: the facts of the comparison section.

UN values are not observations of ``data/observations.csv``, so their ``expr`` is empty: the
tests check them against the UN table directly (``tests/test_facts.py``).
"""

from __future__ import annotations

import pandas as pd

from egov import un
from egov.facts import Change, Trend, Value


def _value(v, unit: str) -> Value:
    return Value(float(v), unit, "")


def facts(egdi: pd.DataFrame, peers: list[str], as_of: str) -> dict:
    """The survey read for the edition and China's place in it, its rank over time, and the
    split of its EGDI change; ``{}`` when no survey was out by the edition."""
    year = un.survey_year(egdi, as_of)
    if year is None:
        return {}
    prev = un.previous_survey(egdi, year)
    cur = egdi[egdi["year"] == year].set_index("iso3")
    china = un.country_rows(egdi, "CHN", ("egdi", "osi", "hci", "tii", "rank")).set_index("year")
    codes = un.comparison_set(egdi, peers, year)
    sel = cur.loc[codes]
    upto = china[china.index <= year]
    first, last = int(china.index.min()), int(china.index.max())
    best = int(upto["rank"].astype(float).idxmin())
    at = {c: _value(china.loc[year, c], "rank" if c == "rank" else "index") for c in ("egdi", "osi", "hci", "tii", "rank")}
    f = {
        "year": str(year), "prev": str(prev) if prev else None,
        "n": int(cur["rank"].notna().sum()), "k": len(codes), "top5": un.top_countries(egdi, year),
        **at,
        # China's place among the countries compared, overall and per sub-index
        "place": {c: int((sel[c].astype(float) > float(at[c])).sum() + 1) for c in un.SUBINDICES},
        "first_year": str(first), "first_rank": _value(china.loc[first, "rank"], "rank"),
        "last_year": str(last), "last_rank": _value(china.loc[last, "rank"], "rank"),
        "best_year": str(best), "best_rank": _value(china.loc[best, "rank"], "rank"),
        # the rank over the surveys up to this one: improving at every step, worsening, or mixed
        "rank_trend": Trend([_value(r, "rank") for r in upto["rank"]], better="lower") if len(upto) > 1 else None,
        "rank_move": None, "changes": {}, "split": None,
        # the rank in the latest survey against this one's, when a later survey exists
        "since": Change(at["rank"], _value(china.loc[last, "rank"], "rank"), better="lower") if last > year else None,
    }
    if prev is not None:
        f["rank_move"] = Change(_value(china.loc[prev, "rank"], "rank"), at["rank"], better="lower")
        f["changes"] = {c: Change(_value(china.loc[prev, c], "index"), at[c]) for c in ("egdi", *un.COMPONENTS)}
        f["split"] = un.decompose(egdi, "CHN", prev, year)
    return f
