"""Report editions: the periods the data has figures for, and what each section has then.

An edition is a month, the ``as_of`` every notebook takes. The data decides which months make
one: a month is an edition when some section has a figure for that month or a day in it
(a year's figure counts in each edition of that year, as the narrative reads it, but a year
alone makes no edition). :func:`check` refuses any other month, listing the editions;
``egov editions`` prints them with what each section has.

Reads the CSV files with the :mod:`csv` module only (no pandas), because ``egov build``
checks ``-p as_of`` in its own process before any notebook runs and must stay quick.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from egov import periods
from egov.errors import ParameterError
from egov.project import default_data_dir

#: The edition the notebooks default to: the article's (CNNIC's 46th report, data to June 2020).
DEFAULT = "2020-06"


@dataclass
class Edition:
    """One edition: per section, the figures at its period (``indicator[breakdown]@period``)."""

    period: str
    sections: dict[str, list[str]] = field(default_factory=dict)
    survey: int | None = None  # the UN E-Government Survey the international section reads

    def __len__(self) -> int:
        return sum(len(v) for v in self.sections.values())


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _paths(directory: Path) -> dict[str, Path]:
    from egov.schema import TABLES

    return {name: directory / TABLES[name].path for name in
            ("sections", "indicators", "observations", "reference_observations", "un_egdi")}


def editions(directory: Path | None = None) -> dict[str, Edition]:
    """Every edition the data holds, by period (oldest first)."""
    p = _paths(Path(directory or default_data_dir()))
    order = [r["section"] for r in sorted(_rows(p["sections"]), key=lambda r: int(r["order"]))]
    section_of = {r["indicator_id"]: r["section"] for r in _rows(p["indicators"])}
    figures = {(r["indicator_id"], r["breakdown"], r["period"])
               for name in ("observations", "reference_observations") for r in _rows(p[name])
               if r["status"] != "gap"}
    months = sorted({f[2][:7] for f in figures if len(f[2]) >= 7 and ".." not in f[2]})
    surveys = sorted({int(r["year"]) for r in _rows(p["un_egdi"])})
    out = {}
    for month in months:
        e = Edition(month, {s: [] for s in order})
        for ind, b, per in sorted(figures):
            if periods.at(per, month):
                ref = ind + ("" if b == "total" else f"[{b}]") + f"@{per}"
                e.sections.setdefault(section_of.get(ind, "?"), []).append(ref)
        e.survey = max((y for y in surveys if y <= int(month[:4])), default=None)
        out[month] = e
    return out


def check(as_of: str, directory: Path | None = None) -> str:
    """``as_of`` when it is an edition; else a :class:`ParameterError` listing the editions."""
    found = editions(directory)
    if as_of not in found:
        raise ParameterError(f"parameter 'as_of' is {as_of!r}: no section has figures for that period; "
                             f"editions: {', '.join(found)} (egov editions shows what each one holds)")
    return as_of


def report(found: dict[str, Edition]) -> str:
    """What ``egov editions`` prints: per edition, each section's figures, then the UN survey."""
    lines = ["Editions: the periods the data has figures for (egov build -p as_of PERIOD).", ""]
    for period, e in found.items():
        mark = " (the default edition: the article's)" if period == DEFAULT else ""
        lines.append(f"{period}: {len(e)} figure{'' if len(e) == 1 else 's'}{mark}")
        width = max(map(len, e.sections), default=0)
        for section, refs in e.sections.items():
            counts: dict[str, int] = {}
            for r in refs:
                indicator = r.split("[")[0].split("@")[0]
                counts[indicator] = counts.get(indicator, 0) + 1
            has = ", ".join(f"{i} ×{n}" if n > 1 else i for i, n in counts.items()) or "-"
            lines.append(f"  {section:<{width}}  {has}")
        lines.append(f"  {'UN survey':<{width}}  {e.survey or '-'}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main(args, directory: Path | None = None) -> int:
    """``egov editions [PERIOD]``: every edition, or one edition's figures one per line."""
    found = editions(directory)
    if getattr(args, "period", None):
        e = found[check(args.period, directory)]
        for section, refs in e.sections.items():
            for r in refs:
                print(f"{section}\t{r}")
        print(f"international\tUN E-Government Survey {e.survey}")
        return 0
    print(report(found), end="")
    return 0
