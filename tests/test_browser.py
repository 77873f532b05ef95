"""Every HTML report in a real headless Chromium, with the network blocked.

Each page must load from its file alone: no request to anything but itself and data: URIs,
no console error, every image decoded, every table-of-contents link landing on a heading,
Chinese set in a real CJK font (asked of the browser's own font matching over the DevTools
protocol). A screenshot of each page is kept in test-artifacts/browser/.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.helpers import CHROMIUM_FLAGS as FLAGS, artifact

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make setup installs it)")]
CJK_FONTS = ("Noto Sans CJK", "Noto Serif CJK", "Source Han", "PingFang", "Microsoft YaHei", "WenQuanYi")


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def html_reports(root: Path) -> list[Path]:
    return sorted(root.glob("*/*.html")) + [root / "index.html", root / "index.en.html"]


def open_offline(browser, path: Path):
    """Open a file with every non-file request refused; return page and what it tried."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    seen = {"requests": [], "blocked": [], "errors": [], "dialogs": []}

    def route(r):
        url = r.request.url
        seen["requests"].append(url)
        if url.startswith(("data:", "blob:")) or url == path.as_uri() or url.split("#")[0] == path.as_uri():
            r.continue_()
        else:
            seen["blocked"].append(url)
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, seen


#: Follow every in-page link as a reader would (set the fragment) and see what it lands on.
FOLLOW_LINKS = """Array.from(document.querySelectorAll('a[href^="#"]')).map(a => {
    const href = a.getAttribute('href');
    location.hash = href;
    const target = document.querySelector(':target');
    return [href, target ? target.tagName : null];
})"""


def dead_anchor_links(page) -> list[str]:
    return [href for href, tag in page.evaluate(FOLLOW_LINKS) if href != "#" and tag is None]


def test_every_report_loads_offline_and_renders(browser, built_reports):
    problems = []
    for path in html_reports(built_reports):
        name = str(path.relative_to(built_reports))
        context, page, seen = open_offline(browser, path)
        try:
            page.screenshot(path=str(artifact("browser", name.replace("/", "_") + ".png")), full_page=False)
            if seen["blocked"]:
                problems.append(f"{name}: requests leaving the file: {seen['blocked'][:3]}")
            if seen["errors"]:
                problems.append(f"{name}: console errors: {seen['errors'][:3]}")
            images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.src.slice(0, 40)])")
            broken = [src for complete, width, src in images if not (complete and width > 0)]
            if broken:
                problems.append(f"{name}: images that did not decode: {broken[:3]}")
            if re.match(r"0[1-6]_", path.name) and not images:
                problems.append(f"{name}: no chart image")
            dead = dead_anchor_links(page)
            if dead:
                problems.append(f"{name}: table-of-contents links to nowhere: {dead[:3]}")
        finally:
            context.close()
    assert not problems, "\n".join(problems)


LINKS = "Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"


@pytest.mark.parametrize("lang, name, other", [("zh", "index.html", "index.en.html"),
                                               ("en", "index.en.html", "index.html")])
def test_front_door_links_resolve_and_images_load_offline(browser, built_reports, lang, name, other):
    """Each language's front door: every report of its language linked, every link to a file
    landing on a file that exists (web addresses only in the citation and the licence), every
    image decoded with no request leaving the file, and the language switch opening the other."""
    context, page, seen = open_offline(browser, built_reports / name)
    try:
        page.screenshot(path=str(artifact("browser", name.replace(".", "_") + "_full.png")), full_page=True)
        assert not seen["blocked"] and not seen["errors"], seen
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        assert len(images) >= 7 and all(ok and width > 0 for ok, width in images), images
        links = page.evaluate(LINKS)
        files = [h for h in links if not h.startswith(("http://", "https://", "#"))]
        assert [h for h in files if not (built_reports / h).is_file()] == []
        web = page.evaluate("Array.from(document.querySelectorAll('a[href^=\"http\"]')).map(a => a.closest('section').id)")
        assert set(web) <= {"cite", "licence"}
        expected = {p.relative_to(built_reports).as_posix() for p in built_reports.glob(f"{lang}/*.html")}
        other_lang = "en" if lang == "zh" else "zh"
        assert expected and expected <= set(files) and not any(h.startswith(f"{other_lang}/") for h in files)
        assert page.get_attribute("nav.switch a", "href") == other
    finally:
        context.close()


def test_table_of_contents_exists_and_resolves(browser, built_reports):
    context, page, _ = open_offline(browser, built_reports / "zh" / "04_websites.html")
    try:
        targets = page.evaluate(FOLLOW_LINKS)
    finally:
        context.close()
    assert len(targets) >= 3 and all(t in {"H1", "H2", "H3", "H4"} for _, t in targets), targets


@pytest.mark.parametrize("report", ["zh/04_websites.html", "zh/00_overview.html", "en/04_websites.html"])
def test_chinese_is_set_in_a_cjk_font(browser, built_reports, report):
    """Ask Chromium which platform font drew the Chinese text of the title and a paragraph."""
    context, page, _ = open_offline(browser, built_reports / report)
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        # the first element holding Chinese characters
        page.evaluate("""(() => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            let n; while ((n = walker.nextNode())) {
                if (/[\\u4e00-\\u9fff]/.test(n.textContent) && n.parentElement.offsetParent !== null) {
                    n.parentElement.setAttribute('data-cjk-probe', '1'); return; } }
        })()""")
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-cjk-probe]"})["nodeId"]
        assert node, f"{report}: no Chinese text found"
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        context.close()
    names = [f["familyName"] + " / " + f.get("postScriptName", "") for f in fonts]
    assert any(any(cjk in n for cjk in CJK_FONTS) for n in names), f"{report}: Chinese drawn with {names}"
