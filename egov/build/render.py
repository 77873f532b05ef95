"""Rendering: an executed notebook → its HTML page → its PDF, and its charts' data as one CSV;
every section → the full report.

The page comes from the ``egov`` nbconvert template (:mod:`egov.exporters`), the PDF from
WeasyPrint. The full report is the Jinja template ``templates/build/full_report.html.j2``
around the sections' pages: their ``<main>`` content, with every ``id`` and in-page link
prefixed per section (so sections do not clash), read with an HTML parser.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from itertools import accumulate
from pathlib import Path

from egov.build.layout import PAGES_DIR

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
    """A section page, read: its title, styles and ``<main>`` content (ids prefixed)."""

    def __init__(self, text: str, prefix: str = ""):
        reader = _PageReader(text, prefix)
        reader.feed(text)
        reader.close()
        self.title = html.unescape(reader.title).strip() or None
        self.styles = [css.strip("\n") for css in reader.styles]
        self.anchor = reader.first_h1 or prefix
        self.body = reader.body()


def title(text: str) -> str | None:
    """The ``<title>`` of a page (only its head is read)."""
    end = text.find("<body")
    return Section(text if end < 0 else text[:end]).title


def full_report(sections: list[tuple[str, str]], lang: str) -> str:
    """One HTML document of every section (``(stem, page)`` pairs, in order), each on a new
    page, after a cover with the table of contents."""
    read = [Section(text, f"s{n}-") for n, (_, text) in enumerate(sections, start=1)]
    parts = [{"id": f"s{n}-", "anchor": s.anchor, "title": s.title or stem, "body": s.body}
             for n, ((stem, _), s) in enumerate(zip(sections, read), start=1)]
    return environment().get_template("full_report.html.j2").render(
        lang=lang, styles=read[0].styles if read else [], sections=parts)


def environment():
    """The Jinja environment of the build's pages: autoescaped (data strings are text), strict
    about undefined names."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(PAGES_DIR)), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


class _PageReader(HTMLParser):
    """Finds ``<title>``, the ``<style>`` blocks, ``<main>``'s content and the tags carrying an
    ``id`` or an in-page link, by offset in the page, to rewrite exactly those tags."""

    def __init__(self, text: str, prefix: str):
        super().__init__(convert_charrefs=False)
        self.text, self.prefix = text, prefix
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
        if self.prefix and any(k == "id" or (k == "href" and (v or "").startswith("#")) for k, v in attrs):
            self.edits.append((start, start + len(raw), self._prefixed(tag, attrs, raw.endswith("/>"))))

    def _prefixed(self, tag, attrs, closed) -> str:
        out = []
        for k, v in attrs:
            if k == "id" or (k == "href" and v.startswith("#")):
                v = ("#" + self.prefix + v[1:]) if k == "href" else self.prefix + v
            out.append(k if v is None else f'{k}="{html.escape(v, quote=True)}"')
        return f"<{tag}{''.join(' ' + a for a in out)}{' /' if closed else ''}>"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in = None

    def handle_endtag(self, tag):
        self._in = None
        if tag == "main":
            self.main[1] = self._offset()

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
