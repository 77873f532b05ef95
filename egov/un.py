"""UN E-Government Survey analysis: which survey an edition reads, the countries China is
compared with, and the EGDI change split by sub-index. Computed here once, for the charts
(:mod:`egov.charts.capability`, :mod:`egov.charts.international`) and the narrative
(:mod:`egov.facts.international`) alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from egov import i18n
from egov import tables
from egov.credits import source_name

#: Peers compared with China beside each survey's top five (computed from the data).
DEFAULT_PEERS = ["USA", "JPN", "KOR", "RUS", "IND", "BRA"]
SUBINDICES = ["egdi", "osi", "hci", "tii"]
#: The three sub-indices whose mean is the EGDI from the 2014 survey on.
COMPONENTS = ["osi", "hci", "tii"]
MEAN_FROM = 2014

#: The indices' names: (Chinese, English), full and short (for chart axes).
_NAMES = {"egdi": ("电子政务发展指数（EGDI）", "EGDI"), "osi": ("在线服务指数（OSI）", "Online services (OSI)"),
          "hci": ("人力资本指数（HCI）", "Human capital (HCI)"),
          "tii": ("电信基础设施指数（TII）", "Telecommunication infrastructure (TII)"),
          "epart": ("电子参与指数（EPART）", "E-participation (EPART)"), "rank": ("排名", "rank")}
_SHORT = {"egdi": ("EGDI", "EGDI"), "osi": ("在线服务\nOSI", "Online services\nOSI"),
          "hci": ("人力资本\nHCI", "Human capital\nHCI"), "tii": ("电信基础设施\nTII", "Telecom infra.\nTII")}


def index_name(col: str, lang: str, short: bool = False) -> str:
    """'在线服务指数（OSI）' / 'Online services (OSI)'; short: two lines for an axis."""
    return i18n.pick(lang, *(_SHORT if short else _NAMES)[col])


def survey_year(egdi: pd.DataFrame, as_of: str) -> int | None:
    """The latest UN survey published by as_of's year."""
    years = sorted(int(y) for y in egdi["year"].unique() if int(y) <= int(as_of[:4]))
    return years[-1] if years else None


def previous_survey(egdi: pd.DataFrame, year: int) -> int | None:
    years = sorted(int(y) for y in egdi["year"].unique() if int(y) < year)
    return years[-1] if years else None


def country_rows(egdi: pd.DataFrame, iso3: str, cols=("egdi", "rank")) -> pd.DataFrame:
    """One country's surveys, oldest first."""
    d = egdi[egdi["iso3"] == iso3].sort_values("year")
    return d[["country", "iso3", "year", *cols]].reset_index(drop=True)


def long_rows(d: pd.DataFrame, cols) -> pd.DataFrame:
    """UN rows in the charts' long form (indicator_id, breakdown=iso3, period=year, value)."""
    out = d.melt(id_vars=["iso3", "year"], value_vars=list(cols), var_name="indicator_id")
    out = out.assign(breakdown=out["iso3"].astype(str), period=out["year"].astype(str))
    return out[["indicator_id", "breakdown", "period", "value"]].dropna(subset=["value"])


def table(d: pd.DataFrame, cols, lang: str) -> tables.Table:
    """The reader's table of UN rows: a country a row; one index: the surveys as columns
    (the index heads the row headers); several: the indices as columns (the survey year heads
    the row headers). The CSV is the rows in the long form (:func:`tidy`)."""
    long = long_rows(d, cols)
    country = i18n.pick(lang, "国家", "Country")
    if len(cols) == 1:
        frame = d.pivot(index="iso3", columns="year", values=cols[0]).reindex(list(dict.fromkeys(d["iso3"])))
        frame.columns = [str(y) for y in frame.columns]
        stub = index_name(cols[0], lang)
        stub = i18n.capfirst(stub)
    else:
        frame = d.set_index("iso3")[list(cols)]
        frame.columns = [index_name(c, lang) for c in cols]
        years = sorted({int(y) for y in d["year"]})
        stub = country + (i18n.paren(i18n.period(str(years[0]), lang), lang) if len(years) == 1 else "")
    frame = frame.reset_index()
    frame["iso3"] = [i18n.country_name(i, lang) for i in frame["iso3"]]
    return tables.records(frame.rename(columns={"iso3": stub}).convert_dtypes(), lang, tidy=tidy(long, lang))


def tidy(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """UN rows in the long form of :func:`egov.tables.tidy` (indicator: the index; breakdown:
    the country; period: the survey year), so every chart's CSV has the same columns."""
    n, units = len(rows), i18n.labels(lang)["units"]  # data/units.csv
    return pd.DataFrame({
        **tables.tidy_columns(lang, [index_name(c, lang) for c in rows["indicator_id"]],
                               [i18n.country_name(i, lang) for i in rows["breakdown"]], rows["period"], rows["value"]),
        i18n.pick(lang, "单位", "unit"): [units["rank" if c == "rank" else "index"] for c in rows["indicator_id"]],
        i18n.pick(lang, "限定", "qualifier"): [""] * n,
        i18n.pick(lang, "状态", "status"): [i18n.status("reported", lang)] * n,
        i18n.pick(lang, "来源", "source"): [source_name("un_egov_data", lang)] * n,
    })


def top_countries(egdi: pd.DataFrame, year: int, n: int = 5) -> list[str]:
    """ISO3 codes of the survey's top ``n`` by rank (ties broken by EGDI, then code)."""
    d = egdi[(egdi["year"] == year) & egdi["rank"].notna()]
    d = d.sort_values(["rank", "egdi", "iso3"], ascending=[True, False, True])
    return [str(i) for i in d["iso3"].head(n)]


def comparison_set(egdi: pd.DataFrame, peers: list[str], year: int) -> list[str]:
    """China, the survey's top five and the peers, without repeats, by EGDI (best first)."""
    codes = list(dict.fromkeys(["CHN", *top_countries(egdi, year), *peers]))
    d = egdi[(egdi["year"] == year) & egdi["iso3"].isin(codes)]
    return [str(i) for i in d.sort_values(["egdi", "iso3"], ascending=[False, True])["iso3"]]


@dataclass(frozen=True)
class Decomposition:
    """A country's EGDI change between two surveys, split by sub-index. From 2014 the EGDI is
    the mean of OSI, HCI and TII, so each contributes a third of its own change."""

    iso3: str
    prev: int
    year: int
    before: dict[str, float]
    after: dict[str, float]

    @property
    def gain(self) -> float:
        return self.after["egdi"] - self.before["egdi"]

    def change(self, col: str) -> float:
        return self.after[col] - self.before[col]

    def contribution(self, col: str) -> float:
        return self.change(col) / 3

    def share(self, col: str) -> float | None:
        """Percent of the EGDI change that came from ``col`` (None when the EGDI did not move)."""
        return 100 * self.contribution(col) / self.gain if self.gain else None

    @property
    def driver(self) -> str:
        """The sub-index that moved the EGDI most."""
        return max(COMPONENTS, key=self.contribution)


def decompose(egdi: pd.DataFrame, iso3: str, prev: int | None, year: int | None) -> Decomposition | None:
    """The split of the EGDI change ``prev`` → ``year``; None unless both surveys are from 2014 on."""
    if prev is None or year is None or prev < MEAN_FROM:
        return None
    d = egdi[(egdi["iso3"] == iso3) & egdi["year"].isin([prev, year])].set_index("year")
    cols = ["egdi", *COMPONENTS]
    return Decomposition(iso3, prev, year, {c: float(d.loc[prev, c]) for c in cols},
                         {c: float(d.loc[year, c]) for c in cols})
