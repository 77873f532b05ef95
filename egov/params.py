"""Check a notebook's parameters right after its ``parameters`` cell.

papermill only warns about an unknown parameter and injects whatever type the command line
gave (``-p as_of 2020`` arrives as the integer 2020). Each notebook therefore calls
:func:`check` first thing, and ``egov build`` calls the same ``check_<name>`` functions before
any notebook runs; a bad value raises :class:`~egov.errors.ParameterError` naming the
parameter, the value given and the values allowed. ``as_of`` must be an edition: a period the
data has figures for (:mod:`egov.editions`).

>>> check(lang="zh", as_of="2020-06")
{'lang': 'zh', 'as_of': '2020-06'}
>>> check(lang="fr", as_of="2020-06")
Traceback (most recent call last):
...
egov.errors.ParameterError: parameter 'lang' is 'fr'; allowed values: 'zh', 'en'
"""

from __future__ import annotations

import re

from egov import editions
from egov.errors import ParameterError
from egov.i18n import LANGS, check_lang  # noqa: F401 - the one list of languages, re-exported

DEFAULT_AS_OF = editions.DEFAULT


def _describe(value) -> str:
    return f"{value!r}" + ("" if isinstance(value, str) else f" (a {type(value).__name__})")


def check_as_of(as_of) -> str:
    """``as_of`` is a month ``"YYYY-MM"`` that is an edition (``egov editions`` lists them)."""
    if not isinstance(as_of, str) or not editions.periods.MONTH.fullmatch(as_of):
        hint = ""
        if isinstance(as_of, (int, str)) and re.fullmatch(r"\d{4}", str(as_of)):
            hint = f"; for a whole year give its last month, '{as_of}-12'"
            try:
                editions.check(f"{as_of}-12")
            except (ParameterError, OSError):
                hint = ""
        raise ParameterError(f"parameter 'as_of' is {_describe(as_of)}; allowed values: a month 'YYYY-MM' "
                             f"that is an edition (egov editions lists them), e.g. '{DEFAULT_AS_OF}'{hint}")
    return editions.check(as_of)


def check_peers(peers, known: list[str] | None = None) -> list[str]:
    """``peers`` is a list of ISO3 codes of countries in the UN EGDI data (default: all 193 read
    from ``data.un_egdi()``). Returns the codes without repeats, in the order given."""
    if known is None:
        from egov import data

        known = sorted(str(c) for c in data.un_egdi()["iso3"].unique())
    allowed = (f"allowed values: a list of ISO3 codes of the {len(known)} UN member states in the "
               f"EGDI data, e.g. ['USA', 'JPN', 'KOR']")
    if isinstance(peers, str) or not isinstance(peers, (list, tuple)):
        raise ParameterError(f"parameter 'peers' is {_describe(peers)}; {allowed}")
    bad = [p for p in peers if not isinstance(p, str) or p not in known]
    if bad:
        hints = []
        for b in bad:
            if isinstance(b, str) and b.upper() in known:
                hints.append(f"{b!r} → {b.upper()!r}")
        hint = f" (did you mean: {', '.join(hints)}?)" if hints else ""
        raise ParameterError(f"parameter 'peers' has unknown code(s) {', '.join(map(repr, bad))}{hint}; "
                             f"{allowed}")
    return list(dict.fromkeys(peers))


def check(*, lang, as_of, **extra) -> dict:
    """Check the common parameters (and ``peers`` when given); returns them, normalised."""
    out = {"lang": check_lang(lang), "as_of": check_as_of(as_of)}
    if "peers" in extra:
        out["peers"] = check_peers(extra.pop("peers"))
    if extra:
        raise ParameterError(f"unknown parameter(s): {', '.join(sorted(extra))}; "
                             "known: lang, as_of, peers")
    return out
