"""The report's look: one seaborn theme, a real CJK font, one colour for each meaning.

:func:`setup` applies the theme (the notebooks call it through :class:`egov.section.Section`);
without a font that draws Chinese it raises :class:`FontError` saying how to install one.
:data:`COLORS` gives each category one colour wherever it appears.
"""

from __future__ import annotations

import logging


class _QuietFontCache(logging.Filter):
    """Drop matplotlib's one-off "building the font cache" notice: in a notebook it lands on
    stderr, which nbval compares, on the first run on a fresh machine only."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Matplotlib is building the font cache")


logging.getLogger("matplotlib.font_manager").addFilter(_QuietFontCache())

import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402

#: CJK fonts looked for, best first: Debian's Noto Sans CJK SC, then the usual macOS/Windows
#: and Adobe names.
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "PingFang SC",
             "Microsoft YaHei", "Noto Sans SC", "Source Han Sans")
#: File-name stems of those fonts, to find one installed after matplotlib built its font cache.
_CJK_FILES = ("notosanscjk", "sourcehansans", "pingfang", "msyh", "notosanssc")

INSTALL_HINT = ("Install one: on Debian/Ubuntu `sudo apt-get install fonts-noto-cjk` "
                "(on macOS PingFang SC and on Windows Microsoft YaHei are built in), "
                "then start Python again.")

#: Colour-blind-safe (seaborn's "colorblind", after Okabe & Ito / Wong): matplotlib's default
#: cycle only; a chart names its colours through :func:`color`.
PALETTE = sns.color_palette("colorblind")
MUTED = "#bdbdbd"
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


def ensure() -> None:
    """Apply the theme unless it is applied already."""
    if _font is None:
        setup()



#: One colour, one meaning, in every chart of the report. Keys are breakdown ids (an
#: administrative level), platforms, UN index components and roles; every hue is told apart by
#: colour-blind readers within the charts where its neighbours appear (Okabe & Ito for the
#: platforms and China, Paul Tol's "muted" set for the indices, ColorBrewer's "Blues" ramp for the
#: levels: darker is higher, an aggregate sits between its parts).
COLORS = {
    # roles
    "figure": "#4d4d4d",      # a figure with no category of its own, and every total
    "earlier": MUTED,         # periods before the edition's
    "china": "#d55e00",       # China, against its peers
    "rest": "#e3e3e3",        # the rest of a whole, behind a share
    "gap": "#f0f0f0",         # a span the data has no figure for
    "ink": INK,               # text, and the line marking the edition
    "guide": SUBTLE,          # what guides the eye: a waterfall's steps, a cut axis's mark
    # administrative levels
    "level=govcn": "#08306b", "level=central": "#08519c", "level=state_council": "#2171b5",
    "level=provincial": "#4292c6", "level=provincial_and_below": "#6baed6",
    "level=municipal_and_below": "#9ecae1", "level=municipal": "#7fb3d9", "level=county": "#c6dbef",
    # platforms
    "weibo": "#e69f00", "toutiao": "#cc79a7", "douyin": "#009e73",
    # UN index components
    "osi": "#44aa99", "hci": "#ddcc77", "tii": "#aa4499", "epart": "#999933",
}
#: Meanings drawn in the colour of another: every total is the neutral figure colour.
_SAME = {"total": "figure", "level=all": "figure"}


def color(meaning: str) -> str:
    """The colour of a meaning (a level's breakdown id, a platform, an index, a role).

    >>> color("level=provincial"), color("total") == color("figure")
    ('#4292c6', True)
    """
    key = _SAME.get(meaning, meaning)
    if key not in COLORS:
        raise KeyError(f"no colour for {meaning!r}: add it to egov.theme.COLORS (one colour, one meaning)")
    return COLORS[key]
