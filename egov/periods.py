"""Periods as the data writes them, and which of them a report edition reads.

A period is a year (``2019``), a month (``2020-06``), a day (``2017-12-01``) or, for a gap, a
range (``2016-12..2019-06``). An edition is a month, ``as_of``. This module is the one place
that says which observation counts *at* an edition and which come before or after it, for the
narrative (:mod:`egov.facts`), the charts and :mod:`egov.editions` alike. It uses the standard
library only, so ``egov build`` can check an edition without importing pandas.

>>> at("2020-06", "2020-06"), at("2017-12-01", "2017-12"), at("2019", "2019-12"), at("2019", "2020-06")
(True, True, True, False)
>>> select(["2018-12", "2019-12", "2020-06", "2020-12"], "2020-06", "prev")
'2019-12'
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

#: Period selectors, relative to the edition ``as_of``.
SELECTORS = {
    "first": "the earliest period by as_of",
    "prev": "the latest period before as_of",
    "latest": "the latest period by as_of (as_of itself when it has one)",
    "next": "the first period after as_of",
    "last": "the latest period in the data",
}
_PERIOD = re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?")
MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")  # ASCII digits only


def is_period(text: str) -> bool:
    """A year, month or day, or a range of two of them."""
    return all(_PERIOD.fullmatch(p) for p in str(text).split("..")) and str(text).count("..") <= 1


def start(period: str) -> dt.date:
    """The first day a period covers: '2020' → 2020-01-01 (a range: its first day)."""
    parts = [int(x) for x in period.split("..")[0].split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def end(period: str) -> dt.date:
    """The last day a period covers: '2020-06' → 2020-06-30 (a range: its last day)."""
    parts = [int(x) for x in period.split("..")[-1].split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    month = parts[1] if len(parts) == 2 else 12
    return dt.date(parts[0], month, calendar.monthrange(parts[0], month)[1])


def at(period: str, as_of: str) -> bool:
    """Whether an observation's period counts as the edition's own figure: the month itself, a
    day within it, or (annual data) the year that contains it."""
    if ".." in period:
        return False
    return period == as_of or (len(period) == 10 and period[:7] == as_of) or period == as_of[:4]


def by(period: str, as_of: str) -> bool:
    """Whether a period has begun by the end of the edition (the 2020 survey counts for 2020-06)."""
    return start(period) <= end(as_of)


def _preference(period: str, as_of: str) -> int:
    """Among the periods at an edition: the month itself first, then a day in it, then its year."""
    return 0 if period == as_of else 1 if len(period) == 10 else 2


def select(periods: list[str], as_of: str, selector: str | None = None) -> str | None:
    """The period a reference means: ``None`` for the edition's own, a selector, or an explicit
    period; ``None`` when the data has none. ``periods`` are sorted by date.

    >>> ps = ["2018-12", "2019-12", "2020-06", "2020-12"]
    >>> [select(ps, "2020-06", s) for s in (None, "first", "latest", "next", "last")]
    ['2020-06', '2018-12', '2020-06', '2020-12', '2020-12']
    >>> select(ps, "2018-12", "prev") is None
    True
    """
    if selector is None:
        own = sorted((p for p in periods if at(p, as_of)), key=lambda p: (_preference(p, as_of), p))
        return own[0] if own else None
    if selector in ("first", "latest", "prev"):
        upto = [p for p in periods if by(p, as_of)]
        if selector == "prev":
            upto = [p for p in upto if not at(p, as_of)]
        if not upto:
            return None
        return upto[0] if selector == "first" else upto[-1]
    if selector == "next":
        after = [p for p in periods if start(p) > end(as_of)]
        return after[0] if after else None
    if selector == "last":
        return periods[-1] if periods else None
    return selector if selector in periods else None


def key(period: str) -> tuple:
    """Sort key: by the last day covered, then the first (a month before the year that ends with it)."""
    return end(period), start(period)
