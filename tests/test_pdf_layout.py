"""The PDF reports laid out as a reader sees them, measured with pdfminer (every character and
image where it is drawn, even off the page):

- nothing leaves the printable area (the page less the margins of egov.css's ``@page``);
- no heading is the last line of a page (it would be orphaned from what it heads);
- no page is near-empty: every page's content reaches at least :data:`FILLED` of the way down
  the printable area (a page holding a few lines or one bullet fails);
- no table column of Chinese one or two characters wide (a run of lines of at most two
  characters at one left edge);
- no link in a PDF leads to a file on the machine that made it.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pytest

from egov.exporters import TEMPLATE_DIR

pdfminer = pytest.importorskip("pdfminer")
pytestmark = pytest.mark.slow

#: A page's content must reach this far down its printable area (about seven lines of text).
FILLED = 0.15
#: Slack for glyph outlines and rounding, in points.
SLACK = 1.5
MM = 72 / 25.4
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def margins() -> dict[str, float]:
    """The page margins egov.css gives WeasyPrint (``@page { margin: top right bottom left }``), in points."""
    css = (TEMPLATE_DIR / "static" / "egov.css").read_text(encoding="utf-8")
    found = [float(x) * MM for x in re.search(r"@page\s*{[^}]*?margin:\s*([\d.]+)mm\s+([\d.]+)mm\s+([\d.]+)mm", css).groups()]
    return {"top": found[0], "right": found[1], "bottom": found[2], "left": found[1]}


def pdfs(root) -> list:
    return sorted(root.glob("*/*.pdf"))


@lru_cache(maxsize=None)
def layout(path: str) -> list[dict]:
    """Per page: its size, its text lines (text, x0, x1, top, bottom, font size, bold), its
    characters' and images' boxes (top-down coordinates, in points)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTFigure, LTImage, LTTextLine

    pages = []
    for page in extract_pages(path, laparams=LAParams(line_margin=0.3)):
        h = page.height
        out = {"width": page.width, "height": h, "lines": [], "boxes": []}

        def walk(o):
            if isinstance(o, LTTextLine):
                chars = [c for c in o if isinstance(c, LTChar)]
                text = o.get_text().strip()
                if chars and text:
                    size = max(c.size for c in chars)
                    out["lines"].append({"text": text, "x0": o.x0, "x1": o.x1, "top": h - o.y1, "bottom": h - o.y0,
                                         "size": size, "bold": all("Bold" in c.fontname for c in chars if c.get_text().strip())})
                    out["boxes"] += [(c.get_text(), c.x0, c.x1, h - c.y1, h - c.y0) for c in chars if c.get_text().strip()]
                return
            if isinstance(o, (LTImage, LTFigure)) and not list(getattr(o, "_objs", [])):
                out["boxes"].append(("<image>", o.x0, o.x1, h - o.y1, h - o.y0))
            for child in getattr(o, "_objs", []):
                walk(child)

        walk(page)
        pages.append(out)
    return pages


def content_lines(page) -> list[dict]:
    """The page's lines but its number ("3 / 9") in the bottom margin."""
    return [ln for ln in page["lines"] if not re.fullmatch(r"\d+ / \d+", ln["text"])]


def outside(pdf) -> list[str]:
    """Characters and images beyond the printable area (the page number in its margin box aside)."""
    m, problems = margins(), []
    for n, page in enumerate(layout(str(pdf)), start=1):
        right, bottom = page["width"] - m["right"] + SLACK, page["height"] - m["bottom"] + SLACK
        numbers = [(ln["top"], ln["bottom"]) for ln in page["lines"] if re.fullmatch(r"\d+ / \d+", ln["text"])]
        for text, x0, x1, top, bot in page["boxes"]:
            if any(t - SLACK <= top and bot <= b + SLACK for t, b in numbers):
                continue
            if x0 < m["left"] - SLACK or x1 > right or top < m["top"] - SLACK or bot > bottom:
                problems.append(f"page {n}: {text!r} at x {x0:.0f}–{x1:.0f}, y {top:.0f}–{bot:.0f} "
                                f"(printable: x {m['left']:.0f}–{right:.0f}, y {m['top']:.0f}–{bottom:.0f})")
    return problems


def _body_size(pages) -> float:
    """The size most of the text is set in."""
    sizes: dict[float, int] = {}
    for p in pages:
        for ln in content_lines(p):
            sizes[round(ln["size"], 1)] = sizes.get(round(ln["size"], 1), 0) + len(ln["text"])
    return max(sizes, key=sizes.get)


def orphaned_headings(pdf) -> list[str]:
    """Pages (but the last) whose last line is a heading: bold, and larger than the body text."""
    pages, problems = layout(str(pdf)), []
    body = _body_size(pages)
    for n, page in enumerate(pages[:-1], start=1):
        lines = sorted(content_lines(page), key=lambda ln: (ln["bottom"], ln["x0"]))
        if lines and lines[-1]["bold"] and lines[-1]["size"] >= 1.15 * body:
            problems.append(f"page {n} ends with the heading {lines[-1]['text']!r}")
    return problems


def near_empty(pdf) -> list[str]:
    """Pages whose content stops short of :data:`FILLED` of the printable height."""
    m, problems = margins(), []
    for n, page in enumerate(layout(str(pdf)), start=1):
        printable = page["height"] - m["top"] - m["bottom"]
        boxes = [b for b in page["boxes"] if not re.fullmatch(r"[\d /]+", b[0])] or [("", 0, 0, m["top"], m["top"])]
        reach = (max(b[4] for b in boxes) - m["top"]) / printable
        if reach < FILLED:
            problems.append(f"page {n}: its content reaches {reach:.0%} of the printable height (at least "
                            f"{FILLED:.0%} expected): {' / '.join(ln['text'][:40] for ln in content_lines(page))[:200]}")
    return problems


def narrow_columns(pdf) -> list[str]:
    """Columns of Chinese one or two characters wide: three such lines stacked at one left edge."""
    problems = []
    for n, page in enumerate(layout(str(pdf)), start=1):
        short = sorted((ln for ln in page["lines"] if _CJK.search(ln["text"]) and len(ln["text"]) <= 2),
                       key=lambda ln: (round(ln["x0"]), ln["top"]))
        for a, b, c in zip(short, short[1:], short[2:]):
            if abs(a["x0"] - c["x0"]) < 1 and 0 < c["top"] - a["top"] < 4 * (a["bottom"] - a["top"]):
                problems.append(f"page {n}: a column {a['text']!r} / {b['text']!r} / {c['text']!r} at x {a['x0']:.0f}")
                break
    return problems


#: Marks a font kerns into the letter before or after them.
_KERNED = set(".,'’‘\"“”")


def overlapping(pdf) -> list[str]:
    """Characters drawn over others on one line: a word wider than its table column runs into
    the next column (a table laid out with fixed column widths does not widen a column)."""
    problems = []
    for n, page in enumerate(layout(str(pdf)), start=1):
        chars = sorted((b for b in page["boxes"] if b[0] != "<image>"), key=lambda b: b[3])
        line: list = []
        for box in chars + [None]:
            if box is not None and line and abs(box[3] - line[0][3]) < 0.5 * (line[0][4] - line[0][3]):
                line.append(box)
                continue
            ordered = sorted(line, key=lambda b: b[1])
            for a, b in zip(ordered, ordered[1:]):
                kerned = a[0] in _KERNED or b[0] in _KERNED  # 'T.' tucks the stop under the T
                if not kerned and b[1] < a[2] - 0.4 * min(a[2] - a[1], b[2] - b[1]):
                    problems.append(f"page {n}: {a[0]!r} and {b[0]!r} drawn over each other at x {b[1]:.0f}, "
                                    f"y {b[3]:.0f}")
                    break
            line = [box]
    return problems


CHECKS = {"outside": outside, "orphaned_headings": orphaned_headings, "near_empty": near_empty,
          "narrow_columns": narrow_columns, "overlapping": overlapping}


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_every_pdf_is_laid_out_within_its_pages(built_reports, check):
    problems = [f"{pdf.relative_to(built_reports)} {p}" for pdf in pdfs(built_reports) for p in CHECKS[check](pdf)]
    assert not problems, "\n".join(problems[:20])


#: Pages made to fail every check: a table wider than the page, a column of Chinese two
#: characters wide, a word wider than its fixed column, and headings pushed towards the foot of a page by spacers of every height
#: from 236 to 258 mm (one of them leaves a heading last on its page and its sentence alone on
#: the next, whatever the fonts' exact metrics).
BAD = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{css}</style>
<style>h2 {{ break-after: auto !important; }}</style></head><body><main>
<table><tr><td>{wide}</td></tr></table>
<table style="width: 100%"><tr><td>政务头条号数量更正</td><td style="width: 99%">{long}</td></tr></table>
<table style="width: 100%; table-layout: fixed"><tr><td style="width: 10%">{word}</td><td>政务头条号</td></tr></table>
{pushed}
</main></body></html>"""
PUSHED = '<div style="break-before: page; height: {mm}mm"></div><h2>孤立的标题</h2><p>一句话。</p>'


def test_the_checks_find_what_they_look_for(tmp_path):
    from egov.exporters import html_to_pdf

    css = (TEMPLATE_DIR / "static" / "egov.css").read_text(encoding="utf-8")
    html = BAD.format(css=css, wide="W" * 160, long="文" * 400, word="reconstruction" * 3,
                      pushed="".join(PUSHED.format(mm=mm) for mm in range(236, 259)))
    pdf = tmp_path / "bad.pdf"
    pdf.write_bytes(html_to_pdf(html))
    found = {name: check(pdf) for name, check in CHECKS.items()}
    assert all(found.values()), found


def test_an_id_too_long_for_its_column_breaks_within_the_page(tmp_path):
    """Ids break at their underscores; a piece longer than that (hostile or careless data) may
    break anywhere, so the table still fits the page."""
    import pandas as pd

    from egov import tables
    from egov.exporters import html_to_pdf

    css = (TEMPLATE_DIR / "static" / "egov.css").read_text(encoding="utf-8")
    frame = pd.DataFrame({"name": ["网站", "栏目"], "id": ["gov_" + "x" * 300, "gov_website_columns"], "n": [1.0, 2.0]})
    table = tables.records(frame, "zh", sub="id").html("zh")
    pdf = tmp_path / "ids.pdf"
    pdf.write_bytes(html_to_pdf(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{css}'
                                f"</style></head><body><main>{table}</main></body></html>"))
    assert 'class="egov-id egov-long"' in table and not outside(pdf)


def test_no_link_leads_to_the_builders_files(built_reports):
    """Links that work only beside the other pages (navigation, the index's citation) are left
    out of the PDF; what is left is in-document or on the web."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    bad = []
    for pdf in pdfs(built_reports):
        with open(pdf, "rb") as f:
            doc = PDFDocument(PDFParser(f))
            for page in PDFPage.create_pages(doc):
                for annot in resolve1(page.annots) or []:
                    action = resolve1(resolve1(annot).get("A")) or {}
                    uri = resolve1(action.get("URI"))
                    if uri is not None and not uri.decode("latin-1").startswith(("https://", "http://")):
                        bad.append(f"{pdf.relative_to(built_reports)}: {uri!r}")
    assert not bad, "\n".join(bad[:10])


def test_a_charts_table_is_printed_only_where_it_adds_something(built_reports):
    from pdfminer.high_level import extract_text

    websites = extract_text(str(built_reports / "en" / "04_websites.pdf"))
    sharing = extract_text(str(built_reports / "en" / "03_sharing.pdf"))
    assert "Central level (with www.gov.cn)" in websites  # the stacked parts are unlabelled: its table prints
    assert "E-certificate types (types)" not in sharing  # every value is on the chart: no table
    assert "Show data" not in websites + sharing and "Download" not in websites
