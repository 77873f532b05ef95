"""nbconvert exporters for the egov reports: ``--to egov_html`` and ``--to egov_pdf``.

Both use the ``egov`` template shipped in ``egov/templates/egov`` (also installed as
``share/jupyter/nbconvert/templates/egov``): ``jupyter nbconvert --to egov_html`` on an executed
report in its folder gives the build's page; ``--to html --template egov`` the same page
without what the egov exporter adds (the navigation, the footer's edition and citation). The
PDF is the same HTML laid out by WeasyPrint, because nbconvert's LaTeX route drops Chinese
characters and its webpdf route needs a downloaded browser.

PDFs are reproducible: no creation date is written unless the HTML names one, the file
identifier is derived from the HTML, and fonts come from the system (``fonts-noto-cjk``).

PDFs are offline: WeasyPrint fetches only ``data:`` URLs and files of egov's own templates
(:func:`offline_fetcher`). An image or stylesheet anywhere else, on the network or on disk,
is left out (WeasyPrint logs a warning), so rendering a page never makes a request.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from nbconvert.exporters import HTMLExporter
from traitlets import Bool, default

#: Folder holding the ``egov`` nbconvert template (``egov/templates/egov``).
TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_DIR = TEMPLATES / "egov"


def report_lang(nb) -> str:
    """The language of an executed notebook: ``metadata.egov.lang``, else papermill's ``lang``."""
    md = nb.get("metadata", {})
    return md.get("egov", {}).get("lang") or md.get("papermill", {}).get("parameters", {}).get("lang") or ""


def page_context(nb, lang: str, stem: str, sections: list[str] | None) -> dict:
    """What a report page says around its cells: its edition (papermill's ``as_of``, else the
    one its title's output records, :meth:`egov.section.Section.show`, in words)
    and, when it is one of ``sections`` (the report's notebook stems, in order), the links to
    the index, to the same section in the other language, to the sections before and after it
    and to the data notes. Links are relative (``reports/<lang>/<stem>.html`` beside each other,
    the index one folder up), so the reports folder can be moved or served anywhere.

    >>> page_context({}, "en", "01_b", ["00_a", "01_b", "07_data_notes"])["nav"]
    {'index': '../index.en.html', 'other': '../zh/01_b.html', 'prev': '00_a.html', 'next': '07_data_notes.html', 'notes': '07_data_notes.html'}
    """
    from egov import citation, i18n, periods
    from egov.build.layout import INDEX_PAGES

    as_of = nb.get("metadata", {}).get("papermill", {}).get("parameters", {}).get("as_of") or next(
        (o.get("metadata", {}).get("egov_narrative", {}).get("edition") for c in nb.get("cells", [])
         for o in c.get("outputs", []) if o.get("metadata", {}).get("egov_narrative", {}).get("edition")), None)
    edition = i18n.period(as_of, lang) if isinstance(as_of, str) and periods.MONTH.fullmatch(as_of) else None
    if lang not in i18n.LANGS:
        return {"edition": edition, "citation": citation.text("en"), "nav": None}
    if not sections or stem not in sections:
        return {"edition": edition, "citation": citation.text(lang), "nav": None}
    k = sections.index(stem)
    other = i18n.LANGS[1 - i18n.LANGS.index(lang)]
    notes = next((s for s in sections if s.endswith("data_notes")), None)
    return {"edition": edition, "citation": citation.text(lang), "nav": {
        "index": f"../{INDEX_PAGES[lang]}", "other": f"../{other}/{stem}.html",
        "prev": f"{sections[k - 1]}.html" if k > 0 else None,
        "next": f"{sections[k + 1]}.html" if k + 1 < len(sections) else None,
        "notes": f"{notes}.html" if notes and notes != stem else None}}


class EgovHTMLExporter(HTMLExporter):
    """One self-contained HTML page per report, offline (see the template's docstring)."""

    export_from_notebook = "egov HTML"
    show_code = Bool(False, help="Show code inputs (hidden by default).").tag(config=True)

    @default("template_name")
    def _template_name_default(self):
        return "egov"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self):
        return [str(TEMPLATES)]

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self):
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self):
        return True

    def from_notebook_node(self, nb, resources=None, **kw):
        from egov.build.layout import section_stems

        lang = report_lang(nb)
        if lang in ("zh", "en"):
            self.language_code = lang
        resources = dict(resources or {})
        resources["egov_show_code"] = bool(self.show_code)
        meta = resources.get("metadata") or {}
        resources["egov_page"] = page_context(nb, lang, meta.get("name", ""), list(section_stems(meta.get("path"))))
        return super().from_notebook_node(nb, resources, **kw)


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """Lay out an egov HTML page as PDF with WeasyPrint (print media, A4, page numbers); links
    to other sections' pages are dropped (:data:`_SECTION_LINK`)."""
    try:
        import weasyprint
    except (ImportError, OSError) as err:  # not installed, or its system libraries (Pango) missing
        raise RuntimeError(
            f"the PDF engine WeasyPrint cannot be loaded ({err}). Install it with "
            "`pip install weasyprint` (or run `make setup`), or build HTML only with --format html"
        ) from None

    ident = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    html = _SECTION_LINK.sub("", html)
    return weasyprint.HTML(string=html, base_url=base_url,
                           url_fetcher=offline_fetcher()).write_pdf(pdf_identifier=ident)


def allowed(url: str) -> bool:
    """Whether a PDF may load ``url``: a ``data:`` URL, or a file inside egov's templates.

    >>> allowed("data:image/png;base64,AAAA"), allowed("http://127.0.0.1/x.png")
    (True, False)
    >>> allowed("file:///etc/passwd"), allowed((TEMPLATE_DIR / "static" / "egov.css").as_uri())
    (False, True)
    """
    scheme = url.split(":", 1)[0].lower()
    if scheme == "data":
        return True
    if scheme != "file":
        return False
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return False
    return Path(url2pathname(parts.path)).resolve().is_relative_to(TEMPLATES.resolve())


@lru_cache(maxsize=1)
def _offline_fetcher_class():
    from weasyprint.urls import URLFetcher

    class OfflineFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not allowed(url):
                raise ValueError(f"egov PDFs load nothing from the network or outside their "
                                 f"templates; left out: {url[:200]}")
            return super().fetch(url, headers)

    return OfflineFetcher


def offline_fetcher():
    """WeasyPrint's URL fetcher, refusing every URL :func:`allowed` refuses (no redirects)."""
    return _offline_fetcher_class()(allowed_protocols=("data", "file"), allow_redirects=False)


class EgovPDFExporter(EgovHTMLExporter):
    """The egov HTML page as PDF, with the CJK font embedded (``--to egov_pdf``)."""

    export_from_notebook = "egov PDF"

    @default("file_extension")
    def _file_extension_default(self):
        return ".pdf"

    @default("template_extension")
    def _template_extension_default(self):
        return ".html.j2"  # as nbconvert's webpdf: the HTML template, laid out as PDF

    def from_notebook_node(self, nb, resources=None, **kw):
        html, resources = super().from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = ".pdf"
        return html_to_pdf(html), resources


#: A link to another section's page (the overview's grid): it works only beside the other pages,
#: so a section's PDF keeps its text and drops the link (the full report links within itself).
_SECTION_LINK = re.compile(r'\shref="(?:\.\./(?:zh|en)/)?\d\d_[a-z_]+\.html(?:#[^"]*)?"')
