"""Shared fixtures: throw-away copies of data/, builds made once per test run, chart inputs.

Two builds serve the whole suite, each made once per run: ``built_reports`` (every section
notebook, both languages, HTML and PDF: what the browser, PDF and hostile-input tests open) and
``fixture_build`` (the small fixture notebooks, both languages: what the build's cache and
fault tests copy and change). Tests only read them; a test that changes one copies it first.

``make test`` spreads the tests over the CPUs with pytest-xdist (``-n auto --dist loadscope``),
each *scope* on one worker, its tests one after another (:func:`scope`): a module's tests
(its module fixtures are made once); the tests that read ``built_reports``, all together, and
first (the longest chain: no worker waits for a build another one is making); the tests of a
:data:`SPREAD` module one by one, last (short units that fill the workers at the end). A build
made "once" is made by the first worker that asks for it while the others wait (:func:`once`).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import DATA, build, make_project, run_egov

collect_ignore_glob = ["fixtures/*"]


#: Tests that read ``built_reports`` (node id prefixes): one scope, run first.
SHARED_BUILD = ("tests/test_browser.py", "tests/test_pdf.py", "tests/test_build.py::test_real_section_notebooks_build")
#: Modules whose tests are scopes of their own (long tests without module fixtures), run last.
SPREAD = ("tests/test_every_edition.py",)


def scope(nodeid: str) -> str:
    """The scope pytest-xdist runs a test in: ``built_reports``, the test itself (a
    :data:`SPREAD` module's), or its module."""
    if nodeid.startswith(SHARED_BUILD):
        return "built_reports"
    path = nodeid.split("::")[0]
    return nodeid if path in SPREAD else path


def pytest_collection_modifyitems(items):
    """Every test that reads ``built_reports`` is in :data:`SHARED_BUILD`; under pytest-xdist,
    its scope first and :data:`SPREAD` tests last (the workers' collections, in this order,
    are the order the scopes are handed out)."""
    for item in items:
        if "built_reports" in getattr(item, "fixturenames", ()) and scope(item.nodeid) != "built_reports":
            raise pytest.UsageError(f"{item.nodeid} reads built_reports: add it to SHARED_BUILD in "
                                    "tests/conftest.py, so that one worker runs every such test")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        rank = {"built_reports": 0}
        items.sort(key=lambda i: rank.get(scope(i.nodeid), 2 if i.nodeid.startswith(SPREAD) else 1))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadscope`` with the scopes of :func:`scope`, handed out in collection order."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope(nodeid)

    config.option.loadscopereorder = False  # keep the order above, not the largest scope first
    return Scheduling(config, log)


def once(tmp_path_factory, name: str, make) -> Path:
    """``make(folder)`` once per test run, also across pytest-xdist's workers: the first to
    ask makes it, holding a lock, and the others wait and reuse it. A failure is recorded and
    reported to every test that asks, without trying again."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    folder, done, failed = base / name, base / f"{name}.done", base / f"{name}.failed"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if failed.exists():
            pytest.fail(failed.read_text(encoding="utf-8"), pytrace=False)
        if not done.exists():
            try:
                make(folder)
            except BaseException as err:
                failed.write_text(f"{name} could not be made: {err}", encoding="utf-8")
                raise
            done.touch()
    return folder


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ in a temporary folder."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def _build_reports(out: Path) -> None:
    run = run_egov("build", "-o", out, "--workers", "2")
    assert run.returncode == 0, run.stdout + run.stderr


def _build_fixtures(root: Path) -> None:
    make_project(root, {"reads_websites": "reads_websites", "reads_platform": "reads_platform"})
    out = build(root, "--workers", "2")
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory) -> Path:
    """Every report in both languages, built once for the run into a temporary folder."""
    return once(tmp_path_factory, "reports", _build_reports)


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory) -> Path:
    """Two fixture notebooks built in both languages, HTML and PDF, on a data copy: a project
    folder (notebooks/, data/, reports/) that tests copy before changing anything."""
    return once(tmp_path_factory, "fixtures", _build_fixtures)


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
