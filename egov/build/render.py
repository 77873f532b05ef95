"""Rendering: an executed notebook → its HTML page → its PDF, and its charts' data as one CSV;
every section → the full report.

The page comes from the ``egov`` nbconvert template (:mod:`egov.exporters`), the PDF from
WeasyPrint. The full report is the Jinja template ``templates/build/full_report.html.j2``
around the sections' pages: their ``<main>`` content, with every ``id`` and in-page link
prefixed per section (so sections do not clash), read with an HTML parser.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import accumulate
from pathlib import Path

from markupsafe import Markup

from egov import markup
from egov.build.layout import PAGES_DIR

#: How a page marks its key takeaways box (egov.gallery.box).
TAKEAWAYS = 'data-egov-box="takeaways"'

_EXPORTERS: dict[bool, object] = {}


def exporter(show_code: bool):
    """One nbconvert exporter per setting, made once per process."""
    if show_code not in _EXPORTERS:
        from egov.exporters import EgovHTMLExporter

        _EXPORTERS[show_code] = EgovHTMLExporter(show_code=show_code)
    return _EXPORTERS[show_code]


def page(nb, stem: str, folder: str, show_code: bool) -> str:
    """The HTML page of an executed notebook (``folder``: its notebook's, whose notebooks are
    the sections the page links to, :func:`egov.exporters.page_context`)."""
    text, _ = exporter(show_code).from_notebook_node(nb, resources={"metadata": {"name": stem, "path": folder}})
    return text


def charts_csv(nb) -> str | None:
    """Every chart's data in an executed notebook as one CSV (None if it has no chart): the
    tidy rows of each chart's table (the ``csv`` of its output's metadata, see
    :mod:`egov.display`), after a first column naming the chart. The build writes it beside the
    executed notebook (``reports/<lang>/<stem>.csv``), so an analyst who opens the notebook in
    JupyterLab finds its charts' data beside it."""
    import csv
    import io

    head, rows = None, []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("egov") or {}
            if not (meta.get("chart") and isinstance(meta.get("csv"), str)):
                continue
            found = list(csv.reader(io.StringIO(meta["csv"])))
            if not found:
                continue
            head = head or found[0]
            rows += [dict(zip(found[0], r), chart=meta["chart"]) for r in found[1:]]
    if head is None:
        return None
    buf = io.StringIO()
    fields = ["chart", *head, *dict.fromkeys(k for r in rows for k in r if k not in head and k != "chart")]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def pdf(text: str, base_url: str | None = None) -> bytes:
    from egov.exporters import html_to_pdf

    return html_to_pdf(text, base_url=base_url)


class Section:
    """A section page, read: its title, styles, ``<main>`` content (ids prefixed, links to the
    other sections' pages turned into links within the document: ``pages`` maps a page's file
    name to its prefix) and its boxes (:mod:`egov.gallery`: the overview's key takeaways)."""

    def __init__(self, text: str, prefix: str = "", pages: dict[str, str] | None = None):
        reader = _PageReader(text, prefix, pages or {})
        reader.feed(text)
        reader.close()
        self.title = html.unescape(reader.title).strip() or None
        self.styles = [css.strip("\n") for css in reader.styles]
        self.anchor = reader.first_h1 or prefix
        self.body = reader.body()
        self.boxes = reader.boxes


@dataclass(frozen=True)
class Box:
    """A box a section page shows (``<div data-egov-box="kind">``): its edition (a period
    code) and the box itself, as the page has it (its look is in its own inline style)."""

    edition: str
    content: str


def takeaways(pages) -> Box | None:
    """The key takeaways box of the first page (HTML texts, in order) that has one."""
    for text in pages:
        if TAKEAWAYS in text:
            found = Section(text).boxes.get("takeaways")
            if found:
                return found
    return None


def title(text: str) -> str | None:
    """The ``<title>`` of a page (only its head is read)."""
    end = text.find("<body")
    return Section(text if end < 0 else text[:end]).title


def full_report(sections: list[tuple[str, str]], lang: str) -> str:
    """One HTML document of every section (``(stem, page)`` pairs, in order), each on a new
    page, after a cover: the title, the edition, the key takeaways (the overview's box), how
    to cite, and the table of contents. A link from one section's page to another's leads to
    that section in the document."""
    from egov import citation, i18n

    prefixes = {f"{stem}.html": f"s{n}-" for n, (stem, _) in enumerate(sections, start=1)}
    read = [Section(text, prefixes[f"{stem}.html"], prefixes) for stem, text in sections]
    parts = [{"id": f"s{n}-", "anchor": s.anchor, "title": s.title or stem, "body": s.body}
             for n, ((stem, _), s) in enumerate(zip(sections, read), start=1)]
    box = next((s.boxes["takeaways"] for s in read if "takeaways" in s.boxes), None)
    cover = {"edition": i18n.period(box.edition, lang) if box and box.edition else None,
             "summary": Markup(box.content) if box else None,
             "citation": citation.text(lang), "version": citation.__version__}
    return environment().get_template("full_report.html.j2").render(
        lang=lang, styles=read[0].styles if read else [], sections=parts, cover=cover)


def environment():
    """The Jinja environment of the build's pages: autoescaped (data strings are text), strict
    about undefined names; ``| links`` makes the bare web addresses of the project's own
    sentences (the licence, the citation) links."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(PAGES_DIR)), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["links"] = lambda text: Markup(markup.html_links(text))
    return env


class _PageReader(HTMLParser):
    """Finds ``<title>``, the ``<style>`` blocks, ``<main>``'s content and the tags carrying an
    ``id`` or an in-page link, by offset in the page, to rewrite exactly those tags."""

    def __init__(self, text: str, prefix: str, pages: dict[str, str] | None = None):
        super().__init__(convert_charrefs=False)
        self.text, self.prefix, self.pages = text, prefix, pages or {}
        self.boxes: dict[str, Box] = {}
        self._box: list | None = None  # [kind, edition, where its <div> starts, <div> depth]
        # HTMLParser counts lines by "\n" only
        self.starts = [0, *accumulate(len(line) + 1 for line in text.split("\n"))]
        self.title, self.styles, self.first_h1 = "", [], None
        self.main: list[int | None] = [None, None]
        self.edits: list[tuple[int, int, str]] = []
        self._in = None

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        start, raw = self._offset(), self.get_starttag_text()
        self._in = tag if tag in ("title", "style") else None
        if tag == "style":
            self.styles.append("")
        if tag == "main" and self.main[0] is None:
            self.main[0] = start + len(raw)
        if tag == "h1" and self.first_h1 is None and dict(attrs).get("id"):
            self.first_h1 = self.prefix + dict(attrs)["id"]
        if tag == "div":
            self._open_box(dict(attrs), start)
        if any(k == "id" and self.prefix or k == "href" and self._in_document(v) for k, v in attrs):
            self.edits.append((start, start + len(raw), self._prefixed(tag, attrs, raw.endswith("/>"))))

    def _in_document(self, href) -> bool:
        """A link that stays in the document: within the page, or to another section's page."""
        href = href or ""
        return bool(self.prefix) and href.startswith("#") or href.split("#", 1)[0] in self.pages

    def _open_box(self, attrs: dict, start: int) -> None:
        if self._box is not None:
            self._box[3] += 1
        elif attrs.get("data-egov-box"):
            self._box = [attrs["data-egov-box"], attrs.get("data-egov-edition") or "", start, 1]

    def _prefixed(self, tag, attrs, closed) -> str:
        out = []
        for k, v in attrs:
            if k == "id" and self.prefix:
                v = self.prefix + v
            elif k == "href" and self._in_document(v):
                page, _, fragment = v.partition("#")
                v = "#" + (self.pages[page] if page else self.prefix) + fragment
            out.append(k if v is None else f'{k}="{markup.html(v)}"')
        return f"<{tag}{''.join(' ' + a for a in out)}{' /' if closed else ''}>"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in = None

    def handle_endtag(self, tag):
        self._in = None
        if tag == "main":
            self.main[1] = self._offset()
        if tag == "div" and self._box is not None:
            self._box[3] -= 1
            if not self._box[3]:
                kind, edition, start, _ = self._box
                end = self.text.index(">", self._offset()) + 1
                self.boxes.setdefault(kind, Box(edition, self.text[start:end]))
                self._box = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "style":
            self.styles[-1] += data

    def handle_entityref(self, name):
        if self._in == "title":
            self.title += f"&{name};"

    def handle_charref(self, name):
        if self._in == "title":
            self.title += f"&#{name};"

    def body(self) -> str:
        """``<main>``'s content (the whole page if it has none), with the tags rewritten."""
        start, end = self.main if None not in self.main else (0, len(self.text))
        out, at = [], start
        for a, b, new in self.edits:
            if start <= a and b <= end:
                out += [self.text[at:a], new]
                at = b
        out.append(self.text[at:end])
        return "".join(out).strip("\n")


def read_page(path: str | Path) -> str:
    return Path(path).read_text(encoding="utf-8")
