"""Shared fixtures: throw-away copies of data/, builds made once per test run, chart inputs.

Two builds serve the whole suite, each made once per run: ``built_reports`` (every section
notebook, both languages, HTML and PDF: what the browser, PDF, language and hostile-input tests
open) and ``fixture_build`` (the small fixture notebooks, both languages: what the build's cache
and fault tests copy and change). Tests only read them; a test that changes one copies it first.
Each starts in the background before the first test, when a selected test reads it
(:func:`start`), and a test that reads it waits only for what is still running (:func:`wait`).

``make test`` spreads the tests over the CPUs with pytest-xdist (``-n auto --dist loadscope``),
each *scope* on one worker, its tests one after another: a module's tests (its module fixtures
are made once), or a test of a :data:`SPREAD` module on its own. Scopes are handed out in the
order of :func:`pytest_collection_modifyitems`: modules that read no shared build first (while
the builds run), then those that do, then the :data:`SPREAD` tests (short units that fill the
workers at the end).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import DATA, EGOV, ROOT, copy_project, make_project

collect_ignore_glob = ["fixtures/*"]

#: Modules whose tests are scopes of their own (long tests without module fixtures).
SPREAD = ("tests/test_every_edition.py",)


# ------------------------------------------------------------------------------ scheduling

def scope(nodeid: str) -> str:
    """The scope pytest-xdist runs a test in: the test itself (a :data:`SPREAD` module's) or its
    module."""
    path = nodeid.split("::")[0]
    return nodeid if path in SPREAD else path


def pytest_collection_modifyitems(items):
    """Modules that read no shared build, then those that do, then the :data:`SPREAD` tests
    (each group in collection order)."""
    reads = {scope(i.nodeid) for i in items if BUILDS.keys() & set(getattr(i, "fixturenames", ()))}

    def rank(item) -> int:
        return 2 if item.nodeid.split("::")[0] in SPREAD else 1 if scope(item.nodeid) in reads else 0

    items.sort(key=rank)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadscope`` with the scopes of :func:`scope`, handed out in collection order."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope(nodeid)

    config.option.loadscopereorder = False  # the order above, not the largest scope first
    return Scheduling(config, log)


# ------------------------------------------------------------------------------ shared builds

def _reports(folder: Path) -> tuple[list, dict]:
    return ["build", "-o", folder, "--workers", "2"], {}


def _fixtures(folder: Path) -> tuple[list, dict]:
    make_project(folder, {"reads_websites": "reads_websites", "reads_platform": "reads_platform"})
    return (["build", "--notebooks", folder / "notebooks", "-o", folder / "reports", "--workers", "2"],
            {"EGOV_DATA_DIR": str(folder / "data")})


#: Fixture name → how to make its folder and the ``egov`` command that builds it.
BUILDS = {"built_reports": _reports, "fixture_build": _fixtures}
_started: dict[str, subprocess.Popen] = {}  # the builds this process started (to reap them)


def _run_dir(config) -> Path:
    """The run's temporary folder, shared by pytest-xdist's workers (each has its own below)."""
    base = config._tmp_path_factory.getbasetemp()  # noqa: SLF001 - as pytest-xdist reads it
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def start(config, name: str) -> None:
    """Start the shared build ``name`` in the background, unless this run has started it."""
    run = _run_dir(config)
    with open(run / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if (run / f"{name}.pid").exists():
            return
        args, env = BUILDS[name](run / name)
        # the shell records the exit code when the build ends, whichever process waits for it
        record = '"$@" > "$0.log" 2>&1; echo $? > "$0.exit.tmp"; mv "$0.exit.tmp" "$0.exit"'
        proc = subprocess.Popen(["sh", "-c", record, str(run / name), *EGOV, *map(str, args)], cwd=ROOT,
                                env={**os.environ, **env}, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        _started[name] = proc
        (run / f"{name}.pid").write_text(str(proc.pid))


def wait(config, name: str, timeout: float = 1800) -> Path:
    """The shared build's folder, once it has ended; the test fails if the build did."""
    start(config, name)
    run = _run_dir(config)
    deadline = time.monotonic() + timeout
    while not (run / f"{name}.exit").exists():
        if name in _started:
            _started[name].poll()  # reap it
        if time.monotonic() > deadline:
            pytest.fail(f"the shared build {name} did not end in {timeout:.0f} s; log: {run / name}.log")
        time.sleep(0.2)
    code = (run / f"{name}.exit").read_text().strip()
    if code != "0":
        log = (run / f"{name}.log").read_text(errors="replace")
        pytest.fail(f"the shared build {name} failed (exit {code}):\n{log[-4000:]}", pytrace=False)
    return run / name


@pytest.fixture(scope="session", autouse=True)
def _start_shared_builds(request):
    """Before the first test: start the builds that the selected tests read."""
    wanted = {n for item in request.session.items for n in getattr(item, "fixturenames", ()) if n in BUILDS}
    for name in sorted(wanted):
        start(request.config, name)


def pytest_sessionfinish(session):
    """At the end of the run (in pytest-xdist's controller once every worker has ended): stop a
    shared build still running (the run was interrupted), by the process group it was started in."""
    if os.environ.get("PYTEST_XDIST_WORKER") or not hasattr(session.config, "_tmp_path_factory"):
        return
    run = _run_dir(session.config)
    for name in BUILDS:
        pid = run / f"{name}.pid"
        if pid.exists() and not (run / f"{name}.exit").exists():
            try:
                os.killpg(int(pid.read_text()), signal.SIGTERM)
            except (ProcessLookupError, ValueError):
                pass
    for proc in _started.values():
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            pass


@pytest.fixture(scope="session")
def built_reports(request) -> Path:
    """Every report in both languages, HTML and PDF, built once for the run into a temporary
    folder."""
    return wait(request.config, "built_reports")


@pytest.fixture(scope="session")
def fixture_build(request) -> Path:
    """Two fixture notebooks built in both languages, HTML and PDF, on a data copy: a project
    folder (notebooks/, data/, reports/) that tests copy before changing anything."""
    return wait(request.config, "fixture_build")


@pytest.fixture
def project(fixture_build, tmp_path, monkeypatch) -> Path:
    """A copy of the built fixture project (notebooks, data, reports: every report, both
    languages, HTML and PDF) to change things in, with EGOV_DATA_DIR pointing at its data."""
    root = copy_project(fixture_build, tmp_path / "p")
    monkeypatch.setenv("EGOV_DATA_DIR", str(root / "data"))
    return root


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ in a temporary folder."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


# ------------------------------------------------------------------------------ chart inputs

@pytest.fixture(scope="module")
def sections() -> dict[str, pd.DataFrame]:
    """Each charted section's observations, as the notebooks read them."""
    from egov import data

    return {s: data.observations(section=s) for s in ("platform", "capability", "sharing", "websites", "new_media")}


@pytest.fixture(scope="module")
def egdi() -> pd.DataFrame:
    from egov import data

    return data.un_egdi()


@pytest.fixture
def close_figures():
    """Close the test's matplotlib figures after it."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
