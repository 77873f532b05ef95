"""The overview: the headline facts of every section (computed by the sections' own facts
functions, so a figure here is the figure there), what the report is, the article's ten charts
and their redrawn counterparts (``data/article_charts.csv``), and the corrections."""

from __future__ import annotations

from pathlib import Path

from egov import data, periods, source
from egov.credits import publisher_names
from egov.errors import DataError
from egov.facts import (Period, Query, capability, corrections, new_media, platform, relabelled, sharing,
                        websites)
from egov.refs import closest
from egov.schema import ARTICLE_CHART_STATUS, TABLES
from egov.source import DATA_DIR

#: The report's sections after the data's own (``sections.csv``): their notebooks follow.
EXTRA_SECTIONS = ("international", "data_notes")


def facts(q: Query) -> dict:
    s = data.table("sources")
    article = s[s["raw_file"] == "article"].iloc[0]
    zh, en = publisher_names(article["publisher"])
    charts = article_charts()
    return {
        "article": {"id": article["source_id"], "title": article["title"], "title_en": article["title_en"],
                    "title_clean": source.article().title, "date": Period(article["date"]),
                    "publisher": {"zh": zh, "en": en}},
        "sections": list(data.table("sections").sort_values("order")["section"]),
        "platform": platform.facts(q), "capability": capability.facts(q), "sharing": sharing.facts(q),
        "websites": websites.facts(q), "new_media": new_media.facts(q),
        "fixes": fixes(q),
        "charts": {"total": len(charts), **{status: sum(c["status"] == status for c in charts)
                                            for status in ARTICLE_CHART_STATUS}},
    }


def fixes(q: Query) -> list[dict]:
    """The corrections of the article up to the edition, in the article's order: the misprinted
    values (with ``printed``) and the figures printed right under a label that says less than
    they count (``relabelled``), each with the rule that proves it."""
    text = source.article().text
    quotes = dict(zip(zip(q.obs["indicator_id"], q.obs["breakdown"], q.obs["period"]), q.obs["quote"]))

    def place(fix: dict) -> int:
        v = fix["value"]
        quote = quotes.get((v.indicator, v.breakdown, v.period))
        return text.find(quote) if isinstance(quote, str) and quote in text else len(text)

    found = [{**c, "relabelled": False} for c in corrections(q)]
    found += [{**r, "printed": None, "relabelled": True} for r in relabelled(q.obs)
              if periods.by(r["value"].period, q.as_of)]
    return sorted(found, key=place)


def pages() -> dict[str, str]:
    """Each section's notebook (and page) stem: ``NN_<section>``, NN its place in the report
    (``sections.csv``'s order, then :data:`EXTRA_SECTIONS`), as the notebooks are named."""
    order = list(data.table("sections").sort_values("order")["section"]) + list(EXTRA_SECTIONS)
    return {section: f"{n:02d}_{section}" for n, section in enumerate(order, start=1)}


def article_charts(data_dir: Path = DATA_DIR) -> list[dict]:
    """The article's charts in order (``article_charts.csv``), each with the section of the chart
    that redraws it and that section's page.

    Raises:
        DataError: a row names a chart the report does not draw (row and column named).
    """
    from egov import charts

    table = data.table("article_charts", data_dir)
    stems = pages()
    out = []
    for row, r in enumerate(table.to_dict("records"), start=2):
        found = charts.CHARTS.get(r["redrawn"])
        if found is None:
            raise DataError(Path(data_dir) / TABLES["article_charts"].path, row=row, column="redrawn",
                            reason=f"no chart {r['redrawn']!r} in the report"
                                   + closest(r["redrawn"], charts.CHARTS))
        out.append({**r, "chart": int(r["chart"]), "section": found.section, "page": stems[found.section]})
    return sorted(out, key=lambda c: c["chart"])
