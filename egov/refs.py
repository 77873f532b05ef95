"""The one grammar for naming a figure: ``indicator[breakdown]@period``.

Consistency rules (``data/rules.csv``, :mod:`egov.checks`) and the narrative
(:mod:`egov.facts`, the templates in ``egov/narrative/``) both name observations this way:

- ``gov_websites``: the total, at the edition's own period (the narrative) ;
- ``gov_websites[level=central]``: one breakdown (``[*]``: whichever one the data has);
- ``gov_websites@2019-12``: an explicit period (a year, month or day);
- ``gov_websites@prev``: a selector relative to the edition: ``first``, ``prev``, ``latest``,
  ``next`` or ``last`` (see :data:`egov.periods.SELECTORS`).

:func:`parse` reads one reference and :func:`find` the references inside an expression; both
refuse what is not a reference with a :class:`ReferenceError` that says what was expected.
:func:`closest` gives the "did you mean" names every unknown-name error carries.

>>> parse("gov_websites[level=central]@prev")
Ref(indicator='gov_websites', breakdown='level=central', period='prev')
>>> [str(r) for r in find("a[level=x]@2020-06 + b@2019")]
['a[level=x]@2020-06', 'b@2019']
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from egov.periods import SELECTORS, is_period

_NAME = r"[a-z][a-z0-9_]*"
#: A reference inside a longer text: indicator, optional [breakdown], optional @period word.
PATTERN = re.compile(rf"({_NAME})(?:\[([^\]]*)\])?(?:@([A-Za-z0-9_.-]+))?")
_BREAKDOWN = re.compile(rf"\*|total|{_NAME}=[A-Za-z0-9_]+")


class ReferenceError(ValueError):  # noqa: A001 - the name says what it is; egov code imports it qualified
    """A reference that names no indicator, breakdown or period the data can have: a typo, never
    a gap. The message names the reference and the closest valid names."""


@dataclass(frozen=True)
class Ref:
    """A parsed reference. ``period`` is ``None`` (the edition's own), a selector or a period."""

    indicator: str
    breakdown: str = "total"
    period: str | None = None

    def __str__(self) -> str:
        b = "" if self.breakdown == "total" else f"[{self.breakdown}]"
        return f"{self.indicator}{b}" + (f"@{self.period}" if self.period else "")

    @property
    def selector(self) -> str | None:
        """The selector, or ``None`` for the edition's own period or an explicit one."""
        return self.period if self.period in SELECTORS else None


def closest(name: str, names, n: int = 3) -> str:
    """'; closest: a, b' (or the first few valid names when nothing is close), for error messages.

    >>> closest("level=municpal", ["level=municipal", "level=county", "total"])
    "; closest: 'level=municipal', 'level=county'"
    """
    names = sorted(set(map(str, names)))
    near = difflib.get_close_matches(name, names, n=n, cutoff=0.6)
    if near:
        return "; closest: " + ", ".join(map(repr, near))
    shown = ", ".join(map(repr, names[:8])) + (", …" if len(names) > 8 else "")
    return f"; valid: {shown}" if names else ""


def _ref(indicator: str, breakdown: str | None, period: str | None, text: str) -> Ref:
    if breakdown is not None and not _BREAKDOWN.fullmatch(breakdown):
        raise ReferenceError(f"{text}: breakdown {breakdown!r} is not written key=value "
                             "(e.g. [level=central]), 'total' or '*'")
    if period is not None and period not in SELECTORS and not is_period(period):
        raise ReferenceError(f"{text}: unknown period {period!r}; a period is YYYY, YYYY-MM or "
                             f"YYYY-MM-DD, or one of the selectors {', '.join(SELECTORS)}"
                             + closest(period, SELECTORS).replace("; valid:", "; selectors:"))
    return Ref(indicator, breakdown or "total", period)


def parse(text: str) -> Ref:
    """One reference, the whole text.

    >>> parse("egdi@lastest")
    Traceback (most recent call last):
    ...
    egov.refs.ReferenceError: egdi@lastest: unknown period 'lastest'; a period is YYYY, YYYY-MM or YYYY-MM-DD, or one of the selectors first, prev, latest, next, last; closest: 'latest', 'last'
    """
    text = str(text).strip()
    m = PATTERN.fullmatch(text)
    if not m:
        raise ReferenceError(f"{text!r} is not a reference: write indicator, indicator[key=value] "
                             "or indicator@period (e.g. gov_websites[level=central]@prev)")
    return _ref(m[1], m[2], m[3], text)


def find(expr: str) -> list[Ref]:
    """The references in an expression, in order (names followed by ``(`` are not references)."""
    return [_ref(m[1], m[2], m[3], m[0]) for m in PATTERN.finditer(expr) if not _is_call(expr, m)]


def substitute(expr: str, value) -> str:
    """The expression with each reference replaced by ``value(ref)`` (a string)."""
    return PATTERN.sub(lambda m: m[0] if _is_call(expr, m) else value(_ref(m[1], m[2], m[3], m[0])), expr)


def _is_call(expr: str, m: re.Match) -> bool:
    return expr[m.end():].lstrip().startswith("(") or (m.start() > 0 and expr[m.start() - 1] in "0123456789.")
