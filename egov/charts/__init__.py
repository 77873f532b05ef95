"""The report's charts, one module per section, each chart registered where it is defined.

A chart function takes what it reads (a section's observations, or the UN table, and for
``peers_egdi`` the peers), ``lang`` and ``as_of``, and returns a
:class:`~egov.display.Chart` (figure, values table, title, subtitle and source line) or, when
the data holds nothing for the edition, :class:`~egov.display.NoData`. Values are plotted in
their own units, so a bar's length is the number in the values table.

>>> from egov import data
>>> chart = CHARTS["websites_by_level"].fn(data.observations(section="websites"), lang="en")
>>> chart.title
'Government websites by administrative level'
>>> chart.source
'Sources: Qianzhan Industry Research Institute (2020); CNNIC, 43rd Statistical Report on Internet Development in China; CNNIC, 45th Statistical Report on Internet Development in China'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Registered:
    """A chart: its function, the section it belongs to, and what it reads: ``"obs"`` (the
    section's observations), ``"un"`` (the UN EGDI table) or ``"un+peers"``."""

    fn: Callable
    section: str
    reads: str


#: Every chart by id, in the order the sections define them.
CHARTS: dict[str, Registered] = {}


def register(reads: str = "obs"):
    """Record a chart function under its name, in the section of the module defining it."""
    def add(fn):
        CHARTS[fn.__name__] = Registered(fn, fn.__module__.rsplit(".", 1)[-1], reads)
        return fn
    return add


def of_section(section: str) -> list[str]:
    """The ids of a section's charts, in the order they are defined."""
    return [k for k, c in CHARTS.items() if c.section == section]


def make(chart_id: str, lang: str, as_of: str, *, obs=None, egdi=None, peers=None):
    """Draw a registered chart from what it reads: the UN table, or its own section's rows of
    ``obs`` (the overview holds every section's), so what it draws depends on those alone."""
    c = CHARTS[chart_id]
    if c.reads == "un+peers":
        return c.fn(egdi, peers, lang=lang, as_of=as_of)
    if c.reads == "un":
        return c.fn(egdi, lang=lang, as_of=as_of)
    return c.fn(obs[obs["section"] == c.section], lang=lang, as_of=as_of)


from egov.charts import capability, international, new_media, platform, sharing, websites  # noqa: E402,F401
