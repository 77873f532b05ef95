"""One error type for bad input, so every message names where and what."""

from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """Bad input: names the file, row and column (when known) and the rule broken.

    Rows are counted as a spreadsheet shows them: the header is row 1, the first record row 2.

    >>> str(DataError("data/x.csv", row=3, column="value", reason="expected a number, found 'n/a'"))
    "data/x.csv, row 3, column 'value': expected a number, found 'n/a'"
    """

    def __init__(self, file, *, row: int | None = None, column: str | None = None, reason: str):
        self.file, self.row, self.column, self.reason = str(file), row, column, reason
        where = [_short(self.file)]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {reason}")


class ParameterError(ValueError):
    """A notebook or build parameter with a bad name or value."""


def _short(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path
