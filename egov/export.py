"""``egov export``: the data for people who do not want to join tables, as CSV, Excel and Parquet.

Two tidy tables: ``observations`` (the article's and the reference observations, one row per
statistic, with indicator names in both languages, unit, readable breakdown labels, status,
confidence and source) and ``un_egdi`` (the UN E-Government Survey, one row per country and
survey). Each is written as CSV (UTF-8 with a byte-order mark, so Excel shows Chinese) and
Parquet; ``egov-data.xlsx`` holds both plus a README sheet (licence, citation, column
dictionary), and ``egov-data-README.md`` is the same README beside the CSV and Parquet files.
``datapackage.json`` describes every file (Frictionless: the CSVs' schemas, licence, sources,
each file's SHA-256), and ``egov-data.zip`` holds them all in one download.

Safe in any folder (:mod:`egov.exportfolder`): a file is replaced only if this command wrote
it and nobody changed it since; anything else there is refused, never deleted. The bytes
depend only on the data: Excel's and the zip's timestamps are
pinned, so two exports of the same data are identical.

>>> obs = tables()["observations"]
>>> row = obs[(obs.indicator_id == "gov_websites") & (obs.period == "2020-06")].iloc[0]
>>> row.indicator_zh, row.breakdown_en, float(row.value), row.unit_en, row.source_publisher
('政府网站数量', 'Total', 14467.0, 'websites', '前瞻产业研究院 (Qianzhan Industry Research Institute)')
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from egov import __version__, citation, data, exportfolder, i18n
from egov.exportfolder import ExportError

README = "egov-data-README.md"
XLSX = "egov-data.xlsx"
DATAPACKAGE = "datapackage.json"
ZIP = "egov-data.zip"
#: Excel's created/modified time and every zip entry's time: fixed, so the bytes are reproducible.
PINNED = datetime(2020, 1, 1)
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string | number | integer
    zh: str
    en: str


_SOURCE = [
    Column("source_id", "string", "来源编号（data/sources.csv）", "Source id (data/sources.csv)."),
    Column("source_title", "string", "来源标题", "Title of the source."),
    Column("source_publisher", "string", "发布者", "Its publisher."),
    Column("source_url", "string", "来源网址", "Where it can be read."),
    Column("source_licence", "string", "来源的使用条款（不在 CC BY 4.0 之内）",
           "The source's own terms of reuse (not covered by CC BY 4.0)."),
]

#: The columns of each exported table, in order, with their meaning in both languages.
COLUMNS: dict[str, list[Column]] = {
    "observations": [
        Column("origin", "string", "article：前瞻文章中的统计；reference：公开参考来源",
               "article: a statistic of the Qianzhan article; reference: a public reference source."),
        Column("section", "string", "报告章节编号", "Report section id."),
        Column("indicator_id", "string", "指标编号（稳定，用于连接）", "Indicator id (stable, for joins)."),
        Column("indicator_zh", "string", "指标名称（中文）", "Indicator name in Chinese."),
        Column("indicator_en", "string", "指标名称（英文）", "Indicator name in English."),
        Column("unit", "string", "单位编号", "Unit id."),
        Column("unit_zh", "string", "单位（中文）", "Unit in Chinese."),
        Column("unit_en", "string", "单位（英文）", "Unit in English."),
        Column("breakdown", "string", "分组编码：total 或 维度=类别", "Breakdown code: 'total' or dimension=category."),
        Column("breakdown_zh", "string", "分组名称（中文）", "Breakdown label in Chinese."),
        Column("breakdown_en", "string", "分组名称（英文）", "Breakdown label in English."),
        Column("period", "string", "时期：YYYY、YYYY-MM 或 YYYY-MM-DD；缺口可为区间 A..B",
               "Period: YYYY, YYYY-MM or YYYY-MM-DD; a gap may span A..B."),
        Column("value", "number", "数值，以该指标的单位计；缺口为空", "The value, in the indicator's unit; empty for a gap."),
        Column("qualifier", "string", "at_least：下限（如“360多万”）；approx：约数；reconstructed：由印刷错误的数字推断，未经任何来源核实",
               "at_least: a lower bound ('360多万'); approx: approximate; reconstructed: read back from a "
               "garbled figure, confirmed by no source."),
        Column("status", "string", "reported 引用；derived 推算；corrected 更正；gap 缺口",
               "reported: quoted; derived: computed by a rule; corrected: the printed value is wrong and a "
               "rule proves this one; gap: nothing trustworthy found."),
        Column("confidence", "string", "high 或 low", "high: read as stated or two sources agree; low: otherwise."),
        *_SOURCE,
        Column("quote", "string", "包含该数字的原句", "The sentence holding the figure, verbatim."),
        Column("printed", "string", "更正前印刷的文字", "For a correction: the text as printed."),
        Column("rule", "string", "推算或更正所依据的规则（data/rules.csv）",
               "For derived and corrected values: the rule (data/rules.csv)."),
        Column("note", "string", "说明", "Anything a reader should know."),
    ],
    "un_egdi": [
        Column("country", "string", "联合国会员国（英文）", "UN member state, in English."),
        Column("iso3", "string", "ISO 3166-1 三字母代码", "ISO 3166-1 alpha-3 code."),
        Column("year", "integer", "调查年份", "Survey year."),
        Column("egdi", "number", "电子政务发展指数（0–1）", "E-Government Development Index (0–1)."),
        Column("osi", "number", "在线服务指数", "Online service index."),
        Column("hci", "number", "人力资本指数（2003 年部分值大于 1）", "Human capital index (some 2003 values exceed 1)."),
        Column("tii", "number", "电信基础设施指数", "Telecommunication infrastructure index."),
        Column("epart", "number", "电子参与指数", "E-participation index."),
        Column("rank", "integer", "EGDI 排名", "EGDI rank."),
        Column("assessed", "string", "当年是否参评（yes/no）", "Whether the survey assessed the country that year (yes/no)."),
        *_SOURCE,
        Column("retrieved_from", "string", "快照取自的公开副本（仓库:路径@提交），并非来源",
               "Not the source: the public copy of the UN's export this snapshot was taken from "
               "(repository:path@commit)."),
    ],
}
TITLES = {"observations": ("统计数据（文章与参考来源）", "Observations (article and reference sources)"),
          "un_egdi": ("联合国电子政务发展指数，193 个会员国，2003–2024", "UN E-Government Development Index, 193 countries, 2003–2024")}


def _sources(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    s = t["sources"].set_index("source_id")[["title", "publisher", "url", "licence"]]
    return s.rename(columns=lambda c: f"source_{c}")


def tables(data_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """The two exported tables, validated data in, columns as in :data:`COLUMNS`."""
    t = data.tables(data_dir or data.DATA_DIR)
    obs = pd.concat([t["observations"].assign(origin="article"),
                     t["reference_observations"].assign(origin="reference")], ignore_index=True)
    obs = obs.astype({c: "string" for c in ("indicator_id", "breakdown", "source_id")})
    ind = t["indicators"].set_index("indicator_id")
    units = t["units"].set_index("unit")
    bd = t["breakdowns"].set_index("breakdown")
    obs["section"] = obs["indicator_id"].map(ind["section"])
    obs["indicator_zh"] = obs["indicator_id"].map(ind["name_zh"])
    obs["indicator_en"] = obs["indicator_id"].map(ind["name_en"])
    obs["unit"] = obs["indicator_id"].map(ind["unit"])
    obs["unit_zh"] = obs["unit"].map(units["name_zh"])
    obs["unit_en"] = obs["unit"].map(units["name_en"])
    obs["breakdown_zh"] = obs["breakdown"].map(bd["name_zh"])
    obs["breakdown_en"] = obs["breakdown"].map(bd["name_en"])
    obs = obs.join(_sources(t), on="source_id")
    # reading order: section, indicator and breakdown as the tables list them, then time
    obs["_s"] = obs["section"].map(t["sections"].set_index("section")["order"])
    obs["_i"] = obs["indicator_id"].map({k: i for i, k in enumerate(ind.index)})
    obs["_b"] = obs["breakdown"].map(bd["order"])
    obs = obs.sort_values(["_s", "_i", "_b", "period", "origin"], kind="stable")
    un = t["un_egdi"].astype({"source_id": "string"}).join(_sources(t), on="source_id")
    un = un.sort_values(["year", "iso3"], kind="stable")
    return {name: _typed(frame, COLUMNS[name]) for name, frame in (("observations", obs), ("un_egdi", un))}


def _typed(frame: pd.DataFrame, columns: list[Column]) -> pd.DataFrame:
    dtypes = {"string": "string", "number": "Float64", "integer": "Int64"}
    out = pd.DataFrame({c.name: frame[c.name].astype(dtypes[c.type]) for c in columns})
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# formats

def _cells(frame: pd.DataFrame) -> list[list]:
    """Rows of plain Python values: None for missing, int, float or str."""
    return [[None if pd.isna(v) else v.item() if hasattr(v, "item") else v for v in row]
            for row in frame.itertuples(index=False, name=None)]


def _csv_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)
    return str(v)


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV, UTF-8 with a byte-order mark (Excel then reads Chinese correctly); numbers exact."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(frame.columns)
    w.writerows([_csv_text(v) for v in row] for row in _cells(frame))
    return buf.getvalue().encode("utf-8-sig")


def to_parquet(frame: pd.DataFrame, columns: list[Column]) -> bytes:
    """Parquet with explicit types, the licence and the citation in its metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "number": pa.float64(), "integer": pa.int64()}
    arrays = [pa.array([None if pd.isna(v) else v for v in frame[c.name]], type=types[c.type])
              for c in columns]
    fields = [pa.field(c.name, types[c.type], metadata={"description": c.en, "description_zh": c.zh})
              for c in columns]
    meta = {"licence": citation.licence("en"), "licence_zh": citation.licence("zh"),
            "citation": citation.text("en"), "citation_zh": citation.text("zh")}
    table = pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=meta))
    out = pa.BufferOutputStream()
    pq.write_table(table, out)
    return out.getvalue().to_pybytes()


def readme(lang_order=("zh", "en")) -> list[tuple]:
    """The README sheet's rows: a title is one cell; a text is (label, None, text); then every
    column of every table as (column, type, 说明, description)."""
    rows: list[tuple] = [(citation.TITLE["zh"],), (citation.TITLE["en"],), ()]
    for lang in lang_order:
        rows += [(("许可" if lang == "zh" else "Licence"), None, citation.licence(lang))]
    for lang in lang_order:
        rows += [(("引用" if lang == "zh" else "How to cite"), None, citation.text(lang))]
        rows += [("", None, s) for s in citation.sources(lang)]
    for name, cols in COLUMNS.items():
        zh, en = TITLES[name]
        rows += [(), (f"{name}: {zh} / {en}",), ("column", "type", "说明", "description")]
        rows += [(c.name, c.type, c.zh, c.en) for c in cols]
    return rows


def readme_markdown() -> str:
    """The README beside the CSV and Parquet files."""
    lines = ["# egov data export", "",
             f"{citation.TITLE['zh']}  ", citation.TITLE["en"], "",
             "Files: `egov-observations.csv`, `egov-un-egdi.csv` (UTF-8 with BOM), the same tables as "
             "`.parquet`, `egov-data.xlsx` (a sheet per table and a README sheet), `datapackage.json` "
             "(a Frictionless descriptor of every file) and `egov-data.zip` (all of them). "
             "Written by `egov export`.", "", "## 许可 / Licence", "",
             citation.licence("zh"), "", citation.licence("en"), "", "## 引用 / How to cite", ""]
    for lang in ("zh", "en"):
        lines += [citation.text(lang), ""] + [f"- {s}" for s in citation.sources(lang)] + [""]
    for name, cols in COLUMNS.items():
        zh, en = TITLES[name]
        lines += [f"## `{name}`: {zh} / {en}", "", "| column | type | 说明 | description |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {_md(c.zh)} | {_md(c.en)} |" for c in cols]
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def to_xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    """One workbook: a README sheet, then one sheet per table; strings stay text (never formulas)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import IllegalCharacterError
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    info = wb.active
    info.title = "README"
    for row in readme():
        info.append(list(row))
        n = info.max_row
        if len(row) == 1 or row[:1] == ("column",):
            for cell in info[n]:
                cell.font = Font(bold=True)
        if len(row) == 3:
            info.merge_cells(start_row=n, start_column=3, end_row=n, end_column=4)
        for cell in info[n] if len(row) > 1 else ():
            cell.alignment = Alignment(wrap_text=cell.column > 2, vertical="top")
    for letter, width in zip("ABCD", (18, 9, 45, 70)):
        info.column_dimensions[letter].width = width
    for name, frame in frames.items():
        ws = wb.create_sheet(name)
        ws.append(list(frame.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for col, column in enumerate(frame.columns, start=1):
            sample = [column, *frame[column].dropna().astype(str).head(500)]
            ws.column_dimensions[get_column_letter(col)].width = min(60, max(map(i18n.width, sample)) + 2)
        for n, values in enumerate(_cells(frame), start=2):
            for col, v in enumerate(values, start=1):
                try:
                    cell = ws.cell(row=n, column=col, value=v)
                except IllegalCharacterError:
                    raise ExportError(f"sheet {name}, row {n}, column '{frame.columns[col - 1]}': a "
                                      f"control character Excel cannot store, in {v!r}; remove it "
                                      "from the data") from None
                if isinstance(v, str):
                    cell.data_type = "s"  # '=…' is data, not a formula
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    props = wb.properties
    props.creator, props.title = "egov", citation.TITLE["en"]
    props.description = citation.licence("en")
    props.created = props.modified = PINNED
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()  # openpyxl's save() would stamp the current time
    return _pin_zip(buf.getvalue())


def _pin_zip(blob: bytes) -> bytes:
    """The same zip with every entry's time fixed: the bytes depend on the content only."""
    with zipfile.ZipFile(io.BytesIO(blob)) as src:
        return _zipped((item.filename, src.read(item)) for item in src.infolist())


def _zipped(entries) -> bytes:
    """A zip of (name, bytes) entries, in that order, each with a pinned time and mode."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, blob in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            dst.writestr(info, blob)
    return out.getvalue()


def contents(data_dir: Path | None = None) -> dict[str, bytes]:
    """Every file of the export, name → bytes (README first, then the tables, the workbook, the
    descriptor and the zip of them all; the record excluded)."""
    frames = tables(data_dir)
    files = {README: readme_markdown().encode("utf-8")}
    for name, frame in frames.items():
        files[f"{_stem(name)}.csv"] = to_csv(frame)
        files[f"{_stem(name)}.parquet"] = to_parquet(frame, COLUMNS[name])
    files[XLSX] = to_xlsx(frames)
    files[DATAPACKAGE] = (json.dumps(datapackage(files), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files[ZIP] = to_zip(files)
    return files


def _stem(table: str) -> str:
    return "egov-" + table.replace("_", "-")


#: The media type of each kind of file the export writes.
_MEDIA = {".csv": "text/csv", ".parquet": "application/vnd.apache.parquet", ".md": "text/markdown",
          ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def datapackage(files: dict[str, bytes]) -> dict:
    """The Frictionless descriptor of the export: each CSV as a tabular resource with its schema
    (types and descriptions from :data:`COLUMNS`), the other files as resources, each with its
    SHA-256; the licence and the sources to cite."""
    tabular = {f"{_stem(name)}.csv": name for name in COLUMNS}
    resources = []
    for path, blob in files.items():
        suffix = Path(path).suffix
        res = {"name": Path(path).name.replace(".", "-").lower(), "path": path, "type": "file",
               "profile": "data-resource", "format": suffix[1:], "mediatype": _MEDIA[suffix],
               "bytes": len(blob), "hash": f"sha256:{exportfolder.sha256(blob)}"}
        if path in tabular:
            name = tabular[path]
            res.update(name=name, title=TITLES[name][1], type="table", profile="tabular-data-resource",
                       encoding="utf-8-sig",
                       schema={"fields": [{"name": c.name, "type": c.type, "description": c.en, "title": c.zh}
                                          for c in COLUMNS[name]], "missingValues": [""]})
        resources.append(res)
    return {
        "profile": "data-package", "name": "egov-china-2020-export", "title": citation.TITLE["en"],
        "description": citation.licence("en"), "version": __version__,
        "licenses": [{"name": citation.DATA_LICENCE, "path": citation.DATA_LICENCE_URL,
                      "title": "Creative Commons Attribution 4.0: egov's own work; each source keeps its own "
                               "terms (the source_licence column)"}],
        "sources": [{"title": s["en"].split(". http")[0], **({"path": s["url"]} if s.get("url") else {})}
                    for s in citation.SOURCES],
        "resources": resources,
    }


def to_zip(files: dict[str, bytes]) -> bytes:
    """Every file in one zip under ``egov-data/``, in the export's order, with pinned times."""
    return _zipped((f"egov-data/{name}", blob) for name, blob in files.items())


def write(out_dir: Path, data_dir: Path | None = None) -> list[Path]:
    """Write the export into ``out_dir`` (created if missing), safely (:mod:`egov.exportfolder`);
    returns the files, README first, then the record."""
    data_dir = Path(data_dir or data.DATA_DIR).resolve()
    out_dir = Path(out_dir).resolve()
    exportfolder.refuse(out_dir, {data_dir: "the data folder (builds hash every file in it)",
                                  Path(__file__).resolve().parent: "the installed egov package"})
    return exportfolder.put(out_dir, contents(data_dir))
