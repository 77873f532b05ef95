"""The tables' schemas, in one place: the loader validates against them and
``datapackage.json`` (Frictionless Table Schema) is written from them.
"""

from __future__ import annotations

import calendar
import csv
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from egov import __version__, citation
from egov.errors import DataError
from egov.source import ORIGIN_FILE, origins

PERIOD = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?(\.\.[0-9]{4}(-[0-9]{2})?)?"
#: Years a period may name (pandas' timestamps end in 2262).
PERIOD_YEARS = (1900, 2100)
STATUS = ["reported", "derived", "corrected", "gap"]
QUALIFIER = ["at_least", "approx", "reconstructed"]
CONFIDENCE = ["high", "low"]


#: How a number is written, in the tables and in rule expressions: ASCII digits with an optional
#: decimal point and exponent (a sign is separate). No thousands separator, underscore,
#: full-width or other non-ASCII digit, ``inf`` or ``nan``.
UNSIGNED_NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NUMBER = {"number": re.compile(rf"[+-]?{UNSIGNED_NUMBER}"), "integer": re.compile(r"[+-]?[0-9]+")}
NUMBER_FORMS = {"number": ("a number", "ASCII digits with an optional sign, decimal point and exponent (14467, -0.5, 1.5e6)"),
                "integer": ("an integer", "ASCII digits with an optional sign (2020)")}


def parse_number(text: str, kind: str = "number") -> float | int:
    """The one number parser: ``kind`` is ``"number"`` or ``"integer"``; raises ValueError
    saying what is expected (also for a number too large to be finite).

    >>> parse_number("14467"), parse_number("-0.5"), parse_number("7", "integer")
    (14467.0, -0.5, 7)
    >>> parse_number("1_4_4_6_7")
    Traceback (most recent call last):
    ...
    ValueError: expected a number, found '1_4_4_6_7'; write ASCII digits with an optional sign, decimal point and exponent (14467, -0.5, 1.5e6)
    """
    if not _NUMBER[kind].fullmatch(text):
        name, form = NUMBER_FORMS[kind]
        raise ValueError(f"expected {name}, found {text!r}; write {form}")
    value = float(text) if kind == "number" else int(text) if len(text.lstrip("+-")) <= 18 else math.inf
    if not math.isfinite(value):
        shown = text if len(text) <= 24 else text[:20] + "…"
        raise ValueError(f"{shown!r} is too large" + (" for an integer column" if kind == "integer" else ""))
    return value


def period_problem(period: str) -> str | None:
    """What makes a period matching :data:`PERIOD` impossible, or None: a month outside 01–12,
    a day its month does not have, a year outside :data:`PERIOD_YEARS`.

    >>> period_problem("2020-02-29"), period_problem("2020-13"), period_problem("2019-02-29")
    (None, 'month 13 is not 01–12', 'day 29 does not exist in 2019-02')
    """
    for part in period.split(".."):
        year, *rest = (int(x) for x in part.split("-"))
        if not PERIOD_YEARS[0] <= year <= PERIOD_YEARS[1]:
            return f"year {year} is outside {PERIOD_YEARS[0]}–{PERIOD_YEARS[1]}"
        if rest and not 1 <= rest[0] <= 12:
            return f"month {rest[0]:02d} is not 01–12"
        if len(rest) == 2 and not 1 <= rest[1] <= calendar.monthrange(year, rest[0])[1]:
            return f"day {rest[1]:02d} does not exist in {year}-{rest[0]:02d}"
    return None


@dataclass(frozen=True)
class Field:
    """One column: Frictionless type and constraints, plus a description (and unit)."""

    name: str
    type: str = "string"  # string | integer | number | boolean
    description: str = ""
    required: bool = False
    enum: list | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    unit: str | None = None
    #: The column's name once loaded, where an immutable raw file's header names it less well.
    loaded_as: str | None = None

    def descriptor(self) -> dict:
        d = {"name": self.name, "type": self.type, "description": self.description}
        if self.unit:
            d["unit"] = self.unit
        c = {k: v for k, v in (("required", self.required or None), ("enum", self.enum),
                               ("minimum", self.minimum), ("maximum", self.maximum),
                               ("pattern", self.pattern)) if v is not None}
        if c:
            d["constraints"] = c
        return d


@dataclass(frozen=True)
class Table:
    """A CSV table: its path under ``data/``, fields, primary key and foreign keys."""

    name: str
    path: str
    title: str
    fields: list[Field]
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: dict[str, str] = field(default_factory=dict)  # column -> "table.column"
    categorical: tuple[str, ...] = ()
    raw_file: str | None = None  # origin key when the table is an immutable raw file
    #: The source (sources table) of every row, for a raw table whose rows name none; loaded as
    #: a ``source_id`` column.
    source_id: str | None = None

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


def _obs_fields() -> list[Field]:
    return [
        Field("indicator_id", required=True, description="What was measured (indicators table)."),
        Field("breakdown", required=True, pattern=r"total|[a-z_]+=[A-Za-z_]+",
              description="Which part: 'total' or dimension=category (breakdowns table)."),
        Field("period", required=True, pattern=PERIOD,
              description="When: YYYY, YYYY-MM or YYYY-MM-DD; a range A..B only for gaps."),
        Field("value", "number", description="The value in the indicator's unit; empty only for a gap."),
        Field("qualifier", enum=QUALIFIER,
              description="at_least: a lower bound ('360多万'); approx: approximate; reconstructed: "
                          "read back from a garbled figure, confirmed by no source."),
        Field("status", required=True, enum=STATUS,
              description="reported: quoted; derived: computed by a rule; corrected: the printed "
                          "value is wrong and a rule proves this one; gap: nothing trustworthy found."),
        Field("source_id", required=True, description="Where it came from (sources table)."),
        Field("raw_file", required=True, description="The raw file it was read from (data/raw/origin.yaml)."),
        Field("quote", description="The sentence or clause holding the figure, verbatim."),
        Field("printed", description="For a correction: the text as printed."),
        Field("rule", description="For derived and corrected values: the rule (rules table)."),
        Field("confidence", enum=CONFIDENCE, description="high: read in the source as stated, "
                                                         "or two sources agree; low: otherwise."),
        Field("note", description="Anything a reader should know."),
    ]


_RETRIEVED = ("Not the source: where this snapshot of the UN's EGOV_DATA export was taken (a public "
              "copy, as repository:path@commit). The source of every row is the UN (UN DESA, "
              "E-Government Survey; sources table). Loaded as 'retrieved_from'.")

#: The loaded ``source_id`` column of the UN tables (not in their files: see Table.source_id).
_UN_SOURCE = {"source_id": "sources.source_id"}

_OBS_KEYS = {"indicator_id": "indicators.indicator_id", "breakdown": "breakdowns.breakdown",
             "source_id": "sources.source_id"}
_OBS_CATS = ("indicator_id", "breakdown", "status", "qualifier", "source_id", "raw_file", "confidence")

TABLES: dict[str, Table] = {t.name: t for t in [
    Table("sections", "sections.csv", "Report sections", [
        Field("section", required=True, pattern=r"[a-z_]+", description="Section id."),
        Field("name_zh", required=True, description="Name in Chinese."),
        Field("name_en", required=True, description="Name in English."),
        Field("order", "integer", required=True, minimum=1, description="Position in the report.")],
        ["section"]),
    Table("units", "units.csv", "Units of measure", [
        Field("unit", required=True, pattern=r"[a-z_]+", description="Unit id."),
        Field("name_zh", required=True, description="Name in Chinese, as printed after a number."),
        Field("name_en", required=True, description="Name in English."),
        Field("kind", required=True, enum=["count", "share", "index", "rank", "change", "growth"],
              description="count ≥ 0; share 0–100; growth any %; index ≥ 0; rank ≥ 1."),
        Field("measure_words", description="Measure words allowed after the number in a quote, '|'-separated.")],
        ["unit"]),
    Table("indicators", "indicators.csv", "Indicators", [
        Field("indicator_id", required=True, pattern=r"[a-z0-9_]+", description="Indicator id."),
        Field("section", required=True, description="The report section it belongs to (sections table)."),
        Field("unit", required=True, description="The unit of its values (units table)."),
        Field("name_zh", required=True, description="Name in Chinese."),
        Field("name_en", required=True, description="Name in English."),
        Field("definition", required=True, description="What exactly is counted or measured.")],
        ["indicator_id"],
        {"section": "sections.section", "unit": "units.unit"}),
    Table("breakdowns", "breakdowns.csv", "Breakdown categories", [
        Field("breakdown", required=True,
              description="'total' or dimension=category, as used in the observations."),
        Field("name_zh", required=True, description="Label in Chinese."),
        Field("name_en", required=True, description="Label in English."),
        Field("order", "integer", required=True, minimum=1, description="Position in charts and tables.")],
        ["breakdown"]),
    Table("sources", "sources.csv", "Sources", [
        Field("source_id", required=True, pattern=r"[a-z0-9_]+", description="Source id."),
        Field("title", required=True, description="Title of the work in its own language, as published "
                                                  "(or a description, for a work without one)."),
        Field("title_zh", required=True, description="Title in Chinese: the title itself for a Chinese work, "
                                                     "else a translation; Chinese reports cite this."),
        Field("title_en", required=True, description="Title in English: the title itself for an English work, "
                                                     "else a translation; English reports cite this, with a "
                                                     "Chinese original after it in brackets."),
        Field("publisher", description="Who published it."),
        Field("date", description="When it was published (or the years it covers)."),
        Field("url", description="Where it can be read: the publisher's page or the copy that was read."),
        Field("licence", description="The terms its content may be reused under; CC BY 4.0 (the "
                                     "package's licence) does not extend to them."),
        Field("raw_file", description="Origin key when the source is a raw file."),
        Field("note", description="Anything a reader should know.")], ["source_id"]),
    Table("observations", "observations.csv", "The article's statistics", _obs_fields(),
          ["indicator_id", "breakdown", "period"], _OBS_KEYS, _OBS_CATS),
    Table("reference_observations", "reference_observations.csv",
          "Reference series from public primary sources", _obs_fields(),
          ["indicator_id", "breakdown", "period"], _OBS_KEYS, _OBS_CATS),
    Table("rules", "rules.csv", "Consistency rules", [
        Field("rule_id", required=True, pattern=r"[a-z0-9_]+", description="Rule id."),
        Field("left", required=True, description="Expression: numbers, + - * /, and "
                                                 "indicator[breakdown]@period references."),
        Field("op", required=True, enum=["==", "<=", ">=", "<", ">"], description="How left compares with right."),
        Field("right", required=True, description="Expression, as left."),
        Field("tolerance", "number", required=True, minimum=0,
              description="Allowed |left − right| for '==' (rounding of printed figures)."),
        Field("description_zh", required=True, description="What the rule checks, in Chinese."),
        Field("description_en", required=True, description="What the rule checks, in English.")],
        ["rule_id"]),
    Table("coverage_ignore", "coverage_ignore.csv", "Numbers in the article that are not statistics", [
        Field("text", required=True, description="The number as it appears in the cleaned article."),
        Field("context", description="Text around it that singles it out; empty: every occurrence."),
        Field("reason", required=True, description="Why it is not a statistic.")], ["text", "context"]),
    Table("un_egdi", "raw/reference/un_egdi_all_countries.csv",
          "UN E-Government Development Index, all member states, 2003–2024", [
        Field("country", required=True, description="UN member state, in English."),
        Field("iso3", required=True, pattern=r"[A-Z]{3}", description="ISO 3166-1 alpha-3 code."),
        Field("year", "integer", required=True, minimum=2003, maximum=2100, description="Survey year."),
        Field("egdi", "number", minimum=0, maximum=1, unit="index",
              description="E-Government Development Index; from 2014 the mean of OSI, HCI and TII."),
        Field("osi", "number", minimum=0, maximum=1, unit="index", description="Online service index."),
        Field("hci", "number", minimum=0, unit="index",
              description="Human capital index; some 2003 values exceed 1 (older method)."),
        Field("tii", "number", minimum=0, maximum=1, unit="index",
              description="Telecommunication infrastructure index."),
        Field("epart", "number", minimum=0, maximum=1, unit="index", description="E-participation index."),
        Field("rank", "integer", minimum=1, unit="rank", description="EGDI rank among the countries assessed."),
        Field("assessed", required=True, enum=["yes", "no"], description="Whether the survey assessed the country that year."),
        Field("source_repo_path", required=True, loaded_as="retrieved_from", description=_RETRIEVED)],
        ["iso3", "year"], _UN_SOURCE, categorical=("country", "iso3", "assessed"),
        raw_file="ref_un_egdi", source_id="un_egov_data"),
    Table("un_egdi_china", "raw/reference/un_egdi_china.csv",
          "China's UN EGDI by survey, each checked against a news report of the UN result", [
        Field("year", "integer", required=True, minimum=2003, maximum=2100, description="Survey year."),
        Field("egdi", "number", required=True, minimum=0, maximum=1, unit="index",
              description="E-Government Development Index."),
        Field("osi", "number", required=True, minimum=0, maximum=1, unit="index", description="Online service index."),
        Field("hci", "number", required=True, minimum=0, unit="index", description="Human capital index."),
        Field("tii", "number", required=True, minimum=0, maximum=1, unit="index",
              description="Telecommunication infrastructure index."),
        Field("epart", "number", required=True, minimum=0, maximum=1, unit="index", description="E-participation index."),
        Field("egdi_rank", "integer", required=True, minimum=1, unit="rank", description="China's EGDI rank."),
        Field("n_countries", "integer", required=True, minimum=1, description="Countries ranked that year."),
        Field("dataset_source", required=True, loaded_as="retrieved_from", description=_RETRIEVED),
        Field("corroborating_source_url", description="A news report of the UN result for China."),
        Field("corroborating_quote", description="The report's words, verbatim."),
        Field("confidence", required=True, enum=CONFIDENCE, description="high: the news report confirms the "
                                                                         "figure; low: not confirmed."),
        Field("note", description="Anything a reader should know.")], ["year"], _UN_SOURCE,
        categorical=("confidence",), raw_file="ref_un_egdi_china", source_id="un_egov_data_china"),
]}


def datapackage(data_dir: Path) -> dict:
    """The Frictionless data package descriptor for every table, with raw-file hashes."""
    files = origins(data_dir)["files"]
    resources = []
    for t in TABLES.values():
        schema = {"fields": [f.descriptor() for f in t.fields], "missingValues": [""]}
        if t.primary_key:
            schema["primaryKey"] = t.primary_key
        keys = [(col, ref.split(".")) for col, ref in t.foreign_keys.items() if col in t.columns]
        if keys:
            schema["foreignKeys"] = [{"fields": col, "reference": {"resource": table, "fields": column}}
                                     for col, (table, column) in keys]
        res = {"name": t.name, "path": t.path, "title": t.title, "profile": "tabular-data-resource",
               "format": "csv", "encoding": "utf-8", "schema": schema}
        if t.raw_file:
            if t.raw_file not in files:
                raise DataError(Path(data_dir) / ORIGIN_FILE, column=f"files.{t.raw_file}",
                                reason=f"no origin record for the raw file of table {t.name!r}")
            res["hash"] = "sha256:" + files[t.raw_file]["sha256"]
            res["sources"] = [{"title": files[t.raw_file].get("title", t.raw_file)}]
        if t.source_id:
            res["sources"] = [_source(data_dir, t.source_id)] + res.get("sources", [])
        resources.append(res)
    return {
        "name": "egov-china-2020",
        "title": "China's internet e-government in 2020: the Qianzhan/CNNIC article's statistics, "
                 "checked and extended",
        "version": __version__,
        "description": citation.licence("en"),
        "licenses": [{"name": citation.DATA_LICENCE, "path": citation.DATA_LICENCE_URL,
                      "title": "Creative Commons Attribution 4.0: egov's own work; upstream material "
                               "keeps its own terms (sources.licence)"}],
        "sources": [{"title": f.get("title", key), "path": f"raw/{f['path']}"} for key, f in files.items()],
        "resources": resources,
    }


def _source(data_dir: Path, source_id: str) -> dict:
    """A Frictionless source (title, path) from the sources table."""
    with (Path(data_dir) / TABLES["sources"].path).open(encoding="utf-8-sig", newline="") as f:
        row = next((r for r in csv.DictReader(f) if r["source_id"] == source_id), None)
    if row is None:
        raise ValueError(f"source {source_id!r} is not in {TABLES['sources'].path}")
    title = f"{row['title']} ({row['publisher']})" if row["publisher"] else row["title"]
    return {"title": title, "path": row["url"]} if row["url"] else {"title": title}


def write_datapackage(data_dir: Path) -> Path:
    """Write ``data/datapackage.json`` (deterministic: sorted keys, fixed indent)."""
    path = Path(data_dir) / "datapackage.json"
    text = json.dumps(datapackage(data_dir), ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    return path
