"""The data dictionary, ``data/README.md``: every table, field, type, unit, constraint and
description, rendered from :mod:`egov.schema` (as ``datapackage.json`` is), so that nobody
has to read JSON. ``egov datapackage`` writes both; a test fails when the committed file is stale.
"""

from __future__ import annotations

from pathlib import Path

from egov import citation, markup
from egov.export import COLUMNS, TITLES
from egov.schema import TABLES, Field, Table
from egov.source import read_rows

FILE = "README.md"


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _constraints(f: Field, table: Table) -> str:
    parts = []
    if f.required:
        parts.append("required")
    if f.enum:
        parts.append("one of " + ", ".join(f"`{v}`" for v in f.enum))
    if f.minimum is not None:
        parts.append(f"≥ {f.minimum:g}")
    if f.maximum is not None:
        parts.append(f"≤ {f.maximum:g}")
    if f.pattern:
        parts.append(f"pattern `{f.pattern}`")
    if f.name in table.foreign_keys:
        parts.append(f"→ `{table.foreign_keys[f.name]}`")
    return "; ".join(parts)


def _unit(f: Field, table: Table) -> str:
    if f.unit:
        return f.unit
    if f.name == "value" and "indicator_id" in table.columns:
        return "the indicator's (below)"
    return ""


def _table(t: Table) -> list[str]:
    lines = [f"### `{t.name}`: {t.title}", "",
             f"File `data/{t.path}`" + (" (a raw file: immutable, checksummed in `raw/origin.yaml`)" if t.raw_file else "")
             + (f"; primary key: {', '.join(f'`{c}`' for c in t.primary_key)}" if t.primary_key else "") + ".", ""]
    if t.source_id:
        lines += [f"Loaded with a `source_id` column, `{t.source_id}` on every row (sources table); "
                  + ", ".join(f"`{f.name}` is loaded as `{f.loaded_as}`" for f in t.fields if f.loaded_as) + ".", ""]
    lines += ["| field | type | unit | constraints | description |", "|---|---|---|---|---|"]
    lines += [f"| `{f.name}` | {f.type} | {_unit(f, t)} | {_md(_constraints(f, t))} | {_md(f.description)} |"
              for f in t.fields]
    return lines + [""]


def _indicators(data_dir: Path) -> list[str]:
    units = {u["unit"]: u for u in read_rows(data_dir / TABLES["units"].path)}
    lines = ["## Indicators and their units", "",
             "The unit of every observation's `value` is its indicator's:", "",
             "| indicator | section | unit | kind | 名称 | name |", "|---|---|---|---|---|---|"]
    for i in read_rows(data_dir / TABLES["indicators"].path):
        u = units.get(i["unit"], {})
        md = markup.md  # labels are text, never Markdown; ids and kinds match their patterns
        lines.append(f"| `{i['indicator_id']}` | {i['section']} | {md(u.get('name_en', i['unit']))} "
                     f"(`{i['unit']}`) | {u.get('kind', '')} | {md(i['name_zh'])} | {md(i['name_en'])} |")
    return lines + [""]


def _export() -> list[str]:
    lines = ["## The one-file export (`egov export`)", "",
             "`egov export` writes the observations (article and reference, labels joined in) and "
             "the UN table as CSV (UTF-8 with BOM), Parquet and one Excel workbook "
             "(`reports/data/` by default). Their columns:", ""]
    for name, cols in COLUMNS.items():
        lines += [f"### `{name}`: {TITLES[name][1]}", "", "| column | type | description |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {_md(c.en)} |" for c in cols]
        lines.append("")
    return lines


def render(data_dir: Path) -> str:
    """``data/README.md`` for the data in ``data_dir`` (indicator list included)."""
    lines = ["# egov data dictionary", "",
             "<!-- Generated from egov/schema.py by `egov datapackage`; do not edit by hand. -->", "",
             "Every table of this folder, as `datapackage.json` (Frictionless) describes it. "
             "Empty cells are missing values. Rows are counted as a spreadsheet shows them "
             "(header = row 1) in every error message.", "",
             "## Licence", "", citation.licence("en"), "", citation.licence("zh"), "",
             "## How to cite", "", citation.text("en"), "", citation.text("zh"), "",
             "## Tables", ""]
    for t in TABLES.values():
        lines += _table(t)
    lines += _indicators(Path(data_dir)) + _export()
    return "\n".join(lines).rstrip() + "\n"


def write(data_dir: Path) -> Path:
    """Write ``data/README.md``."""
    path = Path(data_dir) / FILE
    path.write_text(render(data_dir), encoding="utf-8")
    return path
