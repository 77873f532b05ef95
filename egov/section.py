"""A report section as a notebook uses it: its data, facts, words, charts and tables.

A notebook's setup cell makes one ``Section``; each later cell shows one part of it::

    s = Section("04_websites", lang, as_of)
    s.show("title")                             # the H1, then the one notice of missing figures
    s.show("levels", chart="websites_by_level") # a heading and paragraphs, then a chart

Every call is a pure function of the data, the parameters and its arguments: nothing a cell
shows depends on which cells ran before. The title's notice lists, once, every figure the
section's paragraphs lack for this edition and every chart left out; the paragraphs that lack
a figure, and charts without data, show nothing themselves.
"""

from __future__ import annotations

import importlib

from markupsafe import Markup

from egov import chartcache, charts, data, display, gallery, i18n, notes, source, text, theme, un
from egov.facts import MissingFigure, Period, Query, corrections
from egov.narrative import Rendered, Text


class Section:
    """One notebook's section (``notebook``: its file stem, e.g. ``04_websites``) in one
    language and edition."""

    def __init__(self, notebook: str, lang: str, as_of: str, *, peers: list[str] | None = None,
                 data_dir=None):
        self.notebook, self.lang, self.as_of = notebook, i18n.check_lang(lang), as_of
        self._where = where = {} if data_dir is None else {"data_dir": data_dir}
        self.section = notebook.split("_", 1)[1] if notebook[:2].isdigit() else notebook
        theme.setup()
        self.obs = self.egdi = None
        self.peers = list(peers) if peers is not None else un.DEFAULT_PEERS
        values: dict = {"as_of": Period(as_of)}
        module = importlib.import_module(f"egov.facts.{self.section}")
        if self.section == "international":
            self.egdi = data.un_egdi(**where)
            values.update(module.facts(self.egdi, self.peers, as_of))
        elif self.section == "data_notes":
            values.update(module.facts())
        else:
            self.obs = data.observations(**where, **({} if self.section == "overview" else {"section": self.section}))
            q = Query(self.obs, as_of)
            values.update(module.facts(q), ref=q, corrections=corrections(q))
            if any(c.reads != "obs" for c in map(charts.CHARTS.get, charts.of_section(self.section))):
                self.egdi = data.un_egdi(**where)
        names = i18n.labels(lang)["sections"]
        values["section_name"] = names.get(self.section, "")
        # the article's own edition: its qualitative sentences speak of that time only
        values["article_as_of"] = Period(source.origins(**where)["files"]["article"]["data_as_of"])
        self.text = Text(self.section, lang, values)
        self.common = Text("common", lang, values)
        self._charts: dict = {}
        self._cards: dict = {}

    # ---- parts

    def render(self, block: str) -> Rendered:
        """A block of the section's template (or of the common one: notice, corrections)."""
        return (self.text if block in self.text or block not in self.common else self.common).render(block)

    def blocks(self) -> list[str]:
        """The blocks a notebook shows: every block of the template but the chart captions."""
        return [b for b in self.text.blocks if not b.startswith("chart_")]

    def chart(self, chart_id: str):
        """A chart of this section (drawn once; an error in it is raised wherever it is asked for)."""
        if chart_id not in self._charts:
            try:
                self._read_for(chart_id)
                found = charts.make(chart_id, self.lang, self.as_of, obs=self.obs, egdi=self.egdi,
                                    peers=self.peers)
                if isinstance(found, display.Chart):
                    found.cache_key = self._cache_key(chart_id)
                self._charts[chart_id] = found
            except Exception as err:  # kept, and raised again in the cell that shows the chart
                self._charts[chart_id] = err
        found = self._charts[chart_id]
        if isinstance(found, Exception):
            raise found
        return found

    def card(self, chart_id: str):
        """A chart as a grid shows it (title, alt text, picture): the card a report of this build
        kept when it drew the chart (:mod:`egov.chartcache`), else the chart, drawn here."""
        if chart_id not in self._charts and chart_id not in self._cards and chartcache.active():
            try:
                self._read_for(chart_id)  # read as drawing it would: the report's trace is the same
                taken = chartcache.card(self._cache_key(chart_id))
            except Exception:  # noqa: BLE001 - drawing it raises the error where it is shown
                taken = None
            self._cards[chart_id] = display.Card(taken["title"], taken["alt"], taken["png"]) if taken else None
        return self._cards.get(chart_id) or self.chart(chart_id)

    def _read_for(self, chart_id: str) -> None:
        if charts.CHARTS[chart_id].reads != "obs" and self.egdi is None:
            self.egdi = data.un_egdi(**self._where)  # a UN chart outside its section (the overview's grid)

    def _cache_key(self, chart_id: str) -> str:
        """A chart's name among a build's shared PNGs: what it is drawn from (:mod:`egov.chartcache`)."""
        c = charts.CHARTS[chart_id]
        read = data.observations_read(c.section) if c.reads == "obs" else {"table": "un_egdi"}
        digest = data.fingerprint([read], **self._where)
        return chartcache.key(chart_id, self.lang, self.as_of, self.peers if c.reads == "un+peers" else None, digest)

    def notice(self) -> str:
        """The one notice of what this edition lacks: missing figures (grouped by when) and
        charts left out, or that the section has no figure at all for it; '' when nothing is missing."""
        missing, shown = [], False
        for block in self.blocks():
            try:
                r = self.render(block)
            except Exception:  # a mistake in a block is raised in the cell that shows it
                continue
            missing += r.missing
            shown = shown or bool(r.figures)
        left_out = []
        for chart_id in charts.of_section(self.section):
            found = self._drawn(chart_id)
            if isinstance(found, display.NoData):
                left_out.append(found.name)  # a caption (plain text): escaped in the notice
            shown = shown or isinstance(found, display.Chart)
        shown = shown or any(isinstance(self._drawn(c, card=True), (display.Chart, display.Card))
                             for c in self.grid_charts())
        if missing and not shown:
            return self.common.render("notice_nothing").text
        groups: dict[str, dict[str, list[str]]] = {}
        for m in missing:
            parts = groups.setdefault(self._when(m), {}).setdefault(m.indicator, [])
            if m.breakdown not in parts:
                parts.append(m.breakdown)
        return self.common.render("notice", missing=[{"when": w, "names": [self._name(i, b) for i, b in by.items()]}
                                                     for w, by in groups.items()], charts=left_out).text

    def grid_charts(self) -> list[str]:
        """The charts whose thumbnails the section's grid shows (:mod:`egov.gallery`): in the
        overview, those redrawing the article's charts; elsewhere none."""
        from egov.facts.overview import article_charts

        return [c["redrawn"] for c in article_charts()] if self.section == "overview" else []

    def _drawn(self, chart_id: str, card: bool = False):
        """A chart (or its card), or None when drawing it failed (the cell that shows it raises the error)."""
        try:
            return self.card(chart_id) if card else self.chart(chart_id)
        except Exception:
            return None

    def _name(self, indicator: str, breakdowns: list[str]) -> str:
        """'首页文章更新量增长（各行政级别、县级）': an indicator and the breakdowns missing."""
        name = i18n.indicator_name(indicator, "total", self.lang, sentence=True)
        if breakdowns == ["total"] or breakdowns == ["*"]:
            return name
        words = [i18n.breakdown_name(b, self.lang, sentence=True) for b in breakdowns if b != "*"]
        return name + i18n.paren(i18n.pick(self.lang, "、", ", ").join(words), self.lang)

    def _when(self, m) -> Markup:
        """How the notice says when a figure is missing (Markdown the common template made)."""
        if m.period is None:
            r = self.common.render("when_edition")
        elif m.period in ("first", "prev", "latest", "next", "last"):
            r = self.common.render(f"when_{m.period}")
        else:
            r = self.common.render("when_period", period=Period(m.period))
        return Markup(r.text)

    # ---- display

    def show(self, block: str, chart: str | tuple[str, ...] = (), table: str | tuple[str, ...] = (),
             box: bool = False, grid: bool = False) -> None:
        """Display a block of text (the title with the section's notice), then its charts and
        tables. A paragraph lacking a figure shows nothing, nor does a chart without data (both
        are listed in the title's notice); a part's heading shows while anything under it does.

        ``box``: the block in a box (:func:`egov.gallery.box`, found again by the block's name);
        ``grid``: after it, the grid of the article's charts (:mod:`egov.gallery`)."""
        r = self.render(block)
        found = [self.chart(c) for c in ((chart,) if isinstance(chart, str) else chart)]
        shown = [c for c in found if isinstance(c, display.Chart)]
        body = r.text or (r.heading if shown or grid else "")  # a chart keeps its part's heading
        meta = {"block": block, "figures": r.figures, "claims": r.claims}
        if block == "title":
            body = "\n\n".join(x for x in (body, self.notice()) if x)
            meta["edition"] = self.as_of  # the report's footer names it
        if body and box:
            body = gallery.box(body, block, self.as_of)
        if body:
            text.markdown(body, metadata={"egov_narrative": meta})
        if grid:
            gallery.show_grid(gallery.cards(self), self.lang)
        for c in shown:
            display.show(c, self.notebook, self.lang)
        for table_id in (table,) if isinstance(table, str) else table:
            t = (notes.edition_figures(self.obs, self.lang, self.as_of) if table_id == "figures"
                 else notes.TABLES[table_id](self.lang))
            display.show_table(t.table, self.notebook, t.table_id, t.source, self.lang, printed=t.printed)


__all__ = ["Section", "MissingFigure"]
