"""Load the tables with proper dtypes, validated on load (each file by :mod:`egov.tablefile`,
then across tables: foreign keys, observations against their units and rules).

Every problem is a :class:`~egov.errors.DataError` naming file, row (as a spreadsheet counts
them: header = row 1) and column, and the rule broken.

>>> obs = observations()
>>> value(obs, "gov_websites", period="2020-06")
14467.0
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from egov.errors import DataError
from egov.schema import STATUS, TABLES
from egov.source import DATA_DIR
from egov.tablefile import read_table


def _check_foreign_keys(tables: dict[str, pd.DataFrame], data_dir: Path) -> None:
    for name, table in TABLES.items():
        for col, ref in table.foreign_keys.items():
            ref_table, ref_col = ref.split(".")
            known = set(tables[ref_table][ref_col].dropna())
            for i, v in enumerate(tables[name][col]):
                if pd.notna(v) and v not in known:
                    raise DataError(Path(data_dir) / table.path, row=i + 2, column=col,
                                    reason=f"unknown {ref_table[:-1]} id {v!r}; "
                                           f"it must be listed in {TABLES[ref_table].path}")


def _check_observations(tables: dict[str, pd.DataFrame], data_dir: Path) -> None:
    units = tables["units"].set_index("unit")
    unit_of = tables["indicators"].set_index("indicator_id")["unit"]
    rules = set(tables["rules"]["rule_id"])
    for name in ("observations", "reference_observations"):
        path = Path(data_dir) / TABLES[name].path
        for i, r in enumerate(tables[name].itertuples(index=False), start=2):
            gap = r.status == "gap"
            if gap != pd.isna(r.value):
                raise DataError(path, row=i, column="value",
                                reason="a gap has no value" if gap else
                                f"a {r.status} observation needs a value")
            if r.status in ("derived", "corrected") and pd.isna(r.rule):
                raise DataError(path, row=i, column="rule",
                                reason=f"a {r.status} value must name the rule that gives it")
            if r.status == "corrected" and pd.isna(r.printed):
                raise DataError(path, row=i, column="printed",
                                reason="a correction must keep the text as printed")
            if pd.notna(r.rule) and r.rule not in rules:
                raise DataError(path, row=i, column="rule", reason=f"unknown rule {r.rule!r}; "
                                f"it must be listed in {TABLES['rules'].path}")
            if gap:
                continue
            kind = units.loc[unit_of[r.indicator_id], "kind"]
            if kind == "count" and r.value < 0:
                raise DataError(path, row=i, column="value", reason=f"negative count {r.value:g}")
            if kind == "share" and not 0 <= r.value <= 100:
                raise DataError(path, row=i, column="value",
                                reason=f"share {r.value:g} is outside 0–100 (percent)")
            if kind == "rank" and r.value < 1:
                raise DataError(path, row=i, column="value", reason=f"rank {r.value:g} is below 1")


def period_end(period: str) -> pd.Timestamp | None:
    """The last day a period covers: '2020-06' → 2020-06-30, '2019' → 2019-12-31."""
    if ".." in period:
        return None
    p = pd.Period(period, freq={4: "Y", 7: "M", 10: "D"}[len(period)])
    return p.end_time.normalize()


#: Data folders whose loaded tables are kept.
_LOADED = 8


@lru_cache(maxsize=_LOADED)
def _load_all(data_dir: str) -> dict[str, pd.DataFrame]:
    tables = {name: read_table(name, Path(data_dir)) for name in TABLES}
    _check_foreign_keys(tables, Path(data_dir))
    _check_observations(tables, Path(data_dir))
    return tables


def clear_cache() -> None:
    """Forget loaded tables, so the next read sees files edited since (one process, many builds)."""
    _load_all.cache_clear()
    _memo.clear()


def tables(data_dir: Path = DATA_DIR) -> dict[str, pd.DataFrame]:
    """Every table, validated one by one and against each other. Cached per data folder."""
    for name in TABLES:
        _trace(name)
    return {k: v.copy() for k, v in _load_all(str(Path(data_dir).resolve())).items()}


def table(name: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """One validated table (all tables are validated together: keys cross tables)."""
    _trace(name)
    return _load_all(str(Path(data_dir).resolve()))[name].copy()


def observations(data_dir: Path = DATA_DIR, *, section: str | None = None,
                 indicators: list[str] | None = None) -> pd.DataFrame:
    """The article's and the reference observations in one tidy frame.

    Adds ``origin`` (``article``/``reference``), the indicator's ``section`` and ``unit``, and
    ``date`` (the period's last day) for ordering and plotting. A notebook asks only for its
    ``section`` (or its ``indicators``): what it asked for is what the build's cache hashes, so
    a data edit rebuilds exactly the reports that read it.
    """
    _trace(**observations_read(section, indicators))
    return _observations(data_dir, section, indicators)


def observations_read(section: str | None = None, indicators: list[str] | None = None) -> dict:
    """Reading those observations, as a trace logs it and :func:`fingerprint` takes it."""
    return {"table": "observations", "section": section, "indicators": sorted(indicators) if indicators else None}


def _observations(data_dir: Path, section: str | None, indicators: list[str] | None) -> pd.DataFrame:
    obs = _restrict(_combined(str(Path(data_dir).resolve())), section, indicators)
    return obs.reset_index(drop=True).copy()


#: Data folder → (its loaded tables, what is derived from them): dropped with the tables.
_memo: dict[str, tuple[dict, dict]] = {}


def _derived(data_dir: str) -> dict:
    """Where to keep what is derived from the loaded tables of ``data_dir``: a build
    fingerprints every report's reads and a notebook reads the observations more than once."""
    t = _load_all(data_dir)
    if data_dir not in _memo or _memo[data_dir][0] is not t:
        _memo.pop(data_dir, None)
        _memo[data_dir] = (t, {})
        while len(_memo) > _LOADED:  # as many folders as _load_all keeps; the oldest goes first
            del _memo[next(iter(_memo))]
    return _memo[data_dir][1]


def derived(data_dir: Path = DATA_DIR) -> dict:
    """Where other modules keep what they work out from the loaded tables of ``data_dir``
    (the checks' results): dropped with the tables, so data loaded again is worked out again."""
    return _derived(str(Path(data_dir).resolve()))


def _combined(data_dir: str) -> pd.DataFrame:
    """Both tables of observations in one frame, typed, made once per loaded data (the build's
    kernels are forked from a template that has made it). Callers get copies."""
    memo = _derived(data_dir)
    if "combined" not in memo:
        memo["combined"] = _combine(_load_all(data_dir))
    return memo["combined"]


def _combine(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    frames = [t["observations"].assign(origin="article"),
              t["reference_observations"].assign(origin="reference")]
    obs = pd.concat(frames, ignore_index=True)
    for col in ("indicator_id", "breakdown", "source_id", "raw_file"):
        obs[col] = obs[col].astype("string")
    ind = t["indicators"].set_index("indicator_id")
    obs["section"] = obs["indicator_id"].map(ind["section"]).astype("category")
    obs["unit"] = obs["indicator_id"].map(ind["unit"]).astype("category")
    obs["origin"] = obs["origin"].astype("category")
    obs["status"] = obs["status"].astype(pd.CategoricalDtype(STATUS))
    obs["date"] = pd.to_datetime(obs["period"].map(period_end))
    return obs


def _restrict(obs: pd.DataFrame, section: str | None, indicators: list[str] | None) -> pd.DataFrame:
    if section is not None:
        if section not in set(obs["section"].dropna()):
            raise ValueError(f"unknown section {section!r}; known: {', '.join(sorted(set(obs['section'].dropna())))}")
        obs = obs[obs["section"] == section]
    if indicators is not None:
        unknown = sorted(set(indicators) - set(obs["indicator_id"]))
        if unknown:
            raise ValueError(f"unknown indicator(s): {', '.join(unknown)}")
        obs = obs[obs["indicator_id"].isin(indicators)]
    return obs


#: Environment variable naming a file where data reads are logged (set by ``egov build``).
TRACE_ENV = "EGOV_DATA_TRACE"


def _trace(table: str, **selection) -> None:
    path = os.environ.get(TRACE_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"table": table, **selection}, sort_keys=True) + "\n")


def read_trace(path: Path) -> list[dict]:
    """The distinct data reads logged in a trace file, in a stable order."""
    if not Path(path).exists():
        return []
    lines = {line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()}
    return [json.loads(line) for line in sorted(lines)]


def fingerprint(reads: list[dict], data_dir: Path = DATA_DIR) -> str:
    """SHA-256 of exactly the data behind a list of reads (from :func:`read_trace`).

    Labels, units and rules are always included: every chart and sentence uses them. Each
    read's part is hashed once per loaded data (:func:`_digest`): a build fingerprints every
    report's reads, together and one by one, and most reports read the same tables.
    """
    where = str(Path(data_dir).resolve())
    h = hashlib.sha256(_digest(where, "labels"))
    for read in reads:
        h.update(_digest(where, json.dumps(read, sort_keys=True)))
    return h.hexdigest()


#: What every fingerprint includes.
_LABELS = ("sections", "units", "indicators", "breakdowns", "sources", "rules")


def _digest(data_dir: str, read: str) -> bytes:
    """SHA-256 of one read (its JSON, and its frame as CSV), or of the labels (``"labels"``)."""
    memo = _derived(data_dir)
    if ("digest", read) not in memo:
        t = _load_all(data_dir)
        if read == "labels":
            text = "".join(t[name].to_csv(index=False) for name in _LABELS)
        else:
            r = json.loads(read)
            frame = (_observations(Path(data_dir), r.get("section"), r.get("indicators"))
                     if r["table"] == "observations" else t[r["table"]])
            text = read + frame.to_csv(index=False)
        memo["digest", read] = hashlib.sha256(text.encode()).digest()
    return memo["digest", read]


def select(obs: pd.DataFrame, indicator: str, breakdown: str | None = "total",
           period: str | None = None, origin: str | None = None) -> pd.DataFrame:
    """Observations of one indicator (optionally one breakdown, period, origin), by date.

    Where the article and a reference source state the same figure, the article's row is kept.
    The rows are found with plain arrays: a notebook asks hundreds of times, and pandas' own
    masks, sort and de-duplication cost milliseconds a call even on a few rows.
    """
    m = _column(obs, "status") != "gap"
    for col, wanted in (("indicator_id", indicator), ("breakdown", breakdown), ("period", period),
                        ("origin", origin)):
        if wanted is not None:
            m &= _column(obs, col) == wanted
    rows = np.flatnonzero(m)
    if len(rows) < 2:
        return obs.iloc[rows]
    dates, origins = obs["date"].to_numpy()[rows], _column(obs, "origin")[rows]
    if np.isnat(dates).any() or None in origins:  # a date or origin missing: pandas puts those last
        out = obs.iloc[rows].sort_values(["date", "origin"])
        return out.drop_duplicates(["indicator_id", "breakdown", "period"], keep="first")
    rows = rows[np.lexsort((origins.astype(str), dates))]  # stable: by date, then origin
    seen: set = set()
    keys = zip(*(_column(obs, c)[rows] for c in ("indicator_id", "breakdown", "period")))
    return obs.iloc[[r for r, key in zip(rows, keys) if not (key in seen or seen.add(key))]]


def _column(obs: pd.DataFrame, col: str) -> np.ndarray:
    """A column as an array of Python objects, missing values as None (they equal nothing)."""
    return obs[col].to_numpy(dtype=object, na_value=None)


def value(obs: pd.DataFrame, indicator: str, breakdown: str = "total", period: str | None = None) -> float:
    """One value; raises KeyError naming what is missing (or ambiguous)."""
    rows = select(obs, indicator, breakdown, period)
    if len(rows) != 1:
        found = "no observation" if rows.empty else f"{len(rows)} observations (give a period)"
        raise KeyError(f"{found} for {indicator}[{breakdown}]@{period or 'any period'}")
    return float(rows["value"].iloc[0])


def un_egdi(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """UN EGDI for all member states and surveys (2003–2024), typed."""
    return table("un_egdi", data_dir)


def labels(lang: str, data_dir: Path = DATA_DIR) -> dict[str, dict[str, str]]:
    """Display names in one language: ``{"indicators": {...}, "breakdowns": {...}, ...}``."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    where = str(Path(data_dir).resolve())
    memo = _derived(where)
    if ("labels", lang) not in memo:  # asked for on every name a chart or sentence writes
        t, col = _load_all(where), f"name_{lang}"
        memo["labels", lang] = {
            "indicators": dict(zip(t["indicators"]["indicator_id"], t["indicators"][col])),
            "breakdowns": dict(zip(t["breakdowns"]["breakdown"], t["breakdowns"][col])),
            "sections": dict(zip(t["sections"]["section"], t["sections"][col])),
            "units": dict(zip(t["units"]["unit"], t["units"][col])),
        }
    return {kind: dict(names) for kind, names in memo["labels", lang].items()}  # each caller its own
