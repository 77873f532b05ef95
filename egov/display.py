"""What a notebook shows besides text: a finished chart (:class:`Chart`) or, in its place,
:class:`NoData`; the chart as PNG followed by its values table, whose display metadata
(``{"egov": {"csv", "filename", "source"}}``) the report template turns into a CSV download
and a source caption. The PNG carries the chart's alt text (its ``text/plain`` form and its
metadata ``{"image/png": {"alt"}, "egov": {"alt", "chart"}}``) for the report's ``<figure>``.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.figure import Figure

from egov import markup, text
from egov.theme import DISPLAY_WIDTH, DPI


@dataclass
class Chart:
    """A finished chart and what it shows.

    ``data`` holds the plotted observations in the data's own terms (indicator_id, breakdown,
    period, value) for tests and audits; ``table`` is the reader's version of it; ``alt`` says
    what the chart shows, with its key numbers, in the chart's language.
    """

    chart_id: str
    fig: Figure
    title: str
    subtitle: str
    source: str
    table: pd.DataFrame
    data: pd.DataFrame = field(repr=False)
    alt: str = ""

    def png(self) -> bytes:
        return to_png(self.fig)


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
    """Display a chart as PNG and then its values table (or, for :class:`NoData`, the sentence).

    The table's display metadata ``{"egov": {"csv", "filename", "source"}}`` is what the build
    turns into a CSV download link and a source caption.
    """
    from IPython.display import display

    if isinstance(chart, NoData):
        text.markdown("*" + chart.message + "*")
        return
    png = base64.b64encode(chart.png()).decode("ascii")
    display({"image/png": png, "text/plain": chart.alt}, raw=True,
            metadata={"image/png": {"width": DISPLAY_WIDTH, "alt": chart.alt},
                      "egov": {"alt": chart.alt, "chart": chart.chart_id}})
    show_table(chart.table, notebook, chart.chart_id, chart.source, lang)


def show_table(table: pd.DataFrame, notebook: str, table_id: str, source: str, lang: str | None = None) -> None:
    """Display a table with the metadata the build turns into a CSV download and a caption; in
    a report in ``lang``, text in the other language is marked with its own (:func:`markup.lang_spans`)."""
    from IPython.display import display

    shown = table.loc[:, [c for c in table.columns if not (table[c].astype(str) == "").all()]]
    html = shown.to_html(index=False, border=0, classes="dataframe", na_rep="")
    display({"text/plain": shown.to_string(index=False),
             "text/html": markup.lang_spans(html, lang) if lang else html},
            raw=True, metadata={"egov": {"csv": table.to_csv(index=False),
                                         "filename": f"{notebook}_{table_id}.csv", "source": source}})


