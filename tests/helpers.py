"""Helpers shared by the tests (test modules import from here, never from each other)."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from egov.i18n import LANGS  # the reports' languages, Chinese first (tests import it from here)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIX = Path(__file__).resolve().parent / "fixtures"
BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "test-artifacts"
EGOV = [sys.executable, "-m", "egov"]
#: Headless Chromium's flags for the browser checks.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"]


# ------------------------------------------------------------------------------ data copies

def rewrite(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a copied file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def edit_csv(path: Path, key_col: str, key: str, col: str, value: str) -> None:
    """Set one cell of a data CSV (properly quoted, as a spreadsheet would save it)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    hit = [r for r in rows if r[key_col] == key]
    assert hit, f"{key} not in {path}"
    hit[0][col] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def billion_laughs(levels: int = 9) -> str:
    """A one-line YAML value, a list of anchors ``l0`` … ``l<levels-1>``, each nine aliases of
    the one before: under 1 KB that stands for over 9⁹ (387 million) strings."""
    items = ["&l0 [" + ", ".join(['"lol"'] * 9) + "]"]
    items += [f"&l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, levels)]
    return "[" + ", ".join(items) + "]"


def reseal(data_dir: Path, key: str) -> None:
    """Record a raw file's new checksum in the copy's origin record (to test a changed raw table)."""
    origin = data_dir / "raw" / "origin.yaml"
    record = yaml.safe_load(origin.read_text(encoding="utf-8"))
    path = data_dir / "raw" / record["files"][key]["path"]
    old = record["files"][key]["sha256"]
    rewrite(origin, old, hashlib.sha256(path.read_bytes()).hexdigest())


def artifact(*parts: str) -> Path:
    """A path under test-artifacts/ (git-ignored) for screenshots and renders a person can open."""
    path = ARTIFACTS.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


# ------------------------------------------------------------------------------ builds

def make_project(root: Path, notebooks: dict[str, str], data: bool = True) -> Path:
    """``root/notebooks`` holding fixtures (target name → fixture name) and a copy of data/."""
    (root / "notebooks").mkdir(parents=True)
    for name, fixture in notebooks.items():
        shutil.copy(FIX / f"{fixture}.ipynb", root / "notebooks" / f"{name}.ipynb")
    if data:
        shutil.copytree(DATA, root / "data")
    return root


def egov_build(root: Path, *args) -> int:
    """``egov build`` in this process, on ``root/notebooks`` into ``root/reports``."""
    from egov.cli import main

    return main(["build", "--notebooks", str(root / "notebooks"), "-o", str(root / "reports"),
                 *map(str, args)])


def run_egov(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
    """``python -m egov ARGS`` in a new process."""
    return subprocess.run([*EGOV, *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def build(root: Path, *args, env=None) -> subprocess.CompletedProcess:
    """``egov build`` in a new process, on ``root``'s notebooks, data copy and reports."""
    return run_egov("build", "--notebooks", root / "notebooks", "-o", root / "reports", *args,
                    env={"EGOV_DATA_DIR": str(root / "data"), **(env or {})})


def start_build(root: Path, *args, env=None) -> subprocess.Popen:
    """``egov build`` started in a new process (to signal or kill it)."""
    return subprocess.Popen([*EGOV, "build", "--notebooks", str(root / "notebooks"), "-o",
                             str(root / "reports"), *map(str, args)], cwd=ROOT,
                            env={**os.environ, "EGOV_DATA_DIR": str(root / "data"), **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def dry_run(root: Path, capsys, *args) -> dict[str, str]:
    """``--dry-run`` lines by report key: ``run: reason``, ``render (...)``, ``fresh``."""
    capsys.readouterr()
    assert egov_build(root, "--dry-run", *args) == 0
    plan = {}
    for line in capsys.readouterr().out.splitlines():
        m = re.match(r"(run|render|fresh)\s+([^\s:]+)(.*)", line)
        if m:
            plan[m.group(2)] = (m.group(1) + m.group(3)).strip()
    return plan


def files(reports: Path) -> dict[str, bytes]:
    """Every file of a reports folder (but its lock), by relative path."""
    from egov.build.layout import LOCK

    return {p.relative_to(reports).as_posix(): p.read_bytes()
            for p in sorted(reports.rglob("*")) if p.is_file() and p.name != LOCK}


def assert_reports_kept(before: dict, after: dict) -> None:
    """Every earlier report is still there, byte for byte (the manifest and index may record
    the failure)."""
    kept = {k: v for k, v in before.items() if k.startswith(("en/", "zh/"))}
    assert kept and {k: after.get(k) for k in kept} == kept


def copy_project(built: Path, dest: Path) -> Path:
    """A copy of a built project (notebooks, data, reports) to change things in."""
    shutil.copytree(built, dest, symlinks=True)
    return dest


def ended(process) -> bool:
    """A psutil process that has ended (a zombie not yet reaped counts as ended)."""
    import psutil

    try:
        return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


# ------------------------------------------------------------------------------ charts and notebooks

def make_chart(chart_id: str, lang: str, sections, egdi, as_of: str = "2020-06"):
    """A chart drawn as a notebook draws it, from the ``sections`` and ``egdi`` fixtures."""
    from egov import charts, un

    c = charts.CHARTS[chart_id]
    return charts.make(chart_id, lang, as_of, obs=sections.get(c.section), egdi=egdi, peers=un.DEFAULT_PEERS)


def execute_report(notebook: Path, lang: str, parameters: dict, out: Path):
    """Execute one notebook as ``egov build`` does, without rendering it: the build's worker
    runs it through the ``egov`` papermill engine, on a kernel forked from this process's
    template (started with the first notebook, reused by the next), with the build's kernel
    environment and data-read trace. Returns the worker's result: ``ok``, ``error`` (naming
    the cell) and ``outputs["ipynb"]``, the executed notebook."""
    from egov import project
    from egov.build import worker
    from egov.build.engine import kernel_env
    from egov.build.layout import record_name, show
    from egov.build.records import ReportTask

    data_dir = project.find().data
    task = ReportTask(key=f"{lang}/{notebook.stem}", notebook=str(notebook), label=show(notebook),
                      record=record_name(notebook), lang=lang, parameters={"lang": lang, **parameters},
                      execute=True, executed=None, formats=(), kernel=None, timeout=None, show_code=False,
                      kernel_env=kernel_env(data_dir), data_dir=str(data_dir), staging=str(out))
    return worker.run_report(task)
