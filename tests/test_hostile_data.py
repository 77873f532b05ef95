"""Hostile data: what a careless or hostile contributor can put in ``data/``.

Markup in a label reaches the built report as text (checked in headless Chromium); numbers,
periods, headers, special files, rules and invisible characters each get a named
:class:`~egov.errors.DataError` (file, row, column, what was expected) or a FAIL line, never
a traceback, a hang or a guess.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, artifact

EGOV = [sys.executable, "-m", "egov"]


def egov(*args, data_dir: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*EGOV, *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=timeout,
                          env={**os.environ, "EGOV_DATA_DIR": str(data_dir)})


def set_cell(path: Path, key: str, column: str, value: str) -> None:
    """Set one cell (the row whose first column is ``key``), saved as a spreadsheet would."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    col = rows[0].index(column)
    hit = [r for r in rows[1:] if r[0] == key]
    assert hit, f"{key} not in {path}"
    hit[0][col] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


# ------------------------------------------------------------------------------ labels as text

#: Per language: (table, key, column, label). Each label carries markup for one renderer and
#: a marker word that must never end up inside an element the markup would have made.
LABELS = {
    "en": [("sections", "websites", "name_en", "Websites [click me](javascript:alert(1))"),
           ("indicators", "gov_websites", "name_en", "Government websites ![x](http://example.com/x.png) *emph*"),
           ("breakdowns", "level=central", "name_en", "Central $\\frac{1$ `tick` | # x"),
           ("units", "sites", "name_en", "websites ~~gone~~ &amp;"),
           ("rules", "websites_levels_sum", "description_en", "they add up _why_ **bold1** <i>ital</i>"),
           ("sources", "qianzhan2020", "publisher", "前瞻 (Qianzhan *Research*)"),
           ("sources", "qianzhan2020", "title", "Ten charts `code1` [t](javascript:alert(2))")],
    "zh": [("sections", "websites", "name_zh", "政府网站[click me](javascript:alert(1))"),
           ("indicators", "gov_websites", "name_zh", "政府网站数量![x](http://example.com/x.png)*emph*"),
           ("breakdowns", "level=central", "name_zh", "中央$\\frac{1$`tick`|#"),
           ("rules", "websites_levels_sum", "description_zh", "之和_why_**bold1**<i>ital</i>")],
}
MARKERS = ("emph", "tick", "gone", "why", "bold1", "ital", "Research", "code1")
#: What every page is checked for, in the browser.
INSPECT = """() => ({
  links: Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href') || ''),
  images: Array.from(document.images).map(i => [i.getAttribute('src').slice(0, 30), i.complete && i.naturalWidth > 0]),
  charts: document.querySelectorAll('.egov-chart img').length,
  marked: Array.from(document.querySelectorAll('em, strong, i, b, del, s, code, table:not(.dataframe), blockquote, dl, input, math'))
              .map(e => e.tagName + ': ' + e.textContent),
  text: document.body.innerText,
})"""


def test_labels_reach_every_report_as_text(tmp_path):
    """Markdown, HTML and maths in labels, sources and rules: shown as typed, in a real browser;
    no link or image is made from them, no request leaves the file, the charts still draw."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (make setup installs it)")
    from playwright.sync_api import sync_playwright

    from tests.test_browser import FLAGS

    root = tmp_path / "p"
    (root / "notebooks").mkdir(parents=True)
    for nb in ("00_overview", "04_websites"):
        shutil.copy(ROOT / "notebooks" / f"{nb}.ipynb", root / "notebooks")
    shutil.copytree(ROOT / "data", root / "data")
    for table, key, column, label in LABELS["en"] + LABELS["zh"]:
        set_cell(root / "data" / f"{table}.csv", key, column, label)
    out = subprocess.run([*EGOV, "build", "--notebooks", root / "notebooks", "-o", root / "reports",
                          "--format", "html", "--workers", "2"], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "EGOV_DATA_DIR": str(root / "data")}, timeout=900)
    assert out.returncode == 0, out.stderr
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            for lang in ("zh", "en"):
                for page_path in sorted((root / "reports" / lang).glob("*.html")):
                    _check_page(browser, page_path, lang)
        finally:
            browser.close()


def _check_page(browser, path: Path, lang: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    left, dialogs = [], []

    def route(r):
        if r.request.url.startswith("data:") or r.request.url.split("#")[0] == path.as_uri():
            r.continue_()
        else:
            left.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(path.as_uri(), wait_until="load")
        page.screenshot(path=str(artifact("hostile", f"{lang}_{path.stem}.png")), full_page=True)
        seen = page.evaluate(INSPECT)
    finally:
        context.close()
    name = f"{lang}/{path.name}"
    assert not left and not dialogs, f"{name}: requests {left}, dialogs {dialogs}"
    assert all(h.startswith(("#", "data:")) for h in seen["links"]), f"{name}: links {seen['links']}"
    assert all(src.startswith("data:image/png") and ok for src, ok in seen["images"]), f"{name}: {seen['images']}"
    marked = [m for m in seen["marked"] if any(w in m for w in MARKERS)]
    assert not marked, f"{name}: markup made from data: {marked}"
    text = re.sub(r"\s+", " ", seen["text"])
    shown = [label for _, _, _, label in LABELS[lang] if re.sub(r"\s+", " ", label) in text]
    assert shown, f"{name}: none of the labels is shown as typed"
    if path.stem == "04_websites":
        assert seen["charts"] >= 3, f"{name}: {seen['charts']} charts drawn"
        missing = [label for table, _, _, label in LABELS[lang] if table in ("sections", "indicators", "rules")
                   and label not in text]
        assert not missing, f"{name}: not shown as typed: {missing}"
