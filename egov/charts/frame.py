"""What every chart shares: the figure frame (title, subtitle, source line), bars, number
tiles, the mark of a cut axis, number formats on axes, wrapping, the captions read from the
section's template, and the alt text computed from what the chart draws.

A chart's title and subtitle are sentences, so they live with the section's other words in
``egov/narrative/<section>.<lang>.md.j2`` (blocks ``chart_<id>_title``, ``chart_<id>_subtitle``
and ``chart_<id>_name``); :class:`Captions` renders them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from egov import data, i18n, periods, tables, theme
from egov.credits import source_line
from egov.display import Chart, NoData
from egov.facts import Period
from egov.narrative import Text
from egov.theme import FIG_HEIGHT, FIG_WIDTH, INK, SUBTLE

_TOKENS = re.compile(r"[A-Za-z0-9.,'’%()\-/&:+]+|\s|.")


def wrap(s: str, width: int) -> str:
    """Wrap at ``width`` columns (a CJK character counts two), breaking between words in
    English and anywhere in Chinese, never before closing punctuation."""
    lines, line = [], ""
    for tok in _TOKENS.findall(s):
        if i18n.width(line + tok) > width and line.strip() and tok not in "，。；：、）》”,;:)":
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
        self.lang, self.as_of = lang, as_of
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
          table: tables.Table | None = None, sources=None, alt_rows: pd.DataFrame | None = None,
          **values) -> Chart:
    """The finished chart: title and subtitle from the template (given ``first`` and ``last``,
    the span of the periods plotted, unless the chart says otherwise), source line from the rows,
    alt text from the rows drawn (``alt_rows``: only the key ones, when the chart draws many),
    the reader's table of the rows (unless the chart gives its own) and whether every value
    plotted is written on the chart."""
    if "period" in rows and len(rows):
        span = sorted(map(str, rows["period"]), key=periods.key)
        values = {"first": Period(span[0]), "last": Period(span[-1]), **values}
    title, subtitle = say(f"chart_{chart_id}_title", **values), say(f"chart_{chart_id}_subtitle", **values)
    source = source_line(sources if sources is not None else rows["source_id"], lang)
    _frame(fig, title, subtitle, source)
    plotted = rows[["indicator_id", "breakdown", "period", "value"]].reset_index(drop=True) \
        if "indicator_id" in rows else rows.reset_index(drop=True)
    return Chart(chart_id, fig, title, subtitle, source,
                 tables.observations(rows, lang) if table is None else table, plotted,
                 alt_text(title, rows if alt_rows is None else alt_rows, lang, say.as_of),
                 labelled=written(fig, plotted["value"]))


#: The scale words numbers are written with (i18n.SCALES), and what each multiplies by.
_SCALES = {word.strip(): size for pairs in i18n.SCALES.values() for size, word in pairs}
_SCALE = "|".join(_SCALES)
#: A number as a chart writes it: 14,467 / 0.7948 / +0.0149 / 1.26亿 / 360多万 / 126 million.
_WRITTEN = re.compile(rf"(?<![\d.])([-−+]?)(\d[\d,]*(?:\.\d+)?)多?\s?({_SCALE})?")
#: A tick of a value axis (it writes no value: 8,000 / 0.8万 / 20%) or a bare year.
_TICK = re.compile(rf"\s*[-−+]?[\d,.]*\s?({_SCALE})?%?\s*")


def written(fig: Figure, values) -> bool:
    """Whether every value is written on the chart itself (its labels and category names, not
    the numbers of its axes' ticks, its title or source), to the precision the label shows (1.26亿 writes 126,000,000; 14.08万
    writes 140,837). Where one is not, the report prints the chart's values table.

    >>> fig, ax = figure()
    >>> _ = ax.text(0, 0, "1.26亿"), ax.text(0, 1, "82,216 (unverified reconstruction)")
    >>> written(fig, [126000000, 82216]), written(fig, [126000000, 5891000000])
    (True, False)
    """
    said = []
    for ax in fig.axes:
        names = [t for t in ax.get_xticklabels() + ax.get_yticklabels() if not _TICK.fullmatch(t.get_text())]
        for t in ax.texts + names:  # labels, and category names that carry a value ('China(45)')
            for sign, digits, scale in _WRITTEN.findall(t.get_text()):
                places = len(digits.split(".")[1]) if "." in digits else 0
                size = _SCALES.get(scale, 1)
                n = float(digits.replace(",", "")) * size * (-1 if sign in "-−" and sign else 1)
                said.append((n, 0.5 * 10 ** -places * size))
    return all(any(abs(float(v) - n) <= tol + 1e-9 * abs(float(v)) for n, tol in said)
               for v in values if not pd.isna(v))


#: The UN table's indices, read in the alt text like an observation's indicator.
_UN_COLUMNS = ("egdi", "osi", "hci", "tii", "epart", "rank")


def alt_text(title: str, rows: pd.DataFrame, lang: str, as_of: str) -> str:
    """A short description of the chart for readers who cannot see it: its title, then each
    series drawn with its key numbers (a series of more than four: its first value, the
    edition's and the one before it, and its last), all from the rows drawn.

    >>> rows = pd.DataFrame({"indicator_id": ["gov_websites"] * 2, "breakdown": ["total"] * 2,
    ...                      "period": ["2019-12", "2020-06"], "value": [14474.0, 14467.0],
    ...                      "unit": ["sites"] * 2, "qualifier": [None, None]})
    >>> alt_text("Government websites", rows, "en", "2020-06")
    'Chart: Government websites. Government websites: 14,474 websites in December 2019, 14,467 websites in June 2020.'
    """
    comma = i18n.pick(lang, "，", ", ")
    parts = []
    un = rows["indicator_id"].isin(_UN_COLUMNS)
    if un.all() and rows["period"].nunique() == 1:  # one survey: each country with its indices
        for iso3, r in rows.groupby("breakdown", sort=False):
            said = [f"{_un_name(i, lang)} {_un_value(i, v, lang)}" for i, v in zip(r["indicator_id"], r["value"])]
            parts.append(i18n.country_name(iso3, lang) + i18n.pick(lang, "：", ": ") + comma.join(said))
        parts[0] = i18n.period(str(rows["period"].iloc[0]), lang) + i18n.pick(lang, "，", ": ") + parts[0]
        return _described(title, parts, lang)
    series: dict[tuple, list[dict]] = {}  # plain records: pandas' groups and lookups cost more than the words
    for rec in rows.to_dict("records"):
        series.setdefault((rec["indicator_id"], rec["breakdown"]), []).append({**rec, "period": str(rec["period"])})
    for (ind, brk), recs in series.items():
        ps = sorted((rec["period"] for rec in recs), key=periods.key)
        keep = set(ps) if len(ps) <= 4 else \
            {ps[0], ps[-1]} | {p for p in (periods.select(ps, as_of), periods.select(ps, as_of, "prev")) if p}
        chosen = [rec for p in ps if p in keep for rec in recs if rec["period"] == p]
        if ind in _UN_COLUMNS:
            name = i18n.country_name(brk, lang) + " " + _un_name(ind, lang)
            values = [(_un_value(ind, rec["value"], lang), rec["period"]) for rec in chosen]
        else:
            name = i18n.indicator_name(ind, brk, lang)
            values = [(i18n.quantity(rec["value"], rec["unit"], lang,
                                     rec["qualifier"] if isinstance(rec["qualifier"], str) else None), rec["period"])
                      for rec in chosen]
        said = [i18n.pick(lang, f"{i18n.period(p, lang)}{v}", f"{v} in {i18n.period(p, lang)}") for v, p in values]
        parts.append(name + i18n.pick(lang, "：", ": ") + comma.join(said))
    return _described(title, parts, lang)


def _described(title: str, parts: list[str], lang: str) -> str:
    """'Chart: <title>. <part>. <part>.' in the chart's language."""
    stop = i18n.pick(lang, "。", ". ")
    return i18n.pick(lang, "图：", "Chart: ") + title.replace("\n", " ") + stop + stop.join(parts) + stop.strip()


def _un_name(col: str, lang: str) -> str:
    return i18n.pick(lang, "排名", "rank") if col == "rank" else col.upper()


def _un_value(col: str, v, lang: str) -> str:
    return i18n.rank(int(v), lang) if col == "rank" else f"{float(v):.4f}"


def paint(artists, meanings) -> None:
    """Colour each artist by its meaning (:func:`egov.theme.color`) and tag it with the meaning
    (its ``gid``), so a test can check one colour per meaning across the report."""
    for a, m in zip(artists, meanings):
        a.set_color(theme.color(m))
        a.set_gid(m)


def hbars(ax, names, values, labels, meanings, max_value=None):
    """Horizontal bars from zero, first on top, each labelled at its end (so no value axis, whose
    last tick would run into a panel beside it); a bar too short to see (under 2 % of the
    longest) gets a marker at its end, so its label points at something."""
    y = np.arange(len(values))[::-1]
    values = [float(v) for v in values]
    bars = ax.barh(y, values, height=0.62)
    paint(bars, meanings)
    ax.set_yticks(y, names)
    ax.tick_params(axis="y", pad=7)
    top = max_value if max_value is not None else max(values)
    tiny = [k for k, v in enumerate(values) if top and 0 < v < 0.02 * top]
    for k in tiny:
        ax.plot([values[k]], [y[k]], marker="o", ms=5, color=theme.color(meanings[k]), clip_on=False, zorder=3)
    notes = ax.bar_label(bars, labels=labels, padding=4, fontsize=9.5, color=INK)
    for k in tiny:
        notes[k].xyann = (9, 0)  # past the marker
    ax.set_xlim(0, top * 1.32 if top else 1)
    ax.set_xticks([])
    ax.grid(False)
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return bars


def tile(ax, big: str, small: str, color: str = theme.COLORS["figure"]) -> None:
    """A figure that stands alone, as a number in large type with what it counts beneath."""
    ax.axis("off")
    ax.text(0.5, 0.58, big, ha="center", va="center", fontsize=22, fontweight="bold", color=color,
            transform=ax.transAxes)
    ax.text(0.5, 0.3, small, ha="center", va="top", fontsize=9.5, color=SUBTLE, transform=ax.transAxes,
            linespacing=1.3)


def cut_axis(ax, where: str = "bottom") -> None:
    """Mark a value axis that does not start at zero: two slanted strokes across the spine."""
    y = 0.0 if where == "bottom" else 1.0
    kw = {"transform": ax.transAxes, "color": SUBTLE, "lw": 1.0, "clip_on": False, "zorder": 5}
    for dy in (0.0, 0.03):
        ax.plot([-0.012, 0.012], [y + 0.02 + dy - 0.012, y + 0.02 + dy + 0.012], **kw)
    ax.spines["left"].set_bounds(*ax.get_ylim())


def vbars(ax, names, values, labels, meanings, width=0.6):
    """Vertical bars from zero, one per category, each labelled above."""
    x = np.arange(len(values))
    bars = ax.bar(x, values, width=width)
    paint(bars, meanings)
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
