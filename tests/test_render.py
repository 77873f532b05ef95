"""The build's pages: the full report assembled from section pages, the index."""

from __future__ import annotations

import base64
import io
import json
import re

from PIL import Image

from egov.build import render
from egov.build.index import render_index, thumbnail
from egov.build.manifest import Entry, FullEntry, Manifest, Output

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ color: black; }}
</style>
</head>
<body class="egov-report">
<main>
<h1 id="Title">{title}<a class="anchor-link" href="#Title">¶</a></h1>
<nav class="egov-toc"><ol><li><a href="#Sources">Sources</a></li></ol></nav>
<h2 id="Sources">Sources</h2>
<p>Text with id="not-an-attribute" and <a href="https://example.org/#x">a link</a>.</p>
<img src="data:image/png;base64,AAAA" alt="chart"/>
</main>
<footer>not in the report</footer>
</body>
</html>
"""


def test_full_report_prefixes_each_sections_ids_and_links():
    pages = [("01_a", PAGE.format(title="Section &amp; one")), ("02_b", PAGE.format(title="Section two"))]
    doc = render.full_report(pages, "en")
    ids = re.findall(r'<[a-z0-9]+ [^>]*\bid="([^"]+)"', doc)  # in tags, not in text
    assert len(ids) == len(set(ids))  # no id twice
    assert {"s1-Title", "s1-Sources", "s2-Title", "s2-Sources"} <= set(ids)
    links = re.findall(r'href="#([^"]+)"', doc)
    assert links and all(link in ids for link in links)  # every in-page link lands
    assert 'href="https://example.org/#x"' in doc  # other links untouched
    assert 'id="not-an-attribute"' in doc  # text is text: not rewritten
    assert "not in the report" not in doc  # only <main> of each page
    toc = re.search(r'<nav class="egov-toc">.*?</nav>', doc, re.S).group(0)
    assert '<a href="#s1-Title">Section &amp; one</a>' in toc and '<a href="#s2-Title">Section two</a>' in toc
    assert doc.count("body { color: black; }") == 1  # the stylesheet once
    assert "<title>China&#39;s internet e-government in 2020</title>" in doc


def test_section_title_is_text():
    assert render.title(PAGE.format(title="A &lt;b&gt; title")) == "A <b> title"


def test_index_escapes_titles_and_links_every_file(tmp_path):
    m = Manifest()
    m.reports["zh/01_a"] = Entry(notebook="notebooks/01_a.ipynb", lang="zh", title="<script>x</script>",
                                 outputs={"ipynb": Output("zh/01_a.ipynb", "0"), "html": Output("zh/01_a.html", "0"),
                                          "pdf": Output("zh/01_a.pdf", "0")})
    m.reports["en/01_a"] = Entry(notebook="notebooks/01_a.ipynb", lang="en", status="failed", error="x",
                                 failed_notebook="en/failed/01_a.ipynb")
    m.full_reports["zh"] = FullEntry("zh/full_report.pdf", "0", "k", ["01_a"])
    pages = render_index(m, ["01_a"], tmp_path)
    zh, en = pages["index.html"], pages["index.en.html"]
    assert "<script>x" not in zh and "&lt;script&gt;x&lt;/script&gt;" in zh
    files = [h for h in re.findall(r'href="([^"]+)"', zh) if not h.startswith("http")]
    assert files == ["index.en.html", "index.en.html", "zh/full_report.pdf", "zh/01_a.html", "zh/01_a.html",
                     "zh/01_a.html", "zh/01_a.pdf", "zh/01_a.ipynb"]  # alternate, switch; card: picture, title, formats
    assert "<img" not in zh  # its notebook is not there: no thumbnail, and no error
    assert [h for h in re.findall(r'href="([^"]+)"', en) if not h.startswith("http")] == [
        "index.html", "index.html", "en/failed/01_a.ipynb"]
    assert "build failed" in en and "尚未生成。" not in zh  # zh has its report
    assert "数据集尚未生成" in zh and "The dataset has not been built" in en


def test_index_reads_only_files_inside_the_reports_folder(tmp_path):
    """Paths in the manifest are untrusted: one leading out of the folder is not read."""
    png = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(png, "PNG")
    chart = {"metadata": {"egov": {"chart": "x", "alt": "SECRET"}},
             "data": {"image/png": base64.b64encode(png.getvalue()).decode()}}
    outside = tmp_path / "secret.ipynb"
    outside.write_text(json.dumps({"cells": [{"outputs": [chart]}]}))
    assert thumbnail(json.loads(outside.read_text()))[1] == "SECRET"  # readable, were it inside
    reports = tmp_path / "reports"
    (reports / "zh").mkdir(parents=True)
    m = Manifest()
    m.reports["zh/01_a"] = Entry(notebook="notebooks/01_a.ipynb", lang="zh", title="A",
                                 outputs={"ipynb": Output("../secret.ipynb", "0"), "html": Output("zh/01_a.html", "0")})
    page = render_index(m, ["01_a"], reports)["index.html"]
    assert "SECRET" not in page and "<img" not in page


BOX = ('<div class="egov-box egov-box-takeaways" data-egov-box="takeaways" data-egov-edition="2019-12" style="x">\n'
       '<h2 id="Key-takeaways">Key takeaways</h2><div><ul><li>one</li></ul></div>\n</div>')


def test_full_report_has_a_cover_and_links_between_sections():
    overview = PAGE.format(title="Overview").replace("<main>", "<main>\n" + BOX).replace(
        '<a href="https://example.org/#x">a link</a>', '<a href="02_b.html">b</a> and <a href="02_b.html#Sources">s</a>')
    doc = render.full_report([("01_a", overview), ("02_b", PAGE.format(title="Section two"))], "en")
    cover = re.search(r'<section class="egov-section egov-cover">.*?</section>', doc, re.S).group(0)
    assert "Edition: December 2019" in cover and BOX in cover  # the box whole, nested div included
    assert "The egov contributors" in cover and "How to cite" in cover
    assert 'href="#s2-"' in doc and 'href="#s2-Sources"' in doc and 'id="s2-"' in doc and 'id="s2-Sources"' in doc


def test_takeaways_are_found_on_the_first_page_that_has_them():
    assert render.takeaways([PAGE.format(title="x")]) is None
    box = render.takeaways([PAGE.format(title="x"), PAGE.format(title="y").replace("<main>", "<main>" + BOX)])
    assert box == render.Box("2019-12", BOX)
