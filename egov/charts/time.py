"""Time on a chart: every period at its own date on a proportional axis, lines broken where the
data has a gap, gaps shaded and labelled, the edition marked. Every chart over time uses these.

A figure counted *at* a month or a day (a stock: accounts at the end of June 2020) sits on that
period's last day, so December 2015 is drawn just before the 2016 boundary, not on a "2016"
tick; a year's figure (a UN survey) sits in the middle of its year. Year labels stand in the
middle of each year, between the year boundaries that the grid draws, so a point's label and
its year agree. Unevenly spaced periods (Dec 2016, Dec 2018, Mar 2020) keep their spacing.

>>> str(when("2015-12")), str(when("2020")), str(when("2017-12-01"))
('2015-12-31', '2020-07-01', '2017-12-01')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.ticker import FixedLocator, NullFormatter

from egov import i18n, periods
from egov.charts.frame import paint
from egov.theme import INK, SUBTLE

def when(period: str) -> dt.date:
    """Where a period is drawn: a month or day at its last day, a year in its middle."""
    p = str(period)
    return dt.date(int(p), 7, 1) if len(p) == 4 else periods.end(p)


def x(period: str) -> float:
    """A period's position on a time axis, in days (matplotlib's date numbers)."""
    return float(np.datetime64(when(period), "D").astype(int))


def day(d: dt.date) -> float:
    return float(np.datetime64(d, "D").astype(int))


@dataclass(frozen=True)
class Gap:
    """A span the data marks as a gap (a row with status ``gap``): nothing trustworthy was found
    for the periods it covers."""

    period: str
    start: float
    end: float

    @classmethod
    def of(cls, period: str) -> "Gap":
        return cls(period, day(periods.start(period)), day(periods.end(period)))


def gaps(obs: pd.DataFrame, indicator: str, breakdown: str = "total") -> list[Gap]:
    """The gaps the data records for one series, oldest first."""
    g = obs[(obs["indicator_id"] == indicator) & (obs["breakdown"] == breakdown) & (obs["status"] == "gap")]
    return sorted((Gap.of(p) for p in g["period"]), key=lambda g: g.start)


def bridges(a: float, b: float, gap: Gap) -> bool:
    """Whether a straight line from ``a`` to ``b`` would run across the gap."""
    return a < gap.end and b > gap.start


def segments(xs: list[float], gaps_: list[Gap]) -> list[slice]:
    """Runs of consecutive points that no gap separates: a line is drawn through each run alone."""
    cuts = [k for k in range(1, len(xs)) if any(bridges(xs[k - 1], xs[k], g) for g in gaps_)]
    bounds = [0, *cuts, len(xs)]
    return [slice(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def line(ax, xs, ys, gaps_: list[Gap], gid: str, **style) -> list:
    """A series as a line broken at every gap (each run its own line, marked with ``gid`` so a
    test can tell which series it draws); a run of one point is a marker alone."""
    xs, ys = list(xs), list(ys)
    label = style.pop("label", None)
    drawn = []
    for k, run in enumerate(segments(xs, gaps_)):
        (ln,) = ax.plot(xs[run], ys[run], label=label if k == 0 else "_nolegend_", **style)
        ln.set_gid(gid)
        drawn.append(ln)
    return drawn


def shade(ax, gaps_: list[Gap], lang: str, what: str | None = None) -> None:
    """Shade each gap and label it "no data" at the top of the axes (``what``: the series it
    is a gap of, named above, when the panel draws others)."""
    for g in gaps_:
        said = i18n.pick(lang, "无数据", "no data")
        paint([ax.axvspan(g.start, g.end, lw=0, zorder=0)], ["gap"])
        ax.text((g.start + g.end) / 2, 0.98, f"{what}\n{said}" if what else said, transform=ax.get_xaxis_transform(),
                ha="center", va="top", fontsize=8, color=SUBTLE, linespacing=1.2)


def axis(ax, first: str, last: str, years: list[int] | None = None, pad_days: float = 120,
         marks: list[str] | None = None, lang: str = "zh") -> None:
    """A proportional time axis from ``first`` to ``last`` (periods): the grid at each 1 January,
    each year's label in the middle of its year (``years``: which to label; by default every
    year, or every second, fifth or tenth when they would not stand clear). ``marks``: periods (of bars) to name at their own
    dates instead, when they stand far enough apart for their names to fit."""
    lo, hi = day(periods.start(first)) - pad_days, x(last) + pad_days
    ax.set_xlim(lo, hi)
    y0, y1 = periods.start(first).year, when(last).year
    bounds = [day(dt.date(y, 1, 1)) for y in range(y0, y1 + 2)]
    ax.xaxis.set_major_locator(FixedLocator([b for b in bounds if lo <= b <= hi]))
    ax.xaxis.set_major_formatter(NullFormatter())
    ax.tick_params(axis="x", which="major", length=0)
    ax.grid(axis="x", which="major", visible=True)
    ax.tick_params(axis="x", which="minor", length=0, labelsize=9)
    for names in ([i18n.period(p, lang, short=True) for p in marks or []], [_two_lines(p, lang) for p in marks or []]):
        if marks and _fit(ax, [x(p) for p in marks], names, hi - lo):
            ax.set_xticks([x(p) for p in marks], names, minor=True)
            return
    # each year named in the middle of the part of it the axis shows (a quarter of it at least),
    # every year, else every second, fifth or tenth, whichever first stands clear
    def named(ys):
        seen = [(y, max(lo, day(dt.date(y, 1, 1))), min(hi, day(dt.date(y + 1, 1, 1)))) for y in ys]
        return [(y, (a + b) / 2) for y, a, b in seen if b - a >= 91]

    for step in (1, 2, 5, 10):
        mids = named(years if years is not None else [y for y in range(y0, y1 + 1) if y % step == 0])
        if _fit(ax, [m for _, m in mids], [str(y) for y, _ in mids], hi - lo) or years is not None:
            break
        if len(mids) > 1 and mids[0][1] - day(dt.date(mids[0][0], 7, 1)) > 1:  # a part-year first: drop it
            mids = mids[1:]
            if _fit(ax, [m for _, m in mids], [str(y) for y, _ in mids], hi - lo):
                break
    ax.set_xticks([m for _, m in mids], [str(y) for y, _ in mids], minor=True)


def _two_lines(period: str, lang: str) -> str:
    """A month's short name on two lines: 'Dec\n2019' / '2019年\n12月'."""
    name = i18n.period(period, lang, short=True)
    return name.replace(" ", "\n", 1) if lang == "en" else name.replace("年", "年\n", 1)


def _fit(ax, xs: list[float], names: list[str], span: float) -> bool:
    """Whether names at ``xs`` (days) stand clear of each other on the axes' width (9 pt type;
    a CJK character is a full em, a Latin one about half)."""
    width_pt = ax.figure.get_figwidth() * ax.get_position().width * 72
    per_day = width_pt / span
    wide = [max(9 * sum(1.0 if ord(c) > 0x2e80 else 0.55 for c in line) for line in n.split("\n")) for n in names]
    return all((b - a) * per_day >= (wa + wb) / 2 + 6 for a, b, wa, wb in zip(xs, xs[1:], wide, wide[1:]))


def edition(ax, as_of: str, lang: str) -> float:
    """Mark the edition: a dotted line at its date, named at the foot of the axes; the line
    stops short of the top, where gaps are named."""
    at = x(as_of)
    ax.axvline(at, ymax=0.8, color=INK, lw=0.9, ls=(0, (1, 2)), zorder=1, gid="edition")
    ax.text(at, 0.015, " " + i18n.pick(lang, "本报告", "this report"), transform=ax.get_xaxis_transform(),
            ha="left", va="bottom", fontsize=7.5, color=INK)
    return at


def bars(ax, periods_: list[str], values, meanings, labels=None, width_days: float | None = None, **kw):
    """Bars standing on their periods' dates (``width_days`` wide: by default 70 % of the
    closest spacing, at most 150 days), each labelled above (to the left, when the next bar
    stands close)."""
    xs = [x(p) for p in periods_]
    near = min((b - a for a, b in zip(xs, xs[1:])), default=300)
    w = width_days if width_days is not None else min(150.0, 0.7 * near)
    out = ax.bar(xs, values, width=w, **kw)
    paint(out, meanings)
    if labels is not None:
        notes = ax.bar_label(out, labels=labels, padding=3, fontsize=9, color=INK)
        for k in range(len(xs) - 1):
            if xs[k + 1] - xs[k] < 120:  # a close neighbour to the right: this label goes left
                notes[k].set_ha("right")
                notes[k].xyann = (-2, 3)
    ax.grid(axis="x", which="minor", visible=False)
    return out
