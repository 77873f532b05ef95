"""One data table read from its CSV file and validated, cell by cell, before pandas sees it.

Every problem is a :class:`~egov.errors.DataError` naming the file, the row (as a spreadsheet
counts them: header = row 1) and the column, and the rule broken: the file's size and encoding,
invisible characters, the header, each cell's type and constraints, the primary key. Reading
the CSV text itself reports a bad cell where it is, not after pandas has guessed a type. The
checks across tables (foreign keys, observations against their units and rules) are
:mod:`egov.data`'s.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import pandas as pd

from egov.errors import DataError
from egov.schema import PERIOD, TABLES, Table, parse_number, period_problem
from egov.source import DATA_DIR, MAX_FILE_BYTES, read_file, read_raw

#: No cell in these tables comes near this; a longer one is refused.
MAX_CELL_CHARS = 10_000
MAX_ROWS = 100_000
#: Zero-width and bidirectional-control characters: they hide text or reorder what a reader
#: sees, so a cell holding one is refused (ids and labels alike).
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _read_text(path: Path, table: Table, data_dir: Path) -> str:
    if table.raw_file:
        text = read_raw(table.raw_file, data_dir)
    else:
        if not path.exists():
            raise DataError(path, reason=f"missing file: the {table.title.lower()} table is expected here")
        data = read_file(path, MAX_FILE_BYTES, "data table")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise DataError(path, row=line, reason=f"not UTF-8: byte 0x{data[err.start]:02x} at offset "
                                                   f"{err.start}; save the file as UTF-8") from None
    return text.removeprefix("\ufeff")  # the byte-order mark of a spreadsheet's "CSV UTF-8"


def _check_visible(path: Path, n: int, column: str | None, raw: str) -> None:
    m = INVISIBLE.search(raw)
    if m:
        raise DataError(path, row=n, column=column, reason=(
            f"invisible character U+{ord(m[0]):04X} ({unicodedata.name(m[0], 'unnamed')}) at character "
            f"{m.start() + 1}; zero-width and text-direction characters are refused, delete it"))


def _records(path: Path, text: str, table: Table) -> list[dict[str, str]]:
    csv.field_size_limit(MAX_CELL_CHARS + 1)
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(path, row=1, reason="empty file: expected a header row") from None
    for cell in header:
        _check_visible(path, 1, cell, cell)
    twice = next((c for c in header if header.count(c) > 1), None)
    if twice is not None:
        at = [str(i) for i, c in enumerate(header, start=1) if c == twice]
        raise DataError(path, row=1, column=twice, reason=f"column appears {len(at)} times (columns "
                        f"{', '.join(at)}); each column once")
    missing = [c for c in table.columns if c not in header]
    extra = [c for c in header if c not in table.columns]
    if missing:
        raise DataError(path, row=1, column=missing[0],
                        reason=f"missing column; expected columns: {', '.join(table.columns)}")
    if extra:
        raise DataError(path, row=1, column=extra[0],
                        reason=f"unexpected column; expected columns: {', '.join(table.columns)}")
    rows, blank = [], None
    try:
        for n, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):  # blank lines are ignored at the end only
                blank = blank or n
                continue
            if blank is not None:
                raise DataError(path, row=blank, reason="blank row; delete it (blank rows are ignored only at the end)")
            if n - 1 > MAX_ROWS:
                raise DataError(path, row=n, reason=f"more than {MAX_ROWS:,} rows; refusing the rest")
            if len(cells) != len(header):
                raise DataError(path, row=n, reason=f"{len(cells)} cells, expected {len(header)}")
            rows.append(dict(zip(header, cells)))
    except csv.Error as err:
        raise DataError(path, row=reader.line_num,
                        reason=f"unreadable CSV ({err}); cells are limited to {MAX_CELL_CHARS:,} characters") from None
    if not rows:
        raise DataError(path, row=2, reason="no rows: the file holds only its header; expected at least one "
                                            f"row of {table.title[0].lower() + table.title[1:]}")
    return rows


def _check_cell(path: Path, n: int, f, raw: str):
    """The cell's value (int, float, str or None when empty), or a DataError saying why not."""
    _check_visible(path, n, f.name, raw)
    if raw == "":
        if f.required:
            raise DataError(path, row=n, column=f.name, reason="required value is empty")
        return None
    if f.type in ("number", "integer"):
        try:
            v = parse_number(raw, f.type)
        except ValueError as err:
            raise DataError(path, row=n, column=f.name, reason=str(err)) from None
        if f.minimum is not None and v < f.minimum:
            raise DataError(path, row=n, column=f.name, reason=f"{raw} is below the minimum {f.minimum:g}")
        if f.maximum is not None and v > f.maximum:
            raise DataError(path, row=n, column=f.name, reason=f"{raw} is above the maximum {f.maximum:g}")
        return v
    if f.enum is not None and raw not in f.enum:
        raise DataError(path, row=n, column=f.name,
                        reason=f"{raw!r} is not one of: {', '.join(map(str, f.enum))}")
    if f.pattern is not None and not re.fullmatch(f.pattern, raw):
        raise DataError(path, row=n, column=f.name, reason=f"{raw!r} does not match the pattern {f.pattern}")
    if f.pattern == PERIOD and (problem := period_problem(raw)):
        raise DataError(path, row=n, column=f.name, reason=f"{raw!r} is not a real period: {problem}; "
                                                           "expected YYYY, YYYY-MM or YYYY-MM-DD")
    return raw


def _validate(path: Path, table: Table, rows: list[dict[str, str]]) -> list[dict]:
    """The rows with every cell checked and typed (see :func:`_check_cell`)."""
    seen: dict[tuple, int] = {}
    typed = []
    for n, row in enumerate(rows, start=2):
        typed.append({f.name: _check_cell(path, n, f, row[f.name]) for f in table.fields})
        if table.primary_key:
            key = tuple(row[c] for c in table.primary_key)
            if key in seen:
                raise DataError(path, row=n, column=",".join(table.primary_key),
                                reason=f"duplicate key {key}, first seen at row {seen[key]}")
            seen[key] = n
    return typed


def _frame(table: Table, rows: list[dict]) -> pd.DataFrame:
    """A frame of typed rows: integers Int64, numbers Float64, strings (or categories) string."""
    dtypes = {"integer": "Int64", "number": "Float64"}
    columns = {}
    for f in table.fields:
        values = [r[f.name] for r in rows]
        col = pd.Series(values, dtype=dtypes.get(f.type, "string"))
        columns[f.name] = col.astype("category") if f.name in table.categorical else col
    return _provenance(table, pd.DataFrame(columns))


def _provenance(table: Table, df: pd.DataFrame) -> pd.DataFrame:
    """Name each row's source, and where an immutable raw file calls the copy it was taken from
    its "source", load that column as what it is (``retrieved_from``)."""
    df = df.rename(columns={f.name: f.loaded_as for f in table.fields if f.loaded_as})
    if table.source_id:
        at = df.columns.get_loc("retrieved_from") if "retrieved_from" in df.columns else len(df.columns)
        df.insert(at, "source_id", pd.Categorical([table.source_id] * len(df)))
    return df


def read_table(name: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Read and validate one table on its own (types, constraints, primary key)."""
    table = TABLES[name]
    path = Path(data_dir) / table.path
    rows = _records(path, _read_text(path, table, Path(data_dir)), table)
    return _frame(table, _validate(path, table, rows))
