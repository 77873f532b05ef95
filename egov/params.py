"""Check a notebook's parameters right after its ``parameters`` cell.

papermill only warns about an unknown parameter and injects whatever type the command line
gave (``-p as_of 2020`` arrives as the integer 2020). Each notebook therefore calls
:func:`check` first thing; a bad value raises :class:`~egov.errors.ParameterError` naming the
parameter, the value given and the values allowed.

>>> check(lang="zh", as_of="2020-06")
{'lang': 'zh', 'as_of': '2020-06'}
>>> check(lang="fr", as_of="2020-06")
Traceback (most recent call last):
...
egov.errors.ParameterError: parameter 'lang' is 'fr'; allowed values: 'zh', 'en'
"""

from __future__ import annotations

import re

from egov.errors import ParameterError

LANGS = ("zh", "en")
#: The span the data covers (UN surveys 2003–2024; the article and CNNIC series within it).
AS_OF_FIRST, AS_OF_LAST = "2003-01", "2024-12"
DEFAULT_AS_OF = "2020-06"
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def _describe(value) -> str:
    return f"{value!r}" + ("" if isinstance(value, str) else f" (a {type(value).__name__})")


def check_lang(lang) -> str:
    """``lang`` is ``"zh"`` or ``"en"``."""
    if not isinstance(lang, str) or lang not in LANGS:
        raise ParameterError(f"parameter 'lang' is {_describe(lang)}; allowed values: "
                             + ", ".join(map(repr, LANGS)))
    return lang


def check_as_of(as_of) -> str:
    """``as_of`` is a month ``"YYYY-MM"`` from :data:`AS_OF_FIRST` to :data:`AS_OF_LAST`."""
    allowed = (f"allowed values: a month 'YYYY-MM' from '{AS_OF_FIRST}' to '{AS_OF_LAST}' "
               f"(the span of the data), e.g. '{DEFAULT_AS_OF}'")
    if not isinstance(as_of, str) or not _MONTH.fullmatch(as_of):
        hint = ""
        if isinstance(as_of, (int, str)) and re.fullmatch(r"\d{4}", str(as_of)):
            hint = f"; for a whole year give its last month, '{as_of}-12'"
        raise ParameterError(f"parameter 'as_of' is {_describe(as_of)}; {allowed}{hint}")
    if not AS_OF_FIRST <= as_of <= AS_OF_LAST:
        raise ParameterError(f"parameter 'as_of' is {as_of!r}, outside the data; {allowed}")
    return as_of


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
