"""``egov build``: strict parameters, failures, atomic output, the cache, reproducibility.

Small fixture notebooks (tests/fixtures/, named by behaviour) keep this fast; one test builds a
real section notebook when notebooks/ has them. Everything is built under tmp_path, on a copy
of data/ (EGOV_DATA_DIR), never into the repository's reports/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from egov.build import cli, hashing, layout, plan, publish
from egov.build import parameters as P
from tests.helpers import (BIN, FIX, ROOT, build, dry_run, egov_build, files, make_project, rewrite,
                           start_build)


@pytest.fixture
def nbs(tmp_path, monkeypatch):
    root = make_project(tmp_path / "n", {"reads_websites": "reads_websites",
                                         "reads_platform": "reads_platform"})
    monkeypatch.setenv("EGOV_DATA_DIR", str(root / "data"))
    return root


# ------------------------------------------------------------------------------ parameters

def test_parameters_cell_is_read_with_types():
    params = P.notebook_parameters(FIX / "reads_websites.ipynb")
    assert {n: p.type for n, p in params.items()} == {
        "lang": "str", "as_of": "str", "code": "str", "top": "int", "share": "float",
        "peers": "list[str]"}
    assert params["code"].default == "007"


@pytest.mark.parametrize("args, message", [
    (["-p", "cod", "1"], "unknown parameter 'cod': no selected notebook declares it; declared: as_of, code"),
    (["-p", "top", "three"], "parameter 'top' must be an integer (its default is 3); got 'three'"),
    (["-p", "share", "half"], "parameter 'share' must be a number"),
    (["-p", "peers", "[1, 2]"], "parameter 'peers' must be a list of strings"),
    (["-p", "lang", "fr"], "'lang' is set by the build"),
    # values beyond the type: egov.params's checks, run before any notebook
    (["-p", "as_of", "2020"], "parameter 'as_of' is '2020'; allowed values: a month 'YYYY-MM'"),
    (["-p", "peers", "usa"], "parameter 'peers' has unknown code(s) 'usa'"),
    (["--only", "nosuch"], "--only nosuch: no such section; sections: reads_platform, reads_websites"),
    (["--lang", "fr"], "--lang fr: languages are zh and en"),
    (["--format", "docx"], "--format docx: formats are html and pdf"),
    # a parameter only reads_websites declares, with only reads_platform selected
    (["--only", "reads_platform", "-p", "top", "3"], "unknown parameter 'top'"),
])
def test_bad_parameters_exit_2_before_anything_runs(nbs, capsys, args, message):
    assert egov_build(nbs, *args) == 2
    err = capsys.readouterr().err
    assert "egov build: error:" in err and message in err
    assert not (nbs / "reports").exists()


def test_parameters_file_is_type_checked(nbs, capsys):
    pfile = nbs / "params.yaml"
    pfile.write_text("code: 007\n")  # YAML reads 007 as the integer 7
    assert egov_build(nbs, "--parameters-file", pfile) == 2
    err = capsys.readouterr().err
    assert "parameter 'code' must be a string (its default is '007'); got integer 7" in err
    assert 'quote it to keep it a string ("7")' in err
    pfile.write_text('code: "007"\ntop: 5\npeers: [KOR, JPN]\n')
    params = P.resolve_parameters([nbs / "notebooks" / "reads_websites.ipynb"], [],
                                  P.load_parameters_file(pfile))
    assert params[nbs / "notebooks" / "reads_websites.ipynb"] == {
        "code": "007", "top": 5, "peers": ["KOR", "JPN"]}


def test_cli_values_take_the_type_of_the_default():
    nb = FIX / "reads_websites.ipynb"
    got = P.resolve_parameters([nb], [("code", "007"), ("top", "12"), ("share", "2"),
                                      ("peers", "KOR, JPN")], {})[nb]
    assert got == {"code": "007", "top": 12, "share": 2.0, "peers": ["KOR", "JPN"]}
    assert isinstance(got["share"], float)
    assert P.resolve_parameters([nb], [("peers", '["USA"]')], {})[nb] == {"peers": ["USA"]}


def test_string_parameter_reaches_the_notebook_as_a_string(nbs, capsys):
    """papermill's CLI would inject 7 for "007"; the build passes the string."""
    assert egov_build(nbs, "--only", "websites", "--lang", "en", "--format", "html",
                      "-p", "code", "007", "-p", "top", "4") == 0
    nb = nbformat.read(nbs / "reports" / "en" / "reads_websites.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "code='007' top=4" in printed
    manifest = json.loads((nbs / "reports" / "manifest.json").read_text())
    assert manifest["reports"]["en/reads_websites"]["inputs"]["parameters"] == {
        "lang": "en", "code": "007", "top": 4}


# ------------------------------------------------------------------------------ outputs

def test_build_writes_notebook_html_pdf_index_and_manifest(fixture_build):
    reports = fixture_build / "reports"
    for lang in ("zh", "en"):
        for stem in ("reads_platform", "reads_websites"):
            for ext in ("ipynb", "html", "pdf"):
                assert (reports / lang / f"{stem}.{ext}").stat().st_size > 0
    manifest = json.loads((reports / "manifest.json").read_text())
    e = manifest["reports"]["zh/reads_websites"]
    assert e["status"] == "ok"
    assert e["inputs"]["parameters"] == {"lang": "zh"}
    assert e["inputs"]["notebook"] == "notebooks/reads_websites.ipynb"
    assert e["data"]["reads"] == [{"indicators": None, "section": "websites", "table": "observations"}]
    assert len(e["data"]["fingerprint"]) == 64
    assert {"papermill", "nbconvert", "weasyprint", "python"} <= set(e["packages"])
    assert set(e["outputs"]) == {"ipynb", "csv", "html", "pdf"}  # csv: its charts' data
    assert e["title"] == "政府网站"
    assert manifest["reports"]["en/reads_websites"]["title"] == "Government websites"
    # the data each report read differs: reads_platform read its own section
    assert manifest["reports"]["zh/reads_platform"]["data"]["reads"][0]["section"] == "platform"
    index = (reports / "index.html").read_text()  # Chinese first: the page a browser opens
    english = (reports / "index.en.html").read_text()
    for page, lang in ((index, "zh"), (english, "en")):
        links = list(dict.fromkeys(re.findall(r'href="([a-z]{2}/[^"]+\.html)"', page)))
        assert links == [f"{lang}/reads_platform.html", f"{lang}/reads_websites.html"]
        assert f'href="{lang}/reads_websites.pdf"' in page
        assert "<script" not in page and not re.search(r'src="(https?:)?//', page)
    assert 'href="index.en.html"' in index and 'href="index.html"' in english


def test_html_is_self_contained_and_filtered(fixture_build):
    zh = (fixture_build / "reports" / "zh" / "reads_websites.html").read_text()
    en = (fixture_build / "reports" / "en" / "reads_websites.html").read_text()
    for page in (zh, en):
        assert "<script" not in page and "<link" not in page and "@import" not in page
        assert not re.search(r'src="(https?:)?//', page)  # nothing loaded from elsewhere
        assert set(re.findall(r'href="((?:https?:)?//[^"]*)"', page)) <= {  # a link is only the licence's
            "https://creativecommons.org/licenses/by/4.0/", "https://creativecommons.org/licenses/by/4.0/deed.zh-hans"}
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
        assert re.search(r"<img [^>]*src=\"data:image/png;base64,", page)
        assert '<nav aria-label' in page and 'class="egov-toc"' in page  # table of contents
        assert 'download="gov_websites.csv" href="data:text/csv;charset=utf-8,' in page
        assert "import egov.data" not in page  # code hidden, remove-cell removed
        assert "Parameters (papermill)" not in page  # parameters cell removed
    assert '<html lang="zh-CN">' in zh and "来源：CNNIC 第46次报告" in zh and "下载图表数据" in zh
    assert "Government websites" not in zh and "政府网站" in zh  # lang-en cells dropped
    assert '<html lang="en">' in en and "Source: CNNIC, 46th report" in en
    assert "这一节" not in en  # lang-zh cells dropped
    toc = re.search(r'<nav[^>]*egov-toc.*?</nav>', zh, re.S).group(0)
    assert "网站数量" in toc and "Parameters seen" in toc


def test_show_code_shows_inputs(project, capsys):
    assert egov_build(project, "--show-code", "--format", "html", "--only", "platform",
                      "--lang", "en") == 0
    assert "rendered en/reads_platform (html)" in capsys.readouterr().err  # not executed again
    page = (project / "reports" / "en" / "reads_platform.html").read_text()
    assert "platform_connected_regions" in page  # the code cell's input
    assert page.count('class="jp-InputArea jp-Cell-inputArea"') >= 3


@pytest.mark.slow
def test_html_loads_nothing_from_the_network(fixture_build):
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("no system Chromium")
    requests = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        for lang in ("zh", "en"):
            page.goto((fixture_build / "reports" / lang / "reads_websites.html").as_uri())
            page.wait_for_load_state("networkidle")
            assert page.locator("nav.egov-toc li").count() == 2
            assert page.locator("img").first.evaluate("i => i.naturalWidth") > 0
        page.goto((fixture_build / "reports" / "index.html").as_uri())
        browser.close()
    assert requests and all(u.startswith(("file:", "data:")) for u in requests), requests


def test_pdf_embeds_a_cjk_font_and_numbers_pages(fixture_build):
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils not installed")
    pdf = fixture_build / "reports" / "zh" / "reads_websites.pdf"
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)  # embedded
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "政府网站" in text and "来源：CNNIC 第46次报告" in text
    assert re.search(r"^1 ?/ ?\d+$", text, re.M)  # page numbers
    assert "下载" not in text  # the download link is for the screen


def test_full_report_starts_each_section_on_a_new_page(fixture_build):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    pdf = fixture_build / "reports" / "zh" / "full_report.pdf"
    pages = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    assert pages[0].startswith("2020年中国互联网政务") and "目录" in pages[0]  # cover and contents
    firsts = [p.strip().splitlines()[0] for p in pages[1:] if p.strip()]
    assert "国家政务服务平台" in firsts and "政府网站" in firsts  # each section opens a page
    index = (fixture_build / "reports" / "index.html").read_text()
    assert 'href="zh/full_report.pdf"' in index
    assert 'href="en/full_report.pdf"' in (fixture_build / "reports" / "index.en.html").read_text()


def test_nbconvert_template_gives_the_same_page(fixture_build, tmp_path):
    """``jupyter nbconvert --to egov_html`` on the executed reports renders as the build does;
    ``--to html --template egov`` gives the same content, without the navigation."""
    for nb in (fixture_build / "reports" / "en").glob("*.ipynb"):
        shutil.copy(nb, tmp_path / nb.name)
    run = [BIN / "jupyter", "nbconvert", "--log-level", "ERROR", tmp_path / "reads_websites.ipynb"]
    subprocess.run([*run[:2], "--to", "egov_html", *run[2:]], check=True)
    built = (fixture_build / "reports" / "en" / "reads_websites.html").read_text(encoding="utf-8")
    assert (tmp_path / "reads_websites.html").read_text(encoding="utf-8") == built
    subprocess.run([*run[:2], "--to", "html", "--template", "egov", *run[2:]], check=True)
    plain = (tmp_path / "reads_websites.html").read_text(encoding="utf-8")
    main = re.compile(r"<main>.*</main>", re.S)
    assert main.search(plain)[0] == main.search(built)[0] and '<nav class="egov-nav' not in plain


def test_progress_bar_on_a_terminal_log_lines_otherwise():
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    term = Terminal()
    p = cli.Progress(2, stream=term)
    p.step("executed zh/x (html) in 1.0 s")
    p.log("egov build: error: y")
    p.step("executed en/x (html) in 1.0 s")
    p.close()
    assert "2/2" in term.getvalue() and "|" in term.getvalue()  # tqdm's bar
    assert "egov build: error: y" in term.getvalue()
    plain = io.StringIO()
    p = cli.Progress(2, stream=plain)
    p.step("executed zh/x (html) in 1.0 s")
    assert plain.getvalue() == "egov build: [1/2] executed zh/x (html) in 1.0 s\n"


def test_a_coloured_error_is_logged_plain(tmp_path):
    """Not on a terminal (cron, CI, a pipe), a notebook's error carrying colour codes and a
    carriage return is logged as plain text."""
    root = make_project(tmp_path / "c", {"raises": "raises"})
    source = r"\\x1b[31mred\\x1b[0m 50%\\r100%"  # in the notebook's JSON: the Python source \x1b[31m…
    rewrite(root / "notebooks" / "raises.ipynb", "deliberate failure for the test", source)
    out = build(root, "--lang", "en", "--format", "html")
    assert out.returncode == 1
    assert "raised ValueError: red 50%100%" in out.stderr, out.stderr
    assert "\x1b" not in out.stdout + out.stderr and "\r" not in out.stdout + out.stderr


def test_template_is_packaged():
    """Every template file is installed as data (wheel) and the exporters are registered."""
    import tomllib

    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = {f for files in conf["tool"]["setuptools"]["data-files"].values() for f in files}
    shipped = {p.relative_to(ROOT).as_posix() for p in layout.TEMPLATE_DIR.rglob("*") if p.is_file()}
    assert listed == shipped
    exporters = conf["project"]["entry-points"]["nbconvert.exporters"]
    assert exporters == {"egov_html": "egov.exporters:EgovHTMLExporter",
                         "egov_pdf": "egov.exporters:EgovPDFExporter"}


# ------------------------------------------------------------------------------ cache

def test_nothing_changed_nothing_runs(project, capsys):
    def times():  # of every file but the lock (which records its holder)
        return {p: p.stat().st_mtime_ns for p in (project / "reports").rglob("*")
                if p.is_file() and p.name != layout.LOCK}

    before = times()
    assert egov_build(project) == 0  # its speed is measured by benchmarks/build_speed.py, not asserted
    assert "all 4 reports up to date" in capsys.readouterr().err
    assert times() == before


def test_rebuild_is_byte_identical(fixture_build, project):
    """Executed again from scratch: the same bytes. Against the base build (another folder,
    another data copy) every report file; two builds in one place, the manifest too (it
    records the data folder)."""
    assert egov_build(project, "--force") == 0
    first = files(project / "reports")
    assert first.keys() == files(fixture_build / "reports").keys()
    assert [k for k, v in files(fixture_build / "reports").items() if first[k] != v] == ["manifest.json"]
    assert egov_build(project, "--force") == 0
    second = files(project / "reports")
    assert [k for k in first if first[k] != second[k]] == []  # HTML, PDF, ipynb, manifest, index


def test_notebook_edit_runs_that_notebook(project, capsys):
    path = project / "notebooks" / "reads_platform.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("One more sentence.", id="extra"))
    nbformat.write(nb, path)
    plan = dry_run(project, capsys)
    assert plan == {"zh/reads_platform": "run: notebook changed", "zh/reads_websites": "fresh",
                    "en/reads_platform": "run: notebook changed", "en/reads_websites": "fresh"}


def test_parameter_change_runs_the_notebooks_that_take_it(project, capsys):
    plan = dry_run(project, capsys, "-p", "top", "4")
    assert plan["zh/reads_websites"] == "run: parameters changed (top: '(default)' → 4)"
    assert plan["zh/reads_platform"] == "fresh"
    plan = dry_run(project, capsys, "-p", "as_of", "2019-12")
    assert all(v.startswith("run: parameters changed (as_of") for v in plan.values())


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_data_edit_runs_only_the_reports_that_read_it(project, capsys):
    obs = project / "data" / "observations.csv"
    # a value no fixture reads (new media): the file changed, no report's data did
    _edit(obs, "gov_toutiao_accounts,total,2020-06,82216,", "gov_toutiao_accounts,total,2020-06,82217,")
    assert set(dry_run(project, capsys).values()) == {"fresh"}
    # a value reads_websites reads
    _edit(obs, "gov_websites,total,2020-06,14467,", "gov_websites,total,2020-06,14468,")
    plan = dry_run(project, capsys)
    assert plan["zh/reads_websites"] == "run: data it reads changed (observations[section=websites])"
    assert plan["en/reads_websites"].startswith("run: data it reads changed")
    assert plan["zh/reads_platform"] == plan["en/reads_platform"] == "fresh"
    assert egov_build(project) == 0
    out = capsys.readouterr().out + capsys.readouterr().err
    html = (project / "reports" / "en" / "reads_websites.html").read_text()
    assert "14468" in html
    assert set(dry_run(project, capsys).values()) == {"fresh"}


def test_data_edit_via_fingerprint_of_stored_reads(project):
    """The check recomputes egov.data.fingerprint of the stored reads on the current data."""
    from egov import data

    manifest = json.loads((project / "reports" / "manifest.json").read_text())
    e = manifest["reports"]["en/reads_websites"]
    assert data.fingerprint(e["data"]["reads"], project / "data") == e["data"]["fingerprint"]


def test_library_change_runs_everything(project, capsys, monkeypatch):
    monkeypatch.setattr(hashing, "library_hash", lambda: "0" * 64)
    plan = dry_run(project, capsys)
    assert set(plan.values()) == {"run: egov library changed"}


def test_template_change_renders_again_without_executing(project, capsys, monkeypatch):
    monkeypatch.setattr(hashing, "template_hash", lambda: "1" * 64)
    plan = dry_run(project, capsys, "--lang", "en")
    assert plan["en/reads_websites"] == "render (html, pdf): html: template changed; pdf: template changed"
    ipynb = project / "reports" / "en" / "reads_websites.ipynb"
    mtime = ipynb.stat().st_mtime_ns
    html = (project / "reports" / "en" / "reads_websites.html").read_bytes()
    assert egov_build(project, "--lang", "en") == 0
    said = capsys.readouterr()
    out = said.err
    assert "rendered en/reads_websites (html, pdf)" in out and "executed" not in out
    assert re.search(r"egov build: 0 built, [1-9]\d* re-rendered, 0 up to date, 0 failed", said.out), said.out
    assert ipynb.stat().st_mtime_ns == mtime
    assert (project / "reports" / "en" / "reads_websites.html").read_bytes() == html
    assert set(dry_run(project, capsys, "--lang", "en").values()) == {"fresh"}
    entry = json.loads((project / "reports" / "manifest.json").read_text())["reports"]["en/reads_websites"]
    assert "csv" in entry["outputs"] and not entry.get("stale")  # the charts' data comes with the run


def test_a_deleted_charts_csv_is_made_again(project, capsys):
    """The charts' data beside an executed notebook (for JupyterLab) is part of the run: deleted,
    the report is executed again."""
    csv = project / "reports" / "en" / "reads_websites.csv"
    assert csv.read_text(encoding="utf-8").startswith("chart,period,value\n")
    csv.unlink()
    assert dry_run(project, capsys, "--lang", "en")["en/reads_websites"] == "run: its charts' CSV missing or modified"
    assert egov_build(project, "--lang", "en") == 0
    assert csv.is_file()


def test_a_new_section_renders_the_pages_that_link_to_it(project, capsys):
    """A page links the sections before and after it: a notebook added to the folder renders the
    existing pages again (without executing them), so none keeps a stale "next" link."""
    shutil.copy(project / "notebooks" / "reads_websites.ipynb", project / "notebooks" / "reads_zz.ipynb")
    plan = dry_run(project, capsys, "--lang", "en", "--format", "html")
    assert plan["en/reads_zz"] == "run: not built before"
    assert plan["en/reads_websites"] == "render (html): html: the egov library or the report's sections changed"
    assert egov_build(project, "--lang", "en", "--format", "html") == 0
    page = (project / "reports" / "en" / "reads_websites.html").read_text(encoding="utf-8")
    assert 'href="reads_zz.html"' in page


def test_force_and_missing_outputs(project, capsys):
    assert set(dry_run(project, capsys, "--force").values()) == {"run: --force"}
    (project / "reports" / "en" / "reads_platform.pdf").unlink()
    assert dry_run(project, capsys)["en/reads_platform"] == "render (pdf): pdf: output missing or modified"
    (project / "reports" / "zh" / "reads_platform.ipynb").write_text("{}")
    assert dry_run(project, capsys)["zh/reads_platform"] == "run: executed notebook missing or modified"


# ------------------------------------------------------------------------------ failures

def test_failing_notebook_keeps_the_good_report(tmp_path, monkeypatch, capsys):
    root = make_project(tmp_path, {"flaky": "reads_platform", "reads_websites": "reads_websites"})
    monkeypatch.setenv("EGOV_DATA_DIR", str(root / "data"))
    opts = ["--lang", "en", "--format", "html"]
    assert egov_build(root, *opts) == 0
    good = (root / "reports" / "en" / "flaky.html").read_bytes()
    shutil.copy(FIX / "raises.ipynb", root / "notebooks" / "flaky.ipynb")
    capsys.readouterr()
    assert egov_build(root, *opts, "--force") == 1
    err = capsys.readouterr().err
    # the message names the notebook and the failing cell
    assert "flaky.ipynb [en]: cell 4 (In [4], id 'cell-3'): raise ValueError(" in err
    assert "raised ValueError: deliberate failure for the test" in err
    assert "executed copy with the error:" in err and "en/failed/flaky.ipynb" in err
    # papermill's banner in the failed copy
    failed = nbformat.read(root / "reports" / "en" / "failed" / "flaky.ipynb", as_version=4)
    assert "papermill-error-cell-tag" in failed.cells[0].metadata.tags
    assert "An Exception was encountered" in failed.cells[0].source
    # the previous good report untouched, the other section built, plain log lines (no TTY)
    assert (root / "reports" / "en" / "flaky.html").read_bytes() == good
    assert re.search(r"egov build: \[\d/2\] executed en/reads_websites", err)
    manifest = json.loads((root / "reports" / "manifest.json").read_text())
    assert manifest["reports"]["en/flaky"]["status"] == "failed"
    assert manifest["reports"]["en/flaky"]["outputs"]["html"]["path"] == "en/flaky.html"
    assert manifest["reports"]["en/reads_websites"]["status"] == "ok"
    index = (root / "reports" / "index.en.html").read_text()
    assert "the last build failed" in index and 'href="en/failed/flaky.ipynb"' in index
    # fixed again: built, and the failed copy goes away
    shutil.copy(FIX / "reads_platform.ipynb", root / "notebooks" / "flaky.ipynb")
    assert egov_build(root, *opts) == 0
    assert not (root / "reports" / "en" / "failed" / "flaky.ipynb").exists()


def test_a_failed_section_pdf_leaves_the_full_report_as_it_was(project, monkeypatch, capsys):
    """The full report is laid out from the sections' pages while their PDFs are made; when one
    of those PDFs then fails, the full report is not put in place either."""
    from egov.build import render

    path = project / "notebooks" / "reads_platform.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("One more sentence.", id="extra"))
    nbformat.write(nb, path)
    real = render.pdf

    def pdf(text, base_url=None):  # the section pages fail; the full report does not
        if re.search(r"<title>(The national platform|国家政务服务平台)</title>", text):
            raise RuntimeError("layout crashed")
        return real(text, base_url)

    monkeypatch.setattr(render, "pdf", pdf)  # the workers are forked from this process
    full = {lang: (project / "reports" / lang / "full_report.pdf").read_bytes() for lang in ("zh", "en")}
    capsys.readouterr()
    assert egov_build(project) == 1
    err = capsys.readouterr().err
    assert "reads_platform.ipynb [zh]: rendering failed: RuntimeError: layout crashed" in err
    assert "full zh report: not updated, as zh/reads_platform failed" in err
    assert {lang: (project / "reports" / lang / "full_report.pdf").read_bytes() for lang in ("zh", "en")} == full


def test_timeout_fails_the_cell(tmp_path, monkeypatch, capsys):
    root = make_project(tmp_path, {"slow": "slow"})
    monkeypatch.setenv("EGOV_DATA_DIR", str(root / "data"))
    assert egov_build(root, "--lang", "en", "--format", "html", "--timeout", "1") == 1
    err = capsys.readouterr().err
    assert "slow.ipynb [en]: cell 4 (In [4], id 'cell-3'): import time" in err
    assert "timed out: the cell ran longer than --timeout 1 s" in err
    # papermill's banner links to the cell, which holds the timeout as its error
    failed = nbformat.read(root / "reports" / "en" / "failed" / "slow.ipynb", as_version=4)
    assert "papermill-error-cell-tag" in failed.cells[0].metadata.tags
    cell = next(c for c in failed.cells if c.get("id") == "cell-3")
    assert cell.outputs[-1].ename == "CellTimeoutError" and "longer than 1 s" in cell.outputs[-1].evalue


# ------------------------------------------------------------------------------ atomic output

def test_atomic_write_interrupted_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "manifest.json"
    target.write_bytes(b"old")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(publish, "move", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish.atomic_write(target, b"new" * 1000)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def _complete(path: Path) -> bool:
    data = path.read_bytes()
    if path.suffix in (".ipynb", ".json"):
        json.loads(data)
        return True
    if path.suffix == ".html":
        return data.rstrip().endswith(b"</html>")
    if path.suffix == ".pdf":
        return data.rstrip().endswith(b"%%EOF")
    return True


def test_interrupted_publishing_leaves_no_partial_file(project, monkeypatch, capsys):
    path = project / "notebooks" / "reads_platform.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("Changed.", id="changed"))
    nbformat.write(nb, path)
    before = files(project / "reports")
    calls = []

    def move(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the second file of the first report
            raise KeyboardInterrupt
        os.replace(src, dst)

    monkeypatch.setattr(publish, "move", move)
    assert egov_build(project, "--lang", "en") == 128 + signal.SIGINT
    reports = project / "reports"
    assert not list(reports.glob(".staging-*")) and not list(reports.rglob("*.tmp"))
    after = files(reports)
    assert after.keys() == before.keys()
    changed = [k for k in after if after[k] != before[k]]
    assert changed == ["en/reads_platform.ipynb"]  # moved in full before the interruption
    assert all(_complete(reports / k) for k in after)
    assert after["manifest.json"] == before["manifest.json"]
    # the manifest never saw that report: the next build makes it again
    monkeypatch.undo()
    monkeypatch.setenv("EGOV_DATA_DIR", str(project / "data"))
    assert dry_run(project, capsys, "--lang", "en")["en/reads_platform"] == "run: notebook changed"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_build_cleanly(project, sig):
    shutil.copy(FIX / "slow.ipynb", project / "notebooks" / "slow.ipynb")
    before = files(project / "reports")
    proc = start_build(project, "--lang", "en", "--only", "slow")
    staging = project / "reports"
    deadline = time.monotonic() + 60
    while not (list(staging.glob(".staging-*/en/*.trace"))) and time.monotonic() < deadline:
        time.sleep(0.1)  # the trace file appears once the kernel has run a cell
    time.sleep(0.5)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + sig, err
    assert "interrupted by" in err
    reports = project / "reports"
    assert not list(reports.glob(".staging-*")) and not list(reports.rglob("*.tmp"))
    assert files(reports) == before  # nothing half-written, nothing lost


# ------------------------------------------------------------------------------ real notebooks

@pytest.mark.slow
def test_real_section_notebooks_build(built_reports):
    """The session's build of every section notebook (see conftest.py)."""
    stems = [nb.stem for nb in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))]
    for lang in ("zh", "en"):
        for stem in stems:
            page = (built_reports / lang / f"{stem}.html").read_text(encoding="utf-8")
            assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page and "<script" not in page
            if 'class="egov-source"' in page:
                assert "data:text/csv" in page


@pytest.mark.slow
def test_the_overview_executes_after_the_sections_whose_charts_it_shows(built_reports):
    """Its notebook's metadata says so (plan.after_sections); then it takes the pictures they drew."""
    notebooks = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    assert [nb.stem for nb in notebooks if plan.after_sections(nb)] == ["00_overview"]
    executed = re.findall(r"executed (zh|en)/(\w+) ", (built_reports.parent / "built_reports.log").read_text())
    for lang in ("zh", "en"):
        order = [stem for done, stem in executed if done == lang]
        assert sorted(order) == [nb.stem for nb in notebooks] and order[-1] == "00_overview", order


@pytest.mark.parametrize("metadata, late", [({"egov": {"after_sections": True}}, True), ({}, False),
                                            ({"egov": {"after_sections": "yes"}}, False), ({"egov": [1]}, False)])
def test_after_sections_is_read_from_the_notebooks_metadata(tmp_path, metadata, late):
    nb = nbformat.v4.new_notebook(metadata=metadata)
    nbformat.write(nb, tmp_path / "n.ipynb")
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert plan.after_sections(tmp_path / "n.ipynb") is late and plan.after_sections(tmp_path / "broken.ipynb") is False


# ------------------------------------------------------------------------------ the one-file dataset

def test_the_build_writes_the_dataset_beside_the_reports(fixture_build, tmp_path):
    """``reports/data/``: what ``egov export`` writes from the same data, byte for byte, each
    file recorded in the manifest."""
    from egov import export

    reports = fixture_build / "reports"
    exported = export.write(tmp_path / "data", fixture_build / "data")
    assert {p.name: p.read_bytes() for p in (reports / "data").iterdir()} == {p.name: p.read_bytes() for p in exported}
    recorded = json.loads((reports / "manifest.json").read_text())["export"]["files"]
    assert recorded == {f"data/{p.name}": hashing.sha256_file(p) for p in exported}


def test_the_dataset_is_made_again_only_when_the_data_changed(project, capsys):
    def dataset_line() -> str:
        capsys.readouterr()
        assert egov_build(project, "--dry-run") == 0
        return next(line for line in capsys.readouterr().out.splitlines() if line.startswith("dataset "))

    csv = project / "reports" / "data" / "egov-observations.csv"
    assert dataset_line().endswith("reports/data: up to date")
    _edit(project / "data" / "observations.csv", "gov_toutiao_accounts,total,2020-06,82216,",
          "gov_toutiao_accounts,total,2020-06,82217,")  # a value no report reads
    assert dataset_line().endswith("reports/data: the data or the egov library changed")
    assert egov_build(project) == 0
    err = capsys.readouterr().err
    assert "wrote the one-file dataset" in err and "executed" not in err
    assert "82217" in csv.read_text(encoding="utf-8-sig")
    csv.unlink()
    assert dataset_line().endswith("reports/data: a file of it is missing or was changed")
    assert egov_build(project) == 0 and csv.is_file()
    assert dataset_line().endswith("reports/data: up to date")
