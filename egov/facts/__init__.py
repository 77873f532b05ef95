"""Facts: the numbers a section's text says, computed once from the data for both languages.

A section's facts function (``egov/facts/<section>.py``) reads figures with :class:`Query`
(the one reference grammar of :mod:`egov.refs`) and derives what the text compares: a
:class:`Change` (difference, growth, ratio, and its ``direction``), a :class:`Ranking` (which
is largest). The templates in ``egov/narrative/`` only choose words for these facts; they never
do arithmetic, so a number is computed once and both languages say the same thing.

A reference that names nothing the data can have (a misspelt indicator or breakdown, an
indicator this notebook did not read) raises :class:`~egov.refs.ReferenceError` at once. A valid
reference with no value for the edition gives a :class:`Gap`: any use of it in a paragraph
raises :class:`MissingFigure`, which leaves that paragraph out (:mod:`egov.narrative`).

Every value keeps ``expr``, the figure it is or the arithmetic that gave it, in the reference
grammar with explicit periods (``gov_websites@2019-12 - gov_websites@2020-06``), so a test can
recompute any number the text prints straight from the data (:func:`egov.checks.evaluate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from egov import periods, refs


class MissingFigure(Exception):
    """A paragraph used a figure the data lacks for this edition: the paragraph is left out."""

    def __init__(self, gaps: tuple["Missing", ...]):
        super().__init__(", ".join(map(str, gaps)))
        self.gaps = gaps


class Period(str):
    """A period string that the narrative writes as a reader would (2020年6月 / June 2020)."""


@dataclass(frozen=True)
class Missing:
    """What a gap lacks: a valid reference and the edition it was asked for."""

    indicator: str
    breakdown: str
    period: str | None  # an explicit period, a selector, or None for the edition's own
    as_of: str

    def __str__(self) -> str:
        return str(refs.Ref(self.indicator, self.breakdown, self.period))


@dataclass(frozen=True, eq=False)
class Gap:
    """No value: using it in a sentence (printing, comparing, any attribute) raises
    :class:`MissingFigure`, so a paragraph never prints around a hole."""

    missing: tuple[Missing, ...]

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        raise MissingFigure(self.missing)

    def __bool__(self):
        raise MissingFigure(self.missing)

    def __iter__(self):
        raise MissingFigure(self.missing)

    def __str__(self):
        raise MissingFigure(self.missing)


def gaps(*values) -> Gap | None:
    """The gaps among ``values`` joined into one, or ``None`` when all are present (test it
    with ``is None``: a gap refuses ``bool``)."""
    missing = tuple(m for v in values if isinstance(v, Gap) for m in v.missing)
    return Gap(missing) if missing else None


def present(*values) -> bool:
    """Whether none of the values is a gap."""
    return gaps(*values) is None


@dataclass(frozen=True, eq=False)
class Value:
    """A number with its unit (an id of ``units.csv``, or ``None`` for a bare ratio), its
    qualifier, its period and ``expr``: the observation it is or the arithmetic that gave it."""

    value: float
    unit: str | None
    expr: str
    period: Period | None = None
    qualifier: str | None = None
    indicator: str | None = None
    breakdown: str = "total"
    status: str | None = None
    printed: str | None = None
    among: "Ranking | None" = field(default=None, repr=False)

    def __float__(self) -> float:
        return float(self.value)

    @property
    def derived(self) -> bool:
        return self.indicator is None


def derived(value: float, unit: str | None, expr: str, *inputs: Value, period: str | None = None) -> Value:
    """A value worked out from others: approximate if any input was; no ``expr`` if an input
    has none (a UN value, not an observation)."""
    q = "approx" if any(i.qualifier for i in inputs) else None
    return Value(float(value), unit, expr if all(i.expr for i in inputs) else "", Period(period) if period else None, q)


class Change:
    """From ``before`` to ``after``: ``delta`` (signed), ``size`` (its absolute value), ``pct``
    and ``pct_size`` (percent of ``before``), ``ratio`` and ``direction`` (``"up"``,
    ``"down"`` or ``"same"``). With ``better="lower"`` (a rank) direction speaks of standing:
    from 65th to 45th is ``"up"``, and ``delta``/``size`` count places gained or lost."""

    def __init__(self, before: Value, after: Value, better: str = "higher"):
        if before.period and after.period and periods.key(before.period) > periods.key(after.period):
            raise ValueError(f"a change runs forward in time: {before.expr} comes after {after.expr}")
        self.before, self.after, self.better = before, after, better
        sign = 1 if better == "higher" else -1
        d = sign * (float(after) - float(before))
        b, a = f"({before.expr})", f"({after.expr})"
        up, down = f"{a} - {b}", f"{b} - {a}"  # the difference either way round: + and - only
        unit = "places" if before.unit == "rank" else before.unit
        self.delta = derived(d, unit, up if sign == 1 else down, before, after, period=after.period)
        self.size = derived(abs(d), unit, up if float(after) >= float(before) else down, before, after,
                            period=after.period)
        self.direction = "up" if d > 0 else "down" if d < 0 else "same"
        if float(before):
            p = 100 * (float(after) - float(before)) / float(before)
            self.pct = derived(p, "percent", f"100 * ({up}) / {b}", before, after)
            self.pct_size = derived(abs(p), "percent", f"100 * ({up if p >= 0 else down}) / {b}", before, after)
            self.ratio = derived(float(after) / float(before), None, f"{a} / {b}", before, after)

    def claim(self, said: str) -> dict:
        """What a sentence asserts about this change, for a test to check against the data."""
        return {"kind": "change", "before": self.before.expr, "after": self.after.expr,
                "better": self.better, "said": said}


def change(before: Value | Gap, after: Value | Gap, better: str = "higher") -> Change | Gap:
    """The change from ``before`` to ``after``; a :class:`Gap` if either is missing."""
    return Change(before, after, better) if present(before, after) else gaps(before, after)


def over_time(q: "Query", text: str) -> Change | Gap | None:
    """The change of a figure from its first value to its latest by the edition; ``None`` when
    both are the same observation (one value so far: no change to speak of)."""
    first, latest = q(f"{text}@first"), q(f"{text}@latest")
    if present(first, latest) and first.period == latest.period:
        return None
    return change(first, latest)


def compare(x: Value | Gap, than: Value | Gap) -> Change | Gap:
    """``x`` against ``than``: ``direction`` is ``"up"`` when x is the larger."""
    return change(than, x)


def share(part: Value | Gap, whole: Value | Gap) -> Value | Gap:
    """``part`` as a percentage of ``whole``."""
    if not present(part, whole):
        return gaps(part, whole)
    return derived(100 * float(part) / float(whole), "percent", f"100 * ({part.expr}) / ({whole.expr})",
                   part, whole, period=whole.period)


def add(*values: Value | Gap) -> Value | Gap:
    """The sum of values in one unit (parts adding up to a whole), as a derived value."""
    if not present(*values):
        return gaps(*values)
    last = max((v.period for v in values if v.period), key=periods.key, default=None)
    return derived(sum(float(v) for v in values), values[0].unit, " + ".join(f"({v.expr})" for v in values),
                   *values, period=last)


class Ranking:
    """Values from largest to smallest: ``first``, ``second``, ``last`` and ``items``; each
    item remembers the ranking, so printing it records the order as a claim."""

    def __init__(self, values: list[Value]):
        ordered = sorted(values, key=lambda v: -float(v))
        self.items = [Value(**{**v.__dict__, "among": self}) for v in ordered]

    @property
    def first(self) -> Value:
        return self.items[0]

    @property
    def second(self) -> Value:
        return self.items[1]

    @property
    def last(self) -> Value:
        return self.items[-1]

    def claim(self) -> dict:
        return {"kind": "order", "exprs": [v.expr for v in self.items]}


def ranking(*values: Value | Gap) -> Ranking | Gap:
    """The values ranked, largest first; a :class:`Gap` if any is missing."""
    return Ranking(list(values)) if present(*values) else gaps(*values)


class Trend:
    """The direction of a series over its periods: ``"up"`` or ``"down"`` when every step
    goes that way, else ``"mixed"`` (with ``better="lower"``, as for ranks, "up" is improving)."""

    def __init__(self, series: list[Value], better: str = "higher"):
        self.series, self.better = series, better
        self.first, self.last = series[0], series[-1]
        sign = 1 if better == "higher" else -1
        steps = [sign * (float(b) - float(a)) for a, b in zip(series, series[1:])]
        self.direction = "down" if all(x < 0 for x in steps) else "up" if all(x > 0 for x in steps) else "mixed"

    def claim(self, said: str) -> dict:
        return {"kind": "trend", "exprs": [v.expr for v in self.series], "better": self.better, "said": said}


def trend(q: "Query", text: str) -> Trend | Gap:
    """The trend of a figure up to the edition; a :class:`Gap` (its earlier values) with fewer than two."""
    series = q.series(text, upto=True)
    if len(series) < 2:
        r = refs.parse(text)
        return Gap((Missing(r.indicator, r.breakdown, "prev", q.as_of),))
    return Trend(series)


def corrections(q: "Query") -> list[dict]:
    """The corrected values among the figures read, up to the edition: each with the text as
    printed and the rule that proves the correction."""
    by = q.obs["period"].map(lambda p: periods.by(p, q.as_of)).astype(bool)
    rows = q.obs[(q.obs["status"] == "corrected") & by]
    rows = rows.sort_values(["indicator_id", "breakdown", "period"])
    return [{"value": _value(r), "printed": r["printed"], "rule": r["rule"]} for r in rows.to_dict("records")]


def relabelled(obs) -> list[dict]:
    """Values reported as printed under a label that says less than what they count, each with
    the rule that shows what they are (the article's 901 'State Council' websites: CNNIC's
    label for the central level, www.gov.cn included)."""
    rows = obs[(obs["status"] == "reported") & obs["rule"].notna()]
    return [{"value": _value(r), "rule": r["rule"]} for r in rows.to_dict("records")]


class Query:
    """Figures of the observations a notebook read, for one edition (``as_of``).

    ``q("gov_websites@prev")`` is a :class:`Value`, or a :class:`Gap` when the data has none;
    an invalid reference raises :class:`~egov.refs.ReferenceError` naming the closest names.
    """

    def __init__(self, obs, as_of: str):
        from egov import data

        self.obs, self.as_of = obs, as_of
        indicators = data.table("indicators")
        self.units = dict(zip(indicators["indicator_id"], indicators["unit"]))
        self.breakdowns = set(data.table("breakdowns")["breakdown"])
        self.read: dict[str, set[str]] = {}
        for ind, b in zip(obs["indicator_id"], obs["breakdown"]):
            self.read.setdefault(str(ind), set()).add(str(b))
        self._series: dict[tuple[str, str], list] = {}

    def check(self, ref: refs.Ref, text: str) -> refs.Ref:
        """The reference, if it names an indicator and breakdown this notebook's data can have."""
        if ref.indicator not in self.units:
            raise refs.ReferenceError(f"{text}: unknown indicator {ref.indicator!r}"
                                      + refs.closest(ref.indicator, self.units))
        if ref.indicator not in self.read:
            raise refs.ReferenceError(f"{text}: indicator {ref.indicator!r} is not in the data this notebook "
                                      f"read; it read: {', '.join(sorted(self.read))}")
        if ref.breakdown != "*" and ref.breakdown not in self.read[ref.indicator]:
            if ref.breakdown not in self.breakdowns:
                raise refs.ReferenceError(f"{text}: unknown breakdown {ref.breakdown!r}"
                                          + refs.closest(ref.breakdown, self.breakdowns))
            raise refs.ReferenceError(f"{text}: {ref.indicator} has no breakdown {ref.breakdown!r}; its breakdowns: "
                                      + ", ".join(sorted(self.read[ref.indicator])))
        return ref

    def series(self, text: str, upto: bool = False) -> list[Value]:
        """Every value of an indicator and breakdown by date (``upto``: those by the edition)."""
        ref = self.check(refs.parse(text), text)
        return [v for v in self._rows(ref.indicator, ref.breakdown) if not upto or periods.by(v.period, self.as_of)]

    def _rows(self, indicator: str, breakdown: str) -> list[Value]:
        key = (indicator, breakdown)
        if key not in self._series:
            from egov import data

            rows = data.select(self.obs, indicator, None if breakdown == "*" else breakdown)
            values = [_value(r) for r in rows.to_dict("records")]
            self._series[key] = sorted(values, key=lambda v: periods.key(v.period))
        return self._series[key]

    def __call__(self, text: str) -> Value | Gap:
        ref = self.check(refs.parse(text), text)
        values = self._rows(ref.indicator, ref.breakdown)
        chosen = periods.select([v.period for v in values], self.as_of, ref.period)
        if chosen is None:
            return Gap((Missing(ref.indicator, ref.breakdown, ref.period, self.as_of),))
        return next(v for v in values if v.period == chosen)

    def values(self, **named: str) -> dict[str, Value | Gap]:
        """Several figures at once: ``q.values(total="gov_websites", prev="gov_websites@prev")``."""
        return {name: self(text) for name, text in named.items()}


def _value(r: dict) -> Value:
    def text(x):
        return x if isinstance(x, str) and x else None

    b = str(r["breakdown"])
    expr = str(refs.Ref(str(r["indicator_id"]), b, str(r["period"])))
    return Value(float(r["value"]), str(r["unit"]), expr, Period(r["period"]), text(r["qualifier"]),
                 str(r["indicator_id"]), b, str(r["status"]), text(r["printed"]))
