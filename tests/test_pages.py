"""Every HTML section page as a reader meets it: navigation that leads somewhere, charts as
figures with their alt text and their data behind "Show data", corrections under a real
heading, prose in paragraphs, a footer that speaks to readers; and, for JupyterLab, each
report's charts' data as a CSV beside its executed notebook."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from tests.helpers import CHROMIUM_FLAGS, artifact

pytestmark = pytest.mark.slow


def section_pages(root: Path) -> list[Path]:
    return sorted(root.glob("*/[0-9]*.html"))


@lru_cache(maxsize=None)
def soup(path: Path) -> BeautifulSoup:
    """A page, parsed once (the tests only read it)."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def executed(page: Path) -> dict:
    return json.loads(page.with_suffix(".ipynb").read_text(encoding="utf-8"))


def test_every_navigation_link_resolves(built_reports):
    problems, pages = [], section_pages(built_reports)
    assert len(pages) == 16
    for page in pages:
        doc = soup(page)
        navs = doc.select("nav.egov-nav")
        if len(navs) != 2:
            problems.append(f"{page.name}: {len(navs)} navigation bars (top and bottom expected)")
        links = [a["href"] for nav in navs for a in nav.select("a[href]")]
        links += [a["href"] for a in doc.select("footer a[href]") if not a["href"].startswith("https://")]
        for href in links:
            target = href.split("#", 1)[0]
            if "://" in href or href.startswith("/") or not (page.parent / unquote(target)).is_file():
                problems.append(f"{page.relative_to(built_reports)}: link {href!r} leads nowhere")
        other = doc.select_one("a.egov-nav-lang")["href"]
        if Path(other).name != page.name or Path(other).parent.name == page.parent.name:
            problems.append(f"{page.name}: the other language's link is {other!r}")
    assert not problems, "\n".join(problems)


def test_previous_and_next_follow_the_report_order(built_reports):
    for lang in ("zh", "en"):
        stems = sorted(p.stem for p in (built_reports / lang).glob("[0-9]*.html"))
        for k, stem in enumerate(stems):
            doc = soup(built_reports / lang / f"{stem}.html")
            prev, nxt = doc.select_one("nav a[rel=prev]"), doc.select_one("nav a[rel=next]")
            assert (prev["href"] if prev else None) == (f"{stems[k - 1]}.html" if k else None)
            assert (nxt["href"] if nxt else None) == (f"{stems[k + 1]}.html" if k + 1 < len(stems) else None)


def test_charts_are_figures_with_their_alt_text_and_data(built_reports):
    problems = []
    for page in section_pages(built_reports):
        doc, zh = soup(page), page.parent.name == "zh"
        alts = {o["metadata"]["egov"]["chart"]: o["metadata"]["egov"]["alt"] for c in executed(page)["cells"]
                for o in c.get("outputs", []) if o.get("metadata", {}).get("egov", {}).get("alt")}
        figures = doc.select("figure.egov-figure")
        if sorted(f["id"].removeprefix("chart-") for f in figures) != sorted(alts):
            problems.append(f"{page.name}: figures {[f['id'] for f in figures]} for charts {sorted(alts)}")
        stray = [img for img in doc.select("main img") if img.find_parent("figure") is None
                 and img.find_parent(attrs={"data-egov-gallery": True}) is None]  # the overview's thumbnails link to charts
        if stray:
            problems.append(f"{page.name}: {len(stray)} images outside a figure")
        for fig in figures:
            chart = fig["id"].removeprefix("chart-")
            img, cap = fig.find("img"), fig.find("figcaption")
            if img.get("alt") != alts.get(chart) or not img["alt"].startswith("图：" if zh else "Chart: "):
                problems.append(f"{page.name} {chart}: alt {img.get('alt')!r}")
            summary = cap and cap.select_one("details.egov-data > summary")
            if summary is None or summary.get_text() != ("查看数据" if zh else "Show data"):
                problems.append(f"{page.name} {chart}: no 'Show data' in the caption")
                continue
            table, link = cap.select_one("details table.egov-table"), cap.select_one("details a[download]")
            if table is None or link is None or not link["href"].startswith("data:text/csv"):
                problems.append(f"{page.name} {chart}: the table or its CSV is missing")
                continue
            heads = [th.get_text() for th in table.select("thead th")]
            if any(re.fullmatch(r"\d{4}-\d\d", h) for h in heads):  # periods in words, as readers write them
                problems.append(f"{page.name} {chart}: periods written as codes {heads}")
            for td in table.select("td"):
                if td["class"] == ["egov-number"] and re.search(r"\d{5}", td.get_text()):
                    problems.append(f"{page.name} {chart}: {td.get_text()!r} has no thousands separator")
    assert not problems, "\n".join(problems[:20])


def test_corrections_are_a_heading(built_reports):
    """A section's corrections (and the data notes') are a part of their own: a heading in the
    table of contents, not a bold line."""
    for lang, words in (("zh", ("更正说明", "更正")), ("en", ("Corrections",))):
        for stem in ("03_sharing", "04_websites", "05_new_media", "07_data_notes"):
            doc = soup(built_reports / lang / f"{stem}.html")
            headings = [h.get_text().replace("¶", "").strip() for h in doc.select("main h2")]
            assert set(words) & set(headings), (lang, stem, headings)
            assert set(words) & {a.get_text() for a in doc.select("nav.egov-toc a")}


def _sentences(text: str) -> int:
    """Sentences: ending in 。！？, or in .!? before a space and a capital (not 20.0% or www.gov.cn)."""
    return len([s for s in re.split(r"(?<=[。！？])|(?<=[.!?])\s+(?=[A-Z“\"(])", text.strip()) if s.strip()])


def test_prose_flows_in_paragraphs(built_reports):
    """No three one-sentence paragraphs in a row: a part's sentences flow as paragraphs."""
    problems = []
    for page in section_pages(built_reports):
        for block in soup(page).select("main .jp-RenderedMarkdown"):
            run = 0
            for el in block.find_all(recursive=False):
                run = run + 1 if el.name == "p" and _sentences(el.get_text()) == 1 else 0
                if run == 3:
                    problems.append(f"{page.relative_to(built_reports)}: {el.get_text()[:80]!r} is a third one-sentence paragraph in a row")
    assert not problems, "\n".join(problems)


def test_footer_speaks_to_readers(built_reports):
    for lang in ("zh", "en"):
        doc = soup(built_reports / lang / "04_websites.html")
        footer = doc.select_one("footer.egov-footer")
        text = footer.get_text(" ")
        words = ("来源", "数据截至2020年6月", "引用", "CC BY 4.0", "MIT") if lang == "zh" else \
            ("Sources", "Data as of June 2020", "How to cite", "CC BY 4.0", "MIT")
        assert all(w in text for w in words), text
        assert "notebook" not in text and "parameters" not in text and "参数" not in text  # not about the build
        front = {"zh": "index.html", "en": "index.en.html"}[lang]  # the front door in the page's language
        assert footer.select_one(f'a[href="../{front}#cite"]') is not None
        assert footer.select_one("a[href='07_data_notes.html']") is not None


def test_each_reports_chart_data_is_a_csv_beside_its_notebook(built_reports):
    for lang in ("zh", "en"):
        for page in sorted((built_reports / lang).glob("[0-9]*.html")):
            figures = [f["id"].removeprefix("chart-") for f in soup(page).select("figure.egov-figure")]
            beside = page.with_suffix(".csv")
            if not figures:
                assert not beside.exists(), beside
                continue
            found = list(csv.DictReader(io.StringIO(beside.read_text(encoding="utf-8"))))
            assert list(dict.fromkeys(r["chart"] for r in found)) == figures
            downloads = [unquote(a["href"].split(",", 1)[1]).lstrip("\ufeff")
                         for a in soup(page).select("figure a[download]")]
            assert len(found) == sum(len(list(csv.DictReader(io.StringIO(d)))) for d in downloads)


def test_show_data_opens_in_a_browser(built_reports):
    """In Chromium the table is hidden until the reader opens "Show data"; the page is
    screenshotted before and after (test-artifacts/pages/)."""
    playwright = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (make setup installs it)")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS, headless=True)
        try:
            for lang, label in (("en", "Show data"), ("zh", "查看数据")):
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                page.goto((built_reports / lang / "04_websites.html").as_uri())
                figure = page.locator("figure#chart-websites_by_level")
                table = figure.locator("table")
                assert not table.is_visible()
                figure.locator("summary", has_text=label).click()
                assert table.is_visible() and table.locator("td.egov-number").count() >= 9
                align = table.locator("td.egov-number").first.evaluate("e => getComputedStyle(e).textAlign")
                assert align == "right"
                figure.screenshot(path=str(artifact("pages", f"{lang}_04_websites_show_data.png")))
                page.close()
        finally:
            browser.close()
