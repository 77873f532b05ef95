"""Hostile builds: what careless users, hostile contributors and odd folders do to ``egov build``.

Paths read back from ``reports/manifest.json`` never reach a file outside the reports folder;
``-o`` never deletes or replaces a user's files; a manifest, notebook or parameters file of the
wrong shape is named in one line (a manifest is rebuilt); a report older than its neighbours is
marked so; the PDF renderer fetches nothing from the network. Each case is a real build.
"""

from __future__ import annotations

import http.server
import json
import os
import random
import re
import resource
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from tests.helpers import (CHROMIUM_FLAGS, DATA, EGOV, ROOT, billion_laughs, build, dry_run,
                           edit_csv, egov_build, files, make_project)

# ------------------------------------------------------------------------------ the network


class _Counter(http.server.BaseHTTPRequestHandler):
    """Answers every GET with a tiny PNG (or CSS) and counts it."""

    PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082")

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.server.requests.append(self.path)
        body, kind = (b"body{color:red}", "text/css") if self.path.endswith(".css") else (self.PNG, "image/png")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A local HTTP server that records every request it gets (``server.requests``)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    httpd.requests = []
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_the_pdf_renderer_fetches_nothing(server, tmp_path):
    """Images, stylesheets, imports and backgrounds on the network, or files outside egov's
    templates: none is loaded, and the PDF is still made."""
    from egov.exporters import html_to_pdf

    secret = tmp_path / "secret.png"
    secret.write_bytes(_Counter.PNG)
    html = (f'<html><head><link rel="stylesheet" href="{server.url}/s.css">'
            f'<style>@import url("{server.url}/i.css"); body{{background:url({server.url}/b.png)}}</style>'
            f'</head><body><p>网站 sites</p><img src="{server.url}/x.png"><img src="{secret.as_uri()}">'
            f'<img src="data:image/png;base64,iVBORw0KGgo="></body></html>')
    pdf = html_to_pdf(html, base_url=str(tmp_path))
    assert pdf.startswith(b"%PDF") and server.requests == []
    assert b"/Subtype /Image" not in pdf  # neither the network's image nor the file outside


@pytest.mark.slow
def test_a_label_with_a_network_image_loads_nothing(server, tmp_path):
    """The issue's case: a label ``![x](http://…/x.png)`` in the data, built as HTML and PDF,
    and the HTML opened in Chromium: no request reaches the server."""
    root = tmp_path / "x"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "04_websites.ipynb", root / "notebooks")
    shutil.copytree(DATA, root / "data")
    label = f"![x]({server.url}/x.png)"
    for column in ("name_zh", "name_en"):
        edit_csv(root / "data" / "indicators.csv", "indicator_id", "gov_websites", column, "Websites " + label)
    out = build(root, "--workers", "2")
    assert out.returncode == 0, out.stderr
    assert server.requests == []
    for lang in ("zh", "en"):
        html = (root / "reports" / lang / "04_websites.html").read_text(encoding="utf-8")
        assert label in html  # shown as the text it is
    chromium = shutil.which("chromium")
    if chromium:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
            page = browser.new_page()
            for lang in ("zh", "en"):
                page.goto((root / "reports" / lang / "04_websites.html").as_uri(), wait_until="load")
            browser.close()
    assert server.requests == []


# ------------------------------------------------------------------------------ parameters files

@pytest.fixture
def fresh(tmp_path) -> Path:
    """A project never built: the fixture notebooks and a copy of data/."""
    return make_project(tmp_path / "f", {"reads_websites": "reads_websites", "reads_platform": "reads_platform"})


def _limited(gib: int = 2):
    """Run a child with at most ``gib`` GiB of address space (a runaway fails, the machine lives)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (gib << 30, gib << 30))
    return limit


def test_a_billion_laughs_parameters_file_is_refused_fast(fresh):
    params = fresh / "params.yaml"
    params.write_text(f"peers: {billion_laughs()}\n", encoding="utf-8")
    out = subprocess.run([*EGOV, "build", "--notebooks", fresh / "notebooks", "-o", fresh / "reports",
                          "--parameters-file", params], capture_output=True, text=True, cwd=ROOT, timeout=60,
                         env={**os.environ, "EGOV_DATA_DIR": str(fresh / "data")}, preexec_fn=_limited())
    assert out.returncode == 2, out.stderr
    assert out.stderr == (f"egov build: error: --parameters-file {params}: holds more than 100,000 values once "
                          "its aliases (*name) are expanded (a \"billion laughs\" file?); a parameters file is "
                          "small, refusing it\n")
    assert not (fresh / "reports").exists()


@pytest.mark.parametrize("make, message", [
    (lambda p: p.mkdir(), "not a regular file: it is a directory; a parameters file must be a regular file"),
    (lambda p: p.write_bytes("as_of: 2020-06 # café\n".encode("latin-1")), ", row 1: not UTF-8 (byte 20)"),
    (lambda p: os.mkfifo(p), "not a regular file: it is a FIFO (named pipe)"),
    (lambda p: p.write_text("peers: " + "[" * 60 + "]" * 60 + "\n"), ", row 1: nested more than 50 levels deep"),
    (lambda p: p.write_text("- as_of\n"), ": expected a mapping of parameter names to values (name: value, one "
                                          "a line), found list"),
    (lambda p: p.write_text("as_of: [\n"), ", row 2: not valid YAML: expected the node content"),
    (lambda p: p.write_text("as_of: 2020-06\n\0peers: []\n"), ", row 2: not valid YAML: control character U+0000; "
                                                             "YAML allows none but tab and line breaks, delete it"),
    (lambda p: None, ": no such file"),
], ids=["directory", "latin-1", "fifo", "deep", "list", "not-yaml", "control-character", "missing"])
def test_a_bad_parameters_file_is_one_line(fresh, capsys, make, message):
    params = fresh / "params.yaml"
    make(params)
    assert egov_build(fresh, "--parameters-file", params) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"egov build: error: --parameters-file {params}") and err.count("\n") == 1, err
    assert message in err
    assert not (fresh / "reports").exists()


# ------------------------------------------------------------------------------ paths in the manifest

def read_manifest(root: Path) -> dict:
    return json.loads((root / "reports" / "manifest.json").read_text(encoding="utf-8"))


def write_manifest(root: Path, manifest) -> None:
    (root / "reports" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_paths_in_the_manifest_never_reach_outside_reports(project):
    """The issue's case (``../../victim.txt``, then ``--force --format html``), and every other
    way out: an absolute path, ``..`` inside, a symlink, a path that is no report's."""
    victim = project.parent / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    (project / "reports" / "zh" / "link.pdf").symlink_to(victim)
    m = read_manifest(project)
    m["reports"]["zh/reads_platform"]["outputs"]["pdf"]["path"] = "../../victim.txt"
    m["reports"]["zh/reads_websites"]["outputs"]["pdf"]["path"] = str(victim)
    m["reports"]["en/reads_platform"]["outputs"]["pdf"]["path"] = "zh/link.pdf"
    m["reports"]["en/reads_websites"]["outputs"]["pdf"]["path"] = "en/../../../victim.txt"
    m["full_reports"]["zh"]["path"] = "zh/../../victim.txt"
    m["export"]["files"]["data/../../victim.txt"] = "0" * 64
    write_manifest(project, m)
    out = build(project, "--force", "--format", "html")
    assert out.returncode == 0, out.stderr
    assert victim.read_text(encoding="utf-8") == "mine"
    ignored = re.findall(r"egov build: warning: .*manifest.json: (.*) names '(.*)', which is not a report file "
                         r"inside .*reports; the path is ignored", out.stderr)
    assert sorted(ignored) == sorted([
        ("zh/reads_platform (pdf)", "../../victim.txt"), ("zh/reads_websites (pdf)", str(victim)),
        ("en/reads_platform (pdf)", "zh/link.pdf"), ("en/reads_websites (pdf)", "en/../../../victim.txt"),
        ("the full zh report", "zh/../../victim.txt"), ("the one-file dataset", "data/../../victim.txt")])
    assert "../" not in (project / "reports" / "manifest.json").read_text(encoding="utf-8")


def test_an_executed_notebook_path_leading_out_is_not_read(project):
    """Rendering again reads the executed notebook the manifest names: never one outside."""
    secret = project.parent / "secret.ipynb"
    shutil.copy(project / "reports" / "en" / "reads_platform.ipynb", secret)
    m = read_manifest(project)
    m["reports"]["en/reads_platform"]["outputs"]["ipynb"]["path"] = "../../secret.ipynb"
    write_manifest(project, m)
    out = build(project, "--lang", "en", "--format", "html")
    assert out.returncode == 0, out.stderr
    assert "en/reads_platform (ipynb) names '../../secret.ipynb'" in out.stderr
    assert "executed en/reads_platform" in out.stderr  # run again, not rendered from the file outside


@pytest.mark.parametrize("relative, inside", [
    ("zh/04_websites.pdf", True), ("en/failed/04_websites.ipynb", True), ("zh/full_report.pdf", True),
    ("data/egov-data.xlsx", True), ("../victim.txt", False), ("zh/../../victim.txt", False),
    ("/etc/passwd", False), ("manifest.json", False), ("zh/sub/x.pdf", False), ("zh/x.sh", False),
    ("data/../x", False), ("zh/link.pdf", False), (None, False), (["zh/x.pdf"], False),
])
def test_in_reports_accepts_only_report_files_inside(tmp_path, relative, inside):
    from egov.build.layout import in_reports

    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "link.pdf").symlink_to(tmp_path.parent)
    assert (in_reports(tmp_path, relative) is not None) == inside


# ------------------------------------------------------------------------------ the output folder (-o)

def egov(*args) -> int:
    from egov.cli import main

    return main([str(a) for a in args])


@pytest.mark.parametrize("dry", [[], ["--dry-run"]], ids=["build", "dry-run"])
@pytest.mark.parametrize("where, message", [
    ("/", "-o /: the root folder; reports need a folder of their own (the default is reports/ in the project)"),
    ("{home}", "-o {home}: the home folder; reports need a folder of their own"),
    ("{root}", "-o .: the project's root folder; reports need a folder of their own"),
    ("{root}/data", "-o data: inside the data folder (builds hash every file in it); choose another folder"),
    ("{root}/data/raw/x", "-o data/raw/x: inside the data folder (builds hash every file in it)"),
    ("{data}/x", "-o {data}/x: inside the data folder (builds hash every file in it)"),
    ("{package}", "-o {package}: inside the installed egov package; choose another folder"),
    ("{package}/templates", "-o {package}/templates: inside the installed egov package"),
    ("{root}/notebooks/reads_platform.ipynb", "-o notebooks/reads_platform.ipynb: not a folder"),
])
def test_folders_that_are_never_an_output_are_refused(fresh, tmp_path, capsys, monkeypatch, dry, where, message):
    """Exit 2 before anything is written, for the build and its dry run alike."""
    from egov.build.layout import PACKAGE_DIR

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    data = tmp_path / "data-copy"  # EGOV_DATA_DIR: the data folder is refused wherever it is
    shutil.copytree(fresh / "data", data)
    monkeypatch.setenv("EGOV_DATA_DIR", str(data))
    names = {"home": home, "root": fresh, "data": data, "package": PACKAGE_DIR}
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}

    def past_the_checks(opts):  # never write into / or the package, even if the checks break
        raise AssertionError(f"-o {opts.reports_dir} got past the checks")

    monkeypatch.setattr("egov.build.cli.build", past_the_checks)
    monkeypatch.setattr("egov.build.cli.dry_run", past_the_checks)
    assert egov("build", "--project", fresh, "-o", where.format(**names), *dry) == 2
    err = capsys.readouterr().err
    assert err.startswith("egov build: error: " + message.format(**names)) and err.count("\n") == 1, err
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before


def _users_folder(folder: Path) -> dict[str, bytes]:
    """A folder of a user's files, with names a careless clean-up would take for its own."""
    for name in ("a/.ch1.tmp", ".staging-notes/todo.txt", ".staging-77/x", "notes.txt", ".index.html.tmp",
                 "en/.reads_platform.html.1.tmp"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"the user's {name}", encoding="utf-8")
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_folder_of_the_users_is_refused_unless_force_output(fresh, capsys):
    mine = fresh.parent / "mine"
    kept = _users_folder(mine)
    for dry in ([], ["--dry-run"]):
        assert egov("build", "--project", fresh, "-o", mine, *dry) == 2
        err = capsys.readouterr().err
        assert err == (f"egov build: error: -o {mine}: the folder holds files egov did not write and no egov "
                       "manifest.json; choose a new or empty folder, or add --force-output to write the reports "
                       "among them (files with the reports' names are replaced)\n")
    for _ in range(2):  # built, then built again over its own reports
        assert egov("build", "--project", fresh, "-o", mine, "--force-output", "--force", "--lang", "en",
                    "--format", "html") == 0
        assert {k: (mine / k).read_bytes() for k in kept} == kept
    assert (mine / "en" / "reads_platform.html").is_file()
    assert egov("build", "--project", fresh, "-o", mine, "--dry-run", "--lang", "en") == 0  # egov's folder now


def test_an_empty_folder_or_one_holding_an_export_is_egovs(fresh):
    empty = fresh.parent / "empty"
    empty.mkdir()
    assert egov("build", "--project", fresh, "-o", empty, "--dry-run") == 0
    exported = fresh.parent / "exported"
    assert egov("export", "--project", fresh, "-o", exported / "data") == 0
    assert egov("build", "--project", fresh, "-o", exported, "--lang", "en", "--format", "html") == 0
    assert (exported / "manifest.json").is_file()


def test_only_a_killed_builds_own_leftovers_are_cleaned(tmp_path):
    """By name, at the top of the reports folder: marked staging folders and the manifest's
    and index's temporary files; nothing else, and no symlink is followed."""
    from egov.build.layout import STAGING_MARK
    from egov.build.publish import clean_stale

    reports = tmp_path / "reports"
    kept = _users_folder(reports)
    outside = tmp_path / "outside"
    (outside / STAGING_MARK).parent.mkdir()
    (outside / STAGING_MARK).touch()
    (reports / ".staging-99").symlink_to(outside)
    for name in (".staging-123", ".staging-456/en"):
        (reports / name).mkdir(parents=True)
    (reports / ".staging-123" / STAGING_MARK).touch()
    (reports / ".staging-456" / STAGING_MARK).touch()
    for name in (".manifest.json.4242.tmp", ".index.html.4242.tmp"):
        (reports / name).write_text("partial", encoding="utf-8")
    clean_stale(reports)
    assert {k: (reports / k).read_bytes() for k in kept} == kept
    assert (outside / STAGING_MARK).is_file() and (reports / ".staging-99").is_symlink()
    left = sorted(p.name for p in reports.iterdir())
    assert left == sorted({".staging-77", ".staging-99", ".staging-notes", ".index.html.tmp", "a", "en", "notes.txt"})


# ------------------------------------------------------------------------------ a manifest of the wrong shape

def _outputs_null(m):
    m["reports"]["en/reads_platform"]["outputs"] = None


def _reads_not_a_list(m):
    m["reports"]["en/reads_platform"]["data"]["reads"] = {"table": "observations"}


def _status_unknown(m):
    m["reports"]["en/reads_platform"]["status"] = "great"


def _full_without_sha(m):
    del m["full_reports"]["en"]["sha256"]


SHAPES = {  # name: (what is written, or a change to the real manifest; the reason the warning gives)
    "reports is a list": ('{"reports": []}', "reports is a list; expected an object"),
    "an entry is a string": ('{"reports": {"en/reads_platform": "x"}}',
                             "reports['en/reads_platform'] is a string; expected an object"),
    "outputs is null": (_outputs_null, "reports['en/reads_platform'].outputs is null; expected an object"),
    "reads is not a list": (_reads_not_a_list, "reports['en/reads_platform'].data.reads is an object; expected a "
                                               "list or null"),
    "unknown status": (_status_unknown, "reports['en/reads_platform'].status is 'great'; expected \"ok\" or "
                                        "\"failed\""),
    "full report without sha256": (_full_without_sha, "full_reports['en'] has no 'sha256'"),
    "a list": ("[]", "the manifest is a list; expected an object"),
    "not JSON": ("{reports: ", "not JSON: Expecting property name enclosed in double quotes: line 1 column 2"),
    "not UTF-8": (b'{"reports": {"\xff": 1}}', "not UTF-8 (byte 14)"),
    "empty": ("", "not JSON: Expecting value: line 1 column 1 (char 0)"),
    "deeply nested": ('{"reports": ' + "[" * 100_000 + "]" * 100_000 + "}", "not JSON: maximum recursion depth"),
}


def _spoil(root: Path, shape) -> None:
    path = root / "reports" / "manifest.json"
    if callable(shape):
        m = read_manifest(root)
        shape(m)
        write_manifest(root, m)
    else:
        path.write_bytes(shape if isinstance(shape, bytes) else shape.encode("utf-8"))


@pytest.mark.parametrize("name", SHAPES)
def test_a_manifest_of_the_wrong_shape_is_read_as_absent(project, name):
    from egov.build.manifest import Manifest

    root = project
    shape, reason = SHAPES[name]
    _spoil(root, shape)
    warnings = []
    manifest = Manifest.read(root / "reports", warn=warnings.append)
    assert manifest.reports == {} and manifest.full_reports == {} and manifest.export is None
    [line] = warnings
    assert line.startswith(f"egov build: warning: {root / 'reports' / 'manifest.json'} is not a manifest egov can "
                           f"read ({reason}")
    assert line.endswith("); it is ignored, and every report is made again")


def test_a_build_over_a_wrong_manifest_rebuilds_and_says_so_once(project):
    _spoil(project, SHAPES["outputs is null"][0])
    out = build(project, "--lang", "en", "--format", "html")
    assert out.returncode == 0, out.stderr
    assert out.stderr.count("is not a manifest egov can read") == 1, out.stderr
    assert "executed en/reads_platform" in out.stderr and "executed en/reads_websites" in out.stderr
    assert read_manifest(project)["reports"]["en/reads_platform"]["outputs"]["html"]["path"] == "en/reads_platform.html"
    again = build(project, "--lang", "en", "--format", "html")
    assert again.returncode == 0 and "warning" not in again.stderr and "all 2 reports up to date" in again.stderr


# ------------------------------------------------------------------------------ a notebook that is not one

@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text('{"cells": [', encoding="utf-8"),
     "not a notebook: invalid JSON at line 1, column 12 (Expecting value); restore it (git checkout "
     "notebooks/broken.ipynb) or move it out of the notebooks folder"),
    (lambda p: p.write_text("[1, 2]", encoding="utf-8"),
     'not a notebook: expected a JSON object with "nbformat": 4, an integer "nbformat_minor", a list of "cells" and '
     '"metadata"'),
    (lambda p: p.write_text('{"nbformat": 4, "cells": [], "metadata": []}', encoding="utf-8"),
     'not a notebook: expected a JSON object with "nbformat": 4'),
    (lambda p: p.write_text('{"cells": ' * 5000 + "[]" + "}" * 5000, encoding="utf-8"),
     "not a notebook: invalid JSON: nested too deep"),
    (lambda p: p.write_text('{"nbformat": 4, "cells": ["x"]}', encoding="utf-8"),
     "not a notebook: cell 1 is not a cell (a JSON object with a cell_type, a source and metadata)"),
    (lambda p: p.write_bytes(b'{"nbformat": 4, "cells": [], "x": "\xff"}'), "not a notebook: not UTF-8 (byte 35)"),
    (lambda p: os.mkfifo(p), "not a regular file: it is a FIFO (named pipe); a notebook must be a regular file"),
    (lambda p: p.mkdir(), "not a regular file: it is a directory; a notebook must be a regular file"),
], ids=["invalid JSON", "a list", "metadata a list", "nested too deep", "a cell that is not one", "not UTF-8",
        "a FIFO", "a folder"])
def test_a_notebook_that_cannot_be_read_fails_alone(fresh, capsys, make, message):
    """Named in one line; the other sections are still built; exit code 1 (the dry run too)."""
    make(fresh / "notebooks" / "broken.ipynb")
    line = f"notebooks/broken.ipynb: {message}"
    assert egov("build", "--project", fresh, "--dry-run", "--lang", "en") == 1
    dry = capsys.readouterr().out
    assert f"fail    {line}" in dry and "run     en/reads_platform" in dry
    assert egov("build", "--project", fresh, "--lang", "en", "--format", "html") == 1
    err = capsys.readouterr().err
    assert f"egov build: error: {line}" in err and err.count(line) == 2  # as it happens, and in the summary
    assert "Traceback" not in err and "unexpected" not in err
    reports = fresh / "reports"
    assert (reports / "en" / "reads_platform.html").is_file() and (reports / "en" / "reads_websites.html").is_file()
    entry = read_manifest(fresh)["reports"]["en/broken"]
    assert entry["status"] == "failed" and entry["error"].startswith(line)
    assert "build failed" in (reports / "index.en.html").read_text(encoding="utf-8")  # the English front door


def _set(path: list, value):
    def change(nb):
        *parents, last = path
        for key in parents:
            nb = nb[key]
        if value is _set:
            del nb[last]
        else:
            nb[last] = value
    return change


@pytest.mark.parametrize("change, why", [
    (_set(["cells", 0, "execution_count"], "x"), "cell 1: 'x' is not of type 'integer', 'null'"),
    (_set(["cells", 0, "outputs"], None), "cell 1: None is not of type 'array'"),
    (_set(["metadata", "kernelspec"], _set), 'its metadata names no kernel ("kernelspec"); the report notebooks '
                                             "run on the egov kernel"),
], ids=["execution count", "outputs", "no kernel"])
def test_a_notebook_papermill_cannot_run_is_named(fresh, capsys, change, why):
    """What only nbformat's schema or papermill sees fails that report, naming the cell, before
    papermill runs it; the other is built."""
    path = fresh / "notebooks" / "reads_platform.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    change(nb)
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert egov("build", "--project", fresh, "--lang", "en", "--format", "html") == 1
    err = capsys.readouterr().err
    assert (f"egov build: error: notebooks/reads_platform.ipynb [en]: not a notebook: {why}; restore it (git "
            "checkout notebooks/reads_platform.ipynb) or move it out of the notebooks folder") in err, err
    assert "unexpected" not in err and (fresh / "reports" / "en" / "reads_websites.html").is_file()


# ------------------------------------------------------------------------------ formats not asked for, stale reports

def _stale_marks(root: Path) -> dict:
    m = read_manifest(root)
    marks = {k: e["stale"] for k, e in m["reports"].items() if e.get("stale")}
    marks.update({f"full/{lang}": f["stale"] for lang, f in m["full_reports"].items() if f.get("stale")})
    return marks


def _index_marks(root: Path) -> list[tuple[str, str]]:
    """The stale marks the index shows: (the reason in its title, the text)."""
    html = "".join((root / "reports" / name).read_text(encoding="utf-8") for name in ("index.html", "index.en.html"))
    return re.findall(r'<(?:span|p) class="stale" title="([^"]*)">\s*([^<]*?)\s*</(?:span|p)>', html)


def test_html_only_keeps_the_pdfs_as_they_were(project):
    """The issue's case: --format html after a full build deletes no PDF, and, as nothing
    changed, marks nothing stale."""
    pdfs = {k: v for k, v in files(project / "reports").items() if k.endswith(".pdf")}
    assert len(pdfs) == 6
    out = build(project, "--force", "--format", "html")
    assert out.returncode == 0, out.stderr
    assert {k: v for k, v in files(project / "reports").items() if k.endswith(".pdf")} == pdfs
    assert _stale_marks(project) == {} and _index_marks(project) == []


def test_a_report_older_than_its_neighbours_is_marked_until_made_again(project, capsys, monkeypatch):
    """After a data change, an HTML-only build of one language keeps that report's PDF (older
    than its page now), and leaves the other language's report and the full report older than
    their sections: the manifest and the index say so; a full build clears every mark."""
    pdf = (project / "reports" / "en" / "reads_websites.pdf").read_bytes()
    edit_csv(project / "data" / "observations.csv", "indicator_id", "gov_websites", "value", "14468")
    assert egov_build(project, "--format", "html", "--lang", "en") == 0
    assert (project / "reports" / "en" / "reads_websites.pdf").read_bytes() == pdf
    assert _stale_marks(project) == {
        "en/reads_websites": {"pdf": "made from an earlier run of the notebook"},
        "zh/reads_websites": {"report": "data it reads changed (observations[section=websites])"},
        "full/en": "made from earlier versions of its sections"}
    assert sorted(_index_marks(project)) == sorted([
        ("made from an earlier run of the notebook", "the PDF is older than this report (not made again)"),
        ("data it reads changed (observations[section=websites])", "已过期：输入在生成后有变动，重新构建可更新"),
        ("made from earlier versions of its sections", "older than the sections below")])
    plan = dry_run(project, capsys)
    assert plan["en/reads_websites"] == "render (pdf): pdf: made from an earlier run of the notebook"
    assert plan["zh/reads_websites"].startswith("run: data it reads changed")
    assert egov_build(project) == 0
    assert _stale_marks(project) == {} and _index_marks(project) == []


def test_a_section_left_out_by_only_is_marked_when_its_data_changed(project, monkeypatch):
    edit_csv(project / "data" / "observations.csv", "indicator_id", "gov_websites", "value", "14468")
    assert egov_build(project, "--only", "reads_platform", "--force") == 0
    marks = _stale_marks(project)
    assert marks == {key: {"report": "data it reads changed (observations[section=websites])"}
                     for key in ("zh/reads_websites", "en/reads_websites")}


# ------------------------------------------------------------------------------ fuzz

_ODD = [None, True, 0, -1, 1.5, 1e308, "", "x", "../../victim.txt", "/etc/passwd", "zh/x.pdf", [], {}, [None],
        {"path": "../../victim.txt", "sha256": "0"}, "\u202e", "a" * 10_000]


def _mutate(value, rng: random.Random, depth: int = 0):
    """``value`` (a JSON value) with one thing changed somewhere: a value replaced by an odd
    one, a key dropped or renamed, a list emptied."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(sorted(value))
        choice = rng.random()
        if choice < 0.15:
            return {k: v for k, v in value.items() if k != key}
        if choice < 0.25:
            return {(rng.choice(["", "zh/x", key + "_"]) if k == key else k): v for k, v in value.items()}
        return {**value, key: _mutate(value[key], rng, depth + 1)}
    if isinstance(value, list) and value and rng.random() < 0.8:
        n = rng.randrange(len(value))
        return value[:n] + [_mutate(value[n], rng, depth + 1)] + value[n + 1:]
    return rng.choice(_ODD)


def test_fuzzed_manifests_never_give_a_traceback(project, capsys, monkeypatch):
    """300 manifests, each the real one with one to three things changed: every dry run ends
    in a plan (exit 0), and three real builds on some of them too; nothing outside is touched."""
    victim = project.parent / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    good = read_manifest(project)
    rng = random.Random(20261127)
    spoilt = []
    for n in range(300):
        m = good
        for _ in range(rng.randint(1, 3)):
            m = _mutate(m, rng)
        write_manifest(project, m)
        code = egov_build(project, "--dry-run")
        out = capsys.readouterr()
        assert code == 0 and "unexpected" not in out.err, (n, json.dumps(m)[:2000], out.err)
        spoilt.append(m)
    for m in rng.sample(spoilt, 3):
        write_manifest(project, m)
        out = build(project, "--lang", "en", "--format", "html")
        assert out.returncode == 0 and "unexpected" not in out.stderr, (json.dumps(m)[:2000], out.stderr)
        write_manifest(project, good)
    assert victim.read_text(encoding="utf-8") == "mine"
