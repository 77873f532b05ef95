"""One error type for bad input, so every message names where and what."""

from __future__ import annotations


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
    """Relative to the project's root, else absolute (:func:`egov.project.shown`)."""
    from egov.project import shown

    return shown(path)


#: Set to 1 to see the traceback behind a command-line error.
DEBUG_ENV = "EGOV_DEBUG"


def exit_code(err: BaseException) -> int:
    """2 for bad input (data, parameters, project), 130 for Ctrl-C, 1 for every other failure."""
    if isinstance(err, KeyboardInterrupt):
        return 130
    return 2 if isinstance(err, (DataError, ParameterError)) else 1


def describe(err: BaseException) -> str:
    """One line naming the cause: our own messages as they are; a file for OS errors; else the
    exception's type and first line, and how to see the traceback.

    >>> describe(FileNotFoundError(2, "No such file or directory", "data/x.csv"))
    'data/x.csv: No such file or directory'
    >>> describe(ZeroDivisionError("division by zero"))
    'unexpected ZeroDivisionError: division by zero (run with EGOV_DEBUG=1 to see where)'
    """
    if isinstance(err, KeyboardInterrupt):
        return "interrupted"
    if isinstance(err, (DataError, ParameterError)):
        return str(err)
    if isinstance(err, OSError) and err.strerror:
        where = err.filename if err.filename is not None else ""
        return f"{_short(str(where))}: {err.strerror}" if where != "" else err.strerror
    first = (str(err).strip().splitlines() or [""])[0]
    return f"unexpected {type(err).__name__}: {first} (run with {DEBUG_ENV}=1 to see where)"
