"""The tables' schemas, in one place: the loader validates against them and
``datapackage.json`` (Frictionless Table Schema) is written from them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

PERIOD = r"\d{4}(-\d{2}(-\d{2})?)?(\.\.\d{4}(-\d{2})?)?"
STATUS = ["reported", "derived", "corrected", "gap"]
QUALIFIER = ["at_least", "approx"]
CONFIDENCE = ["high", "low"]


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
              description="at_least: a lower bound ('360多万'); approx: approximate."),
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


_OBS_KEYS = {"indicator_id": "indicators.indicator_id", "breakdown": "breakdowns.breakdown",
             "source_id": "sources.source_id"}
_OBS_CATS = ("indicator_id", "breakdown", "status", "qualifier", "source_id", "raw_file", "confidence")

TABLES: dict[str, Table] = {t.name: t for t in [
    Table("sections", "sections.csv", "Report sections", [
        Field("section", required=True, pattern=r"[a-z_]+"),
        Field("name_zh", required=True), Field("name_en", required=True),
        Field("order", "integer", required=True, minimum=1)], ["section"]),
    Table("units", "units.csv", "Units of measure", [
        Field("unit", required=True, pattern=r"[a-z_]+"),
        Field("name_zh", required=True), Field("name_en", required=True),
        Field("kind", required=True, enum=["count", "share", "index", "rank", "change", "growth"],
              description="count ≥ 0; share 0–100; growth any %; index ≥ 0; rank ≥ 1."),
        Field("measure_words", description="Measure words allowed after the number in a quote, '|'-separated.")],
        ["unit"]),
    Table("indicators", "indicators.csv", "Indicators", [
        Field("indicator_id", required=True, pattern=r"[a-z0-9_]+"),
        Field("section", required=True), Field("unit", required=True),
        Field("name_zh", required=True), Field("name_en", required=True),
        Field("definition", required=True)], ["indicator_id"],
        {"section": "sections.section", "unit": "units.unit"}),
    Table("breakdowns", "breakdowns.csv", "Breakdown categories", [
        Field("breakdown", required=True), Field("name_zh", required=True),
        Field("name_en", required=True), Field("order", "integer", required=True, minimum=1)],
        ["breakdown"]),
    Table("sources", "sources.csv", "Sources", [
        Field("source_id", required=True, pattern=r"[a-z0-9_]+"),
        Field("title", required=True), Field("publisher"), Field("date"), Field("url"),
        Field("licence"), Field("raw_file", description="Origin key when the source is a raw file."),
        Field("note")], ["source_id"]),
    Table("observations", "observations.csv", "The article's statistics", _obs_fields(),
          ["indicator_id", "breakdown", "period"], _OBS_KEYS, _OBS_CATS),
    Table("reference_observations", "reference_observations.csv",
          "Reference series from public primary sources", _obs_fields(),
          ["indicator_id", "breakdown", "period"], _OBS_KEYS, _OBS_CATS),
    Table("rules", "rules.csv", "Consistency rules", [
        Field("rule_id", required=True, pattern=r"[a-z0-9_]+"),
        Field("left", required=True, description="Expression: numbers, + - * /, and "
                                                 "indicator[breakdown]@period references."),
        Field("op", required=True, enum=["==", "<=", ">=", "<", ">"]),
        Field("right", required=True),
        Field("tolerance", "number", required=True, minimum=0,
              description="Allowed |left − right| for '==' (rounding of printed figures)."),
        Field("description_zh", required=True), Field("description_en", required=True)],
        ["rule_id"]),
    Table("coverage_ignore", "coverage_ignore.csv", "Numbers in the article that are not statistics", [
        Field("text", required=True, description="The number as it appears in the cleaned article."),
        Field("context", description="Text around it that singles it out; empty: every occurrence."),
        Field("reason", required=True)], ["text", "context"]),
    Table("un_egdi", "raw/reference/un_egdi_all_countries.csv",
          "UN E-Government Development Index, all member states, 2003–2024", [
        Field("country", required=True), Field("iso3", required=True, pattern=r"[A-Z]{3}"),
        Field("year", "integer", required=True, minimum=2003, maximum=2100),
        Field("egdi", "number", minimum=0, maximum=1, unit="index"),
        Field("osi", "number", minimum=0, maximum=1, unit="index"),
        Field("hci", "number", minimum=0, unit="index",
              description="Human capital index; some 2003 values exceed 1 (older method)."),
        Field("tii", "number", minimum=0, maximum=1, unit="index"),
        Field("epart", "number", minimum=0, maximum=1, unit="index"),
        Field("rank", "integer", minimum=1, unit="rank"),
        Field("assessed", required=True, enum=["yes", "no"]),
        Field("source_repo_path", required=True)], ["iso3", "year"],
        categorical=("country", "iso3", "assessed"), raw_file="ref_un_egdi"),
    Table("un_egdi_china", "raw/reference/un_egdi_china.csv",
          "China's UN EGDI by survey, each checked against a news report of the UN result", [
        Field("year", "integer", required=True, minimum=2003, maximum=2100),
        Field("egdi", "number", required=True, minimum=0, maximum=1, unit="index"),
        Field("osi", "number", required=True, minimum=0, maximum=1, unit="index"),
        Field("hci", "number", required=True, minimum=0, unit="index"),
        Field("tii", "number", required=True, minimum=0, maximum=1, unit="index"),
        Field("epart", "number", required=True, minimum=0, maximum=1, unit="index"),
        Field("egdi_rank", "integer", required=True, minimum=1, unit="rank"),
        Field("n_countries", "integer", required=True, minimum=1),
        Field("dataset_source", required=True), Field("corroborating_source_url"),
        Field("corroborating_quote"), Field("confidence", required=True, enum=CONFIDENCE),
        Field("note")], ["year"], categorical=("confidence",), raw_file="ref_un_egdi_china"),
]}


def datapackage(data_dir: Path) -> dict:
    """The Frictionless data package descriptor for every table, with raw-file hashes."""
    origins = yaml.safe_load((Path(data_dir) / "raw" / "origin.yaml").read_text(encoding="utf-8"))
    resources = []
    for t in TABLES.values():
        schema = {"fields": [f.descriptor() for f in t.fields], "missingValues": [""]}
        if t.primary_key:
            schema["primaryKey"] = t.primary_key
        if t.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": col, "reference": {"resource": ref.split(".")[0], "fields": ref.split(".")[1]}}
                for col, ref in t.foreign_keys.items()]
        res = {"name": t.name, "path": t.path, "title": t.title, "profile": "tabular-data-resource",
               "format": "csv", "encoding": "utf-8", "schema": schema}
        if t.raw_file:
            res["hash"] = "sha256:" + origins["files"][t.raw_file]["sha256"]
            res["sources"] = [{"title": origins["files"][t.raw_file]["title"]}]
        resources.append(res)
    return {
        "name": "egov-china-2020",
        "title": "China's internet e-government in 2020: the Qianzhan/CNNIC article's statistics, "
                 "checked and extended",
        "licenses": [{"name": "CC-BY-4.0", "title": "Data: attribution to the sources named per row"}],
        "sources": [{"title": f["title"], "path": f"raw/{f['path']}"} for f in origins["files"].values()],
        "resources": resources,
    }


def write_datapackage(data_dir: Path) -> Path:
    """Write ``data/datapackage.json`` (deterministic: sorted keys, fixed indent)."""
    path = Path(data_dir) / "datapackage.json"
    text = json.dumps(datapackage(data_dir), ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    return path
