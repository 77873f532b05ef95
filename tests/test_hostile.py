"""Hostile input and faults: what users feed the package, and what machines do to it.

Each case must end in a clear error and a non-zero exit code, and must leave earlier reports
intact; markup in the data must come out escaped; nothing may be written outside reports/.
Real faults where the machine allows (a read-only and a full filesystem are real tmpfs mounts,
a missing font is really hidden in a private mount namespace); skipped, never faked, where it
does not (not root, no mount namespaces).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import psutil
import pytest

from egov.source import DATA_DIR
from tests.helpers import (CHROMIUM_FLAGS, EGOV, FIX, ROOT, assert_reports_kept, build, edit_csv, ended,
                           files, start_build)


# ------------------------------------------------------------------------------ markup in the data

SCRIPT = '<script>alert("egov-xss")</script>'
IMG = '<img src=x onerror=alert("egov-img")>'
#: Markup a browser would act on: a script element (an element with an event handler is found
#: by parsing, so escaped text inside an attribute, such as a chart's alt text, is not mistaken
#: for one).
LIVE = re.compile(r"<script>alert", re.I)


class _Handlers(HTMLParser):
    """The event-handler attributes (``on…=``) of the elements of an HTML page."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found += [f"<{tag} {k}={v!r}>" for k, v in attrs if k.lower().startswith("on")]


@pytest.mark.slow
def test_markup_in_the_data_is_escaped_in_every_report(tmp_path):
    """Script and event-handler markup in labels, sources, rules and corrections: shown as text."""
    root = tmp_path / "x"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "04_websites.ipynb", root / "notebooks")
    shutil.copytree(DATA_DIR, root / "data")
    d = root / "data"
    edit_csv(d / "breakdowns.csv", "breakdown", "level=county", "name_zh", "县级" + SCRIPT)
    edit_csv(d / "breakdowns.csv", "breakdown", "level=county", "name_en", "County" + SCRIPT)
    edit_csv(d / "indicators.csv", "indicator_id", "gov_websites", "name_zh", "政府网站数量" + IMG)
    edit_csv(d / "indicators.csv", "indicator_id", "gov_websites", "name_en", "Government websites" + IMG)
    edit_csv(d / "sources.csv", "source_id", "qianzhan2020", "title", "十张图" + SCRIPT)
    edit_csv(d / "rules.csv", "rule_id", "websites_levels_sum", "description_zh", "之和" + IMG)
    edit_csv(d / "rules.csv", "rule_id", "websites_levels_sum", "description_en", "sum" + IMG)
    edit_csv(d / "sections.csv", "section", "websites", "name_zh", "政府网站</title>" + SCRIPT)
    edit_csv(d / "sections.csv", "section", "websites", "name_en", "Websites</title>" + SCRIPT)
    out = build(root, "--format", "html", "--workers", "2")
    assert out.returncode == 0, out.stderr
    for lang in ("zh", "en"):
        html = (root / "reports" / lang / "04_websites.html").read_text(encoding="utf-8")
        assert "&lt;script&gt;" in html or "&lt;img" in html, f"{lang}: the crafted strings never reached the report"
        live = LIVE.search(html)
        assert not live, f"{lang}: live markup in the HTML: …{html[live.start() - 80:live.end() + 40]}…"
        assert _Handlers(html).found == [], f"{lang}: an element with an event handler in the HTML"
    _assert_no_script_runs(root / "reports")


def _assert_no_script_runs(reports: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            for page_path in sorted(reports.glob("*/*.html")):
                page = browser.new_page()
                dialogs = []
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                page.goto(page_path.as_uri(), wait_until="load")
                bad_imgs = page.evaluate("document.querySelectorAll('img[src=\"x\"], img[onerror]').length")
                page.close()
                assert not dialogs and bad_imgs == 0, f"{page_path.name}: script ran: {dialogs}"
        finally:
            browser.close()


# ------------------------------------------------------------------------------ paths and parameters

@pytest.mark.parametrize("only", ["../../etc", "/etc/passwd", "..", "reads_websites/../../x"])
def test_path_like_only_is_refused(project, only):
    before = set(project.parent.rglob("*"))
    out = build(project, "--only", only)
    assert out.returncode == 2
    assert "no such section" in out.stderr
    assert set(project.parent.rglob("*")) == before


def test_path_like_parameter_writes_nothing_outside_reports(project):
    outside = project.parent / "escaped"
    out = build(project, "--lang", "en", "--format", "html", "--only", "reads_websites",
                "-p", "code", "../../../escaped/../../etc/x")
    assert out.returncode == 0, out.stderr
    assert not outside.exists()
    written = {p for p in project.rglob("*") if p.is_file()}
    assert all(p.is_relative_to(project) for p in written)
    nb = nbformat.read(project / "reports" / "en" / "reads_websites.ipynb", as_version=4)
    assert "code='../../../escaped/../../etc/x'" in "".join(o.get("text", "") for c in nb.cells
                                                            if c.cell_type == "code" for o in c.outputs)


def test_parameter_values_are_injected_as_literals(project):
    marker = project.parent / f"pwned-{uuid.uuid4().hex}"
    payload = f"'); import os; os.system('touch {marker}'); print('"
    out = build(project, "--lang", "en", "--format", "html", "--only", "reads_websites", "-p", "code", payload)
    assert out.returncode == 0, out.stderr
    assert not marker.exists()
    nb = nbformat.read(project / "reports" / "en" / "reads_websites.ipynb", as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert f"code = {payload!r}" in injected.source


def test_path_like_as_of_is_refused(project):
    out = build(project, "-p", "as_of", "../../etc/passwd")
    assert out.returncode == 2 and "parameter 'as_of'" in out.stderr


# ------------------------------------------------------------------------------ oversized data

def _check_copy(tmp_path, writer) -> tuple[subprocess.CompletedProcess, float, int]:
    d = tmp_path / "data"
    shutil.copytree(DATA_DIR, d)
    with (d / "observations.csv").open("a", encoding="utf-8") as f:
        writer(f)
    t0 = time.monotonic()
    proc = subprocess.Popen([*EGOV, "check"], cwd=ROOT, env={**os.environ, "EGOV_DATA_DIR": str(d)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, psutil.Process(proc.pid).memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.02)
    out, err = proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), time.monotonic() - t0, peak


def test_a_million_rows_fail_fast_with_a_clear_message(tmp_path):
    row = "platform_visits,total,2020-06,1,,reported,qianzhan2020,article,,,,high,\n"
    proc, seconds, peak = _check_copy(tmp_path, lambda f: f.writelines(row for _ in range(1_000_000)))
    assert proc.returncode == 2
    assert "observations.csv: file is" in proc.stderr and "limit for a data table; refusing to read it" in proc.stderr
    assert peak < 400 * 2**20, f"peak memory {peak / 2**20:.0f} MiB"  # it never read the file
    print(f"1,000,000 rows: refused in {seconds:.2f} s, peak RSS {peak / 2**20:.0f} MiB")


def test_a_50_mb_cell_fails_fast_with_a_clear_message(tmp_path):
    proc, seconds, peak = _check_copy(
        tmp_path, lambda f: f.write("platform_visits,total,2020-07,1,,reported,qianzhan2020,article,\""
                                    + "x" * 50 * 2**20 + "\",,,high,\n"))
    assert proc.returncode == 2 and "limit for a data table" in proc.stderr
    assert peak < 400 * 2**20
    print(f"50 MB cell: refused in {seconds:.2f} s, peak RSS {peak / 2**20:.0f} MiB")


# ------------------------------------------------------------------------------ faults

def kernels_of(proc) -> list[psutil.Process]:
    """The kernels a running build has started (warm kernels are named egov-kernel)."""
    out = []
    for p in psutil.Process(proc.pid).children(recursive=True):
        try:
            if p.name() == "egov-kernel" or any("ipykernel" in a for a in p.cmdline()):
                out.append(p)
        except psutil.NoSuchProcess:
            continue
    return out


def wait_for_kernel(proc, seconds: float = 90) -> psutil.Process:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        kernels = kernels_of(proc)
        if kernels:
            return kernels[0]
        time.sleep(0.1)
    raise AssertionError("no kernel started")


def test_killed_worker_fails_clearly_and_keeps_earlier_reports(project):
    shutil.copy(FIX / "slow.ipynb", project / "notebooks" / "reads_platform.ipynb")
    before = files(project / "reports")
    proc = start_build(project, "--lang", "en", "--only", "reads_platform", "--workers", "1")
    kernel = wait_for_kernel(proc)
    time.sleep(1)
    # the build's children: the fork server (the kernel's parent) and the one worker
    victim, = [c for c in psutil.Process(proc.pid).children() if c.pid != kernel.ppid()]
    victim.kill()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "reads_platform.ipynb [en]: the worker process running it died" in err, err
    assert ended(kernel), "the kernel outlived its worker"
    assert_reports_kept(before, files(project / "reports"))


def test_killed_kernel_fails_clearly_and_keeps_earlier_reports(project):
    shutil.copy(FIX / "slow.ipynb", project / "notebooks" / "reads_platform.ipynb")
    before = files(project / "reports")
    proc = start_build(project, "--lang", "en", "--only", "reads_platform")
    kernel = wait_for_kernel(proc)
    time.sleep(1)
    kernel.kill()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "reads_platform.ipynb [en]: cell 4 (In [4], id 'cell-3'): import time" in err, err
    assert "the kernel died (out of memory, or a crash in compiled code)" in err, err
    assert (project / "reports" / "en" / "failed" / "reads_platform.ipynb").is_file()
    assert_reports_kept(before, files(project / "reports"))


def test_missing_cjk_font_is_a_clear_error(tmp_path):
    """Hide the Noto CJK fonts in a private mount namespace; the chart code must say how to fix it."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare to hide the system fonts for one process tree")
    fonts = Path("/usr/share/fonts/opentype/noto")
    if not fonts.is_dir():
        pytest.skip("Noto CJK fonts are not where Debian puts them")
    root = tmp_path / "f"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "04_websites.ipynb", root / "notebooks")
    shutil.copytree(DATA_DIR, root / "data")
    mpl = tmp_path / "mplconfig"
    mpl.mkdir()
    script = (f"mount -t tmpfs tmpfs {fonts} && exec {sys.executable} -m egov build "
              f"--notebooks {root / 'notebooks'} -o {root / 'reports'} --lang zh --format html")
    out = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                         capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={**os.environ, "EGOV_DATA_DIR": str(root / "data"), "MPLCONFIGDIR": str(mpl)})
    if "mount:" in out.stderr and out.returncode != 0 and "egov build" not in out.stderr:
        pytest.skip(f"cannot mount here: {out.stderr.strip()}")
    assert out.returncode == 1, out.stderr
    assert "No Chinese (CJK) font found" in out.stderr and "fonts-noto-cjk" in out.stderr, out.stderr
    assert not (root / "reports" / "zh" / "04_websites.html").exists()


def test_missing_pdf_engine_is_a_clear_error(project, tmp_path):
    shim = tmp_path / "shim" / "weasyprint"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("raise ImportError('No module named weasyprint (hidden by the test)')\n")
    before = files(project / "reports")
    out = build(project, "--lang", "en", "--force",
                env={"PYTHONPATH": f"{shim.parent}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"})
    assert out.returncode != 0
    assert "WeasyPrint" in out.stderr and "pip install" in out.stderr, out.stderr
    assert_reports_kept(before, files(project / "reports"))


def _mount_tmpfs(path: Path, size: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small filesystem")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount tmpfs here: {r.stderr.strip()}")


@pytest.fixture
def small_fs(tmp_path):
    mount = tmp_path / "fs"
    _mount_tmpfs(mount, "8m")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _built_on(fs: Path, fixture_build: Path) -> Path:
    root = fs / "p"
    shutil.copytree(fixture_build, root, symlinks=True)
    return root


def test_read_only_reports_is_a_clear_error(small_fs, fixture_build):
    root = _built_on(small_fs, fixture_build)
    before = files(root / "reports")
    subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    out = build(root, "--lang", "en", "--force")
    assert out.returncode != 0
    assert "read-only" in out.stderr.lower(), out.stderr
    assert "Traceback" not in out.stderr
    assert files(root / "reports") == before


def test_full_disk_is_a_clear_error(small_fs, fixture_build):
    root = _built_on(small_fs, fixture_build)
    before = files(root / "reports")
    free = shutil.disk_usage(small_fs).free
    with open(small_fs / "filler", "wb") as f:  # leave 64 KiB: a report does not fit
        f.write(b"\0" * max(0, free - 64 * 1024))
    out = build(root, "--lang", "en", "--force")
    assert out.returncode != 0
    assert "no space left" in out.stderr.lower(), out.stderr
    assert "Traceback" not in out.stderr
    assert files(root / "reports") == before


def _kernel_that_dies_at_start(tmp_path: Path, times: int) -> dict:
    """A kernelspec `egov-flaky` whose kernel exits at once the first `times` starts."""
    spec = tmp_path / "jupyter" / "kernels" / "egov-flaky"
    spec.mkdir(parents=True)
    starts = tmp_path / "starts"
    launcher = tmp_path / "flaky_kernel.py"
    launcher.write_text(
        "import os, sys\n"
        f"starts = {str(starts)!r}\n"
        "n = len(open(starts).read()) if os.path.exists(starts) else 0\n"
        "open(starts, 'a').write('x')\n"
        f"if n < {times}:\n"
        "    sys.exit(1)\n"
        "os.execv(sys.executable, [sys.executable, '-m', 'ipykernel_launcher'] + sys.argv[1:])\n")
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(launcher), "-f", "{connection_file}"],
        "display_name": "egov (dies at start)", "language": "python"}))
    return {"JUPYTER_PATH": str(tmp_path / "jupyter")}


def test_a_kernel_that_dies_at_start_is_started_again(project, tmp_path):
    env = _kernel_that_dies_at_start(tmp_path, times=1)
    out = build(project, "--lang", "en", "--format", "html", "--only", "reads_platform", "--force",
                "--kernel", "egov-flaky", env=env)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "starts").read_text() == "xx"


def test_a_kernel_that_never_starts_is_a_clear_error(project, tmp_path):
    env = _kernel_that_dies_at_start(tmp_path, times=99)
    before = files(project / "reports")
    out = build(project, "--lang", "en", "--format", "html", "--only", "reads_platform", "--force",
                "--kernel", "egov-flaky", env=env)
    assert out.returncode == 1
    assert "the kernel 'egov-flaky' died while starting (3 tries)" in out.stderr, out.stderr
    assert_reports_kept(before, files(project / "reports"))
