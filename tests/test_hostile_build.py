"""Hostile builds: what careless users, hostile contributors and odd folders do to ``egov build``.

Paths read back from ``reports/manifest.json`` never reach a file outside the reports folder;
``-o`` never deletes or replaces a user's files; a manifest, notebook or parameters file of the
wrong shape is named in one line (a manifest is rebuilt); a report older than its neighbours is
marked so; the PDF renderer fetches nothing from the network. Each case is a real build.
"""

from __future__ import annotations

import http.server
import os
import resource
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from tests.helpers import (CHROMIUM_FLAGS, DATA, EGOV, ROOT, billion_laughs, build, edit_csv, egov_build,
                           make_project)

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
