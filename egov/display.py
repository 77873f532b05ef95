"""What a notebook shows besides text: a finished chart (:class:`Chart`) or, in its place,
:class:`NoData`; the chart as PNG followed by its values table (a reader's
:class:`egov.tables.Table`).

The report template reads their display metadata. The PNG carries the chart's alt text (its
``text/plain`` form and its metadata ``{"image/png": {"alt"}, "egov": {"alt", "chart"}}``) for
the ``<img alt>`` of the report's ``<figure>``; a table carries ``{"egov": {"csv", "filename",
"source", "print"}}`` (and ``"chart"`` under a chart): its tidy data as a CSV download, its
source line, and whether the PDF prints it. Under a chart the table sits in the figure's caption,
behind "Show data"; the PDF prints it only where the chart leaves a value unwritten.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.figure import Figure

from egov import chartcache, tables, text
from egov.theme import DISPLAY_WIDTH, DPI


@dataclass
class Chart:
    """A finished chart and what it shows.

    ``data`` holds the plotted observations in the data's own terms (indicator_id, breakdown,
    period, value) for tests and audits; ``table`` is the reader's version of it (its ``tidy``
    frame the CSV download); ``alt`` says what the chart shows, with its key numbers, in the
    chart's language; ``labelled``: every value plotted is written on the chart.
    """

    chart_id: str
    fig: Figure
    title: str
    subtitle: str
    source: str
    table: tables.Table = field(repr=False)
    data: pd.DataFrame = field(repr=False)
    alt: str = ""
    labelled: bool = False
    #: Its name in a build's shared PNGs (:mod:`egov.chartcache`); "": none.
    cache_key: str = field(default="", repr=False)
    _png: bytes | None = field(default=None, repr=False, compare=False)

    def png(self) -> bytes:
        """The chart as PNG, drawn once: matplotlib lays a figure out again on each save, so a
        second save would differ (the overview shows one chart in two cards)."""
        if self._png is None:
            self._png = chartcache.png(self.cache_key, lambda: to_png(self.fig),
                                       card={"title": self.title, "alt": self.alt})
        return self._png


@dataclass(frozen=True)
class Card:
    """A chart as a grid of thumbnails shows it, taken from a build's shared charts
    (:func:`egov.chartcache.card`) where a section drew it: no figure, no values table."""

    title: str
    alt: str
    picture: bytes = field(repr=False)

    def png(self) -> bytes:
        return self.picture


@dataclass
class NoData:
    """In place of a chart: the data holds nothing for the period asked. ``name`` is the
    chart's short name, for the section's notice of what it left out."""

    chart_id: str
    message: str
    name: str = ""


def to_png(fig: Figure) -> bytes:
    """PNG bytes, the same on every run (no Software or date metadata)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def show(chart: Chart | NoData, notebook: str, lang: str | None = None) -> None:
    """Display a chart as PNG and then its values table (or, for :class:`NoData`, the sentence)."""
    from IPython.display import display

    if isinstance(chart, NoData):
        text.markdown("*" + chart.message + "*")
        return
    png = base64.b64encode(chart.png()).decode("ascii")
    display({"image/png": png, "text/plain": chart.alt}, raw=True,
            metadata={"image/png": {"width": DISPLAY_WIDTH, "alt": chart.alt},
                      "egov": {"alt": chart.alt, "chart": chart.chart_id}})
    show_table(chart.table, notebook, chart.chart_id, chart.source, lang, chart=chart.chart_id,
               printed=not chart.labelled)


def show_table(table: tables.Table, notebook: str, table_id: str, source: str, lang: str | None = None,
               chart: str | None = None, printed: bool = True) -> None:
    """Display a reader's table with the metadata the report turns into a CSV download (file
    ``<notebook>_<table_id>.csv``) and a source line; ``chart`` names the chart it belongs to,
    ``printed`` says whether the PDF shows it."""
    from IPython.display import display

    meta = {"csv": table.csv(), "filename": f"{notebook}_{table_id}.csv", "source": source, "print": printed}
    display({"text/plain": table.text(), "text/html": table.html(lang)}, raw=True,
            metadata={"egov": {**meta, **({"chart": chart} if chart else {})}})

