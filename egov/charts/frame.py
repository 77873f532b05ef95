"""What every chart shares: the figure frame (title, subtitle, source line), bars, number
formats on axes, wrapping, and the captions read from the section's template.

A chart's title and subtitle are sentences, so they live with the section's other words in
``egov/narrative/<section>.<lang>.md.j2`` (blocks ``chart_<id>_title``, ``chart_<id>_subtitle``
and ``chart_<id>_name``); :class:`Captions` renders them.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from egov import data, i18n, periods, theme
from egov.credits import source_line
from egov.display import Chart, NoData
from egov.facts import Period
from egov.narrative import Text
from egov.tables import obs_table
from egov.theme import FIG_HEIGHT, FIG_WIDTH, INK, SUBTLE

_TOKENS = re.compile(r"[A-Za-z0-9.,'’%()\-/&:+]+|\s|.")


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def wrap(s: str, width: int) -> str:
    """Wrap at ``width`` columns (a CJK character counts two), breaking between words in
    English and anywhere in Chinese, never before closing punctuation."""
    lines, line = [], ""
    for tok in _TOKENS.findall(s):
        if _width(line + tok) > width and line.strip() and tok not in "，。；：、）》”,;:)":
            carry = ""
            while line and line[-1] in "（《“(":  # never end a line on an opening bracket
                carry, line = line[-1] + carry, line[:-1]
            lines.append(line.rstrip())
            line = carry + tok.lstrip()
        else:
            line += tok
    lines.append(line.rstrip())
    return "\n".join(lines)



class Captions:
    """The words of a section's charts, from its template: ``say("chart_x_title", year=2020)``."""

    def __init__(self, section: str, lang: str, as_of: str, **values):
        self.lang = lang
        self.text = Text(section, lang, {"as_of": Period(as_of), **values}, target="mpl")

    def __call__(self, block: str, **more) -> str:
        out = self.text.render(block, **more)
        return out.text

    def nodata(self, chart_id: str, **more) -> NoData:
        """In place of the chart: its name, for the section's notice, and a sentence (the
        section template's ``chart_<id>_left_out``, else the common one)."""
        name = self(f"chart_{chart_id}_name", **more)
        own = f"chart_{chart_id}_left_out"
        md = Text(self.text.name, self.lang, self.text.values) if own in self.text else \
            Text("common", self.lang, self.text.values)  # the sentence is Markdown, not a caption
        return NoData(chart_id, md.render(own if own in self.text else "chart_left_out", name=name, **more).text, name)


class Compact(Formatter):
    """Axis ticks in one scale: 0, 4000, 8000 or 0, 0.8万, 1.6万 (zh); 200 million (en)."""

    def __init__(self, lang: str):
        self.lang = lang
        self._ticks: list[float] = []

    def set_locs(self, locs) -> None:
        self._ticks = [float(x) for x in locs]

    def __call__(self, v, pos=None):
        if v == 0:
            return "0"
        top = max((abs(x) for x in self._ticks), default=abs(v))
        for scale, suffix in i18n.SCALES[self.lang]:
            if top >= scale:
                return i18n.trim(v / scale, 2) + suffix
        if not float(v).is_integer():
            return i18n.trim(v, 2)
        return i18n.digits(v, self.lang)



def figure(nrows: int = 1, ncols: int = 1, height: float = FIG_HEIGHT, **kw):
    """A figure and its axes, outside pyplot: no notebook shows it until :func:`egov.display.show`
    is asked to, whichever cell drew it."""
    theme.ensure()
    fig = Figure(figsize=(FIG_WIDTH, height), layout="constrained")
    return fig, fig.subplots(nrows, ncols, **kw)


def _frame(fig: Figure, title: str, subtitle: str, source: str) -> None:
    """Title and subtitle above, the source line below; the axes are laid out in between."""
    w, h = fig.get_size_inches()
    cols = int(w * 72 / 9.2 * 1.65)  # columns of 9.2 pt type that fit the width
    title_lines = wrap(title, int(w * 72 / 13 * 1.65))
    sub = wrap(subtitle, cols)
    src = wrap(source, int(w * 72 / 8 * 1.75))
    pad = 0.08
    t_h = (title_lines.count("\n") + 1) * 13 * 1.3 / 72
    s_h = (sub.count("\n") + 1) * 9.5 * 1.35 / 72 if subtitle else 0
    f_h = (src.count("\n") + 1) * 8 * 1.35 / 72
    y = 1 - pad / h
    fig.text(0.012, y, title_lines, ha="left", va="top", fontsize=13, fontweight="bold", color=INK)
    y -= t_h / h
    if subtitle:
        fig.text(0.012, y - 0.02 / h, sub, ha="left", va="top", fontsize=9.5, color=SUBTLE)
    fig.text(0.012, pad / h, src, ha="left", va="bottom", fontsize=8, color=SUBTLE)
    top = (t_h + s_h + pad + 0.12) / h
    bottom = (f_h + pad + 0.16) / h
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - top - bottom), w_pad=0.06, h_pad=0.06)




def chart(chart_id: str, fig: Figure, lang: str, say: Captions, rows: pd.DataFrame,
          table: pd.DataFrame | None = None, sources=None, **values) -> Chart:
    """The finished chart: title and subtitle from the template, source line from the rows."""
    title, subtitle = say(f"chart_{chart_id}_title", **values), say(f"chart_{chart_id}_subtitle", **values)
    source = source_line(sources if sources is not None else rows["source_id"], lang)
    _frame(fig, title, subtitle, source)
    plotted = rows[["indicator_id", "breakdown", "period", "value"]].reset_index(drop=True) \
        if "indicator_id" in rows else rows.reset_index(drop=True)
    return Chart(chart_id, fig, title, subtitle, source,
                 obs_table(rows, lang) if table is None else table, plotted)


def hbars(ax, names, values, labels, colors, max_value=None):
    """Horizontal bars, first on top, each labelled at its end."""
    y = np.arange(len(values))[::-1]
    bars = ax.barh(y, values, color=colors, height=0.62)
    ax.set_yticks(y, names)
    ax.bar_label(bars, labels=labels, padding=4, fontsize=9.5, color=INK)
    top = max_value if max_value is not None else max(values)
    ax.set_xlim(0, top * 1.32 if top else 1)
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    return bars


def vbars(ax, names, values, labels, colors, width=0.6):
    x = np.arange(len(values))
    bars = ax.bar(x, values, color=colors, width=width)
    ax.set_xticks(x, names)
    ax.bar_label(bars, labels=labels, padding=3, fontsize=9.5, color=INK)
    top = max(values) if len(values) else 1
    ax.set_ylim(0, top * 1.18 if top else 1)
    ax.grid(axis="x", visible=False)
    return bars


def rows_at(obs, indicator, breakdowns, as_of) -> pd.DataFrame:
    """The rows of an indicator at as_of, one per breakdown found, in the given order."""
    out = [at(data.select(obs, indicator, b), as_of) for b in breakdowns]
    out = [r for r in out if not r.empty]
    return pd.concat(out) if out else pd.DataFrame(columns=obs.columns)


def label(row, lang, unit=True) -> str:
    q = row["qualifier"] if isinstance(row["qualifier"], str) else None
    return i18n.quantity(row["value"], row["unit"], lang, q) if unit else i18n.number(row["value"], lang, q)


def names(rows, lang, by="indicator") -> list[str]:
    lab = i18n.labels(lang)
    if by == "indicator":
        return [lab["indicators"][i] for i in rows["indicator_id"]]
    return [lab["breakdowns"][b] for b in rows["breakdown"]]


def unit_words(rows, lang) -> list[str]:
    """The units of the rows, as words (for a subtitle's "unit: …")."""
    return list(dict.fromkeys(i18n.unit_word(u, lang) or i18n.labels(lang)["units"][u] for u in rows["unit"]))


def at(rows: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """The rows counted at the edition (:func:`egov.periods.select`): one period's rows."""
    chosen = periods.select(sorted(set(rows["period"]), key=periods.key), as_of)
    return rows[rows["period"] == chosen]


def upto(rows: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """The rows whose period has begun by the end of the edition."""
    return rows[[periods.by(p, as_of) for p in rows["period"]]]


def breakdown_order() -> list[str]:
    """Breakdown ids in the order of ``breakdowns.csv``."""
    return list(data.table("breakdowns").sort_values("order")["breakdown"])
