"""The report's charts: one seaborn theme, a real CJK font, every label in the chosen language.

Every chart function takes the observations a notebook read (or the UN table), ``lang``
(``"zh"``/``"en"``) and ``as_of``, and returns a :class:`Chart`: the figure, a small table of
exactly the values it shows, its title, subtitle (unit and period) and source line. Where the
data holds nothing for ``as_of`` it returns :class:`NoData`, a plain sentence saying so, rather
than an empty chart. :func:`show` displays either in a notebook: the figure as PNG, then the
table with the metadata the build turns into a CSV download and a source caption.

Values are plotted in their own units (no rescaling), so a bar's length is the number in the
data table; tick labels and value labels are formatted by :mod:`egov.text` (1.26亿 / 126 million).

>>> from egov import data
>>> setup()  # doctest: +ELLIPSIS
'...'
>>> chart = websites_by_level(data.observations(section="websites"), lang="en")
>>> chart.title
'Government websites by administrative level'
>>> chart.source
'Sources: Qianzhan Industry Research Institute (2020); CNNIC 第43次《中国互联网络发展状况统计报告》; CNNIC 第45次《中国互联网络发展状况统计报告》'
"""

from __future__ import annotations

import base64
import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field


class _QuietFontCache(logging.Filter):
    """Drop matplotlib's one-off "building the font cache" notice: in a notebook it lands on
    stderr, which nbval compares, on the first run on a fresh machine only."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Matplotlib is building the font cache")


logging.getLogger("matplotlib.font_manager").addFilter(_QuietFontCache())

import matplotlib  # noqa: E402
import matplotlib.dates  # noqa: E402
import matplotlib.patches  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import Formatter, MaxNLocator  # noqa: E402

from egov import data, markup  # noqa: E402
from egov import text as tx  # noqa: E402

# --------------------------------------------------------------------------- theme

#: CJK fonts looked for, best first: Debian's Noto Sans CJK SC, then the usual macOS/Windows
#: and Adobe names.
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "PingFang SC",
             "Microsoft YaHei", "Noto Sans SC", "Source Han Sans")
#: File-name stems of those fonts, to find one installed after matplotlib built its font cache.
_CJK_FILES = ("notosanscjk", "sourcehansans", "pingfang", "msyh", "notosanssc")

INSTALL_HINT = ("Install one: on Debian/Ubuntu `sudo apt-get install fonts-noto-cjk` "
                "(on macOS PingFang SC and on Windows Microsoft YaHei are built in), "
                "then start Python again.")

#: Colour-blind-safe (seaborn's "colorblind", after Okabe & Ito / Wong).
PALETTE = sns.color_palette("colorblind")
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, BROWN, PINK, GREY, YELLOW, SKY = PALETTE.as_hex()
HIGHLIGHT = VERMILLION
MUTED = "#b8b8b8"
INK = "#222222"
SUBTLE = "#555555"

#: Figure geometry: 8 in wide, drawn at 150 dpi, shown 800 px wide (the report's column).
FIG_WIDTH = 8.0
FIG_HEIGHT = 4.6
DPI = 150
DISPLAY_WIDTH = 800

#: Fixed so two runs write the same bytes (SVG ids; PNG carries no Software/date field).
RC = {
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "svg.hashsalt": "egov",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "axes.unicode_minus": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 9.5,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "grid.color": "#e6e6e6",
    "axes.edgecolor": "#999999",
    "text.color": INK,
    "axes.labelcolor": INK,
    "text.parse_math": False,  # a '$' in a label is a dollar sign, never mathtext
}


class FontError(RuntimeError):
    """No font that can draw Chinese: charts would show boxes instead of characters."""


def find_cjk_font() -> str:
    """The name of an installed CJK font, best of :data:`CJK_FONTS` first.

    Looks in matplotlib's font list, then on the system (a font installed after matplotlib
    built its cache). Raises :class:`FontError` saying how to install one.
    """
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in names:
            return name
    for path in sorted(font_manager.findSystemFonts()):
        stem = path.rsplit("/", 1)[-1].lower().replace("-", "").replace("_", "")
        if any(stem.startswith(s) for s in _CJK_FILES):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in names:
            return name
    raise FontError("No Chinese (CJK) font found, so Chinese text in the charts would be drawn "
                    f"as empty boxes. Looked for: {', '.join(CJK_FONTS)}. {INSTALL_HINT}")


_font: str | None = None


def setup() -> str:
    """Apply the report theme (idempotent); returns the CJK font used.

    In IPython, also makes inline figures PNG only. Raises :class:`FontError` without a CJK font.
    """
    global _font
    font = find_cjk_font()
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font=font,
                  rc={**RC, "font.sans-serif": [font, "DejaVu Sans"],
                      "figure.figsize": (FIG_WIDTH, FIG_HEIGHT)})
    try:
        from IPython import get_ipython

        if get_ipython() is not None:
            from matplotlib_inline.backend_inline import set_matplotlib_formats

            set_matplotlib_formats("png")
    except ImportError:  # pragma: no cover - IPython is a dependency
        pass
    _font = font
    return font


def _ensure_theme() -> None:
    if _font is None:
        setup()


# --------------------------------------------------------------------------- results

@dataclass
class Chart:
    """A finished chart and what it shows.

    ``data`` holds the plotted observations in the data's own terms (indicator_id, breakdown,
    period, value) for tests and audits; ``table`` is the reader's version of it.
    """

    chart_id: str
    fig: Figure
    title: str
    subtitle: str
    source: str
    table: pd.DataFrame
    data: pd.DataFrame = field(repr=False)

    def png(self) -> bytes:
        return to_png(self.fig)


@dataclass
class NoData:
    """In place of a chart: the data holds nothing for the period asked."""

    chart_id: str
    message: str


def to_png(fig: Figure) -> bytes:
    """PNG bytes, the same on every run (no Software or date metadata)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def show(chart: Chart | NoData, notebook: str) -> None:
    """Display a chart as PNG and then its values table (or, for :class:`NoData`, the sentence).

    The table's display metadata ``{"egov": {"csv", "filename", "source"}}`` is what the build
    turns into a CSV download link and a source caption.
    """
    from IPython.display import display

    if isinstance(chart, NoData):
        tx.markdown("*" + markup.md(chart.message) + "*")
        return
    png = base64.b64encode(chart.png()).decode("ascii")
    display({"image/png": png, "text/plain": f"[{chart.title}]"}, raw=True,
            metadata={"image/png": {"width": DISPLAY_WIDTH}})
    plt.close(chart.fig)
    show_table(chart.table, notebook, chart.chart_id, chart.source)


def show_table(table: pd.DataFrame, notebook: str, table_id: str, source: str) -> None:
    """Display a table with the metadata the build turns into a CSV download and a caption."""
    from IPython.display import display

    shown = table.loc[:, [c for c in table.columns if not (table[c].astype(str) == "").all()]]
    display({"text/plain": shown.to_string(index=False),
             "text/html": shown.to_html(index=False, border=0, classes="dataframe", na_rep="")},
            raw=True, metadata={"egov": {"csv": table.to_csv(index=False),
                                         "filename": f"{notebook}_{table_id}.csv", "source": source}})


# --------------------------------------------------------------------------- text helpers

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


def source_name(source_id: str, lang: str) -> str:
    """A short citation from the sources table: the publisher and year for the article,
    otherwise the title up to its first parenthesis or aside."""
    s = _sources().loc[source_id]
    publisher, date = _str(s["publisher"]), _str(s["date"])
    if _str(s["raw_file"]) == "article" and publisher:
        zh, _, en = publisher.partition(" (")
        name = zh if lang == "zh" or not en else en.rstrip(")")
        year = date[:4] if date else ""
        return f"{name}（{year}）" if lang == "zh" else f"{name} ({year})"
    title = str(s["title"])
    for sep in (" (", "》(", " – ", "; ", " via ", " citing ", "/ ", ", p."):
        head, found, _ = title.partition(sep)
        title = head + ("》" if found == "》(" else "")
    return title.strip()


def _str(x) -> str | None:
    return x if isinstance(x, str) and x else None


def _sources() -> pd.DataFrame:
    return data.table("sources").set_index("source_id")


def source_line(source_ids, lang: str) -> str:
    """'数据来源：…' / 'Source: …' for the sources of the plotted rows, in order of appearance."""
    names = list(dict.fromkeys(source_name(s, lang) for s in source_ids))
    if lang == "zh":
        return "数据来源：" + "；".join(names)
    return ("Sources: " if len(names) > 1 else "Source: ") + "; ".join(names)


def obs_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The reader's table of plotted observations: names, period, value, unit, status, source."""
    lab = tx.labels(lang)
    cols = tx.pick(lang, "指标|分组|时期|数值|单位|限定|状态|来源", "indicator|breakdown|period|value|unit|"
              "qualifier|status|source").split("|")
    out = pd.DataFrame({
        cols[0]: [lab["indicators"][i] for i in rows["indicator_id"]],
        cols[1]: [lab["breakdowns"].get(b, b) for b in rows["breakdown"]],
        cols[2]: list(rows["period"]),
        cols[3]: _numbers(rows["value"]),
        cols[4]: [lab["units"][u] for u in rows["unit"]],
        cols[5]: [tx.QUALIFIER[lang].get(q, "") if isinstance(q, str) else "" for q in rows["qualifier"]],
        cols[6]: [tx.STATUS[lang][s] for s in rows["status"]],
        cols[7]: [source_name(s, lang) for s in rows["source_id"]],
    })
    return out.reset_index(drop=True)


def _numbers(values) -> pd.Series:
    """Whole numbers as Int64 (14467, not 14467.0); others as they are."""
    s = pd.Series(list(values), dtype="Float64")
    whole = s.dropna().apply(lambda v: float(v).is_integer())
    if whole.all():
        return s.round().astype("Int64")
    if whole.any():  # mixed: 488000000 beside 66.39, each written as it is
        return pd.Series([None if pd.isna(v) else int(v) if float(v).is_integer() else float(v)
                          for v in s], dtype=object)
    return s


class _Compact(Formatter):
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
        scales = ((1e8, "亿"), (1e4, "万")) if self.lang == "zh" else ((1e9, " billion"), (1e6, " million"))
        for scale, suffix in scales:
            if top >= scale:
                return tx._trim(v / scale, 2) + suffix
        if not float(v).is_integer():
            return tx._trim(v, 2)
        return f"{int(v)}" if self.lang == "zh" else f"{int(v):,}"


def _compact(lang: str) -> Formatter:
    return _Compact(lang)


# --------------------------------------------------------------------------- figure frame

def _figure(nrows: int = 1, ncols: int = 1, height: float = FIG_HEIGHT, **kw):
    _ensure_theme()
    fig, axes = plt.subplots(nrows, ncols, figsize=(FIG_WIDTH, height), layout="constrained", **kw)
    return fig, axes


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


def _chart(chart_id: str, fig: Figure, lang: str, title: str, subtitle: str, rows: pd.DataFrame,
           table: pd.DataFrame | None = None, sources=None) -> Chart:
    source = source_line(sources if sources is not None else rows["source_id"], lang)
    _frame(fig, title, subtitle, source)
    plotted = rows[["indicator_id", "breakdown", "period", "value"]].reset_index(drop=True) \
        if "indicator_id" in rows else rows.reset_index(drop=True)
    return Chart(chart_id, fig, title, subtitle, source,
                 obs_table(rows, lang) if table is None else table, plotted)


def _nodata(chart_id: str, lang: str, as_of: str, what: str) -> NoData:
    when = tx.period_label(as_of, lang)
    return NoData(chart_id, tx.pick(lang, f"数据中没有截至{when}的{what}，本图从略。",
                               f"The data has nothing on {what} as of {when}, so this chart is left out."))


def _hbars(ax, names, values, labels, colors, max_value=None):
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


def _vbars(ax, names, values, labels, colors, width=0.6):
    x = np.arange(len(values))
    bars = ax.bar(x, values, color=colors, width=width)
    ax.set_xticks(x, names)
    ax.bar_label(bars, labels=labels, padding=3, fontsize=9.5, color=INK)
    top = max(values) if len(values) else 1
    ax.set_ylim(0, top * 1.18 if top else 1)
    ax.grid(axis="x", visible=False)
    return bars


def _rows_at(obs, indicator, breakdowns, as_of) -> pd.DataFrame:
    """The rows of an indicator at as_of, one per breakdown found, in the given order."""
    out = [tx.at(data.select(obs, indicator, b), as_of) for b in breakdowns]
    out = [r for r in out if not r.empty]
    return pd.concat(out) if out else pd.DataFrame(columns=obs.columns)


def _label(row, lang, unit=True) -> str:
    q = row["qualifier"] if isinstance(row["qualifier"], str) else None
    return tx.quantity(row["value"], row["unit"], lang, q) if unit else tx.number(row["value"], lang, q)


def _names(rows, lang, by="indicator") -> list[str]:
    lab = tx.labels(lang)
    if by == "indicator":
        return [lab["indicators"][i] for i in rows["indicator_id"]]
    return [lab["breakdowns"][b] for b in rows["breakdown"]]


def _units_text(rows, lang) -> str:
    words = list(dict.fromkeys(tx.unit_word(u, lang) or tx.labels(lang)["units"][u] for u in rows["unit"]))
    return tx.pick(lang, "单位：" + "、".join(words), ("units: " if len(words) > 1 else "unit: ") + ", ".join(words))


def _as_of_text(lang, as_of, start=True) -> str:
    return tx.pick(lang, f"截至{tx.period_label(as_of, lang)}",
              f"{'As' if start else 'as'} of {tx.period_label(as_of, lang)}")


# =========================================================================== the charts
# 1 -------------------------------------------------------------------------- platform

def platform_reach(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """1. National platform reach: real-name registered users, visitors, page views at as_of."""
    ids = ["platform_registered_users", "platform_visitors", "platform_page_views"]
    rows = pd.concat([tx.at(data.select(obs, i), as_of) for i in ids])
    if rows.empty:
        return _nodata("platform_reach", lang, as_of, tx.pick(lang, "国家政务服务平台用户与访问量", "the national platform's users and visits"))
    fig, ax = _figure(height=3.6)
    colors = [BLUE, SKY, ORANGE][: len(rows)]
    names = [n.replace("国家政务服务平台", "").replace(" of the national platform", "")
             .replace(" to the national platform", "") for n in _names(rows, lang)]
    _hbars(ax, names, rows["value"].astype(float), [_label(r, lang) for _, r in rows.iterrows()], colors)
    ax.xaxis.set_major_formatter(_compact(lang))
    ax.xaxis.set_major_locator(MaxNLocator(5))
    title = tx.pick(lang, "国家政务服务平台：实名注册用户、访问人数与浏览量",
               "National government service platform: users, visitors and page views")
    sub = tx.pick(lang, f"累计，{_as_of_text(lang, as_of)}；{_units_text(rows, lang)}",
             f"Cumulative, {_as_of_text(lang, as_of, start=False)}; {_units_text(rows, lang)}")
    return _chart("platform_reach", fig, lang, title, sub, rows)


def online_users(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """Online government service users (CNNIC), every survey up to as_of."""
    rows = tx.on_or_before(data.select(obs, "online_gov_service_users"), as_of)
    if rows.empty:
        return _nodata("online_users", lang, as_of, tx.pick(lang, "在线政务服务用户规模", "online government service users"))
    fig, ax = _figure(height=3.8)
    names = [tx.period_label(p, lang, short=True) for p in rows["period"]]
    colors = [MUTED] * (len(rows) - 1) + [BLUE]
    _vbars(ax, names, rows["value"].astype(float), [_label(r, lang, unit=False) for _, r in rows.iterrows()], colors)
    ax.yaxis.set_major_formatter(_compact(lang))
    ax.set_ylabel(tx.pick(lang, "人", "persons"))
    title = tx.pick(lang, "在线政务服务用户规模", "Online government service users")
    sub = tx.pick(lang, f"{tx.period_label(rows['period'].iloc[0], lang)}至{tx.period_label(rows['period'].iloc[-1], lang)}；单位：人",
             f"{tx.period_label(rows['period'].iloc[0], lang)} to {tx.period_label(rows['period'].iloc[-1], lang)}; unit: persons")
    return _chart("online_users", fig, lang, title, sub, rows)


# 2 -------------------------------------------------------------------------- capability

def survey_year(egdi: pd.DataFrame, as_of: str) -> int | None:
    """The latest UN survey published by as_of's year."""
    years = sorted(int(y) for y in egdi["year"].unique() if int(y) <= int(as_of[:4]))
    return years[-1] if years else None


def previous_survey(egdi: pd.DataFrame, year: int) -> int | None:
    years = sorted(int(y) for y in egdi["year"].unique() if int(y) < year)
    return years[-1] if years else None


def _un_rows(egdi: pd.DataFrame, iso3: str, cols=("egdi", "rank")) -> pd.DataFrame:
    d = egdi[egdi["iso3"] == iso3].sort_values("year")
    return d[["country", "iso3", "year", *cols]].reset_index(drop=True)


def _un_long(d: pd.DataFrame, cols) -> pd.DataFrame:
    """UN rows in the charts' long form (indicator_id, breakdown=iso3, period=year, value)."""
    out = d.melt(id_vars=["iso3", "year"], value_vars=list(cols), var_name="indicator_id")
    out = out.assign(breakdown=out["iso3"].astype(str), period=out["year"].astype(str))
    return out[["indicator_id", "breakdown", "period", "value"]].dropna(subset=["value"])


def _un_table(d: pd.DataFrame, cols, lang) -> pd.DataFrame:
    names = SUBINDEX_NAMES[lang]
    out = pd.DataFrame({tx.pick(lang, "国家", "country"): [tx.country_name(i, lang) for i in d["iso3"]],
                        "ISO3": list(d["iso3"].astype(str)),
                        tx.pick(lang, "年份", "year"): list(d["year"].astype(int))})
    for c in cols:
        out[names[c]] = _numbers(d[c]) if c == "rank" else pd.Series(list(d[c]), dtype="Float64")
    return out


SUBINDEX_NAMES = {
    "zh": {"egdi": "电子政务发展指数(EGDI)", "osi": "在线服务指数(OSI)", "hci": "人力资本指数(HCI)",
           "tii": "电信基础设施指数(TII)", "epart": "电子参与指数(EPART)", "rank": "排名"},
    "en": {"egdi": "EGDI", "osi": "Online services (OSI)", "hci": "Human capital (HCI)",
           "tii": "Telecom infrastructure (TII)", "epart": "E-participation (EPART)", "rank": "rank"},
}
SUBINDEX_SHORT = {"zh": {"egdi": "EGDI", "osi": "在线服务\nOSI", "hci": "人力资本\nHCI", "tii": "电信基础设施\nTII"},
                  "en": {"egdi": "EGDI", "osi": "Online services\nOSI", "hci": "Human capital\nHCI",
                         "tii": "Telecom infra.\nTII"}}


def egdi_china(egdi: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """2. China's EGDI and world rank in every UN survey 2003–2024, the as_of survey and the
    one before it highlighted (2018 → 2020 for the article)."""
    year = survey_year(egdi, as_of)
    if year is None:
        return _nodata("egdi_china", lang, as_of, tx.pick(lang, "联合国电子政务调查", "the UN E-Government Survey"))
    prev = previous_survey(egdi, year)
    d = _un_rows(egdi, "CHN")
    fig, (ax1, ax2) = _figure(2, 1, height=5.4, sharex=True, gridspec_kw={"height_ratios": [1.25, 1]})
    years = d["year"].astype(int).to_numpy()
    hi = np.isin(years, [y for y in (prev, year) if y is not None])
    for ax, col, fmt in ((ax1, "egdi", lambda v: f"{v:.4f}"), (ax2, "rank", lambda v: f"{int(v)}")):
        vals = d[col].astype(float).to_numpy()
        ax.plot(years, vals, color=BLUE, lw=1.8, marker="o", ms=4.5, zorder=2)
        ax.scatter(years[hi], vals[hi], s=60, color=HIGHLIGHT, zorder=3)
        flip = False
        for k, (x, v, h) in enumerate(zip(years, vals, hi)):
            # labels go above the line (below for ranks); close neighbours alternate
            flip = (not flip) if k and x - years[k - 1] < 2 else False
            below = (col == "rank") != flip
            ax.annotate(fmt(v), (x, v), xytext=(0, -9 if below else 7), textcoords="offset points",
                        ha="center", va="top" if below else "bottom", fontsize=8.5 if not h else 9.5,
                        color=HIGHLIGHT if h else SUBTLE, fontweight="bold" if h else "normal")
    ax1.set_ylabel(tx.pick(lang, "指数（0–1）", "index (0–1)"))
    ax1.set_ylim(d["egdi"].min() - 0.07, min(1.0, d["egdi"].max() + 0.08))
    ax2.set_ylabel(tx.pick(lang, "排名（位）", "rank"))
    ax2.invert_yaxis()
    lo, hi_r = d["rank"].min(), d["rank"].max()
    ax2.set_ylim(hi_r + 12, lo - 10)
    ax2.set_xticks(years, [str(y) for y in years], fontsize=9)
    ax1.set_title(tx.pick(lang, "电子政务发展指数(EGDI)", "E-Government Development Index (EGDI)"), loc="left", fontsize=10)
    n = int(egdi[egdi["year"] == year]["iso3"].nunique())
    ax2.set_title(tx.pick(lang, f"全球排名（{n}个会员国，数字越小越靠前）", f"World rank ({n} member states; 1 is best)"),
                  loc="left", fontsize=10)
    if prev is not None:
        for ax in (ax1, ax2):
            ax.axvspan(prev, year, color=HIGHLIGHT, alpha=0.07, lw=0)
    title = tx.pick(lang, f"中国电子政务发展指数与全球排名：{prev}→{year}", f"China's EGDI and world rank: {prev} → {year}") \
        if prev else tx.pick(lang, "中国电子政务发展指数与全球排名", "China's EGDI and world rank")
    sub = tx.pick(lang, f"联合国电子政务调查，{years[0]}–{years[-1]}年各期；突出显示{prev}年与{year}年",
             f"UN E-Government Surveys {years[0]}–{years[-1]}; {prev} and {year} highlighted") if prev else \
        tx.pick(lang, f"联合国电子政务调查，{years[0]}–{years[-1]}年各期", f"UN E-Government Surveys {years[0]}–{years[-1]}")
    rows = _un_long(d, ["egdi", "rank"])
    return _chart("egdi_china", fig, lang, title, sub, rows, table=_un_table(d, ["egdi", "rank"], lang),
                  sources=["un_egov_data"])


def capability_levels(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """3. Provincial online service capability: "very high" regions by survey year, and the
    latest year's regions at each level."""
    ind = "provinces_by_capability_level"
    vh = tx.on_or_before(data.select(obs, ind, "capability=very_high"), as_of)
    if vh.empty:
        return _nodata("capability_levels", lang, as_of, tx.pick(lang, "网上政务服务能力等级", "online service capability levels"))
    levels = [b for b in _breakdown_order() if b.startswith("capability=")]
    latest = vh["period"].iloc[-1]
    dist = pd.concat([data.select(obs, ind, b, period=latest) for b in levels])
    fig, (ax1, ax2) = _figure(1, 2, height=3.9, gridspec_kw={"width_ratios": [1, 1.5]})
    _vbars(ax1, [tx.period_label(p, lang) for p in vh["period"]], vh["value"].astype(float),
           [_label(r, lang, unit=False) for _, r in vh.iterrows()], [MUTED] * (len(vh) - 1) + [BLUE], width=0.5)
    ax1.set_title(tx.pick(lang, "“非常高”等级地区数", "Regions rated 'very high'"), loc="left", fontsize=10)
    ax1.yaxis.set_major_locator(MaxNLocator(integer=True))
    colors = [BLUE, SKY, ORANGE, VERMILLION]
    if len(dist) > 1:
        _vbars(ax2, _names(dist, lang, by="breakdown"), dist["value"].astype(float),
               [_label(r, lang, unit=False) for _, r in dist.iterrows()], colors[: len(dist)], width=0.55)
        ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax2.set_title(tx.pick(lang, f"{tx.period_label(latest, lang)}各等级地区数", f"Regions by level, {latest}"),
                      loc="left", fontsize=10)
        rows = pd.concat([vh, dist]).drop_duplicates(["breakdown", "period"])
    else:
        ax2.axis("off")
        ax2.text(0.5, 0.5, tx.pick(lang, f"数据中没有{tx.period_label(latest, lang)}其他等级的地区数",
                              f"No counts for the other levels in {latest}"), ha="center", va="center", color=SUBTLE)
        rows = vh
    for ax in (ax1, ax2):
        ax.set_ylabel(tx.pick(lang, "地区数（个）", "regions"))
    title = tx.pick(lang, "省级网上政务服务能力：“非常高”地区增多", "Provincial online service capability: more regions rated 'very high'")
    sub = tx.pick(lang, f"省级政府网上政务服务能力调查评估，{vh['period'].iloc[0]}–{latest}年；单位：个地区（省、区、市及新疆生产建设兵团）",
             f"Provincial online service capability surveys, {vh['period'].iloc[0]}–{latest}; unit: provincial-level regions")
    return _chart("capability_levels", fig, lang, title, sub, rows)


def _breakdown_order() -> list[str]:
    b = data.table("breakdowns").sort_values("order")
    return list(b["breakdown"])


# 3 -------------------------------------------------------------------------- sharing

def _tile(ax, big: str, small: str, color=BLUE) -> None:
    ax.axis("off")
    ax.text(0.5, 0.56, big, ha="center", va="center", fontsize=24, fontweight="bold", color=color,
            transform=ax.transAxes)
    ax.text(0.5, 0.32, small, ha="center", va="center", fontsize=10, color=SUBTLE, transform=ax.transAxes)


def ecert(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """4. E-certificates: types catalogued vs aggregated (with the share), catalogue entries."""
    types = _rows_at(obs, "ecert_types", ["stage=catalogued", "stage=aggregated"], as_of)
    share = tx.at(data.select(obs, "ecert_aggregated_share"), as_of)
    entries = tx.at(data.select(obs, "ecert_catalogue_entries"), as_of)
    if types.empty and entries.empty:
        return _nodata("ecert", lang, as_of, tx.pick(lang, "电子证照", "e-certificates"))
    fig, (ax1, ax2) = _figure(1, 2, height=3.3, gridspec_kw={"width_ratios": [1.7, 1]})
    labels = [_label(r, lang) for _, r in types.iterrows()]
    if not share.empty and len(labels) == 2:
        labels[1] += tx.pick(lang, f"（占{tx.number(share['value'].iloc[0], lang)}%）",
                        f" ({tx.number(share['value'].iloc[0], lang)}%)")
    if not types.empty:
        _hbars(ax1, _names(types, lang, by="breakdown"), types["value"].astype(float), labels, [MUTED, BLUE][-len(types):])
        ax1.set_title(tx.labels(lang)["indicators"]["ecert_types"], loc="left", fontsize=10)
        ax1.xaxis.set_major_locator(MaxNLocator(5, integer=True))
    else:
        ax1.axis("off")
    if not entries.empty:
        r = entries.iloc[0]
        _tile(ax2, _label(r, lang) if lang == "zh" else _label(r, lang, unit=False),
              tx.labels(lang)["indicators"]["ecert_catalogue_entries"])
    else:
        ax2.axis("off")
    rows = pd.concat([types, share, entries])
    title = tx.pick(lang, "电子证照：证照类型汇聚与目录规模", "E-certificates: types aggregated and catalogue size")
    sub = tx.pick(lang, f"国家一体化电子证照共享服务系统，{_as_of_text(lang, as_of)}；单位：种、条",
             f"National e-certificate sharing system, {_as_of_text(lang, as_of, start=False)}; units: types, entries")
    return _chart("ecert", fig, lang, title, sub, rows)


def identity(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """5. Identity: verifications, enterprise verifications, single sign-on share."""
    ver = pd.concat([tx.at(data.select(obs, i), as_of) for i in ("identity_verifications", "identity_enterprise_verifications")])
    sso = tx.at(data.select(obs, "sso_share"), as_of)
    if ver.empty and sso.empty:
        return _nodata("identity", lang, as_of, tx.pick(lang, "身份认证", "identity authentication"))
    fig, (ax1, ax2) = _figure(1, 2, height=3.3, gridspec_kw={"width_ratios": [1.6, 1]})
    if not ver.empty:
        _hbars(ax1, [wrap(n, 16) for n in _names(ver, lang)], ver["value"].astype(float),
               [_label(r, lang, unit=lang == "zh") for _, r in ver.iterrows()], [BLUE, SKY][: len(ver)])
        ax1.xaxis.set_major_formatter(_compact(lang))
        ax1.xaxis.set_major_locator(MaxNLocator(4))
        ax1.set_title(tx.pick(lang, "国家平台累计核验次数", "Cumulative verifications by the national platform"), loc="left", fontsize=10)
    else:
        ax1.axis("off")
    if not sso.empty:
        v = float(sso["value"].iloc[0])
        ax2.barh([0], [100], color="#eeeeee", height=0.5)
        ax2.barh([0], [v], color=GREEN, height=0.5)
        ax2.text(v / 2, 0, tx.quantity(v, "percent", lang), ha="center", va="center", color="white",
                 fontsize=13, fontweight="bold")
        ax2.set_xlim(0, 100)
        ax2.set_ylim(-0.8, 0.8)
        ax2.set_yticks([])
        ax2.set_xticks([0, 50, 100], ["0", "50%", "100%"])
        ax2.grid(False)
        ax2.set_title(wrap(tx.labels(lang)["indicators"]["sso_share"], 24 if lang == "zh" else 30), loc="left", fontsize=10)
    else:
        ax2.axis("off")
    rows = pd.concat([ver, sso])
    title = tx.pick(lang, "身份认证：核验服务与单点登录", "Identity: verification services and single sign-on")
    sub = tx.pick(lang, f"{_as_of_text(lang, as_of)}；单位：次、%", f"{_as_of_text(lang, as_of)}; units: times, %")
    return _chart("identity", fig, lang, title, sub, rows)


# 4 -------------------------------------------------------------------------- websites

#: One colour per category wherever it appears.
COLORS = {
    "level=govcn": PURPLE, "level=state_council": VERMILLION, "level=central": VERMILLION,
    "level=provincial": ORANGE, "level=municipal_and_below": BLUE, "level=provincial_and_below": GREEN,
    "type=info_disclosure": BLUE, "type=online_services": ORANGE, "type=news": GREEN, "type=other": GREY,
}

_LEVEL_PARTITIONS = (
    ("level=govcn", "level=state_council", "level=provincial", "level=municipal_and_below"),
    ("level=central", "level=provincial", "level=municipal_and_below"),
    ("level=central", "level=provincial_and_below"),
)


def websites_by_level(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """6. Government websites by administrative level at as_of (the finest breakdown that adds
    up to the total), and the counts at each earlier CNNIC date as a trend (central +
    provincial and below, stacked)."""
    ind = "gov_websites"
    parts = pd.DataFrame()
    for p in _LEVEL_PARTITIONS:
        cand = _rows_at(obs, ind, p, as_of)
        if len(cand) == len(p):
            parts = cand
            break
    trend = []
    for per in tx.on_or_before(data.select(obs, ind), as_of)["period"]:
        r = [data.select(obs, ind, b, period=per) for b in ("level=central", "level=provincial_and_below", "total")]
        if all(not x.empty for x in r):
            trend.append(pd.concat(r))
    if parts.empty and not trend:
        return _nodata("websites_by_level", lang, as_of, tx.pick(lang, "各行政级别政府网站数量", "government websites by level"))
    fig, (ax1, ax2) = _figure(1, 2, height=4.2, gridspec_kw={"width_ratios": [1.35, 1]})
    rows = []
    if not parts.empty:
        names = [wrap(n, 14 if lang == "zh" else 26) for n in _names(parts, lang, by="breakdown")]
        _hbars(ax1, names, parts["value"].astype(float), [_label(r, lang, unit=False) for _, r in parts.iterrows()],
               [COLORS[b] for b in parts["breakdown"]])
        ax1.set_title(tx.pick(lang, f"{tx.period_label(as_of, lang)}，按行政级别", f"{tx.period_label(as_of, lang, True)}, by level"),
                      loc="left", fontsize=10)
        ax1.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        ax1.xaxis.set_major_formatter(_compact(lang))
        rows.append(parts)
    else:
        ax1.axis("off")
        ax1.text(0.5, 0.5, tx.pick(lang, f"数据中没有{tx.period_label(as_of, lang)}的分级数据", f"No breakdown by level for {as_of}"),
                 ha="center", va="center", color=SUBTLE, transform=ax1.transAxes)
    if trend:
        x = np.arange(len(trend))
        central = np.array([float(t["value"].iloc[0]) for t in trend])
        below = np.array([float(t["value"].iloc[1]) for t in trend])
        total = np.array([float(t["value"].iloc[2]) for t in trend])
        lab = tx.labels(lang)["breakdowns"]
        ax2.bar(x, below, color=COLORS["level=provincial_and_below"], width=0.55,
                label=markup.mpl(lab["level=provincial_and_below"]))
        ax2.bar(x, central, bottom=below, color=COLORS["level=central"], width=0.55,
                label=markup.mpl(re.split(r"\s*[（(]", lab["level=central"])[0]))
        for xi, t in zip(x, total):
            ax2.text(xi, t, tx.number(t, lang), ha="center", va="bottom", fontsize=9.5, fontweight="bold")
        ax2.set_xticks(x, [tx.period_label(t["period"].iloc[0], lang, short=True) for t in trend])
        ax2.set_ylim(0, total.max() * 1.38)
        ax2.yaxis.set_major_formatter(_compact(lang))
        ax2.yaxis.set_major_locator(MaxNLocator(4, integer=True))
        ax2.grid(axis="x", visible=False)
        handles, names = ax2.get_legend_handles_labels()
        ax2.legend(handles[::-1], names[::-1], loc="upper center", fontsize=8, ncols=2, borderaxespad=0.2,
                   handlelength=1.2, columnspacing=1)
        ax2.set_title(tx.pick(lang, "总数变化", "Total over time"), loc="left", fontsize=10)
        rows.extend(trend)
    rows = pd.concat(rows).drop_duplicates(["breakdown", "period"])
    title = tx.pick(lang, "各行政级别政府网站数量", "Government websites by administrative level")
    sub = tx.pick(lang, f"{_as_of_text(lang, as_of)}，及此前CNNIC各期；单位：个", f"{_as_of_text(lang, as_of)}, with earlier CNNIC counts; unit: websites")
    return _chart("websites_by_level", fig, lang, title, sub, rows)


def website_columns(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """7. Website columns: by level (all levels, municipal, county) at each CNNIC date up to
    as_of, and by type (information disclosure, online services, news, other) at as_of."""
    lev_b = ["total", "level=municipal", "level=county"]
    lev = tx.on_or_before(pd.concat([data.select(obs, "gov_website_columns", b) for b in lev_b]), as_of)
    types = [b for b in _breakdown_order() if b.startswith("type=")]
    share = _rows_at(obs, "gov_website_columns_share", types, as_of)
    if lev.empty and share.empty:
        return _nodata("website_columns", lang, as_of, tx.pick(lang, "政府网站栏目", "government website columns"))
    fig, (ax1, ax2) = _figure(1, 2, height=4.0, gridspec_kw={"width_ratios": [1.2, 1]})
    rows = []
    if not lev.empty:
        periods = sorted(lev["period"].unique())
        present = [b for b in lev_b if b in set(lev["breakdown"])]
        w = 0.8 / len(periods)
        colors = [MUTED, BLUE, SKY]
        for k, per in enumerate(periods):
            for j, b in enumerate(present):
                r = lev[(lev["period"] == per) & (lev["breakdown"] == b)]
                xpos = j - 0.4 + w * (k + 0.5)
                if r.empty:
                    ax1.text(xpos, 0, tx.pick(lang, "无数据", "n/a"), ha="center", va="bottom", fontsize=7.5, color=SUBTLE)
                    continue
                v = float(r["value"].iloc[0])
                ax1.bar(xpos, v, width=w * 0.86, color=colors[k % len(colors)] if len(periods) > 1 else BLUE,
                        label=tx.period_label(per, lang, short=True) if j == 0 or b == present[0] else None)
                ax1.text(xpos, v, tx.number(v, lang, short=True), ha="center", va="bottom", fontsize=8)
        lab = tx.labels(lang)["breakdowns"]
        ax1.set_xticks(range(len(present)), [tx.pick(lang, "各级合计", "All levels") if b == "total" else lab[b] for b in present])
        ax1.yaxis.set_major_formatter(_compact(lang))
        ax1.set_ylim(0, float(lev["value"].max()) * 1.22)
        ax1.grid(axis="x", visible=False)
        handles, labels_ = ax1.get_legend_handles_labels()
        uniq = dict(zip(labels_, handles))
        ax1.legend(uniq.values(), uniq.keys(), loc="upper right")
        ax1.set_title(tx.pick(lang, "按行政级别（栏目数，个）", "By level (columns)"), loc="left", fontsize=10)
        rows.append(lev)
    else:
        ax1.axis("off")
    if not share.empty:
        counts = {b: tx.at(data.select(obs, "gov_website_columns", b), as_of) for b in share["breakdown"]}
        labels = []
        for _, r in share.iterrows():
            c = counts[r["breakdown"]]
            s = tx.quantity(r["value"], "percent", lang)
            if not c.empty:
                s += f"（{_label(c.iloc[0], lang, unit=False)}）" if lang == "zh" else f" ({_label(c.iloc[0], lang, unit=False)})"
                rows.append(c)
            labels.append(s)
        _hbars(ax2, _names(share, lang, by="breakdown"), share["value"].astype(float), labels,
               [COLORS[b] for b in share["breakdown"]], max_value=float(share["value"].max()) * 1.4)
        ax2.set_xticks([0, 25, 50, 75, 100])
        ax2.set_xlabel("%")
        ax2.set_title(tx.pick(lang, f"按类别（{tx.period_label(as_of, lang)}，占比）", f"By type ({tx.period_label(as_of, lang, True)}, share)"),
                      loc="left", fontsize=10)
        rows.append(share)
    else:
        ax2.axis("off")
    rows = pd.concat(rows).drop_duplicates(["indicator_id", "breakdown", "period"])
    title = tx.pick(lang, "政府网站栏目：按行政级别与类别", "Government website columns by level and by type")
    sub = tx.pick(lang, f"{_as_of_text(lang, as_of)}，及此前CNNIC各期；单位：个、%", f"{_as_of_text(lang, as_of)}, with earlier CNNIC counts; units: columns, %")
    return _chart("website_columns", fig, lang, title, sub, rows)


def homepage_updates(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """8. Growth of homepage article updates at as_of: all levels vs county level."""
    rows = _rows_at(obs, "homepage_updates_growth", ["level=all", "level=county"], as_of)
    if rows.empty:
        return _nodata("homepage_updates", lang, as_of, tx.pick(lang, "首页文章更新量增长", "homepage article update growth"))
    fig, ax = _figure(height=3.2)
    _hbars(ax, _names(rows, lang, by="breakdown"), rows["value"].astype(float),
           [("+" if v > 0 else "") + tx.quantity(v, "growth_percent", lang) for v in rows["value"]],
           [BLUE, ORANGE][: len(rows)])
    ax.set_xlabel(tx.pick(lang, "较上年底增长（%）", "growth over the previous year-end (%)"))
    title = tx.pick(lang, "政府网站首页文章更新量增长：县级高于整体", "Homepage article updates: county websites grow faster than all levels") \
        if len(rows) == 2 and rows["value"].iloc[1] > rows["value"].iloc[0] else \
        tx.pick(lang, "政府网站首页文章更新量增长", "Growth of homepage article updates on government websites")
    sub = tx.pick(lang, f"{_as_of_text(lang, as_of)}，较上年底；单位：%", f"{_as_of_text(lang, as_of)}, over the previous year-end; unit: %")
    return _chart("homepage_updates", fig, lang, title, sub, rows)


# 5 -------------------------------------------------------------------------- new media

def _gaps(obs, indicator, breakdown) -> list[tuple[pd.Timestamp, pd.Timestamp, str]]:
    g = obs[(obs["indicator_id"] == indicator) & (obs["breakdown"] == breakdown) & (obs["status"] == "gap")]
    return [(tx.period_start(p), tx.period_end(p), p) for p in g["period"]]


def _series_panel(ax, obs, indicator, breakdowns, lang, as_of, colors, styles):
    rows = []
    spans = set()
    for b, c, ls in zip(breakdowns, colors, styles):
        r = data.select(obs, indicator, b)
        if r.empty:
            continue
        x = list(r["date"])
        y = r["value"].astype(float).to_numpy()
        name = tx.labels(lang)["breakdowns"][b] if b != "total" else tx.labels(lang)["indicators"][indicator]
        ax.plot(x, y, color=c, ls=ls, marker="o", ms=4.5, lw=1.6, label=markup.mpl(name))
        above = [True] * len(y)
        for k in range(len(y)):
            lower_than_neighbours = all(y[k] < y[j] for j in (k - 1, k + 1) if 0 <= j < len(y))
            close = k > 0 and (x[k] - x[k - 1]).days < 300
            above[k] = not lower_than_neighbours if len(y) > 1 else True
            if close and above[k - 1] == above[k]:
                above[k] = not above[k]
        for xi, yi, up, (_, row) in zip(x, y, above, r.iterrows()):
            q = row["qualifier"] if isinstance(row["qualifier"], str) else None
            ax.annotate(tx.number(row["value"], lang, q, short=True), (xi, yi), xytext=(0, 6 if up else -7),
                        textcoords="offset points", ha="center", va="bottom" if up else "top", fontsize=8, color=c)
        for s, e, p in _gaps(obs, indicator, b):
            spans.add((s, e))
        rows.append(r)
    for s, e in sorted(spans):
        ax.axvspan(s, e, color="#f1f1f1", lw=0, zorder=0)
        ax.text(s + (e - s) / 2, 0.97, tx.pick(lang, "无数据", "no data"), transform=ax.get_xaxis_transform(),
                ha="center", va="top", fontsize=8, color=SUBTLE)
    end = tx.period_end(as_of)
    ax.axvline(end, color=HIGHLIGHT, lw=1, ls=":")
    ax.text(end, 0.02, " " + tx.period_label(as_of, lang, short=True), transform=ax.get_xaxis_transform(),
            ha="left", va="bottom", fontsize=8, color=HIGHLIGHT)
    ax.yaxis.set_major_formatter(_compact(lang))
    ax.xaxis.set_major_locator(matplotlib.dates.YearLocator())
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%Y"))
    return pd.concat(rows) if rows else pd.DataFrame(columns=obs.columns)


def weibo_toutiao(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """9. Government Weibo and Toutiao accounts at every date the data holds (as far as it
    reaches, also past as_of, which is marked); known gaps are shaded."""
    w_b = ["scope=total_incl_officials", "scope=institutions"]
    if all(data.select(obs, i, None).empty for i in ("gov_weibo_accounts", "gov_toutiao_accounts")):
        return _nodata("weibo_toutiao", lang, as_of, tx.pick(lang, "政务微博与头条号", "government Weibo and Toutiao accounts"))
    fig, (ax1, ax2) = _figure(1, 2, height=4.3, gridspec_kw={"width_ratios": [1.5, 1]})
    r1 = _series_panel(ax1, obs, "gov_weibo_accounts", w_b, lang, as_of, [GREY, BLUE], ["--", "-"])
    ax1.set_title(tx.labels(lang)["indicators"]["gov_weibo_accounts"], loc="left", fontsize=10)
    lo = float(r1["value"].min()) if not r1.empty else 0
    hi = float(r1["value"].max()) if not r1.empty else 1
    ax1.set_ylim(lo * 0.82, hi * 1.12)
    ax1.legend(loc="lower right", fontsize=8, bbox_to_anchor=(1, 0.06))
    r2 = _series_panel(ax2, obs, "gov_toutiao_accounts", ["total"], lang, as_of, [ORANGE], ["-"])
    ax2.set_title(tx.labels(lang)["indicators"]["gov_toutiao_accounts"], loc="left", fontsize=10)
    if not r2.empty:
        lo2, hi2 = float(r2["value"].min()), float(r2["value"].max())
        ax2.set_ylim(lo2 * 0.96, hi2 * 1.025)
        starts = [s for s, _, _ in _gaps(obs, "gov_toutiao_accounts", "total")] + [r2["date"].min()]
        ax2.set_xlim(min(starts) - pd.Timedelta(days=90), r2["date"].max() + pd.Timedelta(days=150))
    rows = pd.concat([r1, r2])
    first, last = rows["period"].min(), rows["period"].max()
    title = tx.pick(lang, "政务微博与政务头条号数量", "Government Weibo and Toutiao accounts")
    sub = tx.pick(lang, f"{tx.period_label(first, lang)}至{tx.period_label(last, lang)}，红色点线为本报告时点，灰色区间为数据缺失；单位：个",
             f"{tx.period_label(first, lang)} to {tx.period_label(last, lang)}; red dotted line: the period reported on; "
             "grey bands: no data; unit: accounts")
    return _chart("weibo_toutiao", fig, lang, title, sub, rows.sort_values(["indicator_id", "breakdown", "date"], ascending=[False, True, True]))


def douyin(obs: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """10. Government Douyin accounts up to as_of, and the leading province against the total."""
    tot = tx.on_or_before(data.select(obs, "gov_douyin_accounts"), as_of)
    top = tx.at(data.select(obs, "gov_douyin_top_province", None), as_of)
    if tot.empty:
        return _nodata("douyin", lang, as_of, tx.pick(lang, "政务抖音号", "government Douyin accounts"))
    fig, (ax1, ax2) = _figure(1, 2, height=3.8, gridspec_kw={"width_ratios": [1.25, 1]})
    gaps = [p for s_, e_, p in _gaps(obs, "gov_douyin_accounts", "total") if s_ <= tx.period_end(as_of) and ".." not in p]
    periods = sorted(list(tot["period"]) + gaps, key=tx.period_start)
    values = [float(tot.loc[tot["period"] == p, "value"].iloc[0]) if p not in gaps else 0.0 for p in periods]
    labels = [_label(tot[tot["period"] == p].iloc[0], lang, unit=False) if p not in gaps else tx.pick(lang, "无数据", "no data")
              for p in periods]
    colors = [BLUE if p == tot["period"].iloc[-1] else MUTED for p in periods]
    _vbars(ax1, [tx.period_label(p, lang, short=True) for p in periods], values, labels, colors, width=0.55)
    ax1.yaxis.set_major_formatter(_compact(lang))
    ax1.set_title(tx.pick(lang, "全国政务抖音号（个）", "Accounts nationwide"), loc="left", fontsize=10)
    rows = [tot]
    current = tx.at(tot, as_of)
    if not top.empty and not current.empty:
        t, c = top.iloc[0], current.iloc[0]
        prov = tx.labels(lang)["breakdowns"][t["breakdown"]]
        _hbars(ax2, [tx.pick(lang, "全国", "Nationwide"), prov], [float(c["value"]), float(t["value"])],
               [tx.number(c["value"], lang), f"{tx.number(t['value'], lang)}（{100 * t['value'] / c['value']:.1f}%）"
                if lang == "zh" else f"{tx.number(t['value'], lang)} ({100 * t['value'] / c['value']:.1f}%)"],
               [BLUE, ORANGE])
        ax2.xaxis.set_major_formatter(_compact(lang))
        ax2.xaxis.set_major_locator(MaxNLocator(3))
        ax2.set_title(tx.pick(lang, f"数量最多的省份：{prov}", f"Leading province: {prov}"), loc="left", fontsize=10)
        rows.append(top)
    else:
        ax2.axis("off")
    rows = pd.concat(rows)
    title = tx.pick(lang, "政务抖音号数量及最多的省份", "Government Douyin accounts and the leading province")
    sub = tx.pick(lang, f"{_as_of_text(lang, as_of)}；灰色为此前的参考数据；单位：个",
             f"{_as_of_text(lang, as_of)}; earlier reference figures in grey; unit: accounts")
    return _chart("douyin", fig, lang, title, sub, rows)


# 6 -------------------------------------------------------------------------- international

#: Peers compared with China beside each survey's top five (computed from the data).
DEFAULT_PEERS = ["USA", "JPN", "KOR", "RUS", "IND", "BRA"]
SUBINDICES = ["egdi", "osi", "hci", "tii"]


def top_countries(egdi: pd.DataFrame, year: int, n: int = 5) -> list[str]:
    """ISO3 codes of the survey's top ``n`` by rank (ties broken by EGDI, then code)."""
    d = egdi[(egdi["year"] == year) & egdi["rank"].notna()]
    d = d.sort_values(["rank", "egdi", "iso3"], ascending=[True, False, True])
    return [str(i) for i in d["iso3"].head(n)]


def comparison_set(egdi: pd.DataFrame, peers: list[str], year: int) -> list[str]:
    """China, the survey's top five and the peers, without repeats, by EGDI (best first)."""
    codes = list(dict.fromkeys(["CHN", *top_countries(egdi, year), *peers]))
    d = egdi[(egdi["year"] == year) & egdi["iso3"].isin(codes)]
    return [str(i) for i in d.sort_values(["egdi", "iso3"], ascending=[False, True])["iso3"]]


def peers_egdi(egdi: pd.DataFrame, peers: list[str] = DEFAULT_PEERS, lang: str = "zh",
               as_of: str = "2020-06") -> Chart | NoData:
    """China against the survey's top five and the peers on EGDI and its three sub-indices."""
    year = survey_year(egdi, as_of)
    if year is None:
        return _nodata("peers_egdi", lang, as_of, tx.pick(lang, "联合国电子政务调查", "the UN E-Government Survey"))
    codes = comparison_set(egdi, peers, year)
    d = egdi[(egdi["year"] == year)].set_index("iso3").loc[codes].reset_index()
    mat = d[SUBINDICES].astype(float).to_numpy()
    names = [f"{tx.country_name(i, lang)}（{int(r)}）" if lang == "zh" else f"{tx.country_name(i, lang)} ({int(r)})"
             for i, r in zip(d["iso3"], d["rank"])]
    fig, ax = _figure(height=1.6 + 0.33 * len(codes))
    sns.heatmap(mat, ax=ax, annot=True, fmt=".4f", cmap="crest", vmin=max(0.0, np.nanmin(mat) - 0.05), vmax=1,
                cbar=False, linewidths=1.2, linecolor="white", annot_kws={"fontsize": 9},
                xticklabels=[SUBINDEX_SHORT[lang][c] for c in SUBINDICES], yticklabels=names)
    ax.tick_params(axis="both", length=0)
    ax.xaxis.tick_top()
    ax.set_xticklabels(ax.get_xticklabels(), rotation=0)
    ci = codes.index("CHN")
    ax.add_patch(matplotlib.patches.Rectangle((0, ci), len(SUBINDICES), 1, fill=False, edgecolor=HIGHLIGHT, lw=2.2))
    for lab in ax.get_yticklabels():
        if lab.get_text().startswith(tx.country_name("CHN", lang)):
            lab.set_color(HIGHLIGHT)
            lab.set_fontweight("bold")
    title = tx.pick(lang, f"中国与对比国家：电子政务发展指数及分指数（{year}年）",
               f"China and its peers: EGDI and sub-indices, {year}")
    sub = tx.pick(lang, f"联合国{year}年电子政务调查；当年前五名加所选国家，括号内为排名；指数0–1，越高越好",
             f"UN E-Government Survey {year}; that year's top five and the chosen peers, rank in brackets; indices 0–1, higher is better")
    return _chart("peers_egdi", fig, lang, title, sub, _un_long(d, SUBINDICES + ["rank"]),
                  table=_un_table(d, SUBINDICES + ["rank"], lang), sources=["un_egov_data"])


def china_rank(egdi: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06") -> Chart | NoData:
    """China's EGDI world rank in every survey, as_of's survey and the one before highlighted."""
    year = survey_year(egdi, as_of)
    d = _un_rows(egdi, "CHN", ("rank",))
    if year is None or d.empty:
        return _nodata("china_rank", lang, as_of, tx.pick(lang, "中国的全球排名", "China's world rank"))
    prev = previous_survey(egdi, year)
    fig, ax = _figure(height=3.8)
    years = d["year"].astype(int).to_numpy()
    ranks = d["rank"].astype(float).to_numpy()
    ax.plot(years, ranks, color=BLUE, lw=1.8, marker="o", ms=5)
    for x, r in zip(years, ranks):
        h = x in (prev, year)
        ax.annotate(f"{int(r)}", (x, r), xytext=(0, 7), textcoords="offset points", ha="center", va="bottom",
                    fontsize=9.5 if h else 8.5, color=HIGHLIGHT if h else SUBTLE, fontweight="bold" if h else "normal")
        if h:
            ax.scatter([x], [r], s=60, color=HIGHLIGHT, zorder=3)
    if prev is not None:
        ax.axvspan(prev, year, color=HIGHLIGHT, alpha=0.07, lw=0)
    ax.invert_yaxis()
    ax.set_ylim(ranks.max() + 10, max(0.5, ranks.min() - 14))
    ax.set_xticks(years, [str(y) for y in years], fontsize=9)
    n = int(egdi[egdi["year"] == year]["iso3"].nunique())
    ax.set_ylabel(tx.pick(lang, f"排名（共{n}国，越小越好）", f"rank (of {n}; 1 is best)"))
    title = tx.pick(lang, f"中国电子政务发展指数全球排名，{years[0]}–{years[-1]}年",
               f"China's EGDI world rank, {years[0]}–{years[-1]}")
    sub = tx.pick(lang, f"联合国电子政务调查各期；突出显示{prev}年与{year}年", f"UN E-Government Surveys; {prev} and {year} highlighted")
    return _chart("china_rank", fig, lang, title, sub, _un_long(d, ["rank"]), table=_un_table(d, ["rank"], lang),
                  sources=["un_egov_data"])


def egdi_gain(egdi: pd.DataFrame, lang: str = "zh", as_of: str = "2020-06", iso3: str = "CHN") -> Chart | NoData:
    """Which sub-index drove the EGDI change from the previous survey to as_of's.

    From 2014 the EGDI is the mean of OSI, HCI and TII, so each sub-index contributes a third
    of its own change. Before 2014 the index was built differently and the split is not shown.
    """
    year = survey_year(egdi, as_of)
    prev = previous_survey(egdi, year) if year else None
    if year is None or prev is None or prev < 2014:
        when = tx.period_label(as_of, lang)
        return NoData("egdi_gain", tx.pick(lang, f"截至{when}，没有两期都按“EGDI = 三项分指数平均值”编制（2014年起）的联合国调查，无法分解指数变化，本图从略。",
                                      f"As of {when} there are no two UN surveys both built as EGDI = mean of the three sub-indices "
                                      "(from 2014), so the change cannot be split; this chart is left out."))
    d = egdi[(egdi["iso3"] == iso3) & egdi["year"].isin([prev, year])].set_index("year")
    a, b = d.loc[prev], d.loc[year]
    subs = ["osi", "hci", "tii"]
    contrib = [(float(b[s]) - float(a[s])) / 3 for s in subs]
    gain = float(b["egdi"]) - float(a["egdi"])
    fig, ax = _figure(height=4.0)
    names = [str(prev)] + [f"{SUBINDEX_SHORT[lang][s]}\n{tx.number(float(a[s]), lang)}→{tx.number(float(b[s]), lang)}"
                           for s in subs] + [str(year)]
    x = np.arange(len(names))
    start = float(a["egdi"])
    ax.bar(x[0], start, color=MUTED, width=0.6)
    ax.text(x[0], start, f"{start:.4f}", ha="center", va="bottom", fontsize=9.5)
    level = start
    colors = [BLUE, GREEN, ORANGE]
    for i, (c, col) in enumerate(zip(contrib, colors), start=1):
        ax.bar(x[i], c, bottom=level if c >= 0 else level + c, color=col, width=0.6)
        share = 100 * c / gain if gain else 0
        ax.text(x[i], max(level, level + c), f"{c:+.4f}\n({share:.0f}%)", ha="center", va="bottom", fontsize=9)
        ax.plot([x[i - 1] + 0.3, x[i] - 0.3], [level, level], color=SUBTLE, lw=0.8)
        level += c
    ax.plot([x[3] + 0.3, x[4] - 0.3], [level, level], color=SUBTLE, lw=0.8)
    end = float(b["egdi"])
    ax.bar(x[4], end, color=BLUE if iso3 != "CHN" else HIGHLIGHT, width=0.6)
    ax.text(x[4], end, f"{end:.4f}", ha="center", va="bottom", fontsize=9.5, fontweight="bold")
    ax.set_xticks(x, names)
    low = min(start, end) - 0.12
    ax.set_ylim(max(0, low), max(start, level, end) + 0.06)
    ax.set_ylabel(tx.pick(lang, "EGDI（0–1）", "EGDI (0–1)"))
    ax.grid(axis="x", visible=False)
    drivers = sorted(zip(contrib, subs), reverse=True)
    top = SUBINDEX_NAMES[lang][drivers[0][1]]
    top = top if lang == "zh" else top[0].lower() + top[1:]
    country = tx.country_name(iso3, lang)
    title = tx.pick(lang, f"{country}EGDI {prev}→{year}年的提升主要来自{top}",
               f"{country}'s EGDI gain {prev} → {year} came mostly from {top}") if gain > 0 else \
        tx.pick(lang, f"{country}EGDI {prev}→{year}年的变化分解", f"{country}'s EGDI change {prev} → {year}, by sub-index")
    sub = tx.pick(lang, "EGDI为在线服务、人力资本、电信基础设施三项分指数的平均值，每项贡献其变化的三分之一；括号内为占总变化的比例；纵轴不从0开始",
             "EGDI is the mean of the online services, human capital and telecom infrastructure indices: each "
             "contributes a third of its change; share of the total change in brackets; the axis does not start at 0")
    table = pd.DataFrame({
        tx.pick(lang, "指数", "index"): [SUBINDEX_NAMES[lang][s] for s in ["egdi", *subs]],
        str(prev): pd.Series([float(a[s]) for s in ["egdi", *subs]], dtype="Float64"),
        str(year): pd.Series([float(b[s]) for s in ["egdi", *subs]], dtype="Float64"),
        tx.pick(lang, "变化", "change"): pd.Series([round(float(b[s]) - float(a[s]), 6) for s in ["egdi", *subs]], dtype="Float64"),
        tx.pick(lang, "对EGDI的贡献", "contribution to EGDI"): pd.Series([round(gain, 6), *[round(c, 6) for c in contrib]], dtype="Float64"),
        tx.pick(lang, "占比(%)", "share (%)"): pd.Series([100.0, *[round(100 * c / gain, 1) if gain else None for c in contrib]], dtype="Float64"),
    })
    rows = _un_long(d.reset_index().assign(iso3=iso3), ["egdi", *subs])
    return _chart("egdi_gain", fig, lang, title, sub, rows, table=table, sources=["un_egov_data"])


#: Every chart: id → (function, what it reads: a section id or "un").
CHARTS = {
    "platform_reach": (platform_reach, "platform"),
    "online_users": (online_users, "platform"),
    "egdi_china": (egdi_china, "un"),
    "capability_levels": (capability_levels, "capability"),
    "ecert": (ecert, "sharing"),
    "identity": (identity, "sharing"),
    "websites_by_level": (websites_by_level, "websites"),
    "website_columns": (website_columns, "websites"),
    "homepage_updates": (homepage_updates, "websites"),
    "weibo_toutiao": (weibo_toutiao, "new_media"),
    "douyin": (douyin, "new_media"),
    "peers_egdi": (peers_egdi, "un"),
    "china_rank": (china_rank, "un"),
    "egdi_gain": (egdi_gain, "un"),
}


def survey_facts(egdi: pd.DataFrame, peers: list[str], lang: str = "zh", as_of: str = "2020-06") -> dict:
    """The numbers the comparison notebook's sentences need, all read from the UN table.

    Keys: ``year``/``prev`` (as_of's survey and the one before), ``n`` (countries ranked),
    China's ``egdi``/``osi``/``hci``/``tii``/``rank`` (and ``prev_*``), ``top5`` (names),
    ``k`` (countries compared), China's place among them overall and per sub-index
    (``pos_egdi``…), the first and last surveys' ranks, the best rank so far, and the EGDI
    change split by sub-index (``gain``, ``d_osi``…, ``share_osi``…, ``driver``: its name).
    Empty when no survey precedes as_of.
    """
    year = survey_year(egdi, as_of)
    if year is None:
        return {}
    prev = previous_survey(egdi, year)
    cur = egdi[egdi["year"] == year].set_index("iso3")
    china = _un_rows(egdi, "CHN", ("egdi", "osi", "hci", "tii", "rank")).set_index("year")
    codes = comparison_set(egdi, peers, year)
    sel = cur.loc[codes]
    f = {"year": str(year), "n": float(cur["rank"].notna().sum()), "k": float(len(codes)),
         "top5": ("、" if lang == "zh" else ", ").join(tx.country_name(c, lang) for c in top_countries(egdi, year))}
    for c in ("egdi", "osi", "hci", "tii", "rank"):
        f[c] = float(china.loc[year, c])
    for c in SUBINDICES:
        f[f"pos_{c}"] = float((sel[c].astype(float) > f[c]).sum() + 1)
    first, last = int(china.index.min()), int(china.index.max())
    upto = china[china.index <= year]
    f.update(first_year=str(first), first_rank=float(china.loc[first, "rank"]), last_year=str(last),
             last_rank=float(china.loc[last, "rank"]), best_rank=float(upto["rank"].min()),
             best_year=str(int(upto["rank"].astype(float).idxmin())))
    if prev is not None:
        f["prev"] = str(prev)
        for c in ("egdi", "osi", "hci", "tii", "rank"):
            f[f"prev_{c}"] = float(china.loc[prev, c])
        f["gain"] = f["egdi"] - f["prev_egdi"]
        f["places"] = f["prev_rank"] - f["rank"]
        r, p = int(f["rank"]), int(abs(f["places"]))
        if lang == "zh":
            f["rank_move"] = (f"升至第{r}位，提升{p}位" if f["places"] > 0 else
                              f"降至第{r}位，下降{p}位" if f["places"] < 0 else f"保持第{r}位")
        else:
            f["rank_move"] = (f"rose {p} places to {r}" if f["places"] > 0 else
                              f"fell {p} places to {r}" if f["places"] < 0 else f"stayed at {r}")
        if prev >= 2014:
            for c in ("osi", "hci", "tii"):
                f[f"d_{c}"] = f[c] - f[f"prev_{c}"]
                f[f"share_{c}"] = 100 * (f[f"d_{c}"] / 3) / f["gain"] if f["gain"] else 0.0
            driver = max(("osi", "hci", "tii"), key=lambda c: f[f"d_{c}"])
            name = SUBINDEX_NAMES[lang][driver]
            f["driver"] = name if lang == "zh" else name[0].lower() + name[1:]
            f["share_driver"] = f[f"share_{driver}"]
    return f
