"""Periods, numbers and sentences in Chinese or English, every number filled from the data.

The charts (:mod:`egov.plots`) and the notebooks' narrative share these formatters, so a
figure reads the same in a sentence, a value label and a table.

>>> number(126000000, "zh"), number(126000000, "en")
('1.26亿', '126 million')
>>> quantity(3600000, "items", "zh", "at_least"), quantity(3600000, "items", "en", "at_least")
('360多万项', 'more than 3.6 million items')
>>> period_label("2020-06", "zh"), period_label("2020-06", "en")
('2020年6月', 'June 2020')

A :class:`Story` turns templates such as ``"截至{as_of|period}，共有政府网站{gov_websites}。"``
into Markdown, reading each ``{reference}`` from the observations; when the data has nothing
for a reference it says so in a plain sentence instead of failing.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from egov import data, markup
from egov.checks import arithmetic

LANGS = ("zh", "en")

_MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]

#: How an observation's status reads in a table.
STATUS = {
    "zh": {"reported": "引用", "derived": "推算", "corrected": "更正", "gap": "缺失"},
    "en": {"reported": "reported", "derived": "derived", "corrected": "corrected", "gap": "gap"},
}
QUALIFIER = {"zh": {"at_least": "至少", "approx": "约"}, "en": {"at_least": "at least", "approx": "about"}}


def pick(lang: str, zh: str, en: str) -> str:
    """The Chinese or the English of a phrase."""
    return zh if lang == "zh" else en


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(map(repr, LANGS))}, got {lang!r}")
    return lang


# --------------------------------------------------------------------------- periods

def _parse(period: str) -> pd.Period:
    return pd.Period(period, freq={4: "Y", 7: "M", 10: "D"}[len(period)])


def period_start(period: str) -> pd.Timestamp:
    """The first day a period covers: '2020' → 2020-01-01 (a range: its first day)."""
    return _parse(period.split("..")[0]).start_time


def period_end(period: str) -> pd.Timestamp:
    """The last day a period covers: '2020-06' → 2020-06-30 (a range: its last day)."""
    return _parse(period.split("..")[-1]).end_time.normalize()


def period_label(period: str, lang: str, short: bool = False) -> str:
    """'2020-06' → '2020年6月' / 'June 2020' ('Jun 2020' when short); '2019' → '2019年' / '2019'.

    >>> period_label("2017-06..2019-06", "en", short=True)
    'Jun 2017 – Jun 2019'
    >>> period_label("2017-12-01", "zh")
    '2017年12月1日'
    """
    check_lang(lang)
    if ".." in period:
        a, b = period.split("..")
        sep = "至" if lang == "zh" else " – "
        return period_label(a, lang, short) + sep + period_label(b, lang, short)
    parts = [int(x) for x in period.split("-")]
    if lang == "zh":
        return "".join(f"{v}{u}" for v, u in zip(parts, "年月日"))
    if len(parts) == 1:
        return str(parts[0])
    month = _MONTHS_EN[parts[1] - 1][:3] if short else _MONTHS_EN[parts[1] - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{parts[2]} {month} {parts[0]}"


def on_or_before(rows: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Rows whose period has begun by the end of ``as_of`` (the 2020 survey counts for 2020-06)."""
    end = period_end(as_of)
    return rows.loc[np.array([period_start(p) <= end for p in rows["period"]], dtype=bool)]


def at(rows: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Rows for ``as_of`` itself, or else for the year that contains it (annual data)."""
    exact = rows[rows["period"] == as_of]
    if not exact.empty:
        return exact
    return rows[rows["period"] == as_of[:4]]


# --------------------------------------------------------------------------- numbers

def _trim(x: float, decimals: int = 4) -> str:
    s = f"{x:.{decimals}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def _scaled(value: float, lang: str) -> tuple[str, str]:
    """(digits, suffix): the number in the largest unit that keeps it exact, at most 2 decimals."""
    v = float(value)
    if v != int(v):
        return _trim(v), ""
    a = abs(v)
    if lang == "zh":
        if a >= 1e8 and v % 1e6 == 0:
            return _trim(v / 1e8, 2), "亿"
        if a >= 1e5 and v % 1e2 == 0:
            return _trim(v / 1e4, 2), "万"
        return str(int(v)), ""
    if a >= 1e9 and v % 1e6 == 0:
        return _trim(v / 1e9, 3), " billion"
    if a >= 1e6 and v % 1e3 == 0:
        return _trim(v / 1e6, 3), " million"
    return f"{int(v):,}", ""


def _short(value: float, lang: str) -> tuple[str, str]:
    """(digits, suffix) rounded to two decimals of 万/亿 (zh) or million/billion (en)."""
    v = float(value)
    a = abs(v)
    if lang == "zh":
        if a >= 1e8:
            return _trim(v / 1e8, 2), "亿"
        if a >= 1e4:
            return _trim(v / 1e4, 2), "万"
    else:
        if a >= 1e9:
            return _trim(v / 1e9, 2), " billion"
        if a >= 1e6:
            return _trim(v / 1e6, 2), " million"
    if v != int(v):
        return _trim(v), ""
    return (str(int(v)) if lang == "zh" else f"{int(v):,}"), ""


def number(value: float, lang: str, qualifier: str | None = None, short: bool = False) -> str:
    """A number as a reader writes it: 1.26亿 / 126 million; 360多万 / more than 3.6 million.

    Exact by default (14467, not 1.45万); ``short`` rounds to two decimals of 万/亿 or
    million/billion, for value labels on a chart whose table gives the exact figures.

    >>> number(14467, "en"), number(14467, "zh"), number(0.7948, "en"), number(1000, "zh", "at_least")
    ('14,467', '14467', '0.7948', '1000多')
    >>> number(140837, "zh", short=True), number(140837, "en", short=True)
    ('14.08万', '140,837')
    """
    check_lang(lang)
    digits, suffix = (_short if short else _scaled)(value, lang)
    q = qualifier if isinstance(qualifier, str) else None
    if lang == "zh":
        if q == "at_least":
            return f"{digits}多{suffix}"
        return ("约" if q == "approx" else "") + digits + suffix
    prefix = {"at_least": "more than ", "approx": "about "}.get(q, "")
    return prefix + digits + suffix


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@lru_cache(maxsize=2)
def _units() -> pd.DataFrame:
    return data.table("units").set_index("unit")


def unit_word(unit: str, lang: str) -> str:
    """The word written after a count: 个 / websites; '' for shares, indices and ranks."""
    u = _units().loc[unit]
    if u["kind"] in ("share", "growth"):
        return "%"
    if u["kind"] in ("index", "rank"):
        return ""
    if lang == "zh":
        words = u["measure_words"]
        return str(words).split("|")[0] if isinstance(words, str) and words else str(u["name_zh"])
    return str(u["name_en"])


def quantity(value: float, unit: str, lang: str, qualifier: str | None = None) -> str:
    """A value with its unit: 1.26亿人 / 126 million persons, 第45位 / 45th, 66.39%.

    >>> quantity(45, "rank", "zh"), quantity(45, "rank", "en"), quantity(66.39, "percent", "en")
    ('第45位', '45th', '66.39%')
    >>> quantity(20, "places", "zh"), quantity(20, "places", "en"), quantity(1, "sites", "en")
    ('20位', '20 places', '1 website')
    """
    check_lang(lang)
    kind = _units().loc[unit, "kind"]
    if kind == "rank":
        return f"第{int(value)}位" if lang == "zh" else _ordinal(int(value))
    n = number(value, lang, qualifier)
    word = unit_word(unit, lang)
    if kind in ("share", "growth", "index"):
        return n + word
    if kind == "change" and lang == "zh":
        return n + "位"
    if lang == "zh":
        return n + word
    if float(value) == 1 and word.endswith("s"):
        word = word[:-1]
    return f"{n} {word}"


def percent(value: float, decimals: int = 1) -> str:
    """A share already in percent: 93.77 → '93.8%'."""
    return f"{value:.{decimals}f}%"


# --------------------------------------------------------------------------- names

@lru_cache(maxsize=4)
def labels(lang: str) -> dict[str, dict[str, str]]:
    return data.labels(check_lang(lang))


def indicator_name(indicator: str, breakdown: str, lang: str, sentence: bool = False) -> str:
    """'政府网站数量（中央…）' / 'Government websites (Central…)'; lower-cased inside an English sentence."""
    lab = labels(lang)
    name = lab["indicators"][indicator]
    if breakdown != "total":
        b = lab["breakdowns"].get(breakdown, breakdown)
        name += f"（{b}）" if lang == "zh" else f" ({b})"
    if sentence and lang == "en" and len(name) > 1 and not name[1].isupper():
        name = name[0].lower() + name[1:]
    return name


def country_name(iso3: str, lang: str, fallback: str | None = None) -> str:
    """A country's short name from CLDR (Babel): 'KOR' → '韩国' / 'South Korea'."""
    from babel import Locale
    from babel.core import get_global

    alpha2 = (get_global("territory_aliases").get(iso3) or [None])[0]
    locale = Locale.parse("zh_Hans" if lang == "zh" else "en")
    return locale.territories.get(alpha2) or fallback or iso3


# --------------------------------------------------------------------------- sentences

class Missing(KeyError):
    """A reference the data has no value for: carries what was asked."""

    def __init__(self, indicator: str, breakdown: str, period: str | None):
        super().__init__(indicator, breakdown, period)
        self.indicator, self.breakdown, self.period = indicator, breakdown, period


#: ``indicator[breakdown]@period``: breakdown defaults to total, period to as_of. The period
#: may be a selector: ``first`` (earliest by as_of), ``prev`` (latest before as_of), ``latest``
#: (latest by as_of), ``next`` (first after as_of), ``last`` (latest in the data).
REF = re.compile(r"([a-z][a-z0-9_]*)(?:\[([^\]]+)\])?(?:@([0-9][0-9-]*|first|prev|latest|next|last))?")
_SELECTORS = ("first", "prev", "latest", "next", "last")
_PLACEHOLDER = re.compile(r"\{([^{}|]+)(?:\|([a-z0-9_]+))?\}")


class Story:
    """Narrative for one notebook: the observations it read, its language and period.

    Templates hold ``{reference}`` or ``{expression|format}`` placeholders:

    - ``{gov_websites}``: the value at ``as_of``, with its unit and qualifier (14467个 / 14,467 websites);
    - ``{gov_websites[level=central]@prev}``: another breakdown, at the latest period before as_of;
    - ``{gov_websites@first|period}``: the period itself (2018年12月 / December 2018);
    - ``{100 * (gov_websites@first - gov_websites) / gov_websites@first|pct}``: arithmetic,
      formatted as ``pct`` (19.5%), ``num`` (a bare number), ``int`` or a unit id (``sites``);
    - ``{as_of|period}``: the period reported on; ``{name}``: a keyword argument of :meth:`say`.

    >>> s = Story(data.observations(section="websites"), "en", "2020-06")
    >>> s.render("{gov_websites} at {as_of|period}, down from {gov_websites@first} in {gov_websites@first|period}.")
    '14,467 websites at June 2020, down from 17,962 websites in December 2018.'
    """

    def __init__(self, obs: pd.DataFrame | None, lang: str, as_of: str, *, values: dict | None = None):
        self.obs, self.lang, self.as_of = obs, check_lang(lang), as_of
        self.values = dict(values or {})

    # ---- lookups

    def rows(self, indicator: str, breakdown: str = "total") -> pd.DataFrame:
        """An indicator's rows by date; breakdown ``*``: whichever breakdowns it has."""
        if self.obs is None:  # a story told from computed values only
            raise Missing(indicator, breakdown, None)
        return data.select(self.obs, indicator, None if breakdown == "*" else breakdown)

    def row(self, indicator: str, breakdown: str = "total", period: str | None = None) -> pd.Series:
        """The observation a reference names (period: an explicit period or a selector)."""
        rows = self.rows(indicator, breakdown)
        sel = period or "as_of"
        if sel == "as_of":
            rows = at(rows, self.as_of)
        elif sel in ("first", "latest"):
            rows = on_or_before(rows, self.as_of)
            rows = rows.iloc[:1] if sel == "first" else rows.iloc[-1:]
        elif sel == "prev":
            before = on_or_before(rows, self.as_of)
            before = before[~before["period"].isin(at(before, self.as_of)["period"])]
            rows = before.iloc[-1:]
        elif sel == "next":
            after = np.array([period_start(p) > period_end(self.as_of) for p in rows["period"]], dtype=bool)
            rows = rows.loc[after].iloc[:1]
        elif sel == "last":
            rows = rows.iloc[-1:]
        else:
            rows = rows[rows["period"] == sel]
        if rows.empty:
            raise Missing(indicator, breakdown, None if sel in _SELECTORS else
                          (self.as_of if sel == "as_of" else sel))
        return rows.iloc[0]

    def value(self, indicator: str, breakdown: str = "total", period: str | None = None) -> float:
        return float(self.row(indicator, breakdown, period)["value"])

    def distinct(self, a: str, b: str) -> bool:
        """Whether two references (``indicator[breakdown]@period``) both exist and name different
        observations: to skip a comparison of a period with itself."""
        try:
            ra, rb = (self._ref(REF.fullmatch(x)) for x in (a, b))
        except Missing:
            return False
        return ra["period"] != rb["period"]

    def has(self, indicator: str, breakdown: str = "total", period: str | None = None) -> bool:
        try:
            self.row(indicator, breakdown, period)
        except Missing:
            return False
        return True

    # ---- rendering

    def _ref(self, m: re.Match) -> pd.Series:
        return self.row(m[1], m[2] or "total", m[3])

    def _field(self, expr: str, fmt: str | None) -> str:
        expr = expr.strip()
        if expr == "as_of":
            return period_label(self.as_of, self.lang) if fmt in (None, "period") else self.as_of
        if expr in self.values:
            v = self.values[expr]
            return v if isinstance(v, str) else self._format(float(v), fmt or "num", None, None)
        whole = REF.fullmatch(expr)
        if whole and whole[1] in labels(self.lang)["indicators"]:
            r = self._ref(whole)
            if fmt == "period":
                return period_label(r["period"], self.lang)
            if fmt == "name":
                return indicator_name(r["indicator_id"], r["breakdown"], self.lang, sentence=True)
            if fmt == "breakdown":
                return labels(self.lang)["breakdowns"][r["breakdown"]]
            if fmt == "printed":
                return str(r["printed"]) if pd.notna(r["printed"]) else number(float(r["value"]), self.lang)
            q = r["qualifier"] if pd.notna(r["qualifier"]) else None
            return self._format(float(r["value"]), fmt, r["unit"], q)
        known = labels(self.lang)["indicators"]

        def sub(m: re.Match) -> str:
            if m[1] not in known:
                if m[1] in self.values:
                    return repr(float(self.values[m[1]]))
                raise ValueError(f"unknown name {m[1]!r} in template expression {expr!r}")
            return repr(float(self._ref(m)["value"]))

        v = arithmetic(REF.sub(sub, expr))
        return self._format(v, fmt or "num", None, None)

    def _format(self, v: float, fmt: str | None, unit: str | None, qualifier: str | None) -> str:
        if fmt is None:
            return quantity(v, unit, self.lang, qualifier) if unit else number(v, self.lang, qualifier)
        if fmt == "num":
            return number(v, self.lang, qualifier)
        if fmt == "int":
            return number(round(v), self.lang)
        if fmt == "pct":
            return percent(v, 1)
        if fmt == "pct0":
            return percent(v, 0)
        if fmt == "pp":
            return f"{v:.1f}个百分点" if self.lang == "zh" else f"{v:.1f} percentage points"
        if fmt in ("dec1", "dec2", "dec4"):
            return f"{v:.{fmt[-1]}f}"
        if fmt == "times":
            return f"{v:.1f}倍" if self.lang == "zh" else f"{v:.1f} times"
        if fmt in _units().index:
            return quantity(round(v, 6), fmt, self.lang, qualifier)
        raise ValueError(f"unknown format {fmt!r}")

    def render(self, template: str) -> str:
        """The template (Markdown) with every placeholder filled, each value escaped as text;
        raises :class:`Missing` on a gap."""
        return _PLACEHOLDER.sub(lambda m: markup.md(self._field(m[1], m[2])), template)

    def missing_sentence(self, err: Missing) -> str:
        """Markdown: the plain sentence for a gap."""
        name = markup.md(indicator_name(err.indicator, err.breakdown, self.lang, sentence=True))
        when = period_label(err.period, self.lang) if err.period else period_label(self.as_of, self.lang)
        if self.lang == "zh":
            return f"数据中没有{when}的“{name}”，此处从略。" if err.period else \
                f"数据中没有截至{when}可比的“{name}”，此处从略。"
        return (f"The data has no figure for {name} for {when}, so this is left out." if err.period else
                f"The data has no comparable figure for {name} up to {when}, so this is left out.")

    def text(self, zh: str, en: str) -> str:
        """The template in this story's language, rendered; a gap gives a plain sentence instead."""
        try:
            return self.render(zh if self.lang == "zh" else en)
        except Missing as err:
            return "*" + self.missing_sentence(err) + "*"

    # ---- display (IPython)

    def corrections(self) -> list[str]:
        """One sentence (Markdown) per corrected value this story's data holds, up to as_of: what
        was printed, what it is, and the rule that proves it."""
        if self.obs is None:
            return []
        rules = data.table("rules").set_index("rule_id")
        c = on_or_before(self.obs[self.obs["status"] == "corrected"], self.as_of)
        out = []
        for _, r in c.sort_values(["indicator_id", "breakdown", "period"]).iterrows():
            name = indicator_name(r["indicator_id"], r["breakdown"], self.lang, sentence=True)
            name, when = markup.md(name[0].upper() + name[1:] if self.lang == "en" else name), \
                markup.md(period_label(r["period"], self.lang))
            q = r["qualifier"] if pd.notna(r["qualifier"]) else None
            v = markup.md(quantity(float(r["value"]), r["unit"], self.lang, q))
            why = markup.md(rules.loc[r["rule"], f"description_{self.lang}"])
            printed, rule = markup.md(r["printed"]), markup.code(r["rule"])
            out.append(f"{when}{name}：原文印作“{printed}”，更正为{v}。依据：{why}（规则 {rule}）。"
                       if self.lang == "zh" else
                       f"{name}, {when}: printed as “{printed}”, corrected to {v}. Why: {why} (rule {rule}).")
        return out

    def note_corrections(self) -> None:
        """Display the corrections behind this section's figures, if any."""
        lines = self.corrections()
        if lines:
            head = "**更正说明**" if self.lang == "zh" else "**Corrections**"
            markdown(head + "\n\n" + "\n".join(f"- {x}" for x in lines))

    def say(self, zh: str, en: str, **values) -> None:
        """Display one paragraph rendered from the data."""
        self.values.update(values)
        markdown(self.text(zh, en))

    def heading(self, zh: str, en: str, level: int = 2) -> None:
        """Display a heading (H1 for the notebook title, H2 per chart or subsection)."""
        markdown("#" * level + " " + self.text(zh, en))

    def section_title(self, section: str) -> None:
        """The notebook's H1: the section's name from the data's labels."""
        markdown("# " + markup.md(labels(self.lang)["sections"][section]))


def markdown(text: str) -> None:
    """Display Markdown written by the project, every data value in it escaped with
    :func:`egov.markup.md` where it was filled in (the report's renderer lets raw HTML, links
    and maths through, so a value left raw would act as markup)."""
    from IPython.display import Markdown, display

    display(Markdown(text))
